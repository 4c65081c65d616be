// Code actions for LeakLint diagnostics: the rule's fixes, suppression comments (and removing unused ones),
// documentation, fix-all.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { mergeFixes, type Edit } from '../engine/fix';
import { docsUrl, type Finding, type Fix } from '../engine/rule';
import { DISABLE_FILE, DISABLE_LINE, DISABLE_NEXT_LINE } from '../engine/suppressions';
import { ruleById } from '../rules';
import { SHOW_DOCS_COMMAND, type DisableCommentLocation } from './protocol';

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
 * `commentAt`: where "Disable … for this line" writes its comment.
 */
export function actionsFor(
  doc: TextDocument,
  diagnostic: Diagnostic,
  finding: Finding | undefined,
  findings: readonly Finding[],
  commentAt: DisableCommentLocation,
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
      workspaceEdit(doc, [disableLineEdit(doc, diagnostic.range.start.line, ruleId, eol, commentAt)]),
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
const SAME_LINE_COMMENT = new RegExp(`//[ \\t]*${DISABLE_LINE}\\b`);

/** A line's start offset and its text without the line break. */
function lineAt(doc: TextDocument, line: number): { start: number; text: string } {
  const all = doc.getText();
  const start = doc.offsetAt({ line, character: 0 });
  const end = line + 1 < doc.lineCount ? doc.offsetAt({ line: line + 1, character: 0 }) : all.length;
  return { start, text: all.slice(start, end).replace(/\r?\n$/, '') };
}

/** Adds the rule to the list of the suppression comment that `comment` finds in the line, when there is one. */
function addToComment(doc: TextDocument, line: number, comment: RegExp, ruleId: string): Edit | undefined {
  const { start, text } = lineAt(doc, line);
  const match = comment.exec(text);
  if (!match) return undefined;
  const listStart = match.index + match[0].length;
  const reason = text.slice(listStart).search(/[ \t]*--/); // the rule list ends where a `-- reason` starts
  const at = start + (reason < 0 ? text.length : listStart + reason);
  return { start: at, end: at, newText: ` ${ruleId}` };
}

/**
 * `separateLine`: `// leaklint-disable-next-line <rule>` above the line, in its indentation; `sameLine`:
 * `// leaklint-disable-line <rule>` at its end. When the line already has such a comment the rule is added to its
 * list instead (a second comment line above would end up suppressing the first).
 */
function disableLineEdit(doc: TextDocument, line: number, ruleId: string, eol: string, commentAt: DisableCommentLocation): Edit {
  const { start, text } = lineAt(doc, line);
  if (commentAt === 'sameLine') {
    const end = start + text.trimEnd().length;
    return addToComment(doc, line, SAME_LINE_COMMENT, ruleId) ?? { start: end, end, newText: ` // ${DISABLE_LINE} ${ruleId}` };
  }
  const above = line > 0 ? addToComment(doc, line - 1, NEXT_LINE_COMMENT, ruleId) : undefined;
  const indent = /^[ \t]*/.exec(text)![0];
  return above ?? { start, end: start, newText: `${indent}// ${DISABLE_NEXT_LINE} ${ruleId}${eol}` };
}

/** Removes a suppression comment that suppresses nothing: its whole line when nothing else is on it. */
export function removeDirectiveAction(doc: TextDocument, diagnostic: Diagnostic): CodeAction {
  const text = doc.getText();
  let start = doc.offsetAt(diagnostic.range.start);
  let end = doc.offsetAt(diagnostic.range.end);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline + 1;
  const blank = (s: string) => /^[ \t]*$/.test(s);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd).replace(/\r?\n$/, '');
  if (blank(before) && blank(after)) [start, end] = [lineStart, lineEnd];
  // else the comment goes with the blanks between it and the code
  else if (blank(before)) end += /^[ \t]*/.exec(after)![0].length;
  else start -= /[ \t]*$/.exec(before)![0].length;
  return quickFix('Remove unused leaklint-disable directive', diagnostic, workspaceEdit(doc, [{ start, end, newText: '' }]), true);
}
