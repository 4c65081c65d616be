// Where stream chunks arrive: an inline `'data'` handler on a stream or emitter (`s.on('data', (chunk) => …)`), or
// the body of `for await (const chunk of stream)`. Rules ask this to tell chunk accumulation from other growth.
// And pipes whose source stays open when the destination ends first (`src.pipe(dest)` does not destroy `src`), and
// sockets that an HTTP event hands its listener to close.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { declaredBy, nodeModule, type DeclarationSource } from './declarations';
import { LISTENER_REGISTRATIONS, PERSISTENT_REGISTRATIONS } from './events';
import { accessPathKey } from './access-path';
import { isAssignment, outerExpression, unwrap } from './expressions';
import { enclosingFunction } from './owner';
import { RELEASE_METHODS } from './resource';
import { findNode, refersTo } from './walk';

export interface ChunkSource {
  kind: 'data' | 'for-await';
  /** The handler function, or the loop statement. */
  body: ts.Node;
  /** The stream: the receiver of `.on('data', …)`, or the iterated expression. */
  stream: ts.Expression;
  /** The handler's parameters, or the loop variable(s): what a chunk is. */
  chunk: readonly ts.Symbol[];
}

/** Members that mark a value as a stream or an event emitter (by the checker, on its type). */
const STREAM_MEMBERS = ['pipe', 'pause', 'emit', 'getReader'];

/** The chunk source whose code directly contains `node` (no other function in between). */
export function chunkSourceAt(types: TypeQueries, node: ts.Node): ChunkSource | undefined {
  for (let n = node; n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isForOfStatement(p) && p.awaitModifier && p.statement === n) {
      if (!isStream(types, p.expression)) return undefined;
      const chunk = ts.isVariableDeclarationList(p.initializer)
        ? p.initializer.declarations.flatMap((d) => boundSymbols(types, d.name))
        : [];
      return { kind: 'for-await', body: p, stream: p.expression, chunk };
    }
    if (ts.isFunctionLike(p)) {
      if (!ts.isArrowFunction(p) && !ts.isFunctionExpression(p)) return undefined;
      const registration = outerExpression(p).parent;
      if (!ts.isCallExpression(registration) || registration.arguments[1] !== outerExpression(p)) return undefined;
      const callee = unwrap(registration.expression);
      const event = registration.arguments[0];
      if (
        !ts.isPropertyAccessExpression(callee) ||
        !PERSISTENT_REGISTRATIONS.has(callee.name.text) ||
        !ts.isStringLiteralLike(event) ||
        event.text !== 'data'
      )
        return undefined;
      if (!isStream(types, callee.expression)) return undefined;
      return {
        kind: 'data',
        body: p,
        stream: unwrap(callee.expression),
        chunk: p.parameters.flatMap((param) => boundSymbols(types, param.name)),
      };
    }
  }
  return undefined;
}

/** A stream or event emitter, by the methods of its type. */
export function isStream(types: TypeQueries, e: ts.Expression): boolean {
  const type = types.typeAt(e);
  return STREAM_MEMBERS.some((m) => types.hasMethod(type, m));
}

function boundSymbols(types: TypeQueries, name: ts.BindingName): ts.Symbol[] {
  if (ts.isIdentifier(name)) {
    const s = types.symbolAt(name);
    return s ? [s] : [];
  }
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundSymbols(types, e.name)));
}

/**
 * `source.pipe(destination)` of a stream (by its type: pipe() and destroy(); or of unknown type, JavaScript): the pipe
 * reads the source to its end, where a readable stream ends itself (an fs stream closes its file: autoClose), and a
 * source that fails destroys itself (autoDestroy). Piped, it is self-ending; only a destination that ends first leaves
 * it open, which openPipeSource asks.
 */
export function pipesToItsEnd(types: TypeQueries, call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'pipe' || !call.arguments.length) return false;
  const source = types.typeAt(callee.expression);
  return types.typeName(source) === 'any' || (types.hasMethod(source, 'pipe') && types.hasMethod(source, 'destroy'));
}

/** A source piped into a destination, and the destination's handler that leaves the source open. */
export interface OpenPipeSource {
  source: ts.Identifier;
  destination: ts.Identifier;
  /** The registration of the destination's end or error handler (`dest.on('error', …)`, `finished(dest, …)`). */
  handler: ts.CallExpression;
  /** The handler releases the source, but only under a test of its error argument. */
  onErrorOnly: boolean;
}

/** Events after which a destination takes no more data from its source. */
const DESTINATION_ENDS = new Set(['error', 'close', 'finish']);
/** Functions that call back once a stream has ended or failed (`stream.finished`, end-of-stream, on-finished). */
const END_OF_STREAM = new Set(['finished', 'eos', 'endOfStream', 'onFinished']);

/**
 * `source.pipe(destination)` does not destroy the source when the destination fails or closes first: the source stays
 * open (paused, its file or socket held) unless the code releases it. Found when the function handles the
 * destination's end (`destination.on('error', reject)`, `finished(destination, (err) => …)`) and nothing in the
 * function releases the source except under a test of such a handler's error (`if (err) source.destroy()`): a
 * destination that finishes without an error while the source is still open leaves it so. The source is a stream
 * by its type (a closable one) or of unknown type (JavaScript), and the function's own: a local it made, or one it
 * releases on some path. `pipeline()` has none of this.
 */
export function openPipeSource(types: TypeQueries, pipe: ts.CallExpression): OpenPipeSource | undefined {
  const callee = unwrap(pipe.expression);
  const [target] = pipe.arguments;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'pipe' || !target) return undefined;
  const source = unwrap(callee.expression);
  const destination = unwrap(target);
  if (!ts.isIdentifier(source) || !ts.isIdentifier(destination)) return undefined;
  const sourceType = types.typeAt(source);
  if (!types.hasMethod(sourceType, 'destroy') && types.typeName(sourceType) !== 'any') return undefined;
  const sourceSymbol = types.symbolAt(source);
  const destinationSymbol = types.symbolAt(destination);
  const scope = enclosingFunction(pipe);
  if (!sourceSymbol || !destinationSymbol || !scope) return undefined;
  const handlers: { registration: ts.CallExpression; handler: ts.SignatureDeclaration | undefined }[] = [];
  const releases: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const handler = destinationHandler(types, n, destinationSymbol);
      if (handler) handlers.push({ registration: n, handler: handlerBody(types, handler) });
      const c = unwrap(n.expression);
      if (
        ts.isPropertyAccessExpression(c) &&
        (RELEASE_METHODS as readonly string[]).includes(c.name.text) &&
        isSymbol(types, c.expression, sourceSymbol)
      )
        releases.push(n);
    }
    n.forEachChild(visit);
  };
  scope.forEachChild(visit);
  const [first] = handlers;
  if (!first) return undefined;
  const onError = releases.filter((r) => handlers.some((h) => h.handler && underErrorTest(types, r, h.handler)));
  if (onError.length < releases.length) return undefined;
  // the function owns the source when it made it or releases it on some path; a borrowed one may pipe itself
  // (`send`'s stream has a pipe() that destroys its file when the response ends)
  if (!releases.length && !madeHere(sourceSymbol, pipe)) return undefined;
  return { source, destination, handler: first.registration, onErrorOnly: onError.length > 0 };
}

/** A local of the function that pipes it (or of one around it), made by a call or `new` in its initializer. */
function madeHere(symbol: ts.Symbol, pipe: ts.Node): boolean {
  const declaration = symbol.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  const init = unwrap(declaration.initializer, { await: true });
  const fn = enclosingFunction(declaration);
  return (ts.isCallExpression(init) || ts.isNewExpression(init)) && !!fn && pipe.pos >= fn.pos && pipe.end <= fn.end;
}

/** `destination.on('error' | 'close' | 'finish', handler)` or `finished(destination, …, handler)`: the handler. */
function destinationHandler(types: TypeQueries, call: ts.CallExpression, destination: ts.Symbol): ts.Expression | undefined {
  const callee = unwrap(call.expression);
  const [first, second] = call.arguments;
  if (ts.isPropertyAccessExpression(callee) && LISTENER_REGISTRATIONS.has(callee.name.text)) {
    const ends = first && ts.isStringLiteralLike(first) && DESTINATION_ENDS.has(first.text);
    return ends && second && isSymbol(types, callee.expression, destination) ? second : undefined;
  }
  const name = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
  if (!ts.isIdentifier(name) || !END_OF_STREAM.has(name.text) || !first || !isSymbol(types, first, destination)) return undefined;
  return call.arguments.at(-1);
}

/**
 * An inline handler, or the function a local name refers to (`stream.on('error', onError)`), also bound
 * (`onError.bind(this)`), as a default (`handler || onError`), or through a property the file sets to one
 * (`options.onError = options.onError || onError` … `server.on('error', options.onError)`).
 */
function handlerBody(types: TypeQueries, handler: ts.Expression, seen = new Set<ts.Node>()): ts.SignatureDeclaration | undefined {
  const x = unwrap(handler);
  if (seen.has(x)) return undefined;
  seen.add(x);
  if (ts.isArrowFunction(x) || ts.isFunctionExpression(x)) return x;
  if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'bind')
    return handlerBody(types, x.expression.expression, seen);
  if (ts.isBinaryExpression(x) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(x.operatorToken.kind))
    return handlerBody(types, x.right, seen) ?? handlerBody(types, x.left, seen);
  if (ts.isPropertyAccessExpression(x)) {
    const key = accessPathKey(types, x);
    const set = key && findNode(x.getSourceFile(), (n) => isAssignment(n) && n.left !== x && accessPathKey(types, n.left) === key);
    return set && isAssignment(set) ? handlerBody(types, set.right, seen) : undefined;
  }
  const declaration = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  if (declaration && ts.isFunctionDeclaration(declaration)) return declaration;
  const init =
    declaration && ts.isVariableDeclaration(declaration) ? declaration.initializer && unwrap(declaration.initializer) : undefined;
  return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
}

/** The release is in the handler, under an `if` that tests the handler's first parameter (the error). */
function underErrorTest(types: TypeQueries, release: ts.Node, handler: ts.SignatureDeclaration): boolean {
  const error = handler.parameters[0]?.name;
  const errorSymbol = error && ts.isIdentifier(error) ? types.symbolAt(error) : undefined;
  if (!errorSymbol || release.pos < handler.pos || release.end > handler.end) return false;
  for (let n = release.parent; n && n !== handler; n = n.parent)
    if (ts.isIfStatement(n) && release.pos >= n.thenStatement.pos && refersTo(types, n.expression, errorSymbol)) return true;
  return false;
}

function isSymbol(types: TypeQueries, e: ts.Expression, symbol: ts.Symbol): boolean {
  const x = unwrap(e);
  return ts.isIdentifier(x) && types.symbolAt(x) === symbol;
}

/**
 * Events whose listener is handed a socket to close: Node's HTTP server leaves a connection that failed to parse
 * ('clientError'), or that asks to switch protocols or tunnel ('upgrade', 'connect'), to its listener, and so does a
 * client request that gets a 101 or a CONNECT answer. The index is the socket's parameter.
 */
const SOCKET_HANDING_EVENTS: Record<string, number> = { clientError: 1, upgrade: 1, connect: 1 };
/** Events whose name alone says an HTTP server or request in untyped code ('connect' is also a socket's own event). */
const HTTP_ONLY_EVENTS = new Set(['clientError', 'upgrade']);
const HTTP_MODULES: readonly DeclarationSource[] = nodeModule('http', 'https', 'http2');

export interface ListenerOwnedSocket {
  registration: ts.CallExpression;
  handler: ts.SignatureDeclaration;
  socket: ts.Identifier;
  /** The error a 'clientError' listener gets first: a connection reset has no socket left to close. */
  error?: ts.Identifier;
}

/**
 * `server.on('clientError', (err, socket) => …)`, `server.on('upgrade', (req, socket, head) => …)`: the listener owns the
 * socket. The receiver is an HTTP server or request by its type (declared in Node's http modules), or of unknown type
 * for the events only HTTP emits.
 */
export function listenerOwnedSocket(types: TypeQueries, call: ts.CallExpression): ListenerOwnedSocket | undefined {
  const callee = unwrap(call.expression);
  const [event, handler] = call.arguments;
  if (!ts.isPropertyAccessExpression(callee) || !LISTENER_REGISTRATIONS.has(callee.name.text)) return undefined;
  if (!event || !ts.isStringLiteralLike(event) || !handler || !Object.hasOwn(SOCKET_HANDING_EVENTS, event.text)) return undefined;
  const receiver = types.typeAt(callee.expression);
  const symbol = receiver.getSymbol();
  const http = symbol ? declaredBy(types, symbol, HTTP_MODULES) : HTTP_ONLY_EVENTS.has(event.text) && !types.isObjectType(receiver);
  const body = http ? handlerBody(types, handler) : undefined;
  const socket = body?.parameters[SOCKET_HANDING_EVENTS[event.text]!]?.name;
  if (!body || !socket || !ts.isIdentifier(socket)) return undefined;
  const error = event.text === 'clientError' ? body.parameters[0]?.name : undefined;
  return { registration: call, handler: body, socket, error: error && ts.isIdentifier(error) ? error : undefined };
}
