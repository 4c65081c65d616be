// Recognising platform functions by symbol (declared in TypeScript's lib files or @types/node), not by name alone.
import { posix } from 'node:path';
import ts = require('typescript');
import type { TypeQueries } from '../types';

const PLATFORM_DECLARATIONS = /([\\/]typescript[\\/]lib[\\/]lib\.[\w.]+\.d\.ts|[\\/]@types[\\/]node[\\/].*\.d\.ts)$/;

/** The called name when the call is `name(…)`, `window.name(…)`, `globalThis.name(…)` or `timers.name(…)` of a platform function in `names`. */
export function platformCallName(types: TypeQueries, call: ts.CallExpression, names: ReadonlySet<string>): string | undefined {
  const callee = call.expression;
  const id = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  if (!id || !ts.isIdentifier(id) || !names.has(id.text)) return undefined;
  const symbol = types.symbolAt(id);
  return symbol && isPlatformSymbol(types, symbol) ? id.text : undefined;
}

const slashes = (p: string): string => p.replace(/\\/g, '/');
/** Where the running compiler keeps its lib.*.d.ts files (beside typescript.js, also when it is bundled). */
const LIB_DIR = posix.dirname(slashes(ts.getDefaultLibFilePath({})));
const LIB_FILE = /^lib\.[\w.]+\.d\.ts$/;

/** True when the symbol is declared in TypeScript's lib files or @types/node (Map, Set, Array, fetch, …). */
export function isPlatformSymbol(types: TypeQueries, symbol: ts.Symbol): boolean {
  if (types.isDeclaredIn(symbol, PLATFORM_DECLARATIONS)) return true;
  return types.declarationsOf(symbol).some((d) => {
    const path = slashes(d.getSourceFile().fileName);
    return posix.dirname(path) === LIB_DIR && LIB_FILE.test(posix.basename(path));
  });
}

export const TIMER_STARTS = new Set(['setInterval', 'setTimeout']);
export const TIMER_CLEARS = new Set(['clearInterval', 'clearTimeout']);

/** True when the call clears a timer: clearInterval(h) / clearTimeout(h), by symbol. */
export function isTimerClear(types: TypeQueries, call: ts.CallExpression): boolean {
  return platformCallName(types, call, TIMER_CLEARS) !== undefined;
}
