// Platform functions (declared in TypeScript's lib files or @types/node), recognised by symbol, not by name alone.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { PLATFORM, declaredBy, namesSpec } from './declarations';

/** The called name of `name(…)`, `window.name(…)`, `globalThis.name(…)` or `timers.name(…)`, a platform function in `names`. */
export function platformCallName(types: TypeQueries, call: ts.CallExpression, names: readonly string[]): string | undefined {
  const callee = call.expression;
  const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  return id && ts.isIdentifier(id) && namesSpec(types, id, { name: names, from: PLATFORM }) ? id.text : undefined;
}

/** True when the symbol is declared in TypeScript's lib files or @types/node (Map, Set, Array, fetch, …). */
export function isPlatformSymbol(types: TypeQueries, symbol: ts.Symbol): boolean {
  return declaredBy(types, symbol, PLATFORM);
}

export const TIMER_STARTS = ['setInterval', 'setTimeout'];
const TIMER_CLEARS = ['clearInterval', 'clearTimeout'];

/** True when the call clears a timer: clearInterval(h) / clearTimeout(h), by symbol. */
export function isTimerClear(types: TypeQueries, call: ts.CallExpression): boolean {
  return platformCallName(types, call, TIMER_CLEARS) !== undefined;
}
