// Fixes: the building blocks rules compute their edits with (AST positions, the file's own indentation), and how
// fixes are applied: edits to a text, non-overlapping fixes together, and fix passes until nothing changes (used by
// the server's source.fixAll, the rule tester and the fix checks).
import ts = require('typescript');
import type { Finding, Fix } from './rule';

export interface Edit {
  start: number;
  end: number;
  newText: string;
}

/** The file's indentation unit (tab, or the smallest leading run of spaces seen). */
export function indentUnit(file: ts.SourceFile): string {
  const text = file.text;
  if (/^\t/m.test(text)) return '\t';
  let min = Infinity;
  // a block comment's continuation lines (` * …`) are aligned to its opening, not indented
  for (const m of text.matchAll(/^( +)[^\s*]/gm)) min = Math.min(min, m[1].length);
  return ' '.repeat(Number.isFinite(min) && min > 0 && min <= 8 ? min : 2);
}

export function newline(file: ts.SourceFile): string {
  return file.text.includes('\r\n') ? '\r\n' : '\n';
}

/** The leading whitespace of the line `pos` is on. */
export function indentAt(file: ts.SourceFile, pos: number): string {
  const lineStart = file.getPositionOfLineAndCharacter(file.getLineAndCharacterOfPosition(pos).line, 0);
  return /^[ \t]*/.exec(file.text.slice(lineStart))![0];
}

export function lineStartOf(file: ts.SourceFile, pos: number): number {
  return file.getPositionOfLineAndCharacter(file.getLineAndCharacterOfPosition(pos).line, 0);
}

/** The file lines (0-based) that begin inside a multi-line template literal in [start, end): re-indenting them changes its text. */
function linesInTemplates(file: ts.SourceFile, start: number, end: number): Set<number> {
  const lines = new Set<number>();
  const line = (pos: number) => file.getLineAndCharacterOfPosition(pos).line;
  const visit = (n: ts.Node): void => {
    if (n.end <= start || n.pos >= end) return;
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) {
      for (let l = line(n.getStart(file)) + 1; l <= line(n.getEnd()); l++) lines.add(l);
    } else ts.forEachChild(n, visit);
  };
  visit(file);
  return lines;
}

/**
 * Wraps the contiguous statements `first..last` in `try { … } finally { <finallyCode> }`, indenting them one level
 * (lines inside a multi-line template literal keep their text). A first statement that shares its line with the code
 * before it (`const s = open(); s.write(1);`) moves to a line of its own.
 */
export function wrapInTryFinally(file: ts.SourceFile, first: ts.Statement, last: ts.Statement, finallyCode: string): Edit {
  const nl = newline(file);
  const unit = indentUnit(file);
  const firstStart = first.getStart(file);
  const indent = indentAt(file, firstStart);
  const lineStart = lineStartOf(file, firstStart);
  const sharesLine = file.text.slice(lineStart, firstStart).trim() !== '';
  // from the end of the code before it, so no trailing space is left behind
  const start = !sharesLine ? lineStart : file.text.slice(first.pos, firstStart).trim() ? firstStart : first.pos;
  const end = last.getEnd();
  const firstLine = file.getLineAndCharacterOfPosition(firstStart).line;
  const kept = linesInTemplates(file, start, end);
  const inner = file.text
    .slice(sharesLine ? firstStart : start, end)
    .split(/\r?\n/)
    .map((l, i) => (!l.trim() || kept.has(firstLine + i) ? l : unit + (sharesLine && i === 0 ? indent : '') + l))
    .join(nl);
  const opening = `${sharesLine ? nl : ''}${indent}try {${nl}`;
  return { start, end, newText: `${opening}${inner}${nl}${indent}} finally {${nl}${indent}${unit}${finallyCode}${nl}${indent}}` };
}

/** Inserts a statement as the last statement of a function or method body. */
export function appendToBody(file: ts.SourceFile, body: ts.Block, statement: string): Edit {
  const nl = newline(file);
  const unit = indentUnit(file);
  const closeBrace = body.getEnd() - 1;
  const braceIndent = indentAt(file, closeBrace);
  const last = body.statements.at(-1);
  const indent = last ? indentAt(file, last.getStart(file)) : braceIndent + unit;
  if (last) return { start: last.getEnd(), end: last.getEnd(), newText: `${nl}${indent}${statement}` };
  // empty body: `{}` or `{\n}` → put the statement on its own line
  return { start: body.getStart(file) + 1, end: closeBrace, newText: `${nl}${indent}${statement}${nl}${braceIndent}` };
}

/** Inserts a class member before the first member (or into an empty class body). */
export function insertClassMember(file: ts.SourceFile, cls: ts.ClassLikeDeclaration, member: string): Edit {
  const nl = newline(file);
  const first = cls.members[0];
  if (first) {
    const indent = indentAt(file, first.getStart(file));
    const at = lineStartOf(file, first.getStart(file));
    return { start: at, end: at, newText: `${indent}${member}${nl}` };
  }
  const open = cls.members.pos; // just after `{`
  const indent = indentAt(file, cls.getStart(file)) + indentUnit(file);
  return { start: open, end: open, newText: `${nl}${indent}${member}` };
}

/** A member name not yet used by the class. */
export function freshMemberName(cls: ts.ClassLikeDeclaration, base: string): string {
  const taken = new Set(cls.members.map((m) => (m.name && (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) ? m.name.text : '')));
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

export function isTypeScriptFile(file: ts.SourceFile): boolean {
  return /\.[cm]?tsx?$/.test(file.fileName);
}

/** True when the node is inside an async function (so `await` can be added). */
export function inAsyncFunction(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  }
  return false;
}

/** Inserts a class member after the last member (or into an empty class body). */
export function appendClassMember(file: ts.SourceFile, cls: ts.ClassLikeDeclaration, member: string): Edit {
  const last = cls.members.at(-1);
  if (!last) return insertClassMember(file, cls, member);
  const nl = newline(file);
  const indent = indentAt(file, last.getStart(file));
  return { start: last.getEnd(), end: last.getEnd(), newText: `${nl}${nl}${indent}${member.split('\n').join(nl + indent)}` };
}

/**
 * Inserts `code` as a statement just before `statement`. A statement that is the body of an if/else/loop without
 * braces is wrapped in a block so the new statement runs only on that path.
 */
export function insertBeforeStatement(file: ts.SourceFile, statement: ts.Statement, code: string): Edit {
  const start = statement.getStart(file);
  const p = statement.parent;
  if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) {
    return { start, end: start, newText: `${code}${newline(file)}${indentAt(file, start)}` };
  }
  return { start, end: statement.getEnd(), newText: `{ ${code} ${statement.getText(file)} }` };
}

/** Inserts `code` as a statement just after `statement` (which must sit in a statement list), on its own line. */
export function insertAfterStatement(file: ts.SourceFile, statement: ts.Statement, code: string): Edit {
  const end = statement.getEnd();
  return { start: end, end, newText: `${newline(file)}${indentAt(file, statement.getStart(file))}${code}` };
}

/**
 * Inserts a module-level declaration before the top-level statement that contains `node`, above its leading comments
 * (JSDoc stays attached).
 */
export function insertModuleDeclaration(file: ts.SourceFile, node: ts.Node, code: string): Edit | undefined {
  let top: ts.Node = node;
  while (top.parent && !ts.isSourceFile(top.parent)) top = top.parent;
  if (!top.parent) return undefined;
  // the comments directly above (no blank line in between) belong to the statement; a file header does not
  let first = top.getStart(file);
  for (const c of (ts.getLeadingCommentRanges(file.text, top.pos) ?? []).reverse()) {
    if (/\n[ \t]*\r?\n/.test(file.text.slice(c.end, first))) break;
    first = c.pos;
  }
  const at = lineStartOf(file, first);
  return { start: at, end: at, newText: `${code}${newline(file)}` };
}

/** An identifier based on `base` that the file does not use anywhere yet. */
export function freshIdentifier(file: ts.SourceFile, base: string): string {
  const taken = identifierTexts(file);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** Per parsed file (its tree never changes): every identifier's text, so a file's fixes do not walk it once each. */
const identifiersByFile = new WeakMap<ts.SourceFile, Set<string>>();

function identifierTexts(file: ts.SourceFile): Set<string> {
  let taken = identifiersByFile.get(file);
  if (taken) return taken;
  const found = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) found.add(n.text);
    n.forEachChild(visit);
  };
  visit(file);
  identifiersByFile.set(file, (taken = found));
  return taken;
}

/** `seenIds` → `SEEN_IDS`, `#sessions` → `SESSIONS`: a name for a constant derived from a variable name. */
export function constantCase(name: string): string {
  return name
    .replace(/^#/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\W+/g, '_')
    .toUpperCase();
}

// ---- applying fixes ---------------------------------------------------------------------------------------------

/**
 * Applies offset edits (in any order) to `text`. Edits must lie inside the text and not overlap: two edits may meet
 * at an offset, and insertions at the same offset apply in the order given; anything else throws.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (!(e.start >= 0 && e.start <= e.end && e.end <= text.length)) {
      throw new RangeError(`edit ${e.start}-${e.end} lies outside the text (length ${text.length})`);
    }
    if (e.start < at) throw new RangeError(`edit ${e.start}-${e.end} overlaps an edit that ends at ${at}`);
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The preferred fix of each finding that has one (the fix batch operations apply). */
export function preferredFixes(findings: readonly Finding[]): Fix[] {
  return findings.flatMap((f) => f.fixes.filter((x) => x.preferred));
}

const fixStart = (fix: Fix): number => Math.min(...fix.edits.map((e) => e.start));

/** True when two edits of one file share a character or meet at an offset (then which goes first matters). */
const clash = (a: Fix['edits'][number], b: Fix['edits'][number]): boolean => a.file === b.file && a.start <= b.end && b.start <= a.end;

/**
 * The fixes that can be applied together, in position order: a fix that overlaps or touches a fix already taken is
 * left out (the next pass recomputes it on the fixed text), so every taken fix applies exactly as its rule computed
 * it. A fix without edits, or whose own edits overlap, is left out too.
 */
export function mergeFixes(fixes: readonly Fix[]): Fix[] {
  const taken: Fix[] = [];
  const takenEdits: Fix['edits'] = [];
  for (const fix of fixes.filter((f) => f.edits.length).sort((a, b) => fixStart(a) - fixStart(b))) {
    const selfOverlap = fix.edits.some((e, i) =>
      fix.edits.some((o, j) => j > i && e.file === o.file && e.start < o.end && o.start < e.end),
    );
    if (selfOverlap || fix.edits.some((e) => takenEdits.some((t) => clash(e, t)))) continue;
    taken.push(fix);
    takenEdits.push(...fix.edits);
  }
  return taken;
}

export interface FixLoopResult {
  /** The text after the last pass that applied. */
  text: string;
  /** How many passes changed the text. */
  passes: number;
  /** The fixes applied, pass by pass. */
  applied: Fix[];
  /** The findings on the final text (none when it could not be analysed). */
  findings: Finding[];
}

export interface FixLoopOptions {
  /** At most this many passes (each applies the merged preferred fixes and re-lints). */
  maxPasses?: number;
  /** The findings of `text` when the caller already has them (saves the first lint). */
  findings?: readonly Finding[];
}

/**
 * Applies the merged preferred fixes of the text's findings, re-lints, and repeats until no fix applies, a pass
 * changes nothing or `maxPasses` passes ran. Fixes that overlapped one applied get their turn in a later pass, and
 * fixes a pass enables are applied too. Two guards keep a batch fix safe on code its fix tests never saw:
 * - a fix that does not remove its finding (its rule offers a fix of the same title as often as before it was
 *   applied) is applied once, not again in every pass;
 * - when `lintOnce` returns undefined (the fixed text cannot be analysed, e.g. it no longer parses) the pass is
 *   undone and fixing stops.
 * Only fixes whose edits are all in their finding's file are applied: `lintOnce` lints one file's text.
 */
export function fixUntilStable(
  lintOnce: (text: string) => readonly Finding[] | undefined,
  text: string,
  { maxPasses = 10, findings: known }: FixLoopOptions = {},
): FixLoopResult {
  const findings = known ?? lintOnce(text);
  if (!findings) return { text, passes: 0, applied: [], findings: [] };
  const stuck = new Set<string>();
  /** The preferred fixes that would change `state.text`, each with its rule and title as the key of the stuck guard. */
  const candidates = (state: { text: string; findings: readonly Finding[] }) =>
    state.findings.flatMap((finding) =>
      preferredFixes([finding])
        .filter(
          (fix) => fix.edits.every((e) => e.file === finding.file) && fix.edits.some((e) => state.text.slice(e.start, e.end) !== e.newText),
        )
        .map((fix) => ({ fix, key: `${finding.ruleId}\0${fix.title}` }))
        .filter((c) => !stuck.has(c.key)),
    );
  const count = (offered: { key: string }[], key: string) => offered.filter((c) => c.key === key).length;
  let current = { text, findings };
  const applied: Fix[] = [];
  let passes = 0;
  for (; passes < maxPasses; passes++) {
    const before = candidates(current);
    const batch = mergeFixes(before.map((c) => c.fix));
    const edits = batch.flatMap((f) => f.edits);
    const fixed = applyEdits(current.text, edits);
    if (fixed === current.text) break;
    const after = lintOnce(fixed);
    if (!after) break;
    const next = { text: fixed, findings: after };
    const offered = candidates(next);
    for (const { fix, key } of before) {
      if (batch.includes(fix) && count(offered, key) >= count(before, key)) stuck.add(key);
    }
    applied.push(...batch);
    current = next;
  }
  return { text: current.text, passes, applied, findings: [...current.findings] };
}
