// Where stream chunks arrive: an inline `'data'` handler on a stream or emitter (`s.on('data', (chunk) => …)`), or
// the body of `for await (const chunk of stream)`. Rules ask this to tell chunk accumulation from other growth.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { PERSISTENT_REGISTRATIONS } from './events';
import { outerExpression, unwrap } from './expressions';

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

function isStream(types: TypeQueries, e: ts.Expression): boolean {
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
