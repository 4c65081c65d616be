// Calls that open a network request or a database round trip, recognised by the checker: fetch and http/https
// request/get (declared in lib or @types/node), undici's request/fetch/stream, and `query` on a client type that is
// a closable resource (pg, mysql, … clients and pools).
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { platformCallName } from './globals';
import { skipChain } from './lifecycle';
import { resourceInfo } from './resource';

const NODE_HTTP = /[\\/]@types[\\/]node[\\/](http|https|http2)\.d\.ts$/;
const UNDICI = /[\\/]undici(-types)?[\\/]/;
const HTTP_CALLS = new Set(['request', 'get']);
const UNDICI_CALLS = new Set(['request', 'fetch', 'stream']);

/** A short description of the request the call makes (`fetch()`, `https.get()`, `db.query()`), or undefined. */
export function requestCall(types: TypeQueries, call: ts.CallExpression): string | undefined {
  if (platformCallName(types, call, new Set(['fetch']))) return 'fetch()';
  const callee = skipChain(call.expression);
  const id = ts.isIdentifier(callee)
    ? callee
    : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)
      ? callee.name
      : undefined;
  if (!id || !(HTTP_CALLS.has(id.text) || UNDICI_CALLS.has(id.text) || id.text === 'query')) return undefined;
  const symbol = types.symbolAt(id);
  if (!symbol) return undefined;
  const text = `${callee.getText()}()`;
  if (HTTP_CALLS.has(id.text) && types.isDeclaredIn(symbol, NODE_HTTP)) return text;
  if (UNDICI_CALLS.has(id.text) && types.isDeclaredIn(symbol, UNDICI)) return text;
  if (id.text === 'query' && ts.isPropertyAccessExpression(callee)) {
    const client = resourceInfo(types, types.typeAt(callee.expression));
    if (client?.kind === 'handle') return text;
  }
  return undefined;
}
