// Who owns the code at a node: the module (program lifetime), a class instance, or a function call.
import ts = require('typescript');
import { outerExpression, unwrap } from './expressions';

export type Owner =
  | { kind: 'module' }
  | { kind: 'class'; cls: ts.ClassLikeDeclaration; member: ts.ClassElement }
  | { kind: 'function'; fn: ts.SignatureDeclaration };

/** The nearest function-like node that contains `node` (not counting `node` itself), if any. */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n) && !ts.isFunctionTypeNode(n) && !ts.isConstructorTypeNode(n)) return n;
  }
  return undefined;
}

/**
 * The owner of code at `node`. Arrow functions are transparent (they share `this` with the member they are in);
 * a function expression or declaration is its own owner.
 */
export function ownerOf(node: ts.Node): Owner {
  let firstFunction: ts.SignatureDeclaration | undefined;
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isClassElement(n) && n.parent && ts.isClassLike(n.parent) && !ts.isSemicolonClassElement(n)) {
      return { kind: 'class', cls: n.parent, member: n };
    }
    if (ts.isClassStaticBlockDeclaration(n)) return { kind: 'module' };
    if (ts.isFunctionLike(n) && !ts.isArrowFunction(n)) {
      return { kind: 'function', fn: n };
    }
    if (ts.isArrowFunction(n)) firstFunction ??= n;
  }
  return firstFunction ? { kind: 'function', fn: firstFunction } : { kind: 'module' };
}

/** True for code that runs once for the program: module top level, static initialisers, IIFEs at top level. */
export function isProgramLifetime(node: ts.Node): boolean {
  const owner = ownerOf(node);
  if (owner.kind === 'module') return true;
  if (owner.kind === 'class') {
    const m = owner.member;
    return ts.isPropertyDeclaration(m) && (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static) !== 0;
  }
  const fn = owner.fn;
  // (function () { … })() or (async () => { … })() at module level
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) return false;
  const call = outerExpression(fn, {}).parent;
  return ts.isCallExpression(call) && unwrap(call.expression) === fn && ownerOf(call).kind === 'module';
}

/** The statement list a statement sits in (a block, a source file, a case clause, a module block). */
export function statementList(statement: ts.Node): ts.NodeArray<ts.Statement> | undefined {
  const p = statement.parent;
  if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) {
    return p.statements;
  }
  return undefined;
}

/** The statement that directly contains `node` within the statement list `list`. */
export function statementIn(node: ts.Node, list: ts.NodeArray<ts.Statement>): ts.Statement | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (n.parent && statementList(n) === list) return n as ts.Statement;
  }
  return undefined;
}

/** True when `this` at `node` is an instance of `cls`: the node is in a non-static method or constructor of it, possibly inside arrows. */
export function inInstanceMemberOf(node: ts.Node, cls: ts.ClassLikeDeclaration): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isArrowFunction(n)) continue;
    if (ts.isFunctionLike(n)) {
      const instanceMember = ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n);
      return instanceMember && n.parent === cls && (ts.getCombinedModifierFlags(n) & ts.ModifierFlags.Static) === 0;
    }
  }
  return false;
}
