// Is a value a resource? Decided from its type by the checker: the type has a releasing method.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { nodeModule, namesSpec, type DeclarationSpec } from './declarations';
import { calleeName, outerExpression, unwrap } from './expressions';

/** Releasing methods in order of preference for a fix. `dispose` alone marks a Disposable (untracked-disposable's domain). */
export const RELEASE_METHODS = ['close', 'release', 'destroy', 'end', 'terminate', 'abort', 'dispose'] as const;

export type ResourceKind =
  /** streams, sockets, servers, handles, DB clients: released by close/destroy/end/[Symbol.dispose] */
  | 'handle'
  /** VS Code-style Disposable whose only release is dispose() */
  | 'disposable'
  /** worker threads and child processes (unterminated-worker's domain) */
  | 'worker';

export interface ResourceInfo {
  kind: ResourceKind;
  /** The release methods the type has, in preference order. */
  releaseMethods: string[];
  /** The type has [Symbol.dispose] / [Symbol.asyncDispose] (so `using` / `await using` can bind it). */
  disposable: boolean;
  asyncDisposable: boolean;
  typeName: string;
}

/** Types with releasing-looking members that hold nothing to release (a decoder's end() flushes, a FileReader's abort() cancels a read). */
const NOT_RESOURCES =
  /^(AbortController|AbortSignal|Promise|Array|ReadonlyArray|Map|Set|Date|RegExp|Error|StringDecoder|TextDecoder|TextEncoder|FileReader)\b/;
const WORKERS = /^(Worker|ChildProcess|ChildProcessWithoutNullStreams|ChildProcessByStdio|SharedWorker)\b/;

/** Per type (types are the checker's own objects): the same few return and value types are asked about over and over. */
const infoByType = new WeakMap<ts.Type, ResourceInfo | null>();

export function resourceInfo(types: TypeQueries, type: ts.Type): ResourceInfo | undefined {
  let info = infoByType.get(type);
  if (info === undefined) infoByType.set(type, (info = computeResourceInfo(types, type) ?? null));
  return info ?? undefined;
}

function computeResourceInfo(types: TypeQueries, type: ts.Type): ResourceInfo | undefined {
  if (!types.isObjectType(type)) return undefined;
  const releaseMethods = RELEASE_METHODS.filter((m) => types.hasMethod(type, m));
  const disposable = types.hasSymbolMethod(type, 'dispose');
  const asyncDisposable = types.hasSymbolMethod(type, 'asyncDispose');
  if (!releaseMethods.length && !disposable && !asyncDisposable) return undefined;
  // printing the type is the costly query: only for the few types with a releasing method
  const typeName = types.typeName(type);
  if (NOT_RESOURCES.test(typeName)) return undefined;
  const kind: ResourceKind =
    WORKERS.test(typeName) || (releaseMethods.length === 1 && releaseMethods[0] === 'terminate')
      ? 'worker'
      : releaseMethods.length === 1 && releaseMethods[0] === 'dispose' && !disposable && !asyncDisposable
        ? 'disposable'
        : 'handle';
  return { kind, releaseMethods, disposable, asyncDisposable, typeName };
}

/**
 * False when no signature the call may resolve to returns a resource (of `kind`, when given), so the call's own type
 * (overload resolution, inference, checking every argument) need not be asked for. A return type that depends on
 * the call's type arguments (`T`, `this`) could be anything: true.
 */
export function mayReturnResource(types: TypeQueries, call: ts.CallExpression | ts.NewExpression, kind?: ResourceKind): boolean {
  const returns = types.declaredReturnTypes(call);
  const matches = (info: ResourceInfo | undefined) => info !== undefined && (kind === undefined || info.kind === kind);
  const may = (t: ts.Type | undefined) => !!t && (types.dependsOnTypeArguments(t) || matches(resourceInfo(types, t)));
  // `await open()` acquires what the promise resolves to
  const awaited = ts.isAwaitExpression(outerExpression(call, {}).parent);
  return !returns || returns.some((r) => may(r) || (awaited && may(types.awaitedType(r))));
}

/** Names of calls that create a resource the caller owns; other calls (getters, lookups) may return shared ones. */
const ACQUIRING_CALL = /^(create|open|connect|watch|request|listen)/;

/** Functions whose numeric handles must be released by a paired function (fs.openSync → fs.closeSync). */
export interface HandleFunction {
  acquire: DeclarationSpec & { name: string };
  release: DeclarationSpec & { name: string };
}

const FS = nodeModule('fs', 'fs/promises');
const HANDLE_FUNCTIONS: readonly HandleFunction[] = [{ acquire: { name: 'openSync', from: FS }, release: { name: 'closeSync', from: FS } }];

/** The acquiring `new X()` / `createX()` / `openSync()` call an initializer makes, looking through `await` and wrappers. */
export function acquiringExpression(init: ts.Expression): ts.CallExpression | ts.NewExpression | undefined {
  const e = unwrap(init, { await: true });
  if (ts.isNewExpression(e)) return e;
  if (!ts.isCallExpression(e)) return undefined;
  const name = calleeName(e.expression)?.text ?? '';
  return ACQUIRING_CALL.test(name) || HANDLE_FUNCTIONS.some((h) => h.acquire.name === name) ? e : undefined;
}

/** The handle function a call acquires a numeric handle from, by symbol. */
export function handleFunction(types: TypeQueries, acquire: ts.CallExpression | ts.NewExpression): HandleFunction | undefined {
  const id = ts.isCallExpression(acquire) ? calleeName(acquire.expression) : undefined;
  return id && HANDLE_FUNCTIONS.find((h) => namesSpec(types, id, h.acquire));
}

/** True when the call is to the function `spec` names (its callee's name, then its declaration). */
export function isCallTo(types: TypeQueries, call: ts.CallExpression, spec: DeclarationSpec): boolean {
  const id = calleeName(call.expression);
  return !!id && namesSpec(types, id, spec);
}
