// Access paths compared by checker symbol, so acquire/release pairs match by identity, not by spelling:
// `this.bus` → "this.#3", `window` → "#7", `child.stdout` → "#9.#12", `map[event]` → "#4[#5]", `anyValue.x` → "#2.x",
// an unresolved global `process` → "?process".
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
    // a name the checker cannot resolve is a global whose types are missing (`process` without @types/node): by name
    return s ? `#${symbolKey(s)}` : `?${x.text}`;
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
 * function, or an entry of a table of the instance it was put in (`this.handlers.set(key, fn)`). A release made
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
  const isValue = (v: ts.Expression | undefined) => !!v && ts.isIdentifier(unwrap(v)) && types.symbolAt(unwrap(v)) === symbol;
  const visit = (n: ts.Node): void => {
    if (isAssignment(n) && isValue(n.right)) addField(n.left);
    // `this.handlers.set(key, fn)`: the value is also an entry of the table
    const table = ts.isCallExpression(n) && storedIn(n, isValue);
    const tableKey = table && onThis(table) && accessPathKey(types, table);
    if (tableKey) paths.add(entryOf(tableKey));
    n.forEachChild(visit);
  };
  visit(fn);
  return [...paths];
}

/** Methods that put their last argument in a collection: a Map's value, a Set's or an array's element. */
const STORING = new Set(['set', 'add', 'push', 'unshift']);

/** The collection `table.set(k, v)` (`add`, `push`, `unshift`) puts the value in, when `isValue` holds for its last argument. */
function storedIn(call: ts.CallExpression, isValue: (v: ts.Expression | undefined) => boolean): ts.Expression | undefined {
  const callee = unwrap(call.expression);
  const stores =
    ts.isPropertyAccessExpression(callee) && STORING.has(callee.name.text) && isValue(call.arguments[call.arguments.length - 1]);
  return stores ? callee.expression : undefined;
}

/** The path that stands for any entry of the table at `tableKey`. */
function entryOf(tableKey: string): string {
  return `${tableKey}[]`;
}

/**
 * The entry path (see aliasPaths) of a value read out of a table: `table.get(key)`, or a loop variable over the table
 * (`for (const fn of table.values())`, `for (const [, fn] of table)`). A removal that takes its handler from the table
 * removes the handlers put in it.
 */
export function tableEntryKey(types: TypeQueries, e: ts.Expression): string | undefined {
  const x = unwrap(e);
  if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'get') {
    const table = accessPathKey(types, x.expression.expression);
    return table && entryOf(table);
  }
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  const binding = decl && ts.isBindingElement(decl) ? decl.parent : undefined;
  const variable =
    binding && ts.isArrayBindingPattern(binding) && binding.elements.indexOf(decl as ts.BindingElement) === 1 ? binding.parent : decl;
  const loop = variable && ts.isVariableDeclaration(variable) ? variable.parent.parent : undefined;
  if (!loop || !ts.isForOfStatement(loop)) return undefined;
  let source = unwrap(loop.expression);
  const entries = variable !== decl ? 'entries' : 'values';
  if (ts.isCallExpression(source) && ts.isPropertyAccessExpression(source.expression) && source.expression.name.text === entries)
    source = source.expression.expression;
  const table = accessPathKey(types, source);
  return table && entryOf(table);
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
