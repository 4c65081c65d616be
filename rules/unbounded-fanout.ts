// unbounded-fanout: one request (fetch, http/https, undici, a DB client's query) per item of a collection whose size
// the code does not bound — a for-of loop, a counted loop up to `items.length`, or `items.map/forEach(…)` (typically
// under Promise.all). Bounded: literals and tuples, `.slice(a, b)` (including chunked loops), `Object.keys` of a
// fixed-shape object, a size check on the collection, a loop with its own exit, or a concurrency limiter between
// the iteration and the request (the request sits in another callback, such as `limit(() => fetch(u))`).
// Other async work fans out too when it runs for every item at once: file-system calls and child processes (or a
// call of a project function that makes one) in a callback iteration or a loop that never awaits, and the `async`
// library's `each`/`map`/… (not their `…Limit` twins), whose iteratee runs for every item at the same time.
import ts = require('typescript');
import {
  callsOfMethod,
  calleeName,
  calleePath,
  chosenByUser,
  collectionKind,
  collectionKindAt,
  comparesWithLimit,
  enclosingFunction,
  fileOrProcessWork,
  isLimiterCall,
  leavesLoop,
  outerExpression,
  requestCall,
  someCall,
  someNode,
  unlimitedLibraryIteration,
  unwrap,
  type AsyncWork,
  type LibraryIteration,
} from '../engine/analysis';
import { constantCase, freshIdentifier, insertModuleDeclaration } from '../engine/fix';
import { NO_OPTIONS } from '../engine/options';
import { defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  fanout:
    '{{request}} runs once per item of `{{items}}`{{when}}, and nothing bounds how many items there are: a large collection means a ' +
    'request or query per item (N+1), which can exhaust sockets or the connection pool.',
  concurrentWork:
    '{{work}} runs for every item of `{{items}}` at the same time, and nothing bounds how many items there are: each holds a file ' +
    'descriptor or a process while it runs, so a large collection exhausts them (EMFILE).',
  libraryFanout:
    '`{{call}}` starts the work for every item of `{{items}}` at once, and nothing bounds how many items there are: a large collection ' +
    'opens as many files, processes or connections at the same time (EMFILE).',
  unboundedCollection: 'the collection whose size is not bounded',
  startedPerItem: 'called for every item here',
  runAtMost: 'Run at most {{limit}} at a time ({{call}})',
  processAtMost: 'Process at most {{limit}} items ({{items}}.slice(0, {{limit}}))',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

const DEFAULT_LIMIT = 100;
const DEFAULT_CONCURRENCY = 10;
const CALLBACK_ITERATIONS = new Set(['map', 'forEach', 'flatMap']);
/** Array methods whose result is no larger than their receiver. */
const SHRINKING_METHODS = new Set(['filter', 'map', 'sort', 'reverse', 'toSorted', 'toReversed']);
const FALLBACKS = new Set([ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken]);
const SHAPELESS_OBJECTS = new Set(['{}', 'object']);
const FIXED_SHAPE_FUNCTIONS = new Set(['Object.keys', 'Object.values', 'Object.entries']);

interface Iteration {
  /** The loop statement or the `items.map(…)` call. */
  node: ts.Node;
  /** The code that runs per item: the loop body or the callback. */
  body: ts.Node;
  items: ts.Expression;
}

export default defineRule({
  meta: {
    id: 'unbounded-fanout',
    description:
      'One request or query per item of a collection of unbounded size (N+1 fan-out), which can exhaust sockets and connections.',
    messages: MESSAGES,
    ...NO_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx) {
    const reported = new Set<ts.Node>();
    return {
      [ts.SyntaxKind.CallExpression]: (call) => {
        const library = unlimitedLibraryIteration(ctx.types, call);
        if (library) {
          const it: Iteration = { node: call, body: library.iteratee, items: library.items };
          // the library takes any collection: only what is bounded by construction counts, not an unknown type
          if (!boundedItems(ctx, it.items, 0, { unknownIsBounded: false }) && !sizeChecked(ctx, it) && !limited(it.body))
            ctx.report(libraryReport(ctx, call, library));
          return;
        }
        // the iteration is mostly syntactic: find it before asking the checker what the call is
        const it = iterationOf(ctx, call);
        if (!it || reported.has(it.node)) return;
        const request = requestCall(ctx.types, call);
        const work = request ? undefined : concurrentFileOrProcess(ctx, call, it);
        if ((!request && !work) || boundedItems(ctx, it.items, 0) || sizeChecked(ctx, it) || limited(it.body) || hasOwnExit(it)) return;
        reported.add(it.node);
        const r = request ? requestReport(ctx, call, request, it) : workReport(ctx, call, work!, it);
        // a helper's file work that several iterations start is reported once, at the work
        if (reported.has(r.node)) return;
        reported.add(r.node);
        ctx.report(r);
      },
    };
  },
});

/** The per-item iteration whose body directly contains the call (no other function in between). */
function iterationOf(ctx: Context, call: ts.CallExpression): Iteration | undefined {
  for (let n: ts.Node = call; n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isForOfStatement(p) && p.statement === n) return { node: p, body: p.statement, items: p.expression };
    if (ts.isForStatement(p) && p.statement === n) {
      const items = p.condition && lengthLimit(p.condition);
      return items ? { node: p, body: p.statement, items } : undefined; // otherwise a counter limit
    }
    // while/do/for-in: an unknown count
    if (ts.isIterationStatement(p, false) && (p as ts.IterationStatement).statement === n) return undefined;
    if (ts.isFunctionLike(p)) {
      if (!ts.isArrowFunction(p) && !ts.isFunctionExpression(p)) return undefined;
      const outer = outerExpression(p);
      const iterating = outer.parent;
      if (!ts.isCallExpression(iterating) || iterating.arguments[0] !== outer) return undefined;
      const callee = unwrap(iterating.expression);
      if (!ts.isPropertyAccessExpression(callee) || !CALLBACK_ITERATIONS.has(callee.name.text)) return undefined;
      return collectionKindAt(ctx.types, callee.expression) === 'array'
        ? { node: iterating, body: p, items: callee.expression }
        : undefined;
    }
  }
  return undefined;
}

/** `i < items.length` → items. */
function lengthLimit(condition: ts.Expression): ts.Expression | undefined {
  if (!ts.isBinaryExpression(condition)) return undefined;
  const op = condition.operatorToken.kind;
  const limit = op === ts.SyntaxKind.LessThanToken || op === ts.SyntaxKind.LessThanEqualsToken ? condition.right : undefined;
  const x = limit && unwrap(limit);
  return x && ts.isPropertyAccessExpression(x) && (x.name.text === 'length' || x.name.text === 'size') ? x.expression : undefined;
}

/**
 * A file-system call or a child process started for every item at once: in a callback iteration, or in a loop whose
 * body never waits (a loop that awaits runs them one after another).
 */
function concurrentFileOrProcess(ctx: Context, call: ts.CallExpression, it: Iteration): AsyncWork | undefined {
  const atOnce =
    ts.isCallExpression(it.node) || !someNode(it.body, (n) => ts.isAwaitExpression(n) || ts.isYieldExpression(n), { skipFunctions: true });
  return atOnce ? fileOrProcessWork(ctx.types, call) : undefined;
}

/** Literals, tuples, slices and things derived from them; a `const` followed to its initializer. */
function boundedItems(ctx: Context, e: ts.Expression, depth: number, options = { unknownIsBounded: true }): boolean {
  const x = unwrap(e, { await: true });
  if (ts.isArrayLiteralExpression(x) || chosenByUser(ctx.types, x)) return true;
  // `picked ?? []`: either side
  if (ts.isBinaryExpression(x) && FALLBACKS.has(x.operatorToken.kind))
    return depth < 4 && boundedItems(ctx, x.left, depth + 1, options) && boundedItems(ctx, x.right, depth + 1, options);
  const type = ctx.types.typeAt(x);
  if (/^(readonly )?\[/.test(ctx.types.typeName(type))) return true; // a tuple
  if (ts.isCallExpression(x)) {
    const callee = unwrap(x.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if ((method === 'slice' || method === 'splice') && x.arguments.length === 2) return true;
      if (SHRINKING_METHODS.has(method)) return depth < 4 && boundedItems(ctx, callee.expression, depth + 1, options);
    }
    // the keys of an object without an index signature are fixed by its type
    const arg = x.arguments[0];
    // (`{}` and `object` have no shape: `this.queue = {}` in JavaScript is filled by key at run time)
    const argType = arg && ctx.types.typeAt(arg);
    return (
      FIXED_SHAPE_FUNCTIONS.has(calleePath(x.expression).join('.')) &&
      !!argType &&
      !ctx.types.stringIndexType(argType) &&
      ctx.types.isObjectType(argType) &&
      !SHAPELESS_OBJECTS.has(ctx.types.typeName(argType))
    );
  }
  // unknown shapes (iterators, generators, strings) are not collections we can judge
  if (!collectionKind(ctx.types, type) && options.unknownIsBounded) return true;
  if (ts.isIdentifier(x) && depth < 4) {
    const symbol = ctx.types.symbolAt(x);
    const decl = symbol && ctx.types.declarationsOf(symbol)[0];
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && (decl.parent.flags & ts.NodeFlags.Const) !== 0)
      return boundedItems(ctx, decl.initializer, depth + 1, options);
    const values = decl && ts.isParameter(decl) ? parameterValues(ctx, decl) : undefined;
    return !!values?.length && values.every((v) => boundedItems(ctx, v, depth + 1, options));
  }
  return false;
}

/**
 * Every value a method's parameter may hold: its default, what each call of the method (also through the base method
 * it overrides) passes, and what the method assigns to it (`paths ??= …`, `paths = result.filePaths`). A call that
 * leaves it out adds nothing (it is assigned before use, or there is nothing to iterate). Unsure (no call, a
 * reference that is not a call, a spread argument, a destructured parameter): undefined.
 */
function parameterValues(ctx: Context, param: ts.ParameterDeclaration): ts.Expression[] | undefined {
  const method = param.parent;
  if (!ts.isMethodDeclaration(method) || !method.body || !ts.isIdentifier(param.name)) return undefined;
  // with no call in the program, the callers are elsewhere, and what they pass is not known
  const calls = callsOfMethod(ctx.types, method);
  if (!calls?.length) return undefined;
  const index = method.parameters.indexOf(param);
  const passed = calls.flatMap((call) => call.arguments[index] ?? []);
  if (passed.some(ts.isSpreadElement) || calls.some((call) => call.arguments.slice(0, index).some(ts.isSpreadElement))) return undefined;
  const symbol = ctx.types.symbolAt(param.name);
  const assigned: ts.Expression[] = [];
  someNode(method.body, (n) => {
    const assigns = ts.isBinaryExpression(n) && ASSIGNMENTS.has(n.operatorToken.kind) && ts.isIdentifier(unwrap(n.left));
    if (assigns && ctx.types.symbolAt(unwrap(n.left)) === symbol) assigned.push(n.right);
    return false;
  });
  return [...(param.initializer ? [param.initializer] : []), ...passed, ...assigned];
}

const ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
]);

/** `if (items.length > MAX) …` in the function that iterates: the code bounds the collection itself. */
function sizeChecked(ctx: Context, it: Iteration): boolean {
  const name = calleeName(it.items);
  const symbol = name && ctx.types.symbolAt(name);
  if (!symbol) return false;
  const scope: ts.Node = enclosingFunction(it.node) ?? ctx.file;
  const loopCondition = ts.isForStatement(it.node) ? it.node.condition : undefined;
  const sizeOfItems = (n: ts.Node): boolean => {
    if (!ts.isPropertyAccessExpression(n) || (n.name.text !== 'length' && n.name.text !== 'size')) return false;
    const owner = calleeName(n.expression);
    return !!owner && ctx.types.symbolAt(owner) === symbol && comparesWithLimit(n);
  };
  return someNode(scope, sizeOfItems, { skip: (n) => n === loopCondition });
}

/** A call to a semaphore/queue/limiter in the per-item code. */
function limited(body: ts.Node): boolean {
  return someCall(body, isLimiterCall);
}

/** A way out of a loop body (a break, return or throw) may be a counter limit. */
function hasOwnExit(it: Iteration): boolean {
  return ts.isIterationStatement(it.node, false) && leavesLoop(it.node);
}

function requestReport(ctx: Context, call: ts.CallExpression, request: string, it: Iteration): Report<MessageId> {
  return {
    node: call,
    messageId: 'fanout',
    data: { request, items: it.items, when: ts.isCallExpression(it.node) ? ', all at once' : '' },
    related: [{ node: it.items, messageId: 'unboundedCollection' }],
    fixes: sliceFix(ctx, it),
  };
}

/**
 * At the call that opens the file or starts the process: when that is in a function of this file which the per-item
 * code calls, it is where a limiter bounds every caller (the per-item call is then a related location).
 */
function workReport(ctx: Context, call: ts.CallExpression, work: AsyncWork, it: Iteration): Report<MessageId> {
  const inHelper = work.start !== call && work.start.getSourceFile() === ctx.file;
  return {
    node: inHelper ? work.start : call,
    messageId: 'concurrentWork',
    data: { work: work.text, items: it.items },
    related: [
      { node: it.items, messageId: 'unboundedCollection' },
      ...(inHelper ? [{ node: call, messageId: 'startedPerItem' as const }] : []),
    ],
    fixes: sliceFix(ctx, it),
  };
}

/** `async.each(items, …)` → `async.eachLimit(items, MAX_CONCURRENT_…, …)`: the same work, a bounded number at a time. */
function libraryReport(ctx: Context, call: ts.CallExpression, library: LibraryIteration): Report<MessageId> {
  const callee = unwrap(call.expression);
  const text = callee.getText(ctx.file);
  const r: Report<MessageId> = {
    node: call,
    messageId: 'libraryFanout',
    data: { call: text, items: library.items },
    related: [{ node: library.items, messageId: 'unboundedCollection' }],
  };
  // a named import (`each(…)`) would need the twin imported as well: only `lib.each(…)` is rewritten
  if (!ts.isPropertyAccessExpression(callee)) return r;
  const name = calleeName(library.items)?.text ?? 'items';
  const limit = freshIdentifier(ctx.file, `MAX_CONCURRENT_${constantCase(name)}`);
  const constant = insertModuleDeclaration(ctx.file, call, `const ${limit} = ${DEFAULT_CONCURRENCY};`);
  if (!constant) return r;
  const twin = `${library.method.text}Limit`;
  r.fixes = [
    {
      messageId: 'runAtMost',
      data: { limit, call: `${callee.expression.getText(ctx.file)}.${twin}` },
      edits: [
        constant,
        { start: library.method.getStart(ctx.file), end: library.method.getEnd(), newText: twin },
        { start: library.items.getEnd(), end: library.items.getEnd(), newText: `, ${limit}` },
      ],
      preferred: true,
    },
  ];
  return r;
}

/** `items` → `items.slice(0, MAX_ITEMS)`, with the limit as a named module-level constant. Not preferred: it drops items. */
function sliceFix(ctx: Context, it: Iteration): Report<MessageId>['fixes'] {
  if (ts.isForStatement(it.node)) return []; // `i < items.length`: rewriting the bound reads badly; see the docs
  const items = unwrap(it.items);
  if (!ts.isIdentifier(items) && !ts.isPropertyAccessExpression(items) && !ts.isCallExpression(items)) return [];
  if (collectionKind(ctx.types, ctx.types.typeAt(items)) !== 'array') return [];
  const name = calleeName(items)?.text ?? 'items';
  const limit = freshIdentifier(ctx.file, `MAX_${constantCase(name)}`);
  const constant = insertModuleDeclaration(ctx.file, it.node, `const ${limit} = ${DEFAULT_LIMIT};`);
  if (!constant) return [];
  const text = it.items.getText(ctx.file);
  return [
    {
      messageId: 'processAtMost',
      data: { limit, items: text },
      edits: [constant, { start: it.items.getStart(ctx.file), end: it.items.getEnd(), newText: `${text}.slice(0, ${limit})` }],
      preferred: false,
    },
  ];
}
