// Worker threads and child processes, recognised by symbol: `new Worker` declared in worker_threads.d.ts or the
// DOM lib, and child_process spawn/fork/exec/execFile declared in @types/node's child_process.d.ts.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { PLATFORM, namesSpec, nodeModule, type DeclarationSpec } from './declarations';
import { calleeName, unwrap } from './expressions';
import { enclosingFunction } from './owner';
import type { Use } from './ownership';
import { identifiersNamed, refersTo } from './walk';

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

/** A child's own streams: code that uses them reads or feeds the process as it runs. */
const CHILD_STREAMS = new Set(['stdin', 'stdout', 'stderr', 'stdio']);

/**
 * `exec`/`execFile` run a command to its end: Node buffers what it prints (killing it past `maxBuffer`) and reaps it
 * when it exits, so the child is self-ending unless the program keeps it running: started `detached`, or used through
 * its streams (`child.stdout.on('data', …)`: a tool that runs on while its output streams in, or waits for input).
 * `uses` are the uses of the local that holds the child (none when the child is dropped).
 */
export function runsToItsEnd(start: ProcessStart, call: ts.CallExpression, uses: readonly Use[]): boolean {
  if (start.api !== 'exec' && start.api !== 'execFile') return false;
  const options = call.arguments.map((a) => unwrap(a)).filter(ts.isObjectLiteralExpression);
  const detached = options.some((a) =>
    a.properties.some(
      (p) => p.name?.getText() === 'detached' && !(ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.FalseKeyword),
    ),
  );
  const streamed = uses.some((u) => ts.isPropertyAccessExpression(u.site) && CHILD_STREAMS.has(u.site.name.text));
  return !detached && !streamed;
}

/** A way to cancel work, by its type: VS Code's CancellationToken (`isCancellationRequested`), a DOM/Node AbortSignal. */
function isCancellation(types: TypeQueries, type: ts.Type): boolean {
  const members = (type.isUnion() ? type.types : [type]).filter((t) => types.isObjectType(t));
  return members.some(
    (t) => types.hasProperty(t, 'isCancellationRequested') || (types.hasProperty(t, 'aborted') && types.hasProperty(t, 'reason')),
  );
}

/** The cancellation parameters of `fn` and of the functions around it. */
function cancellationsInScope(types: TypeQueries, node: ts.Node): ts.Symbol[] {
  const found: ts.Symbol[] = [];
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    for (const p of fn.parameters) {
      const symbol = ts.isIdentifier(p.name) ? types.symbolAt(p.name) : undefined;
      if (symbol && isCancellation(types, types.typeAt(p.name))) found.push(symbol);
    }
  }
  return found;
}

/** The function a process start belongs to: the nearest declared function or method (not a callback or executor). */
function startingFunction(node: ts.Node): ts.FunctionDeclaration | ts.MethodDeclaration | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) return fn;
  }
  return undefined;
}

export interface IgnoredCancellation {
  /** The call that starts the work without the cancellation in its scope, when the start is in a helper. */
  call?: ts.CallExpression;
  /** The cancellation that nothing ties the process to. */
  cancellation: ts.Symbol;
}

/**
 * A process started for work that can be cancelled, that the cancellation cannot stop: the function that starts it
 * (or one around it) has a cancellation parameter it never refers to, or it has none and a caller in the file that
 * has one gives it the work's inputs but not the cancellation, which it does pass to other calls (the code means its
 * work to be cancellable). Cancelled (superseded) work then runs to its end.
 */
export function ignoredCancellation(types: TypeQueries, start: ts.Node): IgnoredCancellation | undefined {
  const own = cancellationsInScope(types, start);
  if (own.length) {
    const unused = own.find((c) => !c.valueDeclaration || !usedIn(types, c, enclosingFunction(c.valueDeclaration)!));
    return unused && { cancellation: unused };
  }
  const helper = startingFunction(start);
  if (!helper?.name || !ts.isIdentifier(helper.name)) return undefined;
  const symbol = types.symbolAt(helper.name);
  for (const ref of identifiersNamed(start.getSourceFile(), helper.name.text)) {
    const call = ref.parent;
    // a helper given nothing of the caller's (`pythonPath()`) does work of its own, shared by every caller
    if (!ts.isCallExpression(call) || call.expression !== ref || !call.arguments.length || types.symbolAt(ref) !== symbol) continue;
    const cancellation = cancellationsInScope(types, call).find(
      (c) => !call.arguments.some((a) => refersTo(types, a, [c])) && passedElsewhere(types, c, call),
    );
    if (cancellation) return { call, cancellation };
  }
  return undefined;
}

function usedIn(types: TypeQueries, symbol: ts.Symbol, fn: ts.Node): boolean {
  return identifiersNamed(fn, symbol.name).some((id) => id.parent !== symbol.valueDeclaration && types.symbolAt(id) === symbol);
}

/** The cancellation is an argument of some call in its function other than `call`. */
function passedElsewhere(types: TypeQueries, cancellation: ts.Symbol, call: ts.CallExpression): boolean {
  const fn = cancellation.valueDeclaration && enclosingFunction(cancellation.valueDeclaration);
  if (!fn) return false;
  return identifiersNamed(fn, cancellation.name).some((id) => {
    const p = id.parent;
    return p !== call && ts.isCallExpression(p) && p.arguments.includes(id as ts.Identifier) && types.symbolAt(id) === cancellation;
  });
}
