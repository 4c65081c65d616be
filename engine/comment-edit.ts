// Typing inside a plain comment of a TypeScript file changes no type, no finding and no fix, only where they are in
// the text: the result of the text before the edit, moved past the edit, is the result after it, without a program
// update, a checker or a rule run (a keystroke in a comment of a 3,600-line file: tens of ms of program update before).
// What a comment can change is ruled out here: directives and pragmas (`leaklint-disable`, `@ts-…`, `@jsx…`,
// `/// <reference>`), JSDoc (types in JavaScript, tags the checker reads), text that only looks like a comment (in
// strings, templates and JSX), line breaks (they end a `//` comment and move every line below), and findings whose
// text shows the comment.
import ts = require('typescript');
import { isJavaScriptFile } from './file-signatures';
import { commonEnds } from './project';
import type { Finding, Fix, Location } from './rule';
import type { FileResult } from './runner';

/** An edit of a file's text that lies inside one comment: the comment's span before it and how much it grew. */
export interface CommentEdit {
  /** The edited comment's offsets in the text before the edit. */
  comment: { pos: number; end: number };
  /** Its 1-based line: positions after the comment on this line move by `delta` columns as well. */
  line: number;
  delta: number;
  /** The comment's text before the edit up to where the edit starts (what shows a copy of the comment). */
  prefix: string;
}

/** The edit from `before`'s text to `after` when all of it lies inside one plain comment and breaks no line. */
export function commentEdit(before: ts.SourceFile, after: string): CommentEdit | undefined {
  if (isJavaScriptFile(before) || before.text === after) return undefined;
  const { prefix, suffix } = commonEnds(before.text, after);
  const start = prefix;
  const oldEnd = before.text.length - suffix;
  const delta = after.length - before.text.length;
  if (/[\r\n\u2028\u2029]/.test(before.text.slice(start, oldEnd) + after.slice(start, oldEnd + delta))) return undefined;
  const comment = commentAround(before, start, oldEnd);
  if (!comment) return undefined;
  const now = tokenAt(after, comment.pos);
  if (now.kind !== comment.kind || now.end !== comment.end + delta) return undefined;
  const lineOf = (text: string, at: number) => text.slice(text.lastIndexOf('\n', at - 1) + 1, indexOrEnd(text, '\n', at));
  const lines = [lineOf(before.text, start), lineOf(after, start)];
  if (![...lines, before.text.slice(comment.pos, comment.end), after.slice(now.pos, now.end)].every(isPlain)) return undefined;
  return {
    comment: { pos: comment.pos, end: comment.end },
    line: before.getLineAndCharacterOfPosition(comment.pos).line + 1,
    delta,
    prefix: before.text.slice(comment.pos, start),
  };
}

/**
 * The result after the edit: positions after the comment moved, the rest kept. Undefined when a position lies inside
 * the comment, or a finding's message, data or fix shows the comment's text up to the edit (its code includes it).
 */
export function movedPast(result: FileResult, file: string, edit: CommentEdit): FileResult | undefined {
  const probe = collapsed(edit.prefix);
  const shows = (text: string) => collapsed(text).includes(probe);
  const showsComment = (f: Finding) =>
    shows(f.message) ||
    Object.values(f.data).some(shows) ||
    f.related.some((r) => shows(r.message)) ||
    f.fixes.some((fix) => shows(fix.title) || fix.edits.some((e) => shows(e.newText)));
  if (result.findings.some(showsComment) || result.suppressed?.some(showsComment)) return undefined;
  const offset = (at: number): number => {
    if (at <= edit.comment.pos) return at;
    if (at >= edit.comment.end) return at + edit.delta;
    throw new InsideComment();
  };
  const location = <L extends Location>(l: L): L => {
    if (l.file !== file) return l;
    const column = (line: number, c: number, at: number) => (line === edit.line && at >= edit.comment.end ? c + edit.delta : c);
    return {
      ...l,
      start: offset(l.start),
      end: offset(l.end),
      column: column(l.line, l.column, l.start),
      endColumn: column(l.endLine, l.endColumn, l.end),
    };
  };
  const fix = (f: Fix): Fix => ({
    ...f,
    edits: f.edits.map((e) => (e.file === file ? { ...e, start: offset(e.start), end: offset(e.end) } : e)),
  });
  const finding = (f: Finding): Finding => ({ ...location(f), related: f.related.map(location), fixes: f.fixes.map(fix) });
  try {
    return {
      ...result,
      findings: result.findings.map(finding),
      ...(result.suppressed && { suppressed: result.suppressed.map(finding) }),
      ...(result.unusedDirectives && { unusedDirectives: result.unusedDirectives.map(location) }),
    };
  } catch (error) {
    if (error instanceof InsideComment) return undefined;
    throw error;
  }
}

class InsideComment extends Error {}

const collapsed = (text: string): string => text.replace(/\s+/g, ' ');

/** Comments that only say something to people: no directive, pragma, tag or triple-slash reference. */
function isPlain(text: string): boolean {
  return !/leaklint-|@|\/\/\/|\/\*\*/.test(text);
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

type Token = { kind: ts.SyntaxKind; pos: number; end: number };

/**
 * The comment that holds the span `start`…`end` (after its opening, before a block comment's closing), found by
 * descending to the innermost node around `start` and scanning the trivia and tokens of that node that no child
 * covers. Undefined in a token's own text.
 */
function commentAround(file: ts.SourceFile, start: number, end: number): Token | undefined {
  let node: ts.Node = file;
  // where the tokens and trivia that no child of `node` covers begin, before `start`
  let from: number;
  for (;;) {
    let inside: ts.Node | undefined;
    from = node.pos;
    ts.forEachChild(node, (child) => {
      // the end-of-file token's trivia runs to the end of the text, where typing appends
      const reach = child.kind === ts.SyntaxKind.EndOfFileToken ? child.end + 1 : child.end;
      if (child.pos <= start && start < reach) return (inside = child);
      if (child.end <= start) from = child.end;
      return undefined;
    });
    if (!inside) break;
    node = inside;
  }
  // a literal's text (a string, a template's part, JSX text) may look like a comment: only its leading trivia is scanned
  const literal = node.kind >= ts.SyntaxKind.FirstLiteralToken && node.kind <= ts.SyntaxKind.LastTemplateToken;
  if (literal && start >= node.getStart(file)) return undefined;
  for (let at = from; at <= start;) {
    const token = tokenAt(file.text, at);
    if (token.pos > start || token.end <= at) return undefined;
    if (token.end >= start && token.pos <= start) {
      const single = token.kind === ts.SyntaxKind.SingleLineCommentTrivia;
      const block = token.kind === ts.SyntaxKind.MultiLineCommentTrivia;
      const within = start >= token.pos + 2 && end <= token.end - (block ? 2 : 0);
      // the end of a `//` comment is still in it (typing appends), a block comment's and any other token's is not
      if (token.end > start || single) return (single || block) && within ? token : undefined;
    }
    at = token.end;
  }
  return undefined;
}

// the language version only changes which characters identifiers may have, never where a comment is
const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ false);

/** The token or trivia (comment, whitespace, line break) that starts at `pos` of `text`. */
function tokenAt(text: string, pos: number): Token {
  scanner.setText(text);
  scanner.resetTokenState(pos);
  const token = { kind: scanner.scan(), pos: scanner.getTokenStart(), end: scanner.getTokenEnd() };
  scanner.setText(undefined); // the text is let go with its file
  return token;
}
