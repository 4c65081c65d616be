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
/** Schedules that run their callback once: what they return only cancels it. */
export const ONE_SHOT_SCHEDULES = ['setTimeout', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame'];
const TIMER_CLEARS = ['clearInterval', 'clearTimeout'];

/** True when the call clears a timer: clearInterval(h) / clearTimeout(h), by symbol. */
export function isTimerClear(types: TypeQueries, call: ts.CallExpression): boolean {
  return platformCallName(types, call, TIMER_CLEARS) !== undefined;
}

/**
 * `timers.clearInterval(h)` / `timers.clearTimeout(h)` on a timer provider of the program's own (an object whose type
 * also has the matching setInterval/setTimeout, not the platform's global object): the clear it calls.
 */
export function timerProviderClear(types: TypeQueries, call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.name)) return undefined;
  const clear = callee.name.text;
  const start = TIMER_STARTS[TIMER_CLEARS.indexOf(clear)];
  if (!start) return undefined;
  const method = types.symbolAt(callee.name);
  if (!method?.declarations?.length || isPlatformSymbol(types, method)) return undefined;
  const provider = types.typeAt(callee.expression);
  return types.hasMethod(provider, start) && types.hasMethod(provider, clear) ? clear : undefined;
}
