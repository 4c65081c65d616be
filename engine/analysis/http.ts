// HTTP clients whose responses hold a connection until their body is read or cancelled: the global `fetch`
// (TypeScript's DOM lib or @types/node) and undici's `request` / `fetch`, recognised by symbol.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { platformCallName } from './globals';

const FETCH = new Set(['fetch']);
const UNDICI_DECLARATIONS = /[\\/]undici(-types)?[\\/]/;

/** Methods of a response (or its body) that read or discard the body. */
export const BODY_CONSUMERS = ['json', 'text', 'arrayBuffer', 'blob', 'formData', 'bytes', 'dump', 'cancel', 'destroy'];

export function responseCall(types: TypeQueries, call: ts.CallExpression): 'fetch' | 'undici' | undefined {
  if (platformCallName(types, call, FETCH)) return 'fetch';
  const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
  if (!ts.isIdentifier(callee) || (callee.text !== 'request' && callee.text !== 'fetch')) return undefined;
  const symbol = types.symbolAt(callee);
  if (!symbol || !types.isDeclaredIn(symbol, UNDICI_DECLARATIONS)) return undefined;
  // undici's fetch returns a WHATWG Response, like the global one
  return callee.text === 'fetch' ? 'fetch' : 'undici';
}
