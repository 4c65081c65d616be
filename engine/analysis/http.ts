// Network requests and database round trips, recognised by the checker: the global `fetch` (lib or @types/node),
// Node's http/https request/get, undici's request/fetch/stream, and `query` on a client type that is a closable
// resource (pg, mysql, … clients and pools). Responses of fetch and undici hold a connection until their body is
// read or cancelled.
import ts = require('typescript');
import { codeText } from '../rule';
import type { TypeQueries } from '../types';
import { nodeModule, namesSpec, type DeclarationSpec } from './declarations';
import { calleeName, outerExpression, unwrap } from './expressions';
import { platformCallName } from './globals';
import { resourceInfo } from './resource';

const UNDICI = [
  { from: 'package', package: 'undici' },
  { from: 'package', package: 'undici-types' },
] as const;
const NODE_HTTP_CALLS: DeclarationSpec = { name: ['request', 'get'], from: nodeModule('http', 'https', 'http2') };
const UNDICI_REQUESTS: DeclarationSpec = { name: ['request', 'fetch', 'stream'], from: UNDICI };
const UNDICI_RESPONSES: DeclarationSpec = { name: ['request', 'fetch'], from: UNDICI };
/** The request options that name the connection pool a request borrows its socket from. */
const POOL_OPTIONS = new Set(['agent', 'dispatcher']);
const NODE_AGENT: DeclarationSpec = { name: 'Agent', from: nodeModule('http', 'https') };

/** Methods of a response (or its body) that read or discard the body. */
export const BODY_CONSUMERS = ['json', 'text', 'arrayBuffer', 'blob', 'formData', 'bytes', 'dump', 'cancel', 'destroy'];

/** A short description of the request the call makes (`fetch()`, `https.get()`, `db.query()`), or undefined. */
export function requestCall(types: TypeQueries, call: ts.CallExpression): string | undefined {
  return types.typeFact(call, 'request', () => requestMadeBy(types, call));
}

function requestMadeBy(types: TypeQueries, call: ts.CallExpression): string | undefined {
  if (platformCallName(types, call, ['fetch'])) return 'fetch()';
  const id = calleeName(call.expression);
  if (!id) return undefined;
  const text = `${codeText(unwrap(call.expression))}()`;
  if (namesSpec(types, id, NODE_HTTP_CALLS) || namesSpec(types, id, UNDICI_REQUESTS)) return text;
  const callee = unwrap(call.expression);
  if (
    id.text === 'query' &&
    ts.isPropertyAccessExpression(callee) &&
    resourceInfo(types, types.typeAt(callee.expression))?.kind === 'handle'
  )
    return text;
  return undefined;
}

/** The client of a call whose response holds a connection until its body is consumed. */
export function responseCall(types: TypeQueries, call: ts.CallExpression): 'fetch' | 'undici' | undefined {
  return types.typeFact(call, 'response', () => responseClient(types, call));
}

function responseClient(types: TypeQueries, call: ts.CallExpression): 'fetch' | 'undici' | undefined {
  if (platformCallName(types, call, ['fetch'])) return 'fetch';
  const id = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
  if (!ts.isIdentifier(id) || !namesSpec(types, id, UNDICI_RESPONSES)) return undefined;
  // undici's fetch returns a WHATWG Response, like the global one
  return id.text === 'fetch' ? 'fetch' : 'undici';
}

/**
 * `{ agent }` or `{ dispatcher: pool }` in the options literal of a request call: the request borrows a socket from
 * the pool and never closes the pool, so passing it there hands nothing off.
 */
export function isRequestPoolOption(types: TypeQueries, value: ts.Expression): boolean {
  const property = outerExpression(value).parent;
  if (!(
    ts.isShorthandPropertyAssignment(property) ||
    (ts.isPropertyAssignment(property) && property.initializer === outerExpression(value))
  ))
    return false;
  if (!ts.isIdentifier(property.name) || !POOL_OPTIONS.has(property.name.text)) return false;
  const options = outerExpression(property.parent);
  const call = options.parent;
  return ts.isCallExpression(call) && call.arguments.includes(options) && requestCall(types, call) !== undefined;
}

/**
 * A Node `http.Agent`/`https.Agent` made without `keepAlive: true` in its options literal closes each socket when its
 * request ends: it holds nothing afterwards, released or not (options built elsewhere are not read: left alone).
 */
export function closesIdleSockets(types: TypeQueries, made: ts.Expression): boolean {
  const x = unwrap(made);
  const id = ts.isNewExpression(x) ? calleeName(x.expression) : undefined;
  if (!id || !namesSpec(types, id, NODE_AGENT)) return false;
  const options = (x as ts.NewExpression).arguments?.[0];
  const literal = options && unwrap(options);
  const keepAlive =
    literal && ts.isObjectLiteralExpression(literal)
      ? literal.properties.some(
          (p) =>
            ts.isPropertyAssignment(p) &&
            ts.isIdentifier(p.name) &&
            p.name.text === 'keepAlive' &&
            p.initializer.kind === ts.SyntaxKind.TrueKeyword,
        )
      : false;
  return !keepAlive;
}
