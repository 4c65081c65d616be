// unbounded-buffer: stream chunks accumulated into a string, Buffer or array (`buf += chunk`,
// `buf = Buffer.concat([buf, chunk])`, `chunks.push(chunk)`) in a 'data' handler or a `for await` loop, with nothing
// that trims, resets or size-checks the accumulator while the stream runs. Reading a whole finite body is not a
// leak: an 'end'/'close'/'finish' handler that consumes the accumulator, a function that waits for the stream's end
// and then uses it, or a `for await` loop after which the accumulator is used.
// Two accumulations are reported wherever their code runs: a pending line (a string kept as the last piece of a split,
// which grows while no line break comes) with no size check, and an array of parts whose total size in bytes is
// tallied and checked but whose number never is.
import ts = require('typescript');
import {
  LISTENER_REGISTRATIONS,
  accessPathKey,
  calleePath,
  chunkSourceAt,
  collectionKind,
  comparesWithLimit,
  enclosingFunction,
  findNode,
  isAssignment,
  isStream,
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
  pendingLine:
    '`{{name}}` keeps the unfinished last line and grows by every chunk without a line break: nothing checks its size, so output ' +
    'with no newline grows it without bound.',
  partsByBytes:
    '`{{name}}` keeps every part pushed here and only their total size is checked (`{{tally}}`), never their number: many tiny ' +
    'parts grow the array, and the overhead of each part, without a limit.',
  streamKept: 'the stream whose chunks are kept',
  tallied: 'the total size that is checked instead of the number of parts',
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
  /** The accumulator as written: `buf`, `this.buf`, `this.buf[key]`. */
  target: ts.Expression;
  /** The accumulator's name at the site: `buf`, the `buf` of `this.buf` and of `this.buf[key]`. */
  name: ts.Identifier | ts.PrivateIdentifier;
  symbol: ts.Symbol;
  kind: AccumulatorKind;
  /** Neither the accumulator nor what is added has a known type (JavaScript): a string only if it is a pending line. */
  untyped?: boolean;
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
      const tally = acc.kind === 'array' ? byteTally(ctx, acc) : undefined;
      if (tally) {
        if (!countChecked(ctx, acc) && runsRepeatedly(ctx, node)) ctx.report(partsReport(acc, tally));
        return;
      }
      const pending = acc.kind === 'string' && keptAsTail(ctx, acc);
      if (acc.untyped && !pending) return;
      const source = chunkSourceAt(ctx.types, node);
      // a pending line of an object's own field grows wherever the chunks come from (a callback, a helper)
      if (!source) {
        if (pending && isOwnField(acc.target) && runsRepeatedly(ctx, node) && !sizeChecked(ctx, acc)) ctx.report(report(ctx, acc, true));
        return;
      }
      if (!refersTo(ctx.types, ts.isCallExpression(node) ? node : node.right, source.chunk)) return;
      const decl = ctx.types.declarationsOf(acc.symbol)[0];
      // an accumulator declared inside the handler or loop body starts afresh for every chunk
      if (!decl || (decl.pos >= source.body.pos && decl.end <= source.body.end)) return;
      if ((pending ? sizeChecked(ctx, acc) : trimmedOrChecked(ctx, acc)) || readsWholeBody(ctx, acc, source)) return;
      ctx.report(report(ctx, acc, pending, source));
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
  if (op === ts.SyntaxKind.PlusEqualsToken) {
    // a target of no known type (JavaScript's `this.rest[key]`) is a string when a string (or no known type) is appended
    // asked only when no kept answer says (engine/type-facts.ts): most `+=` of a file are outside the edited body
    let added: ts.Type | undefined;
    const addedType = () => (added ??= ctx.types.typeAt(node.right));
    const addsAny = () => !!(addedType().flags & ts.TypeFlags.Any);
    const kindOf = (t: ts.Type): AccumulatorKind | undefined => {
      const untyped = !!(t.flags & ts.TypeFlags.Any) && (addsAny() || ctx.types.typeName(addedType()) === 'string');
      return ctx.types.typeName(t) === 'string' || untyped ? 'string' : undefined;
    };
    const acc = target(ctx, node, node.left, 'appended', kindOf);
    const untyped = () => addsAny() && ctx.types.typeName(ctx.types.typeAt(acc!.target)) !== 'string';
    return acc && { ...acc, untyped: ctx.types.typeFact(node, 'appends-untyped', untyped) };
  }
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
  const field = ts.isElementAccessExpression(t) ? unwrap(t.expression) : t;
  const name = ts.isIdentifier(t)
    ? t
    : ts.isPropertyAccessExpression(field) && field.expression.kind === ts.SyntaxKind.ThisKeyword
      ? field.name
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

/**
 * Only a check of its size keeps a pending line in check (it is reset at a line break, which may never come): its
 * `length`, or `length` plus what comes next, compared with a limit.
 */
function sizeChecked(ctx: Context, acc: Accumulation): boolean {
  const compared = (size: ts.Expression): boolean => {
    const p = outerExpression(size, {}).parent;
    return comparesWithLimit(size) || (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.PlusToken && compared(p));
  };
  return usesOf(ctx, acc).some((n) => {
    const e = accessAt(n, acc);
    const p = e.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === e) return ['length', 'byteLength'].includes(p.name.text) && compared(p);
    return ts.isCallExpression(p) && p.arguments.includes(e) && compared(p);
  });
}

/** The accumulator as a use of its name reads it: `buf`, `this.buf`, `this.buf[key]` (as its target is written). */
function accessAt(name: ts.Identifier | ts.PrivateIdentifier, acc: Accumulation): ts.Expression {
  const ref: ts.Expression =
    ts.isPropertyAccessExpression(name.parent) && name.parent.name === name ? name.parent : (name as ts.Identifier);
  const e = outerExpression(ref, {});
  const element = ts.isElementAccessExpression(acc.target) && ts.isElementAccessExpression(e.parent) && e.parent.expression === e;
  return outerExpression(element ? e.parent : e, {});
}

/**
 * A pending line: the accumulator is set to the last piece of a split somewhere (`pending = parts.pop()`,
 * `this.rest[key] = lines[lines.length - 1]`), so it keeps whatever follows the last line break.
 */
function keptAsTail(ctx: Context, acc: Accumulation): boolean {
  return usesOf(ctx, acc).some((n) => {
    const e = accessAt(n, acc);
    return isAssignment(e.parent) && e.parent.left === e && isSplitTail(ctx, e.parent.right);
  });
}

/** `parts.pop()`, `parts.at(-1)`, `parts[parts.length - 1]` (or with `?? ''`) of `parts` made by `x.split(…)`. */
function isSplitTail(ctx: Context, value: ts.Expression): boolean {
  let e = unwrap(value);
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind))
    e = unwrap(e.left);
  let parts: ts.Expression | undefined;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ['pop', 'at'].includes(e.expression.name.text))
    parts = e.expression.expression;
  else if (ts.isElementAccessExpression(e) && ts.isBinaryExpression(e.argumentExpression)) {
    const index = e.argumentExpression;
    const length = unwrap(index.left);
    const last =
      index.operatorToken.kind === ts.SyntaxKind.MinusToken &&
      ts.isPropertyAccessExpression(length) &&
      length.name.text === 'length' &&
      sameTarget(ctx, length.expression, e.expression);
    if (last) parts = e.expression;
  }
  if (!parts) return false;
  const local = unwrap(parts);
  const symbol = ts.isIdentifier(local) ? ctx.types.symbolAt(local) : undefined;
  const decl = symbol && ctx.types.declarationsOf(symbol)[0];
  const made = decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : local;
  return ts.isCallExpression(made) && ts.isPropertyAccessExpression(made.expression) && made.expression.name.text === 'split';
}

/** `this.x` or `this.x[key]`: state of the object, which outlives the call that grows it. */
function isOwnField(e: ts.Expression): boolean {
  const field = ts.isElementAccessExpression(e) ? unwrap(e.expression) : e;
  return ts.isPropertyAccessExpression(field) && field.expression.kind === ts.SyntaxKind.ThisKeyword;
}

/** Code that runs more than once: not program-lifetime code, and not a constructor. */
function runsRepeatedly(ctx: Context, node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  return !ctx.analysis.runsOncePerApplication(node) && !(fn && ts.isConstructorDeclaration(fn));
}

/**
 * An array of parts counted in bytes: a stream or emitter's own array field, one of whose pushes sits beside a tally
 * of the pushed part's size in another field (`this.bytes += chunk.length`) that is compared with a limit. Returns
 * the tally. Draining such an array by bytes (a shift once enough bytes came, a reset at a message's end) bounds its
 * size, not its number of parts.
 */
function byteTally(ctx: Context, acc: Accumulation): ts.BinaryExpression | undefined {
  if (!isOwnField(acc.target) || ts.isElementAccessExpression(acc.target)) return undefined;
  if (!isStream(ctx.types, (acc.target as ts.PropertyAccessExpression).expression)) return undefined;
  for (const push of pushesOf(ctx, acc)) {
    const part = push.arguments[0] && unwrap(push.arguments[0]);
    const fn = enclosingFunction(push);
    if (!part || !ts.isIdentifier(part) || !fn) continue;
    const symbol = ctx.types.symbolAt(part);
    const tally = findNode(fn, (n) => {
      if (!ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken || !isOwnField(n.left)) return false;
      const size = unwrap(n.right);
      return (
        ts.isPropertyAccessExpression(size) &&
        ['length', 'byteLength'].includes(size.name.text) &&
        ts.isIdentifier(size.expression) &&
        ctx.types.symbolAt(size.expression) === symbol
      );
    }) as ts.BinaryExpression | undefined;
    if (tally && fieldComparedWithLimit(ctx, tally.left as ts.PropertyAccessExpression)) return tally;
  }
  return undefined;
}

/** Every `this.x.push(…)` of the accumulator in the file. */
function pushesOf(ctx: Context, acc: Accumulation): ts.CallExpression[] {
  return usesOf(ctx, acc).flatMap((n) => {
    const p = accessAt(n, acc).parent;
    return ts.isPropertyAccessExpression(p) && p.name.text === 'push' && ts.isCallExpression(p.parent) && p.parent.expression === p
      ? [p.parent]
      : [];
  });
}

/** `this.n` (or `++this.n`, `this.n++`) compared with a limit somewhere in the file. */
function fieldComparedWithLimit(ctx: Context, field: ts.PropertyAccessExpression): boolean {
  const name = field.name;
  return [name, ...(referencesTo(ctx.types, ctx.file, name) ?? [])].some((n) => {
    const read = outerExpression(n.parent as ts.Expression, {});
    const counted = ts.isPrefixUnaryExpression(read.parent) || ts.isPostfixUnaryExpression(read.parent) ? read.parent : read;
    return comparesWithLimit(counted);
  });
}

/**
 * The number of parts is checked: the array's `length` compared with a limit, or a counter the functions that push
 * increment by one (`++this.parts > this.maxParts`) compared with one.
 */
function countChecked(ctx: Context, acc: Accumulation): boolean {
  const lengthRead = (n: ts.Identifier | ts.PrivateIdentifier) => {
    const p = accessAt(n, acc).parent;
    return ts.isPropertyAccessExpression(p) && p.name.text === 'length' && comparesWithLimit(p);
  };
  if (usesOf(ctx, acc).some(lengthRead)) return true;
  return pushesOf(ctx, acc).some((push) => {
    const fn = enclosingFunction(push);
    const counter = fn && findNode(fn, (n) => isOwnField(n as ts.Expression) && countsByOne(n as ts.Expression));
    return !!counter && fieldComparedWithLimit(ctx, counter as ts.PropertyAccessExpression);
  });
}

/** `++x`, `x++`, `x += 1`. */
function countsByOne(e: ts.Expression): boolean {
  const p = outerExpression(e, {}).parent;
  if (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) return p.operator === ts.SyntaxKind.PlusPlusToken;
  return (
    ts.isBinaryExpression(p) &&
    p.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken &&
    ts.isNumericLiteral(unwrap(p.right)) &&
    unwrap(p.right).getText() === '1'
  );
}

function keepsInCheck(ctx: Context, name: ts.Identifier | ts.PrivateIdentifier, acc: Accumulation): boolean {
  const e = accessAt(name, acc);
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

/** The accumulation of a chunk source, or a pending line (which may have none: its chunks come through a helper). */
function report(ctx: Context, acc: Accumulation, pending: boolean, source?: ChunkSource): Report<MessageId> {
  const name = acc.target;
  const related = source ? [{ node: source.stream, messageId: 'streamKept' as const }] : [];
  if (pending || !source) return { node: acc.site, messageId: 'pendingLine', data: { name }, related, fixes: capFix(ctx, acc) };
  const stream = codeText(source.stream);
  const where = source.kind === 'data' ? `a 'data' handler on \`${stream}\`` : `a \`for await\` loop over \`${stream}\``;
  return { node: acc.site, messageId: 'accumulates', data: { name, where }, related, fixes: capFix(ctx, acc) };
}

/** No fix: dropping parts mid-message corrupts it; a cap on their number that fails the stream is the owner's choice. */
function partsReport(acc: Accumulation, tally: ts.BinaryExpression): Report<MessageId> {
  return {
    node: acc.site,
    messageId: 'partsByBytes',
    data: { name: acc.target, tally: codeText(tally) },
    related: [{ node: tally, messageId: 'tallied' }],
  };
}

/** Keep only the last MAX characters/bytes/chunks after each accumulation. */
function capFix(ctx: Context, acc: Accumulation): Report<MessageId>['fixes'] {
  const unit = UNITS[acc.kind];
  const x = acc.target.getText(ctx.file);
  const base = constantCase(acc.name.text);
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
