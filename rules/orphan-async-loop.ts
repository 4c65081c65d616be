// orphan-async-loop: an endless `while (true)` / `for (;;)` loop that awaits, with no way out (no break, return or
// throw that leaves it, no AbortSignal check), and async functions that re-schedule themselves with no exit.
import ts = require('typescript');
import { calleeName, endsProcess, enclosingFunction, findNode, leavesLoop, someNode, unwrap } from '../engine/analysis';
import { NO_OPTIONS } from '../engine/options';
import { defineRule, type RuleContext } from '../engine/rule';

const MESSAGES = {
  endlessLoop:
    'This endless async loop has no exit: no break, return or throw leaves it and it checks no AbortSignal or stop flag, so it runs (and ' +
    'keeps what it references) until the process ends.',
  waitsHere: 'waits here on every turn, then goes round again',
  reschedulesItself:
    '`{{name}}` re-schedules itself after every run with no exit, abort-signal or stop-flag check, so the chain never ends.',
  runsAgain: 'the function that runs again and again',
};
type Context = RuleContext<keyof typeof MESSAGES>;

const IN_BODY = { skipFunctions: true };

export default defineRule({
  meta: {
    id: 'orphan-async-loop',
    description: 'An endless async loop has no exit, abort-signal or stop-flag check, so nothing can stop it.',
    messages: MESSAGES,
    ...NO_OPTIONS,
    defaultSeverity: 'warn',
    fixable: false,
  },
  create(ctx) {
    const loop = (node: ts.WhileStatement | ts.DoStatement | ts.ForStatement) => {
      // the syntax first; who calls the function (a search of the program's references) last
      if (!isEndless(node) || !isAsync(enclosingFunction(node)) || !awaitsIn(node.statement) || leavesLoop(node)) return;
      if (checksAbort(ctx, node.statement) || ctx.analysis.runsOncePerApplication(node)) return;
      const firstAwait = findNode(node.statement, isAwait, IN_BODY);
      ctx.report({
        node,
        messageId: 'endlessLoop',
        related: firstAwait ? [{ node: firstAwait, messageId: 'waitsHere' }] : [],
      });
    };
    return {
      [ts.SyntaxKind.WhileStatement]: loop,
      [ts.SyntaxKind.DoStatement]: loop,
      [ts.SyntaxKind.ForStatement]: loop,
      [ts.SyntaxKind.FunctionDeclaration]: (fn) => checkRescheduling(ctx, fn),
      [ts.SyntaxKind.MethodDeclaration]: (fn) => checkRescheduling(ctx, fn),
    };
  },
});

function isEndless(node: ts.WhileStatement | ts.DoStatement | ts.ForStatement): boolean {
  const condition = ts.isForStatement(node) ? node.condition : node.expression;
  return !condition || condition.kind === ts.SyntaxKind.TrueKeyword;
}

function isAsync(fn: ts.SignatureDeclaration | undefined): boolean {
  return !!fn && (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

function isAwait(n: ts.Node): boolean {
  return ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier);
}

function awaitsIn(node: ts.Node): boolean {
  return someNode(node, isAwait, IN_BODY);
}

/** `signal.aborted`, `signal.throwIfAborted()`, or any AbortSignal-typed value handed to the awaited work (which then rejects on abort). */
function checksAbort(ctx: Context, node: ts.Node): boolean {
  return someNode(
    node,
    (n) => {
      if (ts.isPropertyAccessExpression(n) && ['aborted', 'throwIfAborted'].includes(n.name.text)) return true;
      return ts.isIdentifier(n) && /^AbortSignal\b/.test(ctx.types.typeName(ctx.types.typeAt(n)));
    },
    IN_BODY,
  );
}

/**
 * `async function poll() { …; await x; poll(); }`: the last statement calls the function itself (directly, with
 * `await`, `void` or `return`), and the body has no return, throw or abort check that could end the chain.
 */
function checkRescheduling(ctx: Context, fn: ts.FunctionDeclaration | ts.MethodDeclaration): void {
  if (!isAsync(fn) || !fn.body || !fn.name) return;
  const last = fn.body.statements.at(-1);
  const call = last && selfCall(last);
  const callee = call && calleeName(call.expression);
  // the name and the syntax first, the symbols next, and who calls the function (a search of the program's references,
  // `super.ngOnInit()` in every component for `ngOnInit`) only for a chain with no way out
  if (!callee || callee.text !== fn.name.getText(ctx.file)) return;
  if (ts.isPropertyAccessExpression(call.expression) && call.expression.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
  const earlier = fn.body.statements.slice(0, -1);
  if (!earlier.some(awaitsIn)) return;
  const ends = (n: ts.Node) => ts.isReturnStatement(n) || ts.isThrowStatement(n) || (ts.isCallExpression(n) && endsProcess(n));
  if (earlier.some((s) => someNode(s, ends, IN_BODY))) return;
  const self = ctx.types.symbolAt(fn.name);
  if (!self || ctx.types.symbolAt(callee) !== self) return;
  if (earlier.some((s) => checksAbort(ctx, s)) || ctx.analysis.runsOncePerApplication(fn.body)) return;
  ctx.report({
    node: call,
    messageId: 'reschedulesItself',
    data: { name: fn.name.getText(ctx.file) },
    related: [{ node: fn.name, messageId: 'runsAgain' }],
  });
}

/** The call in `f();`, `await f();`, `void f();` or `return f();`. */
function selfCall(statement: ts.Statement): ts.CallExpression | undefined {
  let e = ts.isExpressionStatement(statement) ? statement.expression : ts.isReturnStatement(statement) ? statement.expression : undefined;
  const step = (x: ts.Expression) => (ts.isVoidExpression(x) ? x.expression : unwrap(x, { await: true }));
  while (e && step(e) !== e) e = step(e);
  return e && ts.isCallExpression(e) ? e : undefined;
}
