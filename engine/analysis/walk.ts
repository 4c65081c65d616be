// Small AST searches shared by rules.
import ts = require('typescript');

/** True when some node under `root` (root included) passes `test`; stops at the first. */
export function someNode(root: ts.Node, test: (node: ts.Node) => boolean): boolean {
  const visit = (n: ts.Node): boolean => test(n) || (n.forEachChild(visit) ?? false);
  return visit(root);
}

/** True when some call under `scope` passes `test`. */
export function someCall(scope: ts.Node, test: (call: ts.CallExpression) => boolean): boolean {
  return someNode(scope, (n) => ts.isCallExpression(n) && test(n));
}
