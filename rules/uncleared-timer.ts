// uncleared-timer: setInterval (or a self-rescheduling setTimeout) whose handle is dropped, or kept but never
// cleared by its owner (the function, or the class's teardown).
import ts = require('typescript');
import { TIMER_STARTS, isTimerClear, platformCallName } from '../engine/analysis/globals';
import { enclosingFunction, inInstanceMemberOf } from '../engine/analysis/owner';
import { outerExpression } from '../engine/analysis/ownership';
import { outOfScope } from '../engine/analysis/paths';
import { appendToBody, freshMemberName, insertClassMember, isTypeScriptFile } from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'uncleared-timer';

export default defineRule({
  meta: {
    id: ID,
    description: 'A setInterval (or self-rescheduling setTimeout) is never cleared by its owner.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    const clears = { methods: [], isReleaseCall: (call: ts.CallExpression, i: number) => i === 0 && isTimerClear(ctx.types, call) };
    return {
      [ts.SyntaxKind.CallExpression]: (call: ts.CallExpression) => {
        const name = platformCallName(ctx.types, call, TIMER_STARTS);
        if (!name || ctx.analysis.isProgramLifetime(call)) return;
        if (name === 'setTimeout' && !reschedulesItself(ctx, call)) return;
        const kind = name === 'setInterval' ? 'interval' : 'self-rescheduling timeout';
        const clear = name === 'setInterval' ? 'clearInterval' : 'clearTimeout';
        const expr = outerExpression(call);
        const parent = expr.parent;
        const owner = ctx.analysis.ownerOf(call);

        // h = setInterval(…) into a field: the class must clear it somewhere (its teardown, or a stop method)
        const field = assignedField(ctx, expr);
        if (field) {
          if (owner.kind === 'class' && clearsFieldAnywhere(ctx, owner.cls, field)) return;
          const teardown = owner.kind === 'class' ? ctx.analysis.lifecycle.of(owner.cls).ownTeardowns[0] : undefined;
          ctx.report({
            node: call,
            message: `The ${kind} stored in \`this.${field.name}\` is never cleared: ${teardown ? `${teardownName(teardown)}() does not call ${clear}` : 'the class has no teardown that clears it'}.`,
            related: teardown ? [{ node: teardown.name, message: `teardown that misses ${clear}(this.${field.name})` }] : [],
            fixes: teardown
              ? [
                  {
                    title: `Clear the timer in ${teardownName(teardown)}()`,
                    edits: [appendToBody(ctx.file, teardown.body!, `${clear}(this.${field.name});`)],
                    preferred: true,
                  },
                ]
              : [],
          });
          return;
        }
        // const h = setInterval(…): cleared, returned or handed off by the function that owns it?
        if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === expr) {
          const { releases, handOffs } = ctx.analysis.usesOf(parent.name, clears);
          if (releases.length || handOffs.length) return;
          ctx.report({
            node: call,
            message: `The ${kind} handle \`${parent.name.text}\` is never passed to ${clear}: the timer runs forever.`,
            related: outOfScope(parent),
          });
          return;
        }
        if (!ts.isExpressionStatement(parent)) return; // returned, passed or stored elsewhere: handed off
        ctx.report(droppedHandle(ctx, call, kind, clear, owner.kind === 'class' ? owner.cls : undefined));
      },
    };
  },
});

function teardownName(m: ts.MethodDeclaration): string {
  return m.name.getText();
}

/** `this.f = <expr>` → the field's symbol and name. */
function assignedField(ctx: RuleContext, expr: ts.Expression): { symbol: ts.Symbol; name: string } | undefined {
  const p = expr.parent;
  if (!ts.isBinaryExpression(p) || p.operatorToken.kind !== ts.SyntaxKind.EqualsToken || p.right !== expr) return undefined;
  const left = p.left;
  if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const symbol = ctx.types.symbolAt(left.name);
  return symbol && { symbol, name: left.name.text };
}

/** clearInterval(this.f) / clearTimeout(this.f) anywhere in the class (a teardown, or a stop method the owner calls). */
function clearsFieldAnywhere(ctx: RuleContext, cls: ts.ClassLikeDeclaration, field: { symbol: ts.Symbol }): boolean {
  const lifecycle = ctx.analysis.lifecycle;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && n.arguments[0] && lifecycle.isField(n.arguments[0], field.symbol) && isTimerClear(ctx.types, n))
      found = true;
    else n.forEachChild(visit);
  };
  visit(cls);
  return (
    found || lifecycle.releasesField(cls, field.symbol, { methods: [], isReleaseCall: (c, i) => i === 0 && isTimerClear(ctx.types, c) })
  );
}

/** setTimeout(f, …) inside f (or inside an arrow that calls f), with no guard that returns early: a loop by timer. */
function reschedulesItself(ctx: RuleContext, call: ts.CallExpression): boolean {
  const fn = enclosingFunction(call);
  const callback = call.arguments[0];
  if (!fn || !callback) return false;
  const fnSymbol = fn.name && ctx.types.symbolAt(fn.name);
  if (!fnSymbol) return false;
  const refersToFn = (e: ts.Node): boolean => {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && ctx.types.symbolAt(n) === fnSymbol) found = true;
      else n.forEachChild(visit);
    };
    visit(e);
    return found;
  };
  if (!refersToFn(callback)) return false;
  // a guard (`if (this.stopped) return;`) before the reschedule makes the loop stoppable
  const body = (fn as ts.FunctionLikeDeclaration).body;
  return !!body && !hasGuard(body, call);
}

function hasGuard(body: ts.Node, before: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || n.pos >= before.pos || (ts.isFunctionLike(n) && n !== body.parent)) return;
    if (ts.isIfStatement(n) && containsExit(n.thenStatement)) found = true;
    else n.forEachChild(visit);
  };
  body.forEachChild(visit);
  // the reschedule itself sits under a condition
  for (let n: ts.Node = before; n !== body; n = n.parent)
    if (ts.isIfStatement(n.parent) || ts.isConditionalExpression(n.parent)) found = true;
  return found;
}

function containsExit(n: ts.Node): boolean {
  if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) return true;
  return !ts.isFunctionLike(n) && (n.forEachChild((c) => (containsExit(c) ? true : undefined)) ?? false);
}

/** A dropped handle: in a class with a teardown, offer to keep it in a field and clear it there. */
function droppedHandle(
  ctx: RuleContext,
  call: ts.CallExpression,
  kind: string,
  clear: string,
  cls: ts.ClassLikeDeclaration | undefined,
): Report {
  const teardown = cls && ctx.analysis.lifecycle.of(cls).ownTeardowns[0];
  const message = `The ${kind} handle is dropped, so nothing can ever clear it${teardown ? `; ${teardownName(teardown)}() cannot stop it` : ''}.`;
  if (!cls || !teardown?.body || !inInstanceMemberOf(call, cls)) return { node: call, message };
  const field = freshMemberName(cls, `${callbackName(call) ?? 'poll'}Timer`);
  const declaration = isTypeScriptFile(ctx.file)
    ? `private ${field}: ReturnType<typeof ${call.expression.getText()}> | undefined;`
    : `${field};`;
  return {
    node: call,
    message,
    related: [{ node: teardown.name, message: `${teardownName(teardown)}() should clear it` }],
    fixes: [
      {
        title: `Keep the timer in \`this.${field}\` and clear it in ${teardownName(teardown)}()`,
        edits: [
          insertClassMember(ctx.file, cls, declaration),
          { start: call.getStart(ctx.file), end: call.getStart(ctx.file), newText: `this.${field} = ` },
          appendToBody(ctx.file, teardown.body, `${clear}(this.${field});`),
        ],
        preferred: true,
      },
    ],
  };
}

/** `setInterval(() => this.flush(), …)` → "flush"; `setInterval(tick, …)` → "tick". */
function callbackName(call: ts.CallExpression): string | undefined {
  const cb = call.arguments[0];
  if (!cb) return undefined;
  if (ts.isIdentifier(cb)) return cb.text;
  if (ts.isPropertyAccessExpression(cb)) return cb.name.text;
  if (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) {
    const body =
      ts.isBlock(cb.body) && cb.body.statements.length === 1 && ts.isExpressionStatement(cb.body.statements[0])
        ? cb.body.statements[0].expression
        : cb.body;
    const inner = ts.isAwaitExpression(body as ts.Node) ? (body as ts.AwaitExpression).expression : body;
    if (ts.isCallExpression(inner as ts.Node)) {
      const callee = (inner as ts.CallExpression).expression;
      if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
      if (ts.isIdentifier(callee)) return callee.text;
    }
  }
  return undefined;
}
