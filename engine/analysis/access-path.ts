// Access paths compared by checker symbol, so acquire/release pairs match by identity, not by spelling:
// `this.bus` → "this.#3", `window` → "#7", `child.stdout` → "#9.#12", `map[event]` → "#4[#5]". Keys share a prefix with their owners.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { unwrap } from './expressions';

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
    return base && s && `${base}.#${symbolKey(s)}`;
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

const keys = new WeakMap<ts.Symbol, number>();
let nextKey = 1;
function symbolKey(s: ts.Symbol): number {
  let key = keys.get(s);
  if (key === undefined) keys.set(s, (key = nextKey++));
  return key;
}
