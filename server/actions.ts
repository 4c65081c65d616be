// Code actions for LeakLint diagnostics: the rule's fixes, suppression comments, documentation, fix-all.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit } from '../engine/fix';
import type { TextEdit as EngineEdit, Finding, Fix } from '../engine/rule';
import { DISABLE_FILE, DISABLE_NEXT_LINE } from '../engine/suppressions';
import { ruleById } from '../rules';
import { SHOW_DOCS_COMMAND } from './protocol';

/** The fix to apply when a finding is fixed as part of a batch: the preferred one, else the first. */
export function batchFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.preferred) ?? finding.fixes[0];
}

/**
 * The edits of the fixes, in order, skipping any fix that overlaps (or touches) an edit already taken, so that
 * every taken fix applies exactly as its rule computed it.
 */
export function mergeFixes(fixes: readonly Fix[]): EngineEdit[] {
  const taken: EngineEdit[] = [];
  for (const fix of fixes) {
    const clash = fix.edits.some((e) => taken.some((t) => t.file === e.file && e.start <= t.end && t.start <= e.end));
    if (!clash) taken.push(...fix.edits);
  }
  return taken;
}

/** Applies non-overlapping offset edits to a text. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** One edit turning the document's text into `text` (common prefix and suffix kept, so the cursor stays put). */
export function replaceTextEdit(doc: TextDocument, text: string): TextEdit[] {
  const old = doc.getText();
  if (old === text) return [];
  let start = 0;
  while (start < old.length && start < text.length && old[start] === text[start]) start++;
  let end = 0;
  while (end < old.length - start && end < text.length - start && old[old.length - 1 - end] === text[text.length - 1 - end]) end++;
  return [{ range: { start: doc.positionAt(start), end: doc.positionAt(old.length - end) }, newText: text.slice(start, text.length - end) }];
}

function workspaceEdit(doc: TextDocument, edits: readonly Edit[]): WorkspaceEdit {
  return { changes: { [doc.uri]: edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText })) } };
}

function quickFix(title: string, diagnostic: Diagnostic, edit: WorkspaceEdit, isPreferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, ...(isPreferred ? { isPreferred } : {}) };
}

/**
 * The actions for one LeakLint diagnostic. `finding` is the finding behind it in the current text (undefined when
 * it is stale) and `findings` all of the file's findings; edits are offsets into `doc`'s current text.
 */
export function actionsFor(doc: TextDocument, diagnostic: Diagnostic, finding: Finding | undefined, findings: readonly Finding[]): CodeAction[] {
  const ruleId = String(diagnostic.code);
  const actions: CodeAction[] = [];
  for (const fix of finding?.fixes ?? []) actions.push(quickFix(fix.title, diagnostic, workspaceEdit(doc, fix.edits), fix.preferred));

  const fixable = findings.filter((f) => f.ruleId === ruleId && f.fixes.length);
  if (finding?.fixes.length && fixable.length > 1) {
    const edits = mergeFixes(fixable.map((f) => batchFix(f)!));
    actions.push(quickFix(`Fix all ${ruleId} problems in this file`, diagnostic, workspaceEdit(doc, edits)));
  }

  const text = doc.getText();
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = diagnostic.range.start.line;
  const lineStart = doc.offsetAt({ line, character: 0 });
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  actions.push(
    quickFix(`Disable ${ruleId} for this line`, diagnostic, workspaceEdit(doc, [{ start: lineStart, end: lineStart, newText: `${indent}// ${DISABLE_NEXT_LINE} ${ruleId}${eol}` }])),
  );
  // after a shebang, which must stay on the first line
  const top = text.startsWith('#!') ? (text.indexOf('\n') + 1 || text.length) : 0;
  const fileComment = `/* ${DISABLE_FILE} ${ruleId} */${eol}`;
  actions.push(quickFix(`Disable ${ruleId} for this file`, diagnostic, workspaceEdit(doc, [{ start: top, end: top, newText: top && top === text.length ? eol + fileComment : fileComment }])));

  const docs = ruleById(ruleId)?.meta.docs;
  if (docs) {
    actions.push({ title: `Show documentation for ${ruleId}`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: `Show documentation for ${ruleId}`, command: SHOW_DOCS_COMMAND, arguments: [docs] } });
  }
  return actions;
}
