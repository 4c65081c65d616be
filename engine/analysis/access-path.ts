// Access paths compared by checker symbol, so acquire/release pairs match by identity, not by spelling:
// `this.bus` → "this.#3", `window` → "#7", `child.stdout` → "#9.#12", `map[event]` → "#4[#5]", `anyValue.x` → "#2.x".
// Keys share a prefix with their owners.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { isAssignment, unwrap } from './expressions';
import { enclosingFunction } from './owner';

export function accessPathKey(types: TypeQueries, e: ts.Expression): string | undefined {
  const x = unwrap(e);
  if (x.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isIdentifier(x)) {
    const s = types.symbolAt(x);
    return s && `#${symbolKey(s)}`;
  }
  if (ts.isPropertyAccessExpression(x)) {
    const base = accessPathKey(types, x.expression);
    const s = types.symbolAt(x.name);
    // a property the checker does not know (an untyped receiver) is known by its name on the same base
    return base && (s ? `${base}.#${symbolKey(s)}` : `${base}.${x.name.text}`);
  }
  if (ts.isElementAccessExpression(x)) {
    // `map[event]`, `handlers['close']`: keyed by a variable's symbol or a literal
    const base = accessPathKey(types, x.expression);
    const arg = x.argumentExpression;
    const key =
      ts.isStringLiteralLike(arg) || ts.isNumericLiteral(arg)
        ? JSON.stringify(arg.text)
        : ts.isIdentifier(arg)
          ? accessPathKey(types, arg)
          : undefined;
    return base && key && `${base}[${key}]`;
  }
  return undefined;
}

/**
 * The access paths a value is known by: its own, and for a local or parameter, the fields it was read from
 * (`const s = this.stream ?? cursor.stream()`) or copied into (`this.el = el`, `this.#handlers.open = fn`) in its
 * function. A release made
 * through one of them is a release of the value.
 */
export function aliasPaths(types: TypeQueries, e: ts.Expression): string[] {
  const own = accessPathKey(types, e);
  const x = unwrap(e);
  const symbol = own && ts.isIdentifier(x) ? types.symbolAt(x) : undefined;
  const decl = symbol?.valueDeclaration;
  const fn = decl && (ts.isParameter(decl) ? decl.parent : enclosingFunction(decl));
  if (!own || !decl || !fn) return own ? [own] : [];
  const paths = new Set([own]);
  const addField = (v: ts.Expression): void => {
    const key = onThis(v) && accessPathKey(types, v);
    if (key) paths.add(key);
  };
  if (ts.isVariableDeclaration(decl) && decl.initializer) valueBranches(decl.initializer).forEach(addField);
  const visit = (n: ts.Node): void => {
    if (isAssignment(n) && ts.isIdentifier(unwrap(n.right)) && types.symbolAt(unwrap(n.right)) === symbol) addField(n.left);
    n.forEachChild(visit);
  };
  visit(fn);
  return [...paths];
}

/** `this.f`, `this.#table.open`, `this[kEvents].load`: a path into the instance. */
function onThis(e: ts.Expression): boolean {
  let x = unwrap(e);
  if (!ts.isPropertyAccessExpression(x) && !ts.isElementAccessExpression(x)) return false;
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = unwrap(x.expression);
  return x.kind === ts.SyntaxKind.ThisKeyword;
}

/** The values an expression may take: both sides of `??` and `||`, both branches of `?:`. */
function valueBranches(e: ts.Expression): ts.Expression[] {
  const x = unwrap(e);
  if (ts.isConditionalExpression(x)) return [...valueBranches(x.whenTrue), ...valueBranches(x.whenFalse)];
  if (ts.isBinaryExpression(x) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(x.operatorToken.kind))
    return [...valueBranches(x.left), ...valueBranches(x.right)];
  return [x];
}

const keys = new WeakMap<ts.Symbol, number>();
let nextKey = 1;
function symbolKey(s: ts.Symbol): number {
  let key = keys.get(s);
  if (key === undefined) keys.set(s, (key = nextKey++));
  return key;
}
