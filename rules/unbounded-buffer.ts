// unbounded-buffer: stream chunks accumulated into a string, Buffer or array (`buf += chunk`,
// `buf = Buffer.concat([buf, chunk])`, `chunks.push(chunk)`) in a 'data' handler or a `for await` loop, with nothing
// that trims, resets or size-checks the accumulator while the stream runs. Reading a whole finite body is not a
// leak: an 'end'/'close'/'finish' handler that consumes the accumulator, a function that waits for the stream's end
// and then uses it, or a `for await` loop after which the accumulator is used.
import ts = require('typescript');
import {
  LISTENER_REGISTRATIONS,
  accessPathKey,
  calleePath,
  chunkSourceAt,
  collectionKind,
  comparesWithLimit,
  enclosingFunction,
  isAssignment,
  outerExpression,
  referencesTo,
  refersTo,
  someCall,
  statementList,
  unwrap,
  type ChunkSource,
} from '../engine/analysis';
import { constantCase, freshIdentifier, insertAfterStatement, insertModuleDeclaration, type Edit } from '../engine/fix';
import { NO_OPTIONS } from '../engine/options';
import { codeText, defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  accumulates:
    '`{{name}}` accumulates every chunk in {{where}} and is never trimmed, reset or size-checked while the stream runs: it grows without ' +
    'bound on a long-lived stream.',
  streamKept: 'the stream whose chunks are kept',
  keepLast: 'Keep only the last {{max}} {{unit}} of `{{name}}`',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

const END_EVENTS = new Set(['end', 'close', 'finish', 'exit']);
/** Ways code waits for a stream to end: `once(s, 'end')`, `finished(s)`, `pipeline(s, …)`, `s.on('end', resolve)`. */
const END_WAITERS = new Set(['finished', 'pipeline']);

type AccumulatorKind = 'string' | 'Buffer' | 'array';

interface Accumulation {
  /** The accumulating expression: the assignment or the push call. */
  site: ts.Expression;
  /** The accumulator as written: `buf`, `this.buf`. */
  target: ts.Expression;
  /** The accumulator's name at the site: `buf`, the `buf` of `this.buf`. */
  name: ts.Identifier | ts.PrivateIdentifier;
  symbol: ts.Symbol;
  kind: AccumulatorKind;
}

export default defineRule({
  meta: {
    id: 'unbounded-buffer',
    description: 'Stream chunks are accumulated with no size cap, so the buffer grows for as long as the stream runs.',
    messages: MESSAGES,
    ...NO_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx) {
    const check = (node: ts.BinaryExpression | ts.CallExpression): void => {
      const acc = accumulation(ctx, node);
      if (!acc) return;
      const source = chunkSourceAt(ctx.types, node);
      if (!source || !refersTo(ctx.types, ts.isCallExpression(node) ? node : node.right, source.chunk)) return;
      const decl = ctx.types.declarationsOf(acc.symbol)[0];
      // an accumulator declared inside the handler or loop body starts afresh for every chunk
      if (!decl || (decl.pos >= source.body.pos && decl.end <= source.body.end)) return;
      if (trimmedOrChecked(ctx, acc) || readsWholeBody(ctx, acc, source)) return;
      ctx.report(report(ctx, acc, source));
    };
    return {
      [ts.SyntaxKind.BinaryExpression]: check,
      [ts.SyntaxKind.CallExpression]: check,
    };
  },
});

/** `buf += x`, `buf = buf + x`, `buf = Buffer.concat([buf, x])`, `buf = buf.concat(x)`, `chunks.push(x)`. */
function accumulation(ctx: Context, node: ts.BinaryExpression | ts.CallExpression): Accumulation | undefined {
  if (ts.isCallExpression(node)) {
    const callee = unwrap(node.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'push') return undefined;
    return target(ctx, node, callee.expression, 'pushed', (t) => (collectionKind(ctx.types, t) === 'array' ? 'array' : undefined));
  }
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.PlusEqualsToken)
    return target(ctx, node, node.left, 'appended', (t) => (ctx.types.typeName(t) === 'string' ? 'string' : undefined));
  if (op !== ts.SyntaxKind.EqualsToken) return undefined;
  if (!ctx.types.typeFact(node, 'grows-itself', () => growsItself(ctx, node))) return undefined;
  return target(ctx, node, node.left, 'grown', (t) => {
    const name = ctx.types.typeName(t);
    return name === 'string'
      ? 'string'
      : /^Buffer\b/.test(name)
        ? 'Buffer'
        : collectionKind(ctx.types, t) === 'array'
          ? 'array'
          : undefined;
  });
}

/** `x = x + …`, `x = Buffer.concat([x, …])`, `x = x.concat(…)`. */
function growsItself(ctx: Context, node: ts.BinaryExpression): boolean {
  const right = unwrap(node.right);
  const self = (e: ts.Expression | undefined) => !!e && sameTarget(ctx, e, node.left);
  return (
    (ts.isBinaryExpression(right) && right.operatorToken.kind === ts.SyntaxKind.PlusToken && self(right.left)) ||
    (ts.isCallExpression(right) &&
      ((calleePath(right.expression).join('.') === 'Buffer.concat' &&
        ts.isArrayLiteralExpression(right.arguments[0]) &&
        self(right.arguments[0].elements[0])) ||
        (ts.isPropertyAccessExpression(right.expression) && right.expression.name.text === 'concat' && self(right.expression.expression))))
  );
}

/** The accumulator `e` names, when its type is of a kind that grows; `how` names the growth `kindOf` judges by type. */
function target(
  ctx: Context,
  site: ts.Expression,
  e: ts.Expression,
  how: 'pushed' | 'appended' | 'grown',
  kindOf: (t: ts.Type) => AccumulatorKind | undefined,
): Accumulation | undefined {
  const t = unwrap(e);
  const name = ts.isIdentifier(t)
    ? t
    : ts.isPropertyAccessExpression(t) && t.expression.kind === ts.SyntaxKind.ThisKeyword
      ? t.name
      : undefined;
  if (!name) return undefined;
  const { types } = ctx;
  const kind = types.typeFact(t, `accumulator-${how}`, () => (types.symbolAt(name) ? kindOf(types.typeAt(t)) : undefined));
  const symbol = kind && types.symbolAt(name);
  return symbol && kind ? { site, target: t, name, symbol, kind } : undefined;
}

function sameTarget(ctx: Context, a: ts.Expression, b: ts.Expression): boolean {
  const name = (e: ts.Expression) => {
    const x = unwrap(e);
    return ts.isIdentifier(x) ? x : ts.isPropertyAccessExpression(x) ? x.name : undefined;
  };
  const [na, nb] = [name(a), name(b)];
  return !!na && !!nb && ctx.types.symbolAt(na) === ctx.types.symbolAt(nb);
}

/**
 * Anything that keeps the accumulator in check: another assignment (a reset, a slice, keeping the unparsed tail),
 * a truncating method or `length = …`, a comparison of its size with a limit, or a hand-off of an array to other
 * code (which may drain it).
 */
function trimmedOrChecked(ctx: Context, acc: Accumulation): boolean {
  return usesOf(ctx, acc).some((n) => keepsInCheck(ctx, n, acc));
}

/**
 * Every use of the accumulator in the file (not its declaration's name), found by its name: a search per
 * accumulation, not a walk of the file asking the checker about every name in it.
 */
function usesOf(ctx: Context, acc: Accumulation): (ts.Identifier | ts.PrivateIdentifier)[] {
  // a local is used only in the function that declares it (many functions may each have a `text` of their own)
  const decl = ctx.types.declarationsOf(acc.symbol)[0];
  const isLocal =
    decl && (ts.isVariableDeclaration(decl) || (ts.isParameter(decl) && !ts.isParameterPropertyDeclaration(decl, decl.parent)));
  const local = isLocal ? enclosingFunction(decl) : undefined;
  const uses = referencesTo(ctx.types, local ?? ctx.file, acc.name) ?? [];
  return [acc.name, ...uses].filter((n) => !isDeclarationName(n));
}

function isDeclarationName(n: ts.Node): boolean {
  return (ts.isVariableDeclaration(n.parent) || ts.isPropertyDeclaration(n.parent) || ts.isParameter(n.parent)) && n.parent.name === n;
}

function keepsInCheck(ctx: Context, name: ts.Identifier | ts.PrivateIdentifier, acc: Accumulation): boolean {
  const ref: ts.Expression =
    ts.isPropertyAccessExpression(name.parent) && name.parent.name === name ? name.parent : (name as ts.Identifier);
  const e = outerExpression(ref, {});
  const p = e.parent;
  if (ts.isBinaryExpression(p) && p.left === e) {
    const op = p.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusEqualsToken) return false;
    // an assignment that is not itself an accumulation resets or trims
    return op === ts.SyntaxKind.EqualsToken && !accumulation(ctx, p);
  }
  if (ts.isPropertyAccessExpression(p) && p.expression === e) {
    if (['length', 'byteLength'].includes(p.name.text)) return (isAssignment(p.parent) && p.parent.left === p) || comparesWithLimit(p);
    const call = p.parent;
    return (
      ts.isCallExpression(call) &&
      call.expression === p &&
      ['splice', 'shift', 'pop', 'subarray', 'slice'].includes(p.name.text) &&
      acc.kind === 'array'
    );
  }
  // Buffer.byteLength(buf) > MAX
  if (ts.isCallExpression(p) && p.arguments.includes(e) && comparesWithLimit(p)) return true;
  // an array handed to other code may be drained there (strings and Buffers cannot be trimmed by a callee)
  if (acc.kind !== 'array') return false;
  if (ts.isCallExpression(p) && p.arguments.includes(e)) return !READING_CALLS.test(calleePath(p.expression).join('.'));
  return ts.isReturnStatement(p) || (ts.isBinaryExpression(p) && p.right === e) || (ts.isVariableDeclaration(p) && p.initializer === e);
}

/** Calls that only read an array of chunks. */
const READING_CALLS = /^(Buffer\.\w+|JSON\.stringify|console\.\w+|String)$/;

/**
 * The stream is read to its end and the accumulator used then: an end/close/finish listener on the same stream that
 * uses the accumulator; a function (not program-lifetime code) that waits for the stream's end; or code after a
 * `for await` loop (which only ends with the stream) that uses the accumulator.
 */
function readsWholeBody(ctx: Context, acc: Accumulation, source: ChunkSource): boolean {
  if (source.kind === 'for-await') {
    const scope: ts.Node = enclosingFunction(source.body) ?? ctx.file;
    return usesOf(ctx, acc).some((n) => n.pos >= source.body.end && n.end <= scope.end);
  }
  const stream = accessPathKey(ctx.types, source.stream);
  if (!stream) return false;
  // a function (not program-lifetime code) that waits for the end, with the accumulator used outside the handler
  const fn = ctx.analysis.runsOncePerApplication(source.body) ? undefined : enclosingFunction(source.body);
  const waits = !!fn && someCall(fn, (call) => waitsForEnd(ctx, call, stream)) && referencedOutside(ctx, acc, source.body);
  return waits || usesOf(ctx, acc).some((n) => inEndListenerOf(ctx, n, stream));
}

/** A use of the accumulator outside `body`. */
function referencedOutside(ctx: Context, acc: Accumulation, body: ts.Node): boolean {
  return usesOf(ctx, acc).some((n) => n.end <= body.pos || n.pos >= body.end);
}

/** True when `use` is inside the handler of an end/close/finish listener on `stream` (or its owner). */
function inEndListenerOf(ctx: Context, use: ts.Node, stream: string): boolean {
  for (let n = use.parent; !ts.isSourceFile(n); n = n.parent) {
    const listener = ts.isCallExpression(n) ? endEventListener(n) : undefined;
    const inHandler = listener && use.pos >= listener.handler.pos && use.end <= listener.handler.end;
    if (inHandler && sameStream(accessPathKey(ctx.types, listener.stream), stream)) return true;
  }
  return false;
}

/** `s.on('end', handler)` and the like. */
function endEventListener(call: ts.CallExpression): { stream: ts.Expression; handler: ts.Expression } | undefined {
  const callee = unwrap(call.expression);
  const [event, handler] = call.arguments;
  if (!ts.isPropertyAccessExpression(callee) || !LISTENER_REGISTRATIONS.has(callee.name.text) || !event || !handler) return undefined;
  return ts.isStringLiteralLike(event) && END_EVENTS.has(event.text) ? { stream: callee.expression, handler } : undefined;
}

/**
 * `s.on('end', resolve)` (a named continuation, not an inline handler), `once(s, 'end')`, `finished(s)`,
 * `pipeline(s, …)`: the function waits for the stream to end.
 */
function waitsForEnd(ctx: Context, call: ts.CallExpression, stream: string): boolean {
  const listener = endEventListener(call);
  if (listener) return ts.isIdentifier(listener.handler) && sameStream(accessPathKey(ctx.types, listener.stream), stream);
  const path = calleePath(call.expression);
  const endArg = call.arguments.some((a) => ts.isStringLiteralLike(a) && END_EVENTS.has(a.text));
  if (!endArg && !END_WAITERS.has(path[path.length - 1] ?? '')) return false;
  return call.arguments.some((a) => sameStream(accessPathKey(ctx.types, a), stream));
}

/** The same stream, or the object that owns it: `child` ends when `child.stdout` does ('close'/'exit' on a child process). */
function sameStream(a: string | undefined, b: string): boolean {
  return !!a && (a === b || b.startsWith(`${a}.`) || a.startsWith(`${b}.`));
}

const UNITS: Record<AccumulatorKind, { suffix: string; value: string; noun: string }> = {
  string: { suffix: 'LENGTH', value: '1024 * 1024', noun: 'characters' },
  Buffer: { suffix: 'BYTES', value: '1024 * 1024', noun: 'bytes' },
  array: { suffix: 'CHUNKS', value: '1000', noun: 'chunks' },
};

function report(ctx: Context, acc: Accumulation, source: ChunkSource): Report<MessageId> {
  const name = acc.target;
  const stream = codeText(source.stream);
  const where = source.kind === 'data' ? `a 'data' handler on \`${stream}\`` : `a \`for await\` loop over \`${stream}\``;
  return {
    node: acc.site,
    messageId: 'accumulates',
    data: { name, where },
    related: [{ node: source.stream, messageId: 'streamKept' }],
    fixes: capFix(ctx, acc),
  };
}

/** Keep only the last MAX characters/bytes/chunks after each accumulation. */
function capFix(ctx: Context, acc: Accumulation): Report<MessageId>['fixes'] {
  const unit = UNITS[acc.kind];
  const x = acc.target.getText(ctx.file);
  const base = constantCase(x.replace(/^this\./, ''));
  const max = freshIdentifier(ctx.file, `MAX_${base.endsWith(unit.suffix) ? base : `${base}_${unit.suffix}`}`);
  // above the accumulator's declaration when this file declares it, else above the accumulating code
  const decl = ctx.types.declarationsOf(acc.symbol).find((d) => d.getSourceFile() === ctx.file);
  const constant = insertModuleDeclaration(ctx.file, decl ?? acc.site, `const ${max} = ${unit.value};`);
  if (!constant) return [];
  const trim =
    acc.kind === 'array'
      ? `if (${x}.length > ${max}) ${x}.splice(0, ${x}.length - ${max});`
      : `if (${x}.length > ${max}) ${x} = ${x}.${acc.kind === 'Buffer' ? 'subarray' : 'slice'}(-${max});`;
  const edit = afterAccumulation(ctx, acc.site, trim);
  if (!edit) return [];
  return [{ messageId: 'keepLast', data: { max, unit: unit.noun, name: x }, edits: [constant, edit], preferred: true }];
}

/** Inserts `code` after the accumulation's statement; an arrow whose body is the accumulation gets a block body. */
function afterAccumulation(ctx: Context, site: ts.Expression, code: string): Edit | undefined {
  const outer = outerExpression(site, {});
  const p = outer.parent;
  if (ts.isExpressionStatement(p) && statementList(p)) return insertAfterStatement(ctx.file, p, code);
  if (ts.isArrowFunction(p) && p.body === outer)
    return { start: outer.getStart(ctx.file), end: outer.getEnd(), newText: `{ ${site.getText(ctx.file)}; ${code} }` };
  return undefined;
}
