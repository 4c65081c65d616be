// orphan-async-loop: an endless `while (true)` / `for (;;)` loop that awaits, with no way out (no break, return or
// throw that leaves it, no AbortSignal check), and async functions that re-schedule themselves with no exit.
import ts = require('typescript');
import { enclosingFunction } from '../engine/analysis/owner';
import { defineRule, docsUrl, type RuleContext } from '../engine/rule';

const ID = 'orphan-async-loop';

export default defineRule({
  meta: {
    id: ID,
    description: 'An endless async loop has no exit, abort-signal or stop-flag check, so nothing can stop it.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: false,
  },
  create(ctx) {
    const loop = (node: ts.WhileStatement | ts.DoStatement | ts.ForStatement) => {
      if (!isEndless(node) || !isAsync(enclosingFunction(node)) || ctx.analysis.isProgramLifetime(node)) return;
      if (!awaitsIn(node.statement) || leaves(node) || checksAbort(ctx, node.statement)) return;
      ctx.report({
        node,
        message:
          'This endless async loop has no exit: no break, return or throw leaves it and it checks no AbortSignal or stop flag, so it runs (and keeps what it references) until the process ends.',
        related: firstAwait(node.statement).map((a) => ({ node: a, message: 'waits here on every turn, then goes round again' })),
      });
    };
    return {
      [ts.SyntaxKind.WhileStatement]: loop,
      [ts.SyntaxKind.DoStatement]: loop,
      [ts.SyntaxKind.ForStatement]: loop,
      [ts.SyntaxKind.FunctionDeclaration]: (fn: ts.FunctionDeclaration) => checkRescheduling(ctx, fn),
      [ts.SyntaxKind.MethodDeclaration]: (fn: ts.MethodDeclaration) => checkRescheduling(ctx, fn),
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

/** Visits `node` without entering nested functions or classes. */
function someInBody(node: ts.Node, test: (n: ts.Node) => boolean): boolean {
  const visit = (n: ts.Node): boolean => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    return test(n) || (n.forEachChild(visit) ?? false);
  };
  return visit(node);
}

/** The first `await` (or `for await`) of a loop body, outside nested functions. */
function firstAwait(node: ts.Node): ts.Node[] {
  let found: ts.Node | undefined;
  someInBody(node, (n) => {
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier)) found = n;
    return !!found;
  });
  return found ? [found] : [];
}

function awaitsIn(node: ts.Node): boolean {
  return someInBody(node, (n) => ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier));
}

/**
 * A way out of `loop`: return, throw, yield (the consumer can stop a generator), a call that never returns
 * (process.exit), or a break/continue that targets this loop's or an outer label, or an unlabeled break not
 * inside an inner loop or switch.
 */
function leaves(loop: ts.IterationStatement): boolean {
  const labels = new Set<string>();
  for (let p = loop.parent; p; p = p.parent) if (ts.isLabeledStatement(p)) labels.add(p.label.text);
  const visit = (n: ts.Node, depth: number): boolean => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n) || ts.isYieldExpression(n)) return true;
    if (ts.isBreakStatement(n) && (n.label ? labels.has(n.label.text) : depth === 0)) return true;
    if (ts.isContinueStatement(n) && n.label && labels.has(n.label.text) && !isOwnLabel(loop, n.label.text)) return true;
    if (ts.isCallExpression(n) && isExitCall(n)) return true;
    const inner = ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) ? depth + 1 : depth;
    return n.forEachChild((c) => visit(c, inner)) ?? false;
  };
  return visit(loop.statement, 0);
}

function isOwnLabel(loop: ts.Node, label: string): boolean {
  return ts.isLabeledStatement(loop.parent) && loop.parent.label.text === label;
}

/** process.exit(…) / process.abort(): the loop ends with the process. */
function isExitCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'process' &&
    ['exit', 'abort'].includes(callee.name.text)
  );
}

/** `signal.aborted`, `signal.throwIfAborted()`, or any AbortSignal-typed value handed to the awaited work (which then rejects on abort). */
function checksAbort(ctx: RuleContext, node: ts.Node): boolean {
  return someInBody(node, (n) => {
    if (ts.isPropertyAccessExpression(n) && ['aborted', 'throwIfAborted'].includes(n.name.text)) return true;
    return ts.isIdentifier(n) && /^AbortSignal\b/.test(ctx.types.typeName(ctx.types.typeAt(n)));
  });
}

/**
 * `async function poll() { …; await x; poll(); }`: the last statement calls the function itself (directly, with
 * `await`, `void` or `return`), and the body has no return, throw or abort check that could end the chain.
 */
function checkRescheduling(ctx: RuleContext, fn: ts.FunctionDeclaration | ts.MethodDeclaration): void {
  if (!isAsync(fn) || !fn.body || !fn.name || ctx.analysis.isProgramLifetime(fn.body)) return;
  const last = fn.body.statements.at(-1);
  const call = last && selfCall(last);
  const callee = call && (ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression);
  // the name first, the symbols only for a call that could be the function itself
  if (!callee || !ts.isIdentifier(callee) || callee.text !== fn.name.getText(ctx.file)) return;
  const self = ctx.types.symbolAt(fn.name);
  if (!self || ctx.types.symbolAt(callee) !== self) return;
  if (ts.isPropertyAccessExpression(call.expression) && call.expression.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
  const earlier = fn.body.statements.slice(0, -1);
  if (!earlier.some(awaitsIn)) return;
  if (
    earlier.some((s) =>
      someInBody(s, (n) => ts.isReturnStatement(n) || ts.isThrowStatement(n) || (ts.isCallExpression(n) && isExitCall(n))),
    )
  )
    return;
  if (earlier.some((s) => checksAbort(ctx, s))) return;
  ctx.report({
    node: call,
    message: `\`${fn.name.getText(ctx.file)}\` re-schedules itself after every run with no exit, abort-signal or stop-flag check, so the chain never ends.`,
    related: [{ node: fn.name, message: 'the function that runs again and again' }],
  });
}

/** The call in `f();`, `await f();`, `void f();` or `return f();`. */
function selfCall(statement: ts.Statement): ts.CallExpression | undefined {
  let e = ts.isExpressionStatement(statement) ? statement.expression : ts.isReturnStatement(statement) ? statement.expression : undefined;
  while (e && (ts.isAwaitExpression(e) || ts.isVoidExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
  return e && ts.isCallExpression(e) ? e : undefined;
}
