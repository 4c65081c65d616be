// What identifies a parsed file from one program to the next (a number per file object) and what its importers can
// see of it (its declaration signature): shared by the kept results (result-cache.ts) and the kept type answers
// (type-facts.ts).
import { createHash } from 'node:crypto';
import ts = require('typescript');

/** A number per parsed file: a file unchanged from one program to the next is the same object, so the same number. */
const fileIds = new WeakMap<ts.SourceFile, number>();
let lastFileId = 0;

export function idOf(file: ts.SourceFile): number {
  let id = fileIds.get(file);
  if (id === undefined) fileIds.set(file, (id = ++lastFileId));
  return id;
}

const programFileIds = new WeakMap<ts.Program, readonly number[]>();

/** The numbers (`idOf`) of the program's files, in its order. */
export function fileIdsOf(program: ts.Program): readonly number[] {
  let ids = programFileIds.get(program);
  if (!ids) programFileIds.set(program, (ids = program.getSourceFiles().map(idOf)));
  return ids;
}

/** True when the two lists of files (`fileIdsOf`) differ at most in `file`. */
export function sameOtherFiles(before: readonly number[], after: readonly number[], file: number): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) if (before[i] !== after[i] && after[i] !== file) return false;
  return true;
}

const signatures = new WeakMap<ts.SourceFile, string>();

/**
 * What the files that import a TypeScript file see of it: its text without the bodies whose code cannot change a
 * type (functions, methods and accessors with a declared return type, constructors, setters) and with the comments and
 * white space before its nodes told only by whether they break the line (ASI reads that), hashed. Typing inside such a
 * body or a comment leaves its importers' results valid. Rules also read other files' bodies through function summaries
 * (analysis/summaries.ts: does a call hand back a borrowed value), which this does not cover: such an importer's
 * finding follows at its next own change or a reload. A JavaScript file's signature is its whole text (members can be
 * declared by assignments in bodies, and typed by JSDoc comments); importers of declaration and JavaScript files key on
 * their versions (result-cache.ts).
 */
export function declarationSignature(file: ts.SourceFile): string {
  let signature = signatures.get(file);
  if (signature) return signature;
  const hash = createHash('sha1');
  const { text } = file;
  let from = 0;
  const visit = (node: ts.Node): void => {
    // not before the first token (pragmas such as `@jsx` are read there), nor JSX text (its spaces are children)
    if (node.pos > 0 && node.pos >= from && node.kind !== ts.SyntaxKind.JsxText) {
      const start = node.getStart(file);
      if (start > node.pos) {
        hash.update(text.slice(from, node.pos));
        hash.update(breaksLine(text, node.pos, start) ? '\n' : ' ');
        from = start;
      }
    }
    const body = typeFreeBody(node);
    if (body) {
      hash.update(text.slice(from, body.pos));
      from = body.end;
    } else node.forEachChild(visit);
  };
  if (!isJavaScriptFile(file)) file.forEachChild(visit);
  hash.update(text.slice(from));
  signatures.set(file, (signature = hash.digest('hex')));
  return signature;
}

/** True for a JavaScript file (by its name), whose JSDoc comments can declare types. */
export function isJavaScriptFile(file: ts.SourceFile): boolean {
  return /\.[cm]?jsx?$/.test(file.fileName);
}

function breaksLine(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** The body of a function-like node when the node's type does not depend on it. */
export function typeFreeBody(node: ts.Node): ts.Node | undefined {
  if (ts.isConstructorDeclaration(node) || ts.isSetAccessorDeclaration(node)) return node.body;
  const declaresReturnType =
    (ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)) &&
    node.type !== undefined;
  return declaresReturnType ? node.body : undefined;
}
