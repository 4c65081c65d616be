// Worker threads and child processes, recognised by symbol: `new Worker` declared in worker_threads.d.ts or the
// DOM lib, and child_process spawn/fork/exec/execFile declared in @types/node's child_process.d.ts.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { isPlatformSymbol } from './globals';

export interface ProcessStart {
  kind: 'worker' | 'child';
  /** How the code started it, for messages: `new Worker`, `spawn`, … */
  api: string;
  /** The method that stops it. */
  stop: 'terminate' | 'kill';
}

/** Methods that stop a worker or child, or end the parent's tie to it. */
export const PROCESS_STOPS = ['terminate', 'kill', 'disconnect'];

const CHILD_STARTS = new Set(['spawn', 'fork', 'exec', 'execFile']);
const CHILD_PROCESS_DECLARATIONS = /[\\/]@types[\\/]node[\\/]child_process\.d\.ts$/;

export function processStart(types: TypeQueries, node: ts.Node): ProcessStart | undefined {
  if (ts.isNewExpression(node)) {
    const name = calledName(node.expression);
    const symbol = name?.text === 'Worker' ? types.symbolAt(name) : undefined;
    return symbol && isPlatformSymbol(types, symbol) ? { kind: 'worker', api: 'new Worker', stop: 'terminate' } : undefined;
  }
  if (ts.isCallExpression(node)) {
    const name = calledName(node.expression);
    const symbol = name && CHILD_STARTS.has(name.text) ? types.symbolAt(name) : undefined;
    return symbol && types.isDeclaredIn(symbol, CHILD_PROCESS_DECLARATIONS) ? { kind: 'child', api: name!.text, stop: 'kill' } : undefined;
  }
  return undefined;
}

function calledName(callee: ts.Expression): ts.Identifier | undefined {
  if (ts.isIdentifier(callee)) return callee;
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name) ? callee.name : undefined;
}
