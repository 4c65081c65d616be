// Code actions for LeakLint diagnostics: the rule's fixes, suppression comments, documentation, fix-all.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { mergeFixes, type Edit } from '../engine/fix';
import { docsUrl, type Finding, type Fix } from '../engine/rule';
import { DISABLE_FILE, DISABLE_NEXT_LINE } from '../engine/suppressions';
import { ruleById } from '../rules';
import { SHOW_DOCS_COMMAND } from './protocol';

/** The fix to apply when a finding is fixed as part of a batch: the preferred one, else the first. */
export function batchFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.preferred) ?? finding.fixes[0];
}

/** One edit turning the document's text into `text` (common prefix and suffix kept, so the cursor stays put). */
export function replaceTextEdit(doc: TextDocument, text: string): TextEdit[] {
  const old = doc.getText();
  if (old === text) return [];
  let start = 0;
  while (start < old.length && start < text.length && old[start] === text[start]) start++;
  let end = 0;
  while (end < old.length - start && end < text.length - start && old[old.length - 1 - end] === text[text.length - 1 - end]) end++;
  return [
    { range: { start: doc.positionAt(start), end: doc.positionAt(old.length - end) }, newText: text.slice(start, text.length - end) },
  ];
}

function workspaceEdit(doc: TextDocument, edits: readonly Edit[]): WorkspaceEdit {
  return {
    changes: {
      [doc.uri]: edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText })),
    },
  };
}

function quickFix(title: string, diagnostic: Diagnostic, edit: WorkspaceEdit, isPreferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, ...(isPreferred ? { isPreferred } : {}) };
}

/**
 * The actions for one LeakLint diagnostic. `finding` is the finding behind it in the current text (undefined when
 * it is stale) and `findings` all of the file's findings; edits are offsets into `doc`'s current text.
 */
export function actionsFor(
  doc: TextDocument,
  diagnostic: Diagnostic,
  finding: Finding | undefined,
  findings: readonly Finding[],
): CodeAction[] {
  const ruleId = String(diagnostic.code);
  const actions: CodeAction[] = [];
  for (const fix of finding?.fixes ?? []) actions.push(quickFix(fix.title, diagnostic, workspaceEdit(doc, fix.edits), fix.preferred));

  const fixable = findings.filter((f) => f.ruleId === ruleId && f.fixes.length);
  if (finding?.fixes.length && fixable.length > 1) {
    const edits = mergeFixes(fixable.map((f) => batchFix(f)!)).flatMap((fix) => fix.edits);
    actions.push(quickFix(`Fix all ${ruleId} problems in this file`, diagnostic, workspaceEdit(doc, edits)));
  }

  const text = doc.getText();
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  actions.push(
    quickFix(
      `Disable ${ruleId} for this line`,
      diagnostic,
      workspaceEdit(doc, [disableLineEdit(doc, diagnostic.range.start.line, ruleId, eol)]),
    ),
  );
  // at the top, but after a shebang, which must stay on the first line
  let top = 0;
  let lead = '';
  if (text.startsWith('#!')) {
    const newline = text.indexOf('\n');
    [top, lead] = newline < 0 ? [text.length, eol] : [newline + 1, ''];
  }
  const fileComment = `${lead}/* ${DISABLE_FILE} ${ruleId} */${eol}`;
  actions.push(
    quickFix(`Disable ${ruleId} for this file`, diagnostic, workspaceEdit(doc, [{ start: top, end: top, newText: fileComment }])),
  );

  const docs = ruleById(ruleId) && docsUrl(ruleId);
  if (docs) {
    actions.push({
      title: `Show documentation for ${ruleId}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${ruleId}`, command: SHOW_DOCS_COMMAND, arguments: [docs] },
    });
  }
  return actions;
}

const NEXT_LINE_COMMENT = new RegExp(`^[ \\t]*//[ \\t]*${DISABLE_NEXT_LINE}\\b`);

/**
 * `// leaklint-disable-next-line <rule>` above the line, in its indentation; when the line above already is such a
 * comment the rule is added to its list instead (a second comment line would end up suppressing the first).
 */
function disableLineEdit(doc: TextDocument, line: number, ruleId: string, eol: string): Edit {
  const text = doc.getText();
  const lineStart = doc.offsetAt({ line, character: 0 });
  if (line > 0) {
    const aboveStart = doc.offsetAt({ line: line - 1, character: 0 });
    const above = text.slice(aboveStart, lineStart).replace(/\r?\n$/, '');
    if (NEXT_LINE_COMMENT.test(above)) {
      const reason = above.search(/[ \t]*--/); // the rule list ends where a `-- reason` starts
      const at = aboveStart + (reason < 0 ? above.length : reason);
      return { start: at, end: at, newText: ` ${ruleId}` };
    }
  }
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return { start: lineStart, end: lineStart, newText: `${indent}// ${DISABLE_NEXT_LINE} ${ruleId}${eol}` };
}
