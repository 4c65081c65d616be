// AST searches shared by rules and analysis modules: one depth-first search, and the "does this code refer to
// that symbol" question built on it.
import ts = require('typescript');
import type { TypeQueries } from '../types';

export interface SearchOptions {
  /** Do not enter functions and classes (code that runs at another time). */
  skipFunctions?: boolean;
  /** Neither test nor enter these nodes. */
  skip?: (node: ts.Node) => boolean;
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
 * The identifiers (private names included) under `scope` spelled `name`, found at the name's occurrences in the
 * file's text: a name occurs in few places, so this costs a text search, not a walk of the scope (a walk per
 * candidate grows with the file times its candidates). Names in JSDoc are not found, as no walk enters JSDoc.
 */
export function identifiersNamed(scope: ts.Node, name: string): (ts.Identifier | ts.PrivateIdentifier)[] {
  const file = scope.getSourceFile();
  const out: (ts.Identifier | ts.PrivateIdentifier)[] = [];
  for (let at = file.text.indexOf(name, scope.pos); at >= 0 && at < scope.end; at = file.text.indexOf(name, at + name.length)) {
    const node = deepestNodeAt(scope, at);
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && node.text === name && node.getStart(file) === at) out.push(node);
  }
  return out;
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
