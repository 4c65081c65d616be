// uncleared-timer: setInterval (or a self-rescheduling setTimeout) whose handle is dropped, or kept but never
// cleared by its owner (the function, or the class's teardown).
import ts = require('typescript');
import {
  OUT_OF_SCOPE_MESSAGE,
  TIMER_STARTS,
  calleeName,
  containsExit,
  enclosingFunction,
  inInstanceMemberOf,
  isAssignment,
  isViewComponent,
  isTimerClear,
  outOfScope,
  outerExpression,
  platformCallName,
  refersTo,
  someCall,
  someNode,
  thisProperty,
  timerProviderClear,
  unwrap,
  type LifecycleAnalysis,
} from '../engine/analysis';
import { appendToBody, freshMemberName, insertClassMember, isTypeScriptFile } from '../engine/fix';
import { TEARDOWN_OPTIONS } from '../engine/options';
import { codeText, defineRule, type Message, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  fieldNotCleared: 'The {{kind}} stored in `this.{{field}}` is never cleared: {{teardown}}() does not call {{clear}}.',
  fieldNotClearedNoTeardown: 'The {{kind}} stored in `this.{{field}}` is never cleared: the class has no teardown that clears it.',
  teardownMissesClear: 'teardown that misses {{clear}}(this.{{field}})',
  clearInTeardown: 'Clear the timer in {{teardown}}()',
  localNeverCleared: 'The {{kind}} handle `{{name}}` is never passed to {{clear}}: the timer runs forever.',
  outOfScope: OUT_OF_SCOPE_MESSAGE,
  handleDropped: 'The {{kind}} handle is dropped, so nothing can ever clear it.',
  handleDroppedInClass: 'The {{kind}} handle is dropped, so nothing can ever clear it; {{teardown}}() cannot stop it.',
  retriesOnOwnState:
    'This timeout re-arms itself while its own state says so (`{{test}}`): nothing `{{owner}}` does when it ends can stop it, ' +
    'and it runs on, holding what it uses, after the {{ending}}.',
  teardownShouldClear: '{{teardown}}() should clear it',
  keepAndClear: 'Keep the timer in `this.{{field}}` and clear it in {{teardown}}()',
  clearedOnlyWhenTruthy:
    'The {{kind}} id in `this.{{field}}` is cleared only when it is truthy, but {{provider}} may hand out 0: a timer with ' +
    'that id is never cleared.',
  testForNoTimer: 'Clear whenever `this.{{field}} {{test}}`',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

export default defineRule({
  meta: {
    id: 'uncleared-timer',
    description: 'A setInterval (or self-rescheduling setTimeout) is never cleared by its owner.',
    messages: MESSAGES,
    ...TEARDOWN_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx, options) {
    const lifecycle = ctx.analysis.lifecycleWith(options.teardownMethods);
    const clears = { methods: [], isReleaseCall: (call: ts.CallExpression, i: number) => i === 0 && isTimerClear(ctx.types, call) };
    return {
      [ts.SyntaxKind.CallExpression]: (call) => {
        const guarded = truthyGuardedClear(ctx, call);
        if (guarded) return ctx.report(guarded);
        const name = platformCallName(ctx.types, call, TIMER_STARTS);
        if (!name) return;
        // who calls the function (a search of the program's references) is asked only of a timer that is a finding
        const report = (descriptor: Parameters<typeof ctx.report>[0]) => {
          if (!ctx.analysis.runsOncePerApplication(call)) ctx.report(descriptor);
        };
        const rescheduling = name === 'setTimeout' ? reschedulesItself(ctx, call) : undefined;
        // a retry that stops only on its own state (a count, a result) ends by itself, as a one-shot timeout does
        const oneShot = name === 'setTimeout' && (!rescheduling || !!rescheduling.ownState);
        const timer = {
          kind: name === 'setInterval' ? 'interval' : oneShot ? 'timeout' : 'self-rescheduling timeout',
          clear: name === 'setInterval' ? 'clearInterval' : 'clearTimeout',
        };
        const expr = outerExpression(call);
        const parent = expr.parent;
        const owner = ctx.analysis.ownerOf(call);
        const cls = owner.kind === 'class' ? owner.cls : undefined;
        const field = assignedField(ctx, expr);
        // such a retry is a finding when it runs in an instance that ends (a teardown, or a component its framework
        // destroys) and its handle is dropped: the end cannot stop it
        const ending =
          rescheduling?.ownState &&
          cls &&
          (lifecycle.of(cls).teardownToName ? 'teardown' : isViewComponent(cls) ? 'view is destroyed' : undefined);
        if (ending && (ts.isExpressionStatement(parent) || droppedByWrapper(expr))) {
          const data = { test: codeText(rescheduling!.ownState!), owner: cls!.name?.text ?? 'the class', ending };
          return report({ ...droppedHandle(ctx, lifecycle, call, timer, cls), messageId: 'retriesOnOwnState', data });
        }
        // a one-shot timeout ends by itself: a finding only when a class with a teardown keeps its handle and never
        // hands it to any call (clearTimeout, or a helper that clears it): torn down early, the object still runs
        // the callback, and is held until then
        const keptNeverCleared = () =>
          !!field && !!cls && !!lifecycle.of(cls).teardownToName && !passesFieldToACall(ctx, lifecycle, cls, field.symbol);
        if (oneShot && !keptNeverCleared()) return;

        // h = setInterval(…) into a field: the class must clear it somewhere (its teardown, or a stop method)
        if (field) {
          if (cls && clearsFieldAnywhere(ctx, lifecycle, cls, field.symbol)) return;
          const { teardownToName: named, teardownToEdit: editable } = cls
            ? lifecycle.of(cls)
            : { teardownToName: undefined, teardownToEdit: undefined };
          const data = { ...timer, field: field.name };
          report({
            node: call,
            ...(named
              ? { messageId: 'fieldNotCleared', data: { ...data, teardown: methodName(named) } }
              : { messageId: 'fieldNotClearedNoTeardown', data }),
            related: named ? [{ node: named.name, messageId: 'teardownMissesClear', data }] : [],
            fixes: editable?.body
              ? [
                  {
                    messageId: 'clearInTeardown',
                    data: { teardown: methodName(editable) },
                    edits: [appendToBody(ctx.file, editable.body, `${timer.clear}(this.${field.name});`)],
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
          report({
            node: call,
            messageId: 'localNeverCleared',
            data: { ...timer, name: parent.name.text },
            related: outOfScope(parent),
          });
          return;
        }
        // returned, passed or stored elsewhere: handed off
        if (!ts.isExpressionStatement(parent) && !droppedByWrapper(expr)) return;
        report(droppedHandle(ctx, lifecycle, call, timer, cls));
      },
    };
  },
});

/**
 * `if (this.id) timers.clearInterval(this.id)` with a timer provider of the program's own whose ids are numbers: unlike
 * the platform's (ids from 1, or objects in Node), a provider may hand out 0, and that timer is never cleared.
 */
function truthyGuardedClear(ctx: Context, call: ts.CallExpression): Report<MessageId> | undefined {
  const handle = call.arguments[0];
  const clear = handle && thisProperty(handle) === unwrap(handle) ? timerProviderClear(ctx.types, call) : undefined;
  if (!clear) return undefined;
  const field = ctx.types.symbolAt((unwrap(handle) as ts.PropertyAccessExpression).name);
  const test = truthinessTestOf(call);
  const tested = test && thisProperty(test) === test ? ctx.types.symbolAt((test as ts.PropertyAccessExpression).name) : undefined;
  if (!field || tested !== field) return undefined;
  const members = (t: ts.Type) => (t.isUnion() ? t.types : [t]);
  const type = members(ctx.types.typeAt(test!));
  if (!type.some((t) => (t.flags & ts.TypeFlags.NumberLike) !== 0)) return undefined;
  const name = (test as ts.PropertyAccessExpression).name.getText();
  const comparison = type.some((t) => (t.flags & ts.TypeFlags.Null) !== 0) ? '!= null' : '!== undefined';
  const provider = codeText((call.expression as ts.PropertyAccessExpression).expression);
  return {
    node: test!,
    messageId: 'clearedOnlyWhenTruthy',
    data: { kind: clear === 'clearInterval' ? 'interval' : 'timeout', field: name, provider },
    fixes: [
      {
        messageId: 'testForNoTimer',
        data: { field: name, test: comparison },
        edits: [{ start: test!.getStart(ctx.file), end: test!.end, newText: `${test!.getText(ctx.file)} ${comparison}` }],
        preferred: true,
      },
    ],
  };
}

/** The `x` of `if (x) { …call… }` or `x && call`, when the call runs only when `x` is truthy. */
function truthinessTestOf(call: ts.CallExpression): ts.Expression | undefined {
  let n: ts.Node = outerExpression(call);
  const p = n.parent;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && p.right === n) return p.left;
  for (; ts.isExpressionStatement(n.parent) || ts.isBlock(n.parent); n = n.parent);
  return ts.isIfStatement(n.parent) && n.parent.thenStatement === n ? n.parent.expression : undefined;
}

function methodName(m: ts.MethodDeclaration): string {
  return m.name.getText();
}

/** `this.f = <expr>`, or a field initialiser `f = <expr>` → the field's symbol and name. */
function assignedField(ctx: Context, expr: ts.Expression): { symbol: ts.Symbol; name: string } | undefined {
  const p = expr.parent;
  const name =
    ts.isPropertyDeclaration(p) && p.initializer === expr
      ? p.name
      : isAssignment(p) && p.right === expr && thisProperty(p.left) === p.left
        ? (p.left as ts.PropertyAccessExpression).name
        : undefined;
  const symbol = name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? ctx.types.symbolAt(name) : undefined;
  return symbol && { symbol, name: name!.getText() };
}

/**
 * clearInterval(this.f) / clearTimeout(this.f) anywhere in the class (a teardown, or a stop method the owner calls),
 * except a clear that only makes way for a new timer in `this.f` later in the same function: that one never stops
 * the timer for good.
 */
function clearsFieldAnywhere(ctx: Context, lifecycle: LifecycleAnalysis, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  const isClear = (c: ts.CallExpression, i: number) => i === 0 && isTimerClear(ctx.types, c);
  const rearmsAfter = (clear: ts.CallExpression): boolean => {
    const fn = enclosingFunction(clear);
    return (
      !!fn &&
      someCall(fn, (c) => {
        if (c.pos < clear.end || !platformCallName(ctx.types, c, TIMER_STARTS)) return false;
        const assigned = assignedField(ctx, outerExpression(c));
        return assigned?.symbol === field && enclosingFunction(c) === fn;
      })
    );
  };
  return (
    someCall(cls, (c) => !!c.arguments[0] && lifecycle.isField(c.arguments[0], field) && isClear(c, 0) && !rearmsAfter(c)) ||
    lifecycle.releasesField(cls, field, { methods: [], isReleaseCall: isClear })
  );
}

/** `this.f` passed to any call in the class (a clear, or a helper that clears it), or released by its teardown. */
function passesFieldToACall(ctx: Context, lifecycle: LifecycleAnalysis, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  const isClear = (c: ts.CallExpression, i: number) => i === 0 && isTimerClear(ctx.types, c);
  return (
    someCall(cls, (c) => c.arguments.some((a) => lifecycle.isField(a, field))) ||
    lifecycle.releasesField(cls, field, { methods: [], isReleaseCall: isClear })
  );
}

/**
 * setTimeout(f, …) inside f (or inside an arrow that calls f), with no guard that returns early: a loop by timer.
 * f may be a named function or method, or an arrow or function expression bound to a name (`const f = () => …`,
 * `this.f = () => …`, a property `f = () => …`); a wrapper callback in between (`zone.run(() => setTimeout(f))`)
 * is looked through. Guarded only by its own state (`if (!ok && --left)`), the loop is still one nobody else can
 * stop: `ownState` is that guard.
 */
function reschedulesItself(ctx: Context, call: ts.CallExpression): { ownState?: ts.Expression } | undefined {
  const callback = call.arguments[0];
  if (!callback) return undefined;
  let fn = enclosingFunction(call);
  let fnSymbol = fn && functionSymbol(ctx, fn);
  for (let wrappers = 0; fn && !fnSymbol && wrappers < 2 && isCallbackArgument(fn); wrappers++) {
    fn = enclosingFunction(fn);
    fnSymbol = fn && functionSymbol(ctx, fn);
  }
  if (!fn || !fnSymbol || !refersTo(ctx.types, callback, fnSymbol)) return undefined;
  // a guard (`if (this.stopped) return;`) before the reschedule makes the loop stoppable
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return undefined;
  const loop = fn;
  const reschedules = (n: ts.Node) =>
    someCall(
      n,
      (c) => !!c.arguments[0] && !!platformCallName(ctx.types, c, TIMER_STARTS) && refersTo(ctx.types, c.arguments[0], fnSymbol!),
    );
  const guards = guardsOf(body, call, reschedules);
  if (!guards.length) return {};
  return guards.every((g) => readsOnlyOwnState(ctx, g, loop)) ? { ownState: guards[0] } : undefined;
}

/** The symbol a function is called by: its own name, or the variable or property it is assigned to. */
function functionSymbol(ctx: Context, fn: ts.SignatureDeclaration): ts.Symbol | undefined {
  if (fn.name) return ctx.types.symbolAt(fn.name);
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const outer = outerExpression(fn, {});
  const p = outer.parent;
  const name =
    (ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) && p.initializer === outer
      ? p.name
      : isAssignment(p) && p.right === outer && thisProperty(p.left) === p.left
        ? (p.left as ts.PropertyAccessExpression).name
        : undefined;
  return name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? ctx.types.symbolAt(name) : undefined;
}

/** An unnamed arrow or function expression passed straight to a call (`run(() => …)`). */
function isCallbackArgument(fn: ts.SignatureDeclaration): boolean {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const outer = outerExpression(fn, {});
  return ts.isCallExpression(outer.parent) && outer.parent.arguments.includes(outer);
}

/** `run(() => setInterval(…));`: the arrow returns the handle to a wrapper whose own result is dropped. */
function droppedByWrapper(expr: ts.Expression): boolean {
  const arrow = expr.parent;
  if (!ts.isArrowFunction(arrow) || arrow.body !== expr || !isCallbackArgument(arrow)) return false;
  return ts.isExpressionStatement(outerExpression(outerExpression(arrow, {}).parent as ts.CallExpression).parent);
}

/**
 * The conditions of the early exits before `before` in the body and of the branches the reschedule itself sits in
 * (not a choice between two ways to reschedule: `if (zone) zone.run(() => setTimeout(f)); else setTimeout(f);`).
 */
function guardsOf(body: ts.Node, before: ts.Node, reschedules: (branch: ts.Node) => boolean): ts.Expression[] {
  const guards: ts.Expression[] = [];
  someNode(
    body,
    (n) => {
      if (n !== body && ts.isIfStatement(n) && containsExit(n.thenStatement)) guards.push(n.expression);
      return false;
    },
    { skipFunctions: true, skip: (n) => n.pos >= before.pos },
  );
  const other = (branches: (ts.Node | undefined)[], n: ts.Node) => branches.find((b) => b !== n);
  for (let n: ts.Node = before; n !== body; n = n.parent) {
    const p = n.parent;
    const test = ts.isIfStatement(p) ? p.expression : ts.isConditionalExpression(p) ? p.condition : undefined;
    const branches = ts.isIfStatement(p)
      ? [p.thenStatement, p.elseStatement]
      : ts.isConditionalExpression(p)
        ? [p.whenTrue, p.whenFalse]
        : [];
    const alternative = other(branches, n);
    if (test && test !== n && !(alternative && reschedules(alternative))) guards.push(test);
  }
  return guards;
}

/**
 * A condition made only of the loop's own state: literals, operators and variables that nothing but the loop
 * writes after their declaration (`--remaining`, a result it computed). A field, a call, a property or a flag another
 * function sets (a cleanup's `stopped = true`) is state from outside, which may stop the loop.
 */
function readsOnlyOwnState(ctx: Context, condition: ts.Expression, loop: ts.SignatureDeclaration): boolean {
  const outside = (n: ts.Node): boolean => {
    if (ts.isIdentifier(n)) return n.text !== 'undefined' && !writtenOnlyBy(ctx, n, loop);
    return !(
      ts.isBinaryExpression(n) ||
      ts.isPrefixUnaryExpression(n) ||
      ts.isPostfixUnaryExpression(n) ||
      ts.isParenthesizedExpression(n) ||
      ts.isLiteralExpression(n) ||
      ts.isToken(n)
    );
  };
  return !outside(condition) && !someNode(condition, outside);
}

/** A local variable or parameter of a function whose every write outside its declaration is in `loop`. */
function writtenOnlyBy(ctx: Context, id: ts.Identifier, loop: ts.SignatureDeclaration): boolean {
  const symbol = ctx.types.symbolAt(id);
  const decl = symbol?.valueDeclaration;
  const scope = decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) ? enclosingFunction(decl) : undefined;
  if (!scope) return false;
  const writtenOutside = (n: ts.Node): boolean => {
    if (!ts.isIdentifier(n) || n.text !== id.text || ctx.types.symbolAt(n) !== symbol) return false;
    const p = n.parent;
    const written =
      (ts.isBinaryExpression(p) && p.left === n && isAssignmentOperator(p.operatorToken.kind)) ||
      ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
        (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken));
    return written && !isInside(n, loop);
  };
  return !someNode(scope, writtenOutside);
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isInside(node: ts.Node, container: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === container) return true;
  return false;
}

/** A dropped handle: in a class with a teardown, offer to keep it in a field and clear it there. */
function droppedHandle(
  ctx: Context,
  lifecycle: LifecycleAnalysis,
  call: ts.CallExpression,
  timer: { kind: string; clear: string },
  cls: ts.ClassLikeDeclaration | undefined,
): Report<MessageId> {
  const teardown = cls && lifecycle.of(cls).teardownToName;
  const message: Message<MessageId> = teardown
    ? { messageId: 'handleDroppedInClass', data: { kind: timer.kind, teardown: methodName(teardown) } }
    : { messageId: 'handleDropped', data: { kind: timer.kind } };
  const editable = cls && lifecycle.of(cls).teardownToEdit;
  if (!cls || !editable?.body || !inInstanceMemberOf(call, cls)) return { node: call, ...message };
  const field = freshMemberName(cls, `${callbackName(call) ?? 'poll'}Timer`);
  const declaration = isTypeScriptFile(ctx.file)
    ? `private ${field}: ReturnType<typeof ${call.expression.getText()}> | undefined;`
    : `${field};`;
  return {
    node: call,
    ...message,
    related: [{ node: editable.name, messageId: 'teardownShouldClear', data: { teardown: methodName(editable) } }],
    fixes: [
      {
        messageId: 'keepAndClear',
        data: { field, teardown: methodName(editable) },
        edits: [
          insertClassMember(ctx.file, cls, declaration),
          { start: call.getStart(ctx.file), end: call.getStart(ctx.file), newText: `this.${field} = ` },
          appendToBody(ctx.file, editable.body, `${timer.clear}(this.${field});`),
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
  if (!ts.isArrowFunction(cb) && !ts.isFunctionExpression(cb)) return calleeName(cb)?.text;
  const only = ts.isBlock(cb.body) ? cb.body.statements : undefined;
  const body = only
    ? only.length === 1 && ts.isExpressionStatement(only[0])
      ? only[0].expression
      : undefined
    : (cb.body as ts.Expression);
  const inner = body && unwrap(body, { await: true });
  return inner && ts.isCallExpression(inner) ? calleeName(inner.expression)?.text : undefined;
}
