// Is a value a resource? Decided from its type by the checker: the type has a releasing method.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { declaredBy, nodeModule, namesSpec, type DeclarationSource, type DeclarationSpec } from './declarations';
import { calleeName, outerExpression, unwrap } from './expressions';
import { enclosingFunction } from './owner';
import { referencesTo } from './walk';

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
  /** A platform observer: it watches on after the code that starts it, until disconnect() (no release at a block's end). */
  observer: boolean;
  /**
   * A render root (`render(tree)` and `unmount()`, React's `createRoot(el)`): its unmount runs the rendered components'
   * clean-ups, so until then what they subscribed to, anywhere, keeps the tree.
   */
  renderRoot?: boolean;
}

/** Types with releasing-looking members that hold nothing to release (a decoder's end() flushes, a FileReader's abort() cancels a read). */
const NOT_RESOURCES =
  /^(AbortController|AbortSignal|Promise|Array|ReadonlyArray|Map|Set|Date|RegExp|Error|StringDecoder|TextDecoder|TextEncoder|FileReader)\b/;
/**
 * Types declared here hold no OS resource despite a releasing method: Node's crypto objects (Hash, Hmac, Cipher, …)
 * are in-memory transforms finished by digest()/final(), and a DOM Window from window.open() is the user's to close.
 */
const HOLDS_NOTHING: readonly DeclarationSpec[] = [
  { name: ['Hash', 'Hmac', 'Cipher', 'Cipheriv', 'Decipher', 'Decipheriv', 'Sign', 'Verify'], from: nodeModule('crypto') },
  { name: 'Window', from: [{ from: 'lib' }] },
];
/**
 * The platform's observers watch the nodes they observe until disconnect() (or unobserve() of each); an observed node
 * keeps the callback.
 */
const OBSERVERS: DeclarationSpec = {
  name: ['ResizeObserver', 'MutationObserver', 'IntersectionObserver', 'PerformanceObserver', 'ReportingObserver'],
  from: [{ from: 'lib' }],
};
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
  if (declaredAsOneOf(types, type, [OBSERVERS]))
    return {
      kind: 'handle',
      releaseMethods: ['disconnect', 'unobserve'],
      disposable: false,
      asyncDisposable: false,
      typeName: types.typeName(type),
      observer: true,
    };
  const releaseMethods = RELEASE_METHODS.filter((m) => types.hasMethod(type, m) && !answersWithData(types, type, m));
  const disposable = types.hasSymbolMethod(type, 'dispose');
  const asyncDisposable = types.hasSymbolMethod(type, 'asyncDispose');
  if (!releaseMethods.length && !disposable && !asyncDisposable && types.hasMethod(type, 'render') && types.hasMethod(type, 'unmount')) {
    const typeName = types.typeName(type);
    return { kind: 'handle', releaseMethods: ['unmount'], disposable, asyncDisposable, typeName, observer: false, renderRoot: true };
  }
  if (!releaseMethods.length && !disposable && !asyncDisposable) return undefined;
  // printing the type is the costly query: only for the few types with a releasing method
  const typeName = types.typeName(type);
  if (NOT_RESOURCES.test(typeName) || holdsNothing(types, type)) return undefined;
  const kind: ResourceKind =
    WORKERS.test(typeName) || (releaseMethods.length === 1 && releaseMethods[0] === 'terminate')
      ? 'worker'
      : releaseMethods.length === 1 && releaseMethods[0] === 'dispose' && !disposable && !asyncDisposable
        ? 'disposable'
        : 'handle';
  return { kind, releaseMethods, disposable, asyncDisposable, typeName, observer: false };
}

/**
 * A releasing-looking method that answers with data, not with nothing or its receiver (`close(): Promise<{ item:
 * PullRequest }>` of a pull request model closes the pull request on a server and returns what it became): a domain
 * action, not a release. Its receiver's `end(): this` or `close(): Promise<void>` are releases.
 */
function answersWithData(types: TypeQueries, type: ts.Type, name: string): boolean {
  const returns = types.methodReturnTypes(type, name);
  return (
    returns.length > 0 &&
    returns.every((r) => {
      const value = types.awaitedType(r) ?? r;
      return types.isObjectType(value) && !types.hasMethod(value, name);
    })
  );
}

const NULLISH = ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void;

/** True when a value of the type may be null or undefined (a release call on it needs `?.`). */
export function mayBeNullish(type: ts.Type): boolean {
  return (type.isUnion() ? type.types : [type]).some((t) => (t.flags & NULLISH) !== 0);
}

function holdsNothing(types: TypeQueries, type: ts.Type): boolean {
  return declaredAsOneOf(types, type, HOLDS_NOTHING);
}

/** Every non-nullish member of the type is a declaration one of the specs names. */
function declaredAsOneOf(types: TypeQueries, type: ts.Type, specs: readonly DeclarationSpec[]): boolean {
  const members = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & NULLISH));
  return members.every((t) => {
    const symbol = t.getSymbol();
    return !!symbol && specs.some((spec) => hasName(spec, symbol.name) && declaredBy(types, symbol, spec.from));
  });
}

const hasName = (spec: DeclarationSpec, name: string): boolean =>
  typeof spec.name === 'string' ? spec.name === name : spec.name.includes(name);

/**
 * False when no signature the call may resolve to returns a resource (of `kind`, when given), so the call's own type
 * (overload resolution, inference, checking every argument) need not be asked for. A return type that depends on
 * the call's type arguments (`T`, `this`) could be anything: true. An awaited call may also resolve to one, unless
 * the caller reads only the call's own type (`ownTypeOnly`).
 */
export function mayReturnResource(
  types: TypeQueries,
  call: ts.CallExpression | ts.NewExpression,
  kind?: ResourceKind,
  ownTypeOnly = false,
): boolean {
  return types.typeFact(call, `may-return-resource:${kind ?? ''}:${ownTypeOnly}`, () => mayReturn(types, call, kind, ownTypeOnly));
}

function mayReturn(
  types: TypeQueries,
  call: ts.CallExpression | ts.NewExpression,
  kind: ResourceKind | undefined,
  ownTypeOnly: boolean,
): boolean {
  const returns = types.declaredReturnTypes(call);
  const matches = (info: ResourceInfo | undefined) => info !== undefined && (kind === undefined || info.kind === kind);
  const may = (t: ts.Type | undefined) => !!t && (types.dependsOnTypeArguments(t) || matches(resourceInfo(types, t)));
  // `await open()` acquires what the promise resolves to
  const awaited = !ownTypeOnly && ts.isAwaitExpression(outerExpression(call, {}).parent);
  return !returns || returns.some((r) => may(r) || (awaited && may(types.awaitedType(r))));
}

/** Names of calls that create a resource the caller owns; other calls (getters, lookups) may return shared ones. */
const ACQUIRING_CALL = /^(create|open|connect|watch|request|listen)/;

/** A completion callback given to an acquiring call, and its parameters: the error first, then what the call made. */
export interface CallbackAcquisition {
  callback: ts.ArrowFunction | ts.FunctionExpression;
  error: ts.Identifier;
  value: ts.Identifier;
  info: ResourceInfo;
}

const ERROR_PARAMETER = /^(e|err|error)$/i;

/**
 * `createConnection(pool, (err, connection) => …)`: an acquiring call (by its name, as for locals) hands what it made
 * to an error-first callback, which owns it from then on. Listeners (`createServer(socket => …)`) take no error first.
 */
export function callbackAcquisition(types: TypeQueries, call: ts.CallExpression): CallbackAcquisition | undefined {
  if (!ACQUIRING_CALL.test(calleeName(call.expression)?.text ?? '')) return undefined;
  for (const argument of call.arguments) {
    const callback = unwrap(argument);
    if (!ts.isArrowFunction(callback) && !ts.isFunctionExpression(callback)) continue;
    const [error, value] = callback.parameters.map((p) => p.name);
    if (!error || !value || !ts.isIdentifier(error) || !ts.isIdentifier(value) || !ERROR_PARAMETER.test(error.text)) continue;
    const info = resourceInfo(types, types.typeAt(value));
    if (info?.kind === 'handle') return { callback, error, value, info };
  }
  return undefined;
}

/**
 * Functions whose handles must be released by a paired function: a file descriptor (fs.openSync → fs.closeSync), a
 * blob URL, which keeps its Blob or MediaSource alive until it is revoked or the document unloads.
 */
export interface HandleFunction {
  acquire: DeclarationSpec & { name: string };
  release: DeclarationSpec & { name: string };
  /** What the release is called on in a message or fix: `fs.closeSync(fd)`, `URL.revokeObjectURL(url)`. */
  namespace: string;
  /** Whoever is given the handle reads it later (an image loads from the URL): releasing it at the end of the block is too early. */
  readLater: boolean;
}

const FS = nodeModule('fs', 'fs/promises');
const LIB: readonly DeclarationSource[] = [{ from: 'lib' }];
const HANDLE_FUNCTIONS: readonly HandleFunction[] = [
  { acquire: { name: 'openSync', from: FS }, release: { name: 'closeSync', from: FS }, namespace: 'fs', readLater: false },
  {
    acquire: { name: 'createObjectURL', from: LIB },
    release: { name: 'revokeObjectURL', from: LIB },
    namespace: 'URL',
    readLater: true,
  },
];

/**
 * `fs.open(path, …, (err, fd) => …)`: the callback form of a handle function hands the descriptor to its callback,
 * which owns it from then on and must close it (or hand it to code that does).
 */
export interface CallbackHandle {
  callback: ts.ArrowFunction | ts.FunctionExpression;
  value: ts.Identifier;
  /** The release call, for messages: `fs.close()`. */
  release: string;
  isRelease: (call: ts.CallExpression, argIndex: number) => boolean;
}

const OPEN_WITH_CALLBACK: DeclarationSpec = { name: 'open', from: nodeModule('fs') };
const CLOSE_FD: DeclarationSpec = { name: ['close', 'closeSync'], from: FS };

export function callbackHandle(types: TypeQueries, call: ts.CallExpression): CallbackHandle | undefined {
  const callback = call.arguments.length > 1 ? unwrap(call.arguments[call.arguments.length - 1]!) : undefined;
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
  const value = callback.parameters[1]?.name;
  if (!value || !ts.isIdentifier(value) || !isCallTo(types, call, OPEN_WITH_CALLBACK)) return undefined;
  return { callback, value, release: 'fs.close()', isRelease: (c, i) => i === 0 && isCallTo(types, c, CLOSE_FD) };
}

/** The acquiring `new X()` / `createX()` / `openSync()` call an initializer makes, looking through `await` and wrappers. */
export function acquiringExpression(init: ts.Expression): ts.CallExpression | ts.NewExpression | undefined {
  const e = unwrap(init, { await: true });
  if (ts.isNewExpression(e)) return e;
  if (!ts.isCallExpression(e)) return undefined;
  const name = calleeName(e.expression)?.text ?? '';
  return ACQUIRING_CALL.test(name) || HANDLE_FUNCTIONS.some((h) => h.acquire.name === name) ? e : undefined;
}

/** Methods whose results their receiver keeps and destroys with itself (a view container's views, a renderer factory's renderers). */
interface ReceiverKeeps {
  methods: readonly string[];
  /** The class or interface that declares the methods. */
  of: string;
  from: readonly DeclarationSource[];
}
const ANGULAR: readonly DeclarationSource[] = [{ from: 'package', package: '@angular/core' }];
const RECEIVER_KEEPS: readonly ReceiverKeeps[] = [
  { methods: ['createEmbeddedView', 'createComponent'], of: 'ViewContainerRef', from: ANGULAR },
  { methods: ['createRenderer'], of: 'RendererFactory2', from: ANGULAR },
];

/** True when the call's receiver keeps what it returns (per RECEIVER_KEEPS), so the caller has nothing to release. */
export function keptByReceiver(types: TypeQueries, call: ts.CallExpression | ts.NewExpression): boolean {
  const name = ts.isCallExpression(call) ? calleeName(call.expression) : undefined;
  if (!name || !RECEIVER_KEEPS.some((k) => k.methods.includes(name.text))) return false;
  const symbol = types.symbolAt(name);
  if (!symbol) return false;
  return types.declarationsOf(symbol).some((d) => {
    const owner = d.parent;
    const ownerName = (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) && owner.name?.text;
    return RECEIVER_KEEPS.some((k) => k.of === ownerName && k.methods.includes(name.text) && declaredBy(types, symbol, k.from));
  });
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

/** Subscribing calls whose returned unsubscribe (or subscription) the subscriber later releases. */
const SUBSCRIBING = new Set(['subscribe', 'listen', 'addListener']);

/**
 * The local is subscribed to (`x.subscribe(…)`) and its class releases itself from another of its methods
 * (`onUnsubscribe() { if (!this.hasListeners()) this.destroy(); }`): ending the subscription ends the value, so the
 * code that subscribed owns no release of its own. Only classes with source in the program are read.
 */
export function releasedThroughSubscription(
  types: TypeQueries,
  type: ts.Type,
  releaseMethods: readonly string[],
  methodsCalled: readonly string[],
): boolean {
  if (!methodsCalled.some((m) => SUBSCRIBING.has(m))) return false;
  const classes = (type.getSymbol()?.declarations ?? []).filter(ts.isClassLike);
  return classes.some((cls) => [cls, ...types.baseClasses(cls)].some((c) => callsOwnRelease(c, releaseMethods)));
}

function callsOwnRelease(cls: ts.ClassLikeDeclaration, releaseMethods: readonly string[]): boolean {
  if (cls.getSourceFile().isDeclarationFile) return false;
  return cls.members.some((m) => {
    if (!ts.isMethodDeclaration(m) || !m.body || !ts.isIdentifier(m.name) || releaseMethods.includes(m.name.text)) return false;
    let calls = false;
    const visit = (n: ts.Node): void => {
      if (calls || ts.isFunctionLike(n)) return;
      const callee = ts.isCallExpression(n) ? unwrap(n.expression) : undefined;
      calls =
        !!callee &&
        ts.isPropertyAccessExpression(callee) &&
        callee.expression.kind === ts.SyntaxKind.ThisKeyword &&
        releaseMethods.includes(callee.name.text);
      if (!calls) n.forEachChild(visit);
    };
    m.body.forEachChild(visit);
    return calls;
  });
}

/** Members that settle when a handle ends (a dialog's result, a stream's or socket's closed promise). */
const END_SETTLEMENTS = /^(result|closed|finished|done|ended|exited|completed|settled|afterClosed|afterDismissed)$/;

/**
 * The function waits for the local's own end: it reads a member that settles when the handle ends (`await
 * modal.result`, `ref.afterClosed().subscribe(…)`, `await stream.closed`), typed as a promise or an observable. Something
 * else ends such a handle (the user closing a dialog, the peer closing the connection), and the code only follows that
 * end: it has nothing of its own to release.
 */
export function waitsForItsEnd(types: TypeQueries, local: ts.Identifier): boolean {
  const scope = enclosingFunction(local);
  return (
    !!scope &&
    (referencesTo(types, scope, local) ?? []).some((ref) => {
      const member = ref.parent;
      if (!ts.isPropertyAccessExpression(member) || member.expression !== ref || !END_SETTLEMENTS.test(member.name.text)) return false;
      const settlement = ts.isCallExpression(member.parent) && member.parent.expression === member ? member.parent : member;
      const type = types.typeAt(settlement);
      return types.hasMethod(type, 'then') || types.hasMethod(type, 'subscribe');
    })
  );
}

/** Members by which a dialog tells that it ended: a result that settles, an event when it closes. */
const DIALOG_ENDS = ['result', 'closed', 'afterClosed', 'dismissed', 'afterDismissed'];

/**
 * A dialog: a handle that shows a component (`componentInstance`) and tells when it ends (`result`, `closed`,
 * `afterClosed()`), as a modal or dialog service's ref does. The user closes it, and the service removes it then:
 * the code that opened it has nothing to release, whether or not it waits for the end (see waitsForItsEnd).
 */
export function endedByUser(types: TypeQueries, type: ts.Type): boolean {
  return types.hasProperty(type, 'componentInstance') && DIALOG_ENDS.some((end) => types.hasProperty(type, end));
}
