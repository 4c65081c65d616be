// Building blocks for fixes: text edits computed from AST positions, in the file's own indentation.
import ts = require('typescript');

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
  for (const m of text.matchAll(/^( +)\S/gm)) min = Math.min(min, m[1].length);
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

/** True when a multi-line template literal lies in [start, end): re-indenting would change its text. */
function hasMultilineTemplate(file: ts.SourceFile, start: number, end: number): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || n.end <= start || n.pos >= end) return;
    if ((ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) && n.getText(file).includes('\n')) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

/**
 * Wraps the contiguous statements `first..last` in `try { … } finally { <finallyCode> }`, indenting them one level
 * (unless a multi-line template literal would change).
 */
export function wrapInTryFinally(file: ts.SourceFile, first: ts.Statement, last: ts.Statement, finallyCode: string): Edit {
  const nl = newline(file);
  const unit = indentUnit(file);
  const indent = indentAt(file, first.getStart(file));
  const start = lineStartOf(file, first.getStart(file));
  const end = last.getEnd();
  const body = file.text.slice(start, end);
  const reindent = !hasMultilineTemplate(file, start, end);
  const inner = reindent
    ? body
        .split(/\r?\n/)
        .map((l) => (l.trim() ? unit + l : l))
        .join(nl)
    : body;
  return {
    start,
    end,
    newText: `${indent}try {${nl}${inner}${nl}${indent}} finally {${nl}${indent}${unit}${finallyCode}${nl}${indent}}`,
  };
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
  const taken = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) taken.add(n.text);
    n.forEachChild(visit);
  };
  visit(file);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** `seenIds` → `SEEN_IDS`, `#sessions` → `SESSIONS`: a name for a constant derived from a variable name. */
export function constantCase(name: string): string {
  return name
    .replace(/^#/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\W+/g, '_')
    .toUpperCase();
}
