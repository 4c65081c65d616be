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
  const out: (ts.Identifier | ts.PrivateIdentifier)[] = [];
  someNode(scope, (n) => {
    // the text first: the checker only for names that can be it
    if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && n !== name && n.text === name.text && types.symbolAt(n) === symbol)
      out.push(n);
    return false;
  });
  return out;
}
