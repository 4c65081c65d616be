// AST searches shared by rules and analysis modules: one depth-first search, and the "does this code refer to
// that symbol" question built on it.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { calleePath, outerExpression } from './expressions';

export interface SearchOptions {
  /** Do not enter functions and classes (code that runs at another time). */
  skipFunctions?: boolean;
  /** Neither test nor enter these nodes. */
  skip?: (node: ts.Node) => boolean;
}

/** True when some item passes the test; the items after the first that does are not asked for. */
export function some<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const item of items) if (test(item)) return true;
  return false;
}

/** True when every item passes the test; the items after the first that fails are not asked for. */
export function every<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  return !some(items, (item) => !test(item));
}

/** True when some node under `root` (root included) passes `test`; stops at the first. */
export function someNode(root: ts.Node, test: (node: ts.Node) => boolean, options: SearchOptions = {}): boolean {
  const visit = (n: ts.Node): boolean => {
    if (options.skipFunctions && (ts.isFunctionLike(n) || ts.isClassLike(n))) return false;
    if (options.skip?.(n)) return false;
    return test(n) || (n.forEachChild(visit) ?? false);
  };
  return visit(root);
}

/** True when some call under `scope` passes `test`. */
export function someCall(scope: ts.Node, test: (call: ts.CallExpression) => boolean, options: SearchOptions = {}): boolean {
  return someNode(scope, (n) => ts.isCallExpression(n) && test(n), options);
}

/** The first node under `root` that passes `test`, in source order. */
export function findNode(root: ts.Node, test: (node: ts.Node) => boolean, options: SearchOptions = {}): ts.Node | undefined {
  let found: ts.Node | undefined;
  someNode(root, (n) => test(n) && (found = n) !== undefined, options);
  return found;
}

/** True when code under `root` names one of the symbols (by the checker, through aliases of imports). */
export function refersTo(
  types: TypeQueries,
  root: ts.Node,
  symbols: ts.Symbol | readonly ts.Symbol[],
  options: SearchOptions & { after?: number } = {},
): boolean {
  const wanted = Array.isArray(symbols) ? symbols : [symbols as ts.Symbol];
  return someNode(
    root,
    (n) => {
      if (!ts.isIdentifier(n) && !ts.isPrivateIdentifier(n)) return false;
      if (options.after !== undefined && n.pos < options.after) return false;
      const symbol = types.symbolAt(n);
      return !!symbol && wanted.includes(symbol);
    },
    options,
  );
}

/**
 * Every reference under `scope` to what `name` declares (the name itself excluded), by symbol; undefined when the
 * name has no symbol. Callers ask "is every use of X of this kind".
 */
export function referencesTo(
  types: TypeQueries,
  scope: ts.Node,
  name: ts.Identifier | ts.PrivateIdentifier,
): (ts.Identifier | ts.PrivateIdentifier)[] | undefined {
  const symbol = types.symbolAt(name);
  if (!symbol) return undefined;
  return identifiersNamed(scope, name.text).filter((n) => n !== name && types.symbolAt(n) === symbol);
}

/**
 * True when a guard may narrow `reference` (`cell.model`) or what it is read from (`cell`): one of them tested with
 * `instanceof`, or passed to a call (a type predicate or an assertion), in the outermost function holding it (a
 * variable's narrowing reaches into the closures inside). The guards TypeScript narrows an `any` or a receiver by,
 * as code spells them; element accesses (`x['p']`) and `super.p` are not followed.
 */
export function mayBeNarrowedByGuard(reference: ts.PropertyAccessExpression): boolean {
  let scope: ts.Node = reference.getSourceFile();
  for (let n: ts.Node | undefined = reference.parent; n; n = n.parent) if (ts.isFunctionLike(n)) scope = n;
  for (let r: ts.Expression = reference; ts.isPropertyAccessExpression(r) || ts.isIdentifier(r); r = r.expression) {
    const name = ts.isIdentifier(r) ? r : r.name;
    const path = calleePath(r).join('.');
    const guarded = identifiersNamed(scope, name.text).some((n) => {
      const read = ts.isPropertyAccessExpression(n.parent) && n.parent.name === n ? n.parent : n;
      return ts.isExpression(read) && isGuarded(read) && calleePath(read).join('.') === path;
    });
    if (guarded || ts.isIdentifier(r)) return guarded;
  }
  return false;
}

/** The left of `instanceof`, or an argument of a call, wrappers aside. */
function isGuarded(e: ts.Expression): boolean {
  const guarded = outerExpression(e, {});
  const parent = guarded.parent;
  if (ts.isCallExpression(parent)) return parent.arguments.some((a) => a === guarded);
  return ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && parent.left === guarded;
}

/** Per parsed file (shared by every program that holds it unchanged, so by every edit of another file) and name. */
const identifiersByFile = new WeakMap<ts.SourceFile, Map<string, readonly (ts.Identifier | ts.PrivateIdentifier)[]>>();

/**
 * The identifiers (private names included) under `scope` spelled `name`, found at the name's occurrences in the
 * file's text: a name occurs in few places, so this costs a text search, not a walk of the scope (a walk per
 * candidate grows with the file times its candidates). The search is made once per parsed file and name: program-wide
 * questions search every file of the program, and in the language server all but the edited file are the same
 * parsed files at every keystroke. Names in JSDoc are not found, as no walk enters JSDoc.
 */
export function identifiersNamed(scope: ts.Node, name: string): readonly (ts.Identifier | ts.PrivateIdentifier)[] {
  const file = scope.getSourceFile();
  let byName = identifiersByFile.get(file);
  if (!byName) identifiersByFile.set(file, (byName = new Map()));
  let inFile = byName.get(name);
  if (!inFile) byName.set(name, (inFile = searchIdentifiers(file, name)));
  // an identifier found is spelled exactly `name`, so it starts at its end less the name's length
  return scope === file ? inFile : inFile.filter((n) => n.end - name.length >= scope.pos && n.end - name.length < scope.end);
}

function searchIdentifiers(file: ts.SourceFile, name: string): (ts.Identifier | ts.PrivateIdentifier)[] {
  const out: (ts.Identifier | ts.PrivateIdentifier)[] = [];
  const text = file.text;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    // inside a longer word (`next` in `nextValue`): no identifier of that name starts there, and the descent costs
    if (isAsciiWordCharacter(text.charCodeAt(at - 1)) || isAsciiWordCharacter(text.charCodeAt(at + name.length))) continue;
    const node = deepestNodeAt(file, at);
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && node.text === name && node.getStart(file) === at) out.push(node);
  }
  return out;
}

/** A letter, digit, `_` or `$` (NaN, before the text or after it, is none). */
function isAsciiWordCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** The innermost node under `root` whose span (leading trivia included) holds `position`. */
export function deepestNodeAt(root: ts.Node, position: number): ts.Node {
  let node = root;
  for (;;) {
    const child: ts.Node | undefined = ts.forEachChild(node, (c) => (c.pos <= position && position < c.end ? c : undefined));
    if (!child) return node;
    node = child;
  }
}
