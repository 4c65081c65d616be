// Expressions seen through their wrappers (parentheses, casts, `!`, `satisfies`, and `await` where asked), and
// the names a call is made by. Every rule and analysis module reads expressions through these.
import ts = require('typescript');
import type { TypeQueries } from '../types';

export interface UnwrapOptions {
  /** Also look through `await` (what is awaited is the same value for ownership). */
  await?: boolean;
}

type Wrapper =
  ts.ParenthesizedExpression | ts.AsExpression | ts.NonNullExpression | ts.TypeAssertion | ts.SatisfiesExpression | ts.AwaitExpression;

/** Parentheses, type assertions, non-null assertions and `satisfies` (and `await` when asked): the value inside is the value. */
function isWrapper(node: ts.Node, options: UnwrapOptions): node is Wrapper {
  return (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isTypeAssertionExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    (options.await === true && ts.isAwaitExpression(node))
  );
}

/** The expression inside its wrappers: `((x as T)!)` → `x`. */
export function unwrap(e: ts.Expression, options: UnwrapOptions = {}): ts.Expression {
  let x = e;
  while (isWrapper(x, options)) x = x.expression;
  return x;
}

export interface OuterOptions extends UnwrapOptions {
  /** Also climb out of the value branches of `?:`, `??` and `||` (the value flows on through them). */
  valueBranches?: boolean;
}

/** The outermost expression whose value is `node`'s value: climbs out of wrappers (and value branches when asked). */
export function outerExpression(node: ts.Expression, options: OuterOptions = { await: true, valueBranches: true }): ts.Expression {
  let n: ts.Expression = node;
  for (;;) {
    const p = n.parent;
    if (isWrapper(p, options) || (options.valueBranches && isValueBranch(p, n))) {
      n = p as ts.Expression;
      continue;
    }
    return n;
  }
}

function isValueBranch(parent: ts.Node, child: ts.Node): boolean {
  if (ts.isConditionalExpression(parent)) return parent.condition !== child;
  if (!ts.isBinaryExpression(parent) || parent.right !== child) return false;
  const op = parent.operatorToken.kind;
  return op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken;
}

/** The name a callee ends with: `f` in `f(…)`, `a.b.f(…)`, `a?.f!(…)`; undefined for computed callees. */
export function calleeName(callee: ts.Expression): ts.Identifier | undefined {
  const x = unwrap(callee);
  if (ts.isIdentifier(x)) return x;
  return ts.isPropertyAccessExpression(x) && ts.isIdentifier(x.name) ? x.name : undefined;
}

/** The text of the name a call or `new` is made by (see calleeName). */
export function calledName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  return calleeName(call.expression)?.text;
}

/** `a.b.c(…)` → ['a','b','c']; `this._register(…)` → ['this','_register']; other shapes → the trailing names. */
export function calleePath(callee: ts.Expression): string[] {
  const parts: string[] = [];
  let n: ts.Expression = callee;
  for (;;) {
    if (ts.isPropertyAccessExpression(n)) {
      parts.unshift(n.name.text);
      n = n.expression;
    } else if (ts.isIdentifier(n)) {
      parts.unshift(n.text);
      return parts;
    } else if (n.kind === ts.SyntaxKind.ThisKeyword) {
      parts.unshift('this');
      return parts;
    } else if (isWrapper(n, {})) {
      n = n.expression;
    } else {
      return parts;
    }
  }
}

/** `this.f` (through wrappers): the property access, else undefined. */
export function thisProperty(e: ts.Expression): ts.PropertyAccessExpression | undefined {
  const x = unwrap(e);
  return ts.isPropertyAccessExpression(x) && x.expression.kind === ts.SyntaxKind.ThisKeyword ? x : undefined;
}

/** `this.a.b.c` → `this.a`; other expressions unchanged. */
export function thisField(e: ts.Expression): ts.Expression {
  let x = unwrap(e);
  while (ts.isPropertyAccessExpression(x) && ts.isPropertyAccessExpression(unwrap(x.expression)))
    x = unwrap(x.expression) as ts.PropertyAccessExpression;
  return thisProperty(x) ?? e;
}

/** `a.b[c].d` → `a`. */
export function rootIdentifier(e: ts.Expression): ts.Identifier | undefined {
  let x = unwrap(e);
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = unwrap(x.expression);
  return ts.isIdentifier(x) ? x : undefined;
}

/** `x = …` (plain assignment, not `+=`). */
export function isAssignment(node: ts.Node): node is ts.BinaryExpression {
  return ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** `this.onMove = this.onMove.bind(this)` passed as a value is known by its left side from then on (a removal names it). */
export function assignedName(e: ts.Expression): ts.Expression {
  const x = unwrap(e);
  return isAssignment(x) ? unwrap(x.left) : x;
}

/** The names a binding declares: `a`, `{ a, b: [c] }` → a, c. */
export function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));
}

/** The text of an object literal's string property (`providedIn` of `{ providedIn: 'root' }`), if it has one. */
export function stringProperty(node: ts.Node | undefined, name: string): string | undefined {
  if (!node || !ts.isObjectLiteralExpression(node)) return undefined;
  for (const p of node.properties)
    if (ts.isPropertyAssignment(p) && p.name.getText() === name && ts.isStringLiteralLike(p.initializer)) return p.initializer.text;
  return undefined;
}

/** `this`, or a local that holds it (`var self = this`). */
export function isThisObject(types: TypeQueries, e: ts.Expression): boolean {
  const x = unwrap(e);
  if (x.kind === ts.SyntaxKind.ThisKeyword) return true;
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && unwrap(decl.initializer).kind === ts.SyntaxKind.ThisKeyword;
}

/** `require('m')` or `require('m').x` → 'm'. */
export function requiredModule(e: ts.Expression): string | undefined {
  let x = unwrap(e);
  if (ts.isPropertyAccessExpression(x)) x = unwrap(x.expression);
  if (!ts.isCallExpression(x) || !ts.isIdentifier(x.expression) || x.expression.text !== 'require') return undefined;
  const [arg] = x.arguments;
  return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}
