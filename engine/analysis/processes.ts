// Worker threads and child processes, recognised by symbol: `new Worker` declared in worker_threads.d.ts or the
// DOM lib, and child_process spawn/fork/exec/execFile declared in @types/node's child_process.d.ts.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { PLATFORM, namesSpec, nodeModule, type DeclarationSpec } from './declarations';
import { calleeName } from './expressions';

export interface ProcessStart {
  kind: 'worker' | 'child';
  /** How the code started it, for messages: `new Worker`, `spawn`, … */
  api: string;
  /** The method that stops it. */
  stop: 'terminate' | 'kill';
}

/** Methods that stop a worker or child, or end the parent's tie to it. */
export const PROCESS_STOPS = ['terminate', 'kill', 'disconnect'];

const WORKER: DeclarationSpec = { name: 'Worker', from: PLATFORM };
const CHILD_STARTS: DeclarationSpec = { name: ['spawn', 'fork', 'exec', 'execFile'], from: nodeModule('child_process') };

export function processStart(types: TypeQueries, node: ts.Node): ProcessStart | undefined {
  if (!ts.isNewExpression(node) && !ts.isCallExpression(node)) return undefined;
  const name = calleeName(node.expression);
  if (!name) return undefined;
  if (ts.isNewExpression(node)) {
    return namesSpec(types, name, WORKER) ? { kind: 'worker', api: 'new Worker', stop: 'terminate' } : undefined;
  }
  return namesSpec(types, name, CHILD_STARTS) ? { kind: 'child', api: name.text, stop: 'kill' } : undefined;
}
