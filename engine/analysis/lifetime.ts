// How long a value lives compared with the code that uses it. Globals, imports, module-level values, parameters
// and fields the class did not create outlive their owner; `this`, locals and fields the class creates die with it.
import ts from 'typescript';
import type { TypeQueries } from '../types';
import { skipChain } from './lifecycle';
import { enclosingFunction, type Owner } from './owner';

export function outlivesOwner(types: TypeQueries, target: ts.Expression, owner: Owner): boolean {
  if (target.kind === ts.SyntaxKind.ThisKeyword) return false;
  if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
    if (owner.kind !== 'class') return false;
    const field = types.symbolAt(target.name);
    return !!field && !createdByClass(types, owner.cls, field);
  }
  const root = rootIdentifier(target);
  if (!root) return false;
  const symbol = types.symbolAt(root);
  const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!decl) return false;
  if (decl.getSourceFile() !== target.getSourceFile()) return true; // a global or an import
  if (ts.isParameter(decl)) return true;
  const declaringFn = enclosingFunction(decl);
  if (!declaringFn) return true; // module-level
  // a local: it is as short-lived as its function unless it was read from somewhere longer-lived
  return ts.isVariableDeclaration(decl) && !!decl.initializer && !createsValue(decl.initializer) && decl.initializer.kind !== ts.SyntaxKind.ThisKeyword;
}

/** `new …`, a call, or a literal: an expression that makes a fresh value. */
export function createsValue(e: ts.Expression): boolean {
  const x = skipChain(e);
  return ts.isNewExpression(x) || ts.isCallExpression(x) || ts.isObjectLiteralExpression(x) || ts.isArrayLiteralExpression(x);
}

/** The class assigns `this.f = new …` / `this.f = create…()` (or initialises the field so): the class owns it. */
export function createdByClass(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  let created = false;
  const visit = (n: ts.Node): void => {
    if (created) return;
    if (ts.isPropertyDeclaration(n) && n.initializer && types.symbolAt(n.name) === field && createsValue(n.initializer)) created = true;
    else if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(n.left) &&
      n.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      types.symbolAt(n.left.name) === field &&
      createsValue(n.right)
    ) {
      created = true;
    } else n.forEachChild(visit);
  };
  visit(cls);
  return created;
}

/** `a.b[c].d` → `a`. */
export function rootIdentifier(e: ts.Expression): ts.Identifier | undefined {
  let x = skipChain(e);
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = skipChain(x.expression);
  return ts.isIdentifier(x) ? x : undefined;
}
