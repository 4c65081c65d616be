// unterminated-worker: a worker thread or child process that is never terminated, killed or awaited — kept in a
// class field the teardown does not stop, or dropped / kept in a local while it keeps running. Also a stop that an
// async teardown fires and forgets: `terminate()` returns a promise the teardown does not wait for, so the owner
// reports itself closed while the worker still runs.
import ts = require('typescript');
import {
  LISTENER_REGISTRATIONS,
  OUT_OF_SCOPE_MESSAGE,
  PROCESS_STOPS,
  enclosingFunction,
  ignoredCancellation,
  isPlatformSymbol,
  outOfScope,
  outerExpression,
  processStart,
  runsToItsEnd,
  someCall,
  thisProperty,
  unwrap,
  type IgnoredCancellation,
  type LifecycleAnalysis,
  type LocalUses,
  type ProcessStart,
} from '../engine/analysis';
import { appendToBody } from '../engine/fix';
import { TEARDOWN_OPTIONS } from '../engine/options';
import { codeText, defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  localNeverStopped:
    '`{{name}}` (a {{what}}) is never {{stopped}} and nothing waits for it to exit, so it keeps running after the code that started it ' +
    'is done.',
  outOfScope: OUT_OF_SCOPE_MESSAGE,
  dropped: 'The {{what}} is dropped: nothing can {{stop}} it or wait for it to exit.',
  fieldNeverStopped:
    'The {{what}} kept in `this.{{field}}` is never stopped: {{teardown}}() does not call {{call}}, so it outlives its owner.',
  teardownMissesStop: 'teardown that misses {{stop}}()',
  stopInTeardown: '{{verb}} it in {{teardown}}()',
  stopNotAwaited:
    '{{teardown}}() is async but does not wait for `{{call}}`: it resolves while the worker is still running, so whoever awaits ' +
    'the teardown may exit or restart with the old worker alive.',
  awaitStop: 'Await {{call}}',
  cancellationIgnored:
    'The {{what}} is not stopped when `{{token}}` cancels the work: {{how}}, so cancelled (superseded) work keeps its process running ' +
    'until it ends by itself.',
  calledWithoutCancellation: 'called here without `{{token}}`',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

/** Events that say a child or worker has ended. */
const EXIT_EVENTS = new Set(['exit', 'close', 'disconnect']);

export default defineRule({
  meta: {
    id: 'unterminated-worker',
    description: 'A worker thread or child process is never terminated, killed or awaited by its owner.',
    messages: MESSAGES,
    ...TEARDOWN_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx, options) {
    const lifecycle = ctx.analysis.lifecycleWith(options.teardownMethods);
    const check = (node: ts.NewExpression | ts.CallExpression) => {
      const start = processStart(ctx.types, node);
      if (!start || ctx.analysis.runsOncePerApplication(node)) return;
      const what = start.kind === 'worker' ? 'worker thread' : `child process from ${start.api}()`;
      const expr = outerExpression(node);
      const parent = expr.parent;
      const ended = endsWithCallback(ctx, node, start);
      const field = heldInField(ctx, expr);
      if (field) {
        const r = ended ? undefined : fieldReport(ctx, lifecycle, node, field, what, start);
        if (r) ctx.report(r);
        return;
      }
      const local =
        ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === expr ? parent.name : undefined;
      if (!local && !ts.isExpressionStatement(parent)) return;
      const { uses, releases, handOffs } = local ? ctx.analysis.usesOf(local, { methods: PROCESS_STOPS }) : NO_USES;
      if (releases.length || handOffs.length) return;
      const ignored = ignoredCancellation(ctx.types, node);
      if (ignored) {
        ctx.report(cancellationReport(node, what, ignored));
        return;
      }
      const waited = uses.some(
        (u) => u.kind === 'reassigned' || (u.kind === 'method' && awaitsEnd(u.method!, u.site as ts.CallExpression)),
      );
      if (ended || waited || (ts.isCallExpression(node) && runsToItsEnd(start, node, uses))) return;
      if (local) {
        ctx.report({
          node,
          messageId: 'localNeverStopped',
          data: { name: local.text, what, stopped: start.stop === 'kill' ? 'killed' : 'terminated' },
          related: outOfScope(parent as ts.VariableDeclaration),
        });
      } else {
        ctx.report({ node, messageId: 'dropped', data: { what, stop: start.stop } });
      }
    };
    const checkStop = (call: ts.CallExpression) => {
      const r = unawaitedStop(ctx, lifecycle, call);
      if (r) ctx.report(r);
    };
    return {
      [ts.SyntaxKind.NewExpression]: check,
      [ts.SyntaxKind.CallExpression]: (call) => {
        check(call);
        checkStop(call);
      },
    };
  },
});

const NO_USES: LocalUses = { uses: [], releases: [], handOffs: [] };

function cancellationReport(node: ts.Node, what: string, ignored: IgnoredCancellation): Report<MessageId> {
  const token = ignored.cancellation.name;
  const { call } = ignored;
  const caller = call && enclosingFunction(call);
  const callerName = caller && 'name' in caller && caller.name ? `${caller.name.getText()}()` : 'a caller';
  const how = call ? `${callerName} calls ${codeText(call.expression)}() without passing it on` : 'nothing here refers to it';
  return {
    node,
    messageId: 'cancellationIgnored',
    data: { what, token, how },
    related: call ? [{ node: call, messageId: 'calledWithoutCancellation', data: { token } }] : [],
  };
}

/** exec/execFile with a completion callback: the callback runs when the child exits. */
function endsWithCallback(ctx: Context, node: ts.Node, start: ProcessStart): boolean {
  if (!ts.isCallExpression(node) || (start.api !== 'exec' && start.api !== 'execFile')) return false;
  const last = node.arguments.at(-1);
  return !!last && ctx.types.typeAt(last).getCallSignatures().length > 0;
}

/** `.unref()`, a stop, or an 'exit'/'close' listener. */
function awaitsEnd(method: string, call: ts.CallExpression): boolean {
  if (method === 'unref' || PROCESS_STOPS.includes(method)) return true;
  const event = call.arguments[0];
  return LISTENER_REGISTRATIONS.has(method) && !!event && ts.isStringLiteralLike(event) && EXIT_EVENTS.has(event.text);
}

interface Field {
  symbol: ts.Symbol;
  name: string;
  cls: ts.ClassLikeDeclaration;
  optional: boolean;
}

/** `this.f = <expr>` in a method, or `f = <expr>` as a field initializer. */
function heldInField(ctx: Context, expr: ts.Expression): Field | undefined {
  const p = expr.parent;
  let nameNode: ts.Node | undefined;
  if (
    ts.isBinaryExpression(p) &&
    p.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    p.right === expr &&
    thisProperty(p.left) === p.left
  ) {
    nameNode = (p.left as ts.PropertyAccessExpression).name;
  } else if (ts.isPropertyDeclaration(p) && p.initializer === expr && ts.isIdentifier(p.name)) {
    nameNode = p.name;
  }
  const owner = ctx.analysis.ownerOf(expr);
  const symbol = nameNode && ctx.types.symbolAt(nameNode);
  if (!symbol || owner.kind !== 'class') return undefined;
  const decl = ctx.types.declarationsOf(symbol)[0];
  const type = decl && ctx.types.typeAt(decl);
  const optional = !!type && type.isUnion() && type.types.some((t) => (t.flags & ts.TypeFlags.Undefined) !== 0);
  return { symbol, name: symbol.name, cls: owner.cls, optional };
}

function fieldReport(
  ctx: Context,
  lifecycleAnalysis: LifecycleAnalysis,
  node: ts.Node,
  field: Field,
  what: string,
  start: ProcessStart,
): Report<MessageId> | undefined {
  const lifecycle = lifecycleAnalysis.of(field.cls);
  const teardown = lifecycle.teardownToName;
  if (!teardown || stoppedAnywhere(lifecycleAnalysis, field)) return undefined;
  const call = `this.${field.name}${field.optional ? '?.' : '.'}${start.stop}()`;
  const r: Report<MessageId> = {
    node,
    messageId: 'fieldNeverStopped',
    data: { what, field: field.name, teardown: teardown.name.getText(), call },
    related: [{ node: teardown.name, messageId: 'teardownMissesStop', data: { stop: start.stop } }],
  };
  const own = lifecycle.teardownToEdit;
  if (own?.body) {
    // terminate() returns a promise: an async teardown waits for it
    const awaitIt =
      (ts.getCombinedModifierFlags(own) & ts.ModifierFlags.Async) !== 0 &&
      ctx.types.methodReturnsPromise(ctx.types.typeAt(node), start.stop);
    r.fixes = [
      {
        messageId: 'stopInTeardown',
        data: { verb: start.stop === 'kill' ? 'Kill' : 'Terminate', teardown: own.name.getText() },
        edits: [appendToBody(ctx.file, own.body, `${awaitIt ? 'await ' : ''}${call};`)],
        preferred: true,
      },
    ];
  }
  return r;
}

/** Some code of the class stops the field, unrefs it, or listens for its exit (a stop method the owner calls, an exit handler). */
function stoppedAnywhere(lifecycle: LifecycleAnalysis, field: Field): boolean {
  return someCall(
    field.cls,
    (n) =>
      ts.isPropertyAccessExpression(n.expression) &&
      lifecycle.isField(n.expression.expression, field.symbol) &&
      awaitsEnd(n.expression.name.text, n),
  );
}

/** `this.worker.terminate();` as a statement of an async teardown, when terminate() returns a promise. */
function unawaitedStop(ctx: Context, lifecycleAnalysis: LifecycleAnalysis, call: ts.CallExpression): Report<MessageId> | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'terminate' || !thisProperty(callee.expression)) return undefined;
  const statement = outerExpression(call, {}).parent;
  const method = enclosingFunction(call);
  if (!ts.isExpressionStatement(statement) || !method || !ts.isMethodDeclaration(method)) return undefined;
  if ((ts.getCombinedModifierFlags(method) & ts.ModifierFlags.Async) === 0) return undefined;
  const owner = ctx.analysis.ownerOf(call);
  if (owner.kind !== 'class' || !lifecycleAnalysis.of(owner.cls).ownTeardowns.includes(method)) return undefined;
  const receiver = ctx.types.typeAt(callee.expression);
  if (!ctx.types.methodReturnsPromise(receiver, 'terminate') || !holdsWorker(ctx, callee.expression)) return undefined;
  const text = call.getText(ctx.file);
  return {
    node: call,
    messageId: 'stopNotAwaited',
    data: { teardown: method.name.getText(), call: text },
    fixes: [
      {
        messageId: 'awaitStop',
        data: { call: text },
        edits: [{ start: call.getStart(ctx.file), end: call.getStart(ctx.file), newText: 'await ' }],
        preferred: true,
      },
    ],
  };
}

/** The field holds a worker thread: a platform `Worker` (worker_threads; the DOM's terminate() returns nothing). */
function holdsWorker(ctx: Context, e: ts.Expression): boolean {
  const type = ctx.types.typeAt(e);
  return (type.isUnion() ? type.types : [type]).some((t) => {
    const symbol = t.getSymbol();
    return symbol?.name === 'Worker' && isPlatformSymbol(ctx.types, symbol);
  });
}
