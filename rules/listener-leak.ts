// listener-leak: addEventListener/on/addListener on a target that outlives the registering owner, with no
// matching removal (same target, event and handler by symbol, same capture flag) in the owner's cleanup.
import ts = require('typescript');
import {
  LISTENER_REGISTRATIONS,
  LISTENER_REMOVALS,
  ONCE_REGISTRATIONS,
  PERSISTENT_REGISTRATIONS,
  RELEASE_METHODS,
  REMOVE_ALL_LISTENERS,
  SIGNAL_CLEANUPS,
  SIGNAL_DISCONNECT,
  accessPathKey,
  aliasPaths,
  answeredWithoutReturning,
  assignedName,
  droppedObserver,
  enclosingFunction,
  endingSourceOf,
  fieldKeepingResultOf,
  findNode,
  isAssignment,
  isSignalConnection,
  isThisObject,
  outerExpression,
  removalsOf,
  repeatedHookOf,
  returnedCleanups,
  rootIdentifier,
  someCall,
  someNode,
  tableEntryKey,
  thisProperty,
  untypedRemovalOf,
  unwrap,
  type LifecycleAnalysis,
  type Owner,
} from '../engine/analysis';
import { appendToBody } from '../engine/fix';
import { TEARDOWN_OPTIONS } from '../engine/options';
import { codeText, defineRule, type Message, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  inlineHandler:
    'Listener for {{event}} on `{{target}}` is never removed: the handler is an inline function (or a .bind() result), ' +
    'so it can never be removed. It keeps the handler (and what it references) alive.',
  notRemovedByTeardown:
    'Listener for {{event}} on `{{target}}` is never removed: {{teardown}}() does not call {{target}}.{{removal}}(…). ' +
    'It keeps the handler (and what it references) alive.',
  neverRemoved:
    'Listener for {{event}} on `{{target}}` is never removed: nothing calls {{target}}.{{removal}}(…). ' +
    'It keeps the handler (and what it references) alive.',
  removalDoesNotMatch:
    'Listener for {{event}} on `{{target}}` is never removed: a removal is there but does not match it ({{difference}}). ' +
    'It keeps the handler (and what it references) alive.',
  handlerWithoutIdentity: 'this handler has no identity a removal could name',
  removalThatDiffers: 'the removal that does not match',
  teardownMissesRemoval: 'teardown that misses the removal',
  removeInTeardown: 'Remove the listener in {{teardown}}()',
  onceLeftBehind:
    'Once-listener for {{event}} on `{{target}}` stays when {{other}} comes first: that handler does not remove it, so every run ' +
    'leaves one more on the longer-lived target.',
  otherOutcome: 'comes instead, and its handler leaves the other listener',
  replacedWithoutRemoval:
    'The registration on `this.{{field}}` stays on the old value when {{method}}() replaces the field without {{removal}}(…) ' +
    '(as {{other}}() does first): the old value keeps `{{handler}}` alive.',
  replacedHere: 'replaced here without the removal',
  removedBeforeReplacing: 'removed here before the field is replaced',
  addedAfterAnswering:
    'Listener for {{event}} on `{{target}}` is added after `{{callback}}` was called: the branch that calls it does not return, ' +
    'so the listener waits for what has come already and stays, and would call `{{callback}}` again.',
  answeredHere: 'calls it here and goes on',
  addedAtEveryCycle:
    'Listener for {{event}} on `{{target}}` is added at every {{start}}() and {{undo}}() does not remove it: the same target ' +
    'gains one more at each {{start}}()/{{undo}}() cycle, and each keeps the handler (and what it references) alive.',
  observerNeverDisconnected:
    '`{{observer}}` observes `{{target}}` and nothing can disconnect it: {{kept}}, so the target keeps the observer and its ' +
    'callback (and what it references) alive. Keep it where the owner can call disconnect() at its end.',
  observerCallback: 'the callback the target keeps',
  undoMissesRemoval: 'undoes {{start}}() but leaves the listener',
  cleanupLeftByCycle:
    'Listener for {{event}} on `{{target}}` stays after {{undo}}(): {{start}}() adds it and keeps the cleanup that removes it ' +
    'in `this.{{field}}`, which {{undo}}() does not call. The target keeps the handler (and what it references) alive ' +
    'after the cycle ends.',
  undoMissesCleanup: 'undoes {{start}}() but does not call this.{{field}}',
  runAgainBeforeRemoval:
    'Listener for {{event}} on `{{target}}` stays when `{{fn}}` runs again here: the function removes it only on another path, ' +
    'and each run adds one more to the same target.',
  runsAgainHere: 'runs the function again without removing the listener',
  removedOnOtherPath: 'the removal, on another path',
  inlineSlot:
    'Slot connected to `{{target}}` at every {{run}} is never disconnected: it is an inline function, so no disconnect can ' +
    'name it. The signal keeps the slot (and what it references) alive as long as its sender lives.',
  namedSlot:
    'Slot `{{slot}}` connected to `{{target}}` at every {{run}} is never disconnected: nothing disconnects it. The signal ' +
    'keeps the slot (and what it references) alive as long as its sender lives.',
  disconnectDoesNotMatch:
    'Slot connected to `{{target}}` is never disconnected: a disconnect is there but does not match it ({{difference}}). ' +
    'The signal keeps the slot (and what it references) alive as long as its sender lives.',
  disconnectThatDiffers: 'the disconnect that does not match',
  passSameThisArg: 'Disconnect with the same thisArg',
  addedAtEveryRun:
    'Listener for {{event}} on `{{target}}` is added at every {{hook}}() call, which runs again and again on the same object: ' +
    'one more stays at each run for as long as the object lives. Register it once (in the constructor).',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

export default defineRule({
  meta: {
    id: 'listener-leak',
    description: 'An event listener is added to a longer-lived target and never removed by its owner.',
    messages: MESSAGES,
    ...TEARDOWN_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx, options) {
    const lifecycle = ctx.analysis.lifecycleWith(options.teardownMethods);
    return {
      [ts.SyntaxKind.CallExpression]: (call) => {
        const callee = unwrap(call.expression);
        if (!ts.isPropertyAccessExpression(callee)) return;
        if (reportDroppedObserver(ctx, call, lifecycle)) return;
        if (isSignalConnection(ctx.types, call)) return reportSignalConnection(ctx, call, callee, lifecycle);
        if (call.arguments.length === 1) return reportReplacedWithoutRemoval(ctx, call, callee);
        if (call.arguments.length < 2) return;
        if (LISTENER_REGISTRATIONS.has(callee.name.text) && reportAddedAfterAnswering(ctx, call, callee)) return;
        if (LISTENER_REGISTRATIONS.has(callee.name.text) && reportAddedAtEveryRun(ctx, call, callee)) return;
        if (LISTENER_REGISTRATIONS.has(callee.name.text) && reportRunAgainBeforeRemoval(ctx, call, callee)) return;
        if (ONCE_REGISTRATIONS.has(callee.name.text)) return reportOnceLeftBehind(ctx, call, callee, lifecycle);
        if (!PERSISTENT_REGISTRATIONS.has(callee.name.text)) return;
        const [event, registered, options] = call.arguments;
        const handler = assignedName(registered);
        if (registersNothing(handler) || removesItself(options) || ctx.analysis.runsOncePerApplication(call)) return;
        // the function registers what its caller hands it: the caller's registration to undo
        if (forwardsRegistration(ctx, call, event, handler)) return;
        // an EventTarget keeps one copy of a handler however often it is added, and a program-lifetime handler holds nothing of an owner
        if (callee.name.text === 'addEventListener' && livesAsLongAsProgram(ctx, handler)) return;
        const target = unwrap(callee.expression);
        const owner = ctx.analysis.ownerOf(call);
        const scope: ts.Node = owner.kind === 'class' ? owner.cls : owner.kind === 'function' ? owner.fn : ctx.file;
        const removals = removalsOf(callee.name.text);
        // an untyped target (its library's types are not there) is an emitter when the code removes listeners from it,
        // or when the registration's name says so (`addEventListener`)
        const { typed: typedRemoval, untyped } = typedRemovals(ctx, target, callee.name.text);
        const cycle = undoingMethodMissing(ctx, call, target, owner, lifecycle);
        // a registration by event name with a handler, at every start of a cycle, is a listener whatever the types say
        const registersByName = untyped && !!cycle && ts.isStringLiteralLike(event);
        const removal =
          typedRemoval ??
          (untyped
            ? (removals.find((m) => removesFrom(ctx, scope, aliasPaths(ctx.types, target), [m])) ??
              untypedRemovalOf(callee.name.text) ??
              (registersByName ? removals[0] : undefined))
            : undefined);
        if (!removal) return;
        const key = {
          target: accessPathKey(ctx.types, target),
          paths: aliasPaths(ctx.types, target),
          event: eventKey(ctx, event),
          handler: handlerKey(ctx, handler),
          handlers: handlerKey(ctx, handler) ? aliasPaths(ctx.types, handler) : [],
          capture: captureOf(options),
        };
        if (!key.target || !key.event) return;
        // the registering function returns a cleanup that removes listeners from this target: its caller owns them
        // (event and handler may be keyed by loop variables or computed names we cannot pair)
        const fn = enclosingFunction(call);
        if (fn && returnedCleanups(fn).some((cleanup) => removesFrom(ctx, cleanup, key.paths, LISTENER_REMOVALS))) {
          if (owner.kind === 'class' && !ctx.analysis.addsNothingToTarget(target, handler)) {
            reportCleanupLeftByCycle(ctx, { call, target, event }, fn, owner, lifecycle);
          }
          return;
        }
        // a named handler removed for this event anywhere in the file is managed there, whatever the emitter is called
        // (`this` inside the handler, another parameter): pairing by handler symbol is enough to stay silent
        if (key.handler && (hasRemoval(ctx, scope, key) || hasRemoval(ctx, ctx.file, key, true))) return;
        if (removesFrom(ctx, scope, key.paths, [REMOVE_ALL_LISTENERS])) return;
        const near = nearMiss(ctx, scope, key, handler);
        // the same bind() or inline function at both places is a bug wherever the target lives: each run adds one more
        const repeatsFreshHandler = !!near && sameFreshHandler(ctx, handler, near.removal.arguments[1]);
        // the function means to take its previous listener off before it adds the next (but removes nothing), or
        // re-registers itself to run again: it runs again on the same target, and each run leaves one more listener
        const repeats =
          repeatsFreshHandler ||
          (sameTargetAtEveryRun(ctx, call, target) &&
            ((!!near && removesNothingBefore(ctx, near.removal, call)) || reentersItself(ctx, call, handler)));
        // an untyped target is judged only by what the code itself shows; a handler that holds only its own target
        // (a fresh one at every call) keeps nothing alive that the target does not
        const leaks =
          !!typedRemoval && ctx.analysis.outlivesOwner(target, owner, lifecycle) && !ctx.analysis.addsNothingToTarget(target, handler);
        const registration = { call, target, event, handler, removal, capture: key.capture, anonymous: !key.handler };
        if (!repeats && !leaks && cycle && owner.kind === 'class') return ctx.report(reportCycle(ctx, registration, owner.member, cycle));
        if (!repeats && !leaks) return;
        const teardown = owner.kind === 'class' ? lifecycle.of(owner.cls).teardownToName : undefined;
        const editable = owner.kind === 'class' ? lifecycle.of(owner.cls).teardownToEdit : undefined;
        ctx.report(report(ctx, registration, near, teardown, editable));
      },
    };
  },
});

/**
 * `connect() { this.channel.addEventListener('message', (e) => …) }` in a class whose `disconnect()` leaves it: the
 * method that starts a cycle the class undoes by name (see `undoingMethodOf`) adds the listener to a target that
 * stays from one cycle to the next (the instance's, not made again by the method, not released by the undoing
 * method). Each cycle adds one more, whatever the target's lifetime. The undoing method, or undefined.
 */
function undoingMethodMissing(
  ctx: Context,
  call: ts.CallExpression,
  target: ts.Expression,
  owner: Owner,
  lifecycle: LifecycleAnalysis,
): ts.MethodDeclaration | undefined {
  if (owner.kind !== 'class' || enclosingFunction(call) !== owner.member) return undefined;
  const path = accessPathKey(ctx.types, target);
  // a field's value (an emitter on itself keeps its own listeners: they go with it)
  if (!path?.startsWith('this.') || !sameTargetAtEveryRun(ctx, call, target)) return undefined;
  const undo = lifecycle.undoingMethodOf(owner.cls, owner.member);
  if (!undo) return undefined;
  const paths = aliasPaths(ctx.types, target);
  const releasesTarget = undo.calls.some((c) => {
    const callee = unwrap(c.expression);
    return (
      ts.isPropertyAccessExpression(callee) &&
      (RELEASE_METHODS as readonly string[]).includes(callee.name.text) &&
      paths.includes(accessPathKey(ctx.types, callee.expression) ?? '')
    );
  });
  return releasesTarget ? undefined : undo.method;
}

/**
 * `onSubscribe() { this.listen((notify) => { window.addEventListener('focus', notify); return () => …; }); }` where
 * `listen` keeps the returned cleanup in a field: the start of a cycle (see `undoingMethodOf`) adds the listener,
 * and the undoing method (`onUnsubscribe`) never calls the field, so the listener stays on the longer-lived target
 * after the cycle ends. Reported at the registration, with the undoing method as related information.
 */
function reportCleanupLeftByCycle(
  ctx: Context,
  r: Pick<Registration, 'call' | 'target' | 'event'>,
  fn: ts.SignatureDeclaration,
  owner: Extract<Owner, { kind: 'class' }>,
  lifecycle: LifecycleAnalysis,
): void {
  const field = fieldKeepingResultOf(ctx.types, fn);
  const fieldSymbol = field && ctx.types.symbolAt(field);
  const cycle = fieldSymbol && lifecycle.cycleRunning(owner.cls, owner.member);
  if (!cycle || !ctx.analysis.outlivesOwner(r.target, owner, lifecycle)) return;
  if (cycle.undo.calls.some((c) => lifecycle.isField(c.expression, fieldSymbol))) return;
  const data = {
    event: r.event.getText(ctx.file),
    target: r.target,
    start: cycle.start.name.getText(ctx.file),
    undo: cycle.undo.method.name.getText(ctx.file),
    field: field.text,
  };
  ctx.report({
    node: r.call,
    messageId: 'cleanupLeftByCycle',
    data,
    related: [{ node: cycle.undo.method.name, messageId: 'undoMissesCleanup', data }],
  });
}

function reportCycle(ctx: Context, r: Registration, start: ts.ClassElement, undo: ts.MethodDeclaration): Report<MessageId> {
  const data = {
    event: r.event.getText(ctx.file),
    target: r.target,
    start: start.name!.getText(ctx.file),
    undo: undo.name.getText(ctx.file),
  };
  const out: Report<MessageId> = {
    node: r.call,
    messageId: 'addedAtEveryCycle',
    data,
    related: [{ node: undo.name, messageId: 'undoMissesRemoval', data }],
  };
  if (!r.anonymous && undo.body && undo.getSourceFile() === ctx.file && reachableFromTeardown(ctx, r.handler)) {
    const args = `${r.event.getText(ctx.file)}, ${r.handler.getText(ctx.file)}${r.capture ? ', true' : ''}`;
    const edit = appendToBody(ctx.file, undo.body, `${r.target.getText(ctx.file)}.${r.removal}(${args});`);
    out.fixes = [{ messageId: 'removeInTeardown', data: { teardown: data.undo }, edits: [edit], preferred: true }];
  }
  return out;
}

/**
 * `new ResizeObserver(cb).observe(host)`, or a local observer used only to observe: it can never be disconnected,
 * and a target that outlives the registering owner keeps it and its callback, as it would an inline listener.
 */
function reportDroppedObserver(ctx: Context, call: ts.CallExpression, lifecycle: LifecycleAnalysis): boolean {
  const dropped = droppedObserver(ctx.types, call);
  if (!dropped) return false;
  const [target] = call.arguments;
  const owner = ctx.analysis.ownerOf(call);
  if (ctx.analysis.runsOncePerApplication(call) || !ctx.analysis.outlivesOwner(target, owner, lifecycle)) return false;
  if (ctx.analysis.addsNothingToTarget(target, dropped.callback)) return false;
  const kept = dropped.local ? `it is kept only in the local \`${dropped.local.text}\`` : 'no variable keeps it';
  ctx.report({
    node: call,
    messageId: 'observerNeverDisconnected',
    data: { observer: `new ${codeText(dropped.made.expression)}`, target, kept },
    related: [{ node: dropped.callback, messageId: 'observerCallback' }],
  });
  return true;
}

/**
 * `const step = () => { this.once('close', onClose); src.on('end', () => { if (done) this.off('close', onClose); else step(); }) }`:
 * the function removes its listener on some paths, and on another runs again, adding the next one while the last
 * stays on the same target. Reported at the registration, with the run that skips the removal.
 */
function reportRunAgainBeforeRemoval(ctx: Context, call: ts.CallExpression, callee: ts.PropertyAccessExpression): boolean {
  const [event, handler] = call.arguments;
  const fn = enclosingFunction(call);
  const self = fn && functionSymbol(ctx, fn);
  const target = unwrap(callee.expression);
  const key = { target: accessPathKey(ctx.types, target), handler: handlerKey(ctx, handler), event: eventKey(ctx, event) };
  if (!fn || !self || !key.target || !key.handler || !key.event || !sameTargetAtEveryRun(ctx, call, target)) return false;
  const removes = (n: ts.Node): ts.CallExpression | undefined =>
    findNode(n, (c) => {
      if (!ts.isCallExpression(c)) return false;
      const x = unwrap(c.expression);
      const [removedEvent, removed] = c.arguments;
      return (
        ts.isPropertyAccessExpression(x) &&
        removalsOf(callee.name.text).includes(x.name.text) &&
        accessPathKey(ctx.types, x.expression) === key.target &&
        !!removedEvent &&
        eventKey(ctx, removedEvent) === key.event &&
        !!removed &&
        handlerKey(ctx, removed) === key.handler
      );
    }) as ts.CallExpression | undefined;
  const removal = removes(fn);
  if (!removal || ctx.analysis.runsOncePerApplication(call)) return false;
  let rerun: ts.CallExpression | undefined;
  someCall(fn, (c) => {
    const x = unwrap(c.expression);
    const called = ctx.types.symbolAt(ts.isPropertyAccessExpression(x) ? x.name : x);
    if (called !== self || c.pos < call.end || removesInBlockBefore(c, removes)) return false;
    rerun = c;
    return true;
  });
  if (!rerun) return false;
  ctx.report({
    node: call,
    messageId: 'runAgainBeforeRemoval',
    data: { event: event.getText(ctx.file), target, fn: codeText(rerun.expression) },
    related: [
      { node: rerun, messageId: 'runsAgainHere' },
      { node: removal, messageId: 'removedOnOtherPath' },
    ],
  });
  return true;
}

/** The symbol a function is called by: its own name, or the variable or property it initialises. */
function functionSymbol(ctx: Context, fn: ts.SignatureDeclaration): ts.Symbol | undefined {
  if (fn.name) return ctx.types.symbolAt(fn.name as ts.Identifier);
  const holder = outerExpression(fn as ts.Expression).parent;
  const name = ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder) ? holder.name : undefined;
  return name && ts.isIdentifier(name) ? ctx.types.symbolAt(name) : undefined;
}

/**
 * `if (ready) done(false); bus.once('ready', () => done(true))`: the branch answers but does not return, so the code
 * goes on to wait for what has happened already. The listener stays on a target the function does not make, one more
 * at every such run. Reported whether or not the target's types are known: the code shows what it means.
 */
function reportAddedAfterAnswering(ctx: Context, call: ts.CallExpression, callee: ts.PropertyAccessExpression): boolean {
  const [event, handler] = call.arguments;
  const fn = enclosingFunction(call);
  const h = unwrap(handler);
  if (!fn || (!ts.isArrowFunction(h) && !ts.isFunctionExpression(h))) return false;
  const target = unwrap(callee.expression);
  const { typed, untyped } = typedRemovals(ctx, target, callee.name.text);
  const emitter = untyped || typed !== undefined;
  if (!emitter || !sameTargetAtEveryRun(ctx, call, target) || ctx.analysis.runsOncePerApplication(call)) return false;
  for (const parameter of fn.parameters) {
    const callback = ts.isIdentifier(parameter.name) ? ctx.types.symbolAt(parameter.name) : undefined;
    const calledByHandler =
      !!callback && someCall(h.body, (c) => ts.isIdentifier(c.expression) && ctx.types.symbolAt(c.expression) === callback);
    const answered = calledByHandler ? answeredWithoutReturning(ctx.types, call, callback) : undefined;
    if (!answered) continue;
    ctx.report({
      node: call,
      messageId: 'addedAfterAnswering',
      data: { event: event.getText(ctx.file), target, callback: parameter.name.getText(ctx.file) },
      related: [{ node: answered.thenStatement, messageId: 'answeredHere' }],
    });
    return true;
  }
  return false;
}

/**
 * `_read() { … this.once('end', onEnd) }`: a registration on the object itself in a hook that runs at every read or
 * write of it. Each run adds one more, which stays until the event (or the object's end). The hook says the object is
 * a stream, so an emitter, whatever its types say (a JavaScript constructor function that inherits from one).
 */
function reportAddedAtEveryRun(ctx: Context, call: ts.CallExpression, callee: ts.PropertyAccessExpression): boolean {
  const hook = repeatedHookOf(ctx.types, call);
  const target = unwrap(callee.expression);
  if (!hook || !isThisObject(ctx.types, target) || registersNothing(call.arguments[1])) return false;
  const takesPreviousOff = someCall(hook.fn, (c) => {
    const x = unwrap(c.expression);
    return ts.isPropertyAccessExpression(x) && LISTENER_REMOVALS.has(x.name.text) && isThisObject(ctx.types, x.expression);
  });
  if (takesPreviousOff) return false;
  const data = { event: call.arguments[0].getText(ctx.file), target, hook: hook.name };
  ctx.report({ node: call, messageId: 'addedAtEveryRun', data });
  return true;
}

/** `{ once: true }` or `{ signal }` options remove the listener without an explicit call. */
function removesItself(options: ts.Expression | undefined): boolean {
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some((p) => {
    const name = p.name && ts.isIdentifier(p.name) ? p.name.text : undefined;
    if (name === 'signal') return true;
    return name === 'once' && ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.TrueKeyword;
  });
}

/** `addEventListener('test', null!, …)` (feature detection): no listener is added. */
function registersNothing(handler: ts.Expression): boolean {
  const x = unwrap(handler);
  return x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
}

/** `on(event, listener) { process.on(event, listener) }`: event and handler are both the enclosing function's parameters. */
function forwardsRegistration(ctx: Context, call: ts.CallExpression, event: ts.Expression, handler: ts.Expression): boolean {
  const fn = enclosingFunction(call);
  const isParameterOf = (e: ts.Expression): boolean => {
    const x = unwrap(e);
    const decl = ts.isIdentifier(x) ? ctx.types.symbolAt(x)?.valueDeclaration : undefined;
    return !!decl && ts.isParameter(decl) && decl.parent === fn;
  };
  return !!fn && isParameterOf(event) && isParameterOf(handler);
}

/** A function (or a value) declared at module or namespace level, or imported: it lives as long as the program. */
function livesAsLongAsProgram(ctx: Context, handler: ts.Expression): boolean {
  const x = unwrap(handler);
  if (!ts.isIdentifier(x) && !ts.isPropertyAccessExpression(x)) return false;
  const root = rootIdentifier(x);
  const decl = root && ctx.types.symbolAt(root)?.declarations?.[0];
  if (!decl || ts.isParameter(decl) || !accessPathKey(ctx.types, x)) return false;
  return decl.getSourceFile() !== ctx.file || (!enclosingFunction(decl) && !ts.isClassLike(decl.parent));
}

function captureOf(options: ts.Expression | undefined): boolean {
  if (!options) return false;
  if (options.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (!ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some(
    (p) =>
      ts.isPropertyAssignment(p) &&
      ts.isIdentifier(p.name) &&
      p.name.text === 'capture' &&
      p.initializer.kind === ts.SyntaxKind.TrueKeyword,
  );
}

function eventKey(ctx: Context, e: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(e)) return `"${e.text}"`;
  return accessPathKey(ctx.types, e);
}

/** The same event, or one that a variable names (each method's own `name` parameter): the one we cannot tell apart. */
function sameEvent(ctx: Context, removed: ts.Expression, key: string): boolean {
  const removedKey = eventKey(ctx, removed);
  return removedKey === key || !ts.isStringLiteralLike(removed) || !key.startsWith('"');
}

/**
 * Identity of a handler: a named function, a field/method reference, or `this` (an EventListenerObject, whose
 * handleEvent is called). Inline functions and `.bind()` have none.
 */
function handlerKey(ctx: Context, h: ts.Expression): string | undefined {
  const x = unwrap(h);
  const named =
    ts.isIdentifier(x) || ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x) || x.kind === ts.SyntaxKind.ThisKeyword;
  return named ? accessPathKey(ctx.types, x) : undefined;
}

interface ListenerKey {
  target: string | undefined;
  /** The target's path and the fields it is also known by (see aliasPaths). */
  paths: readonly string[];
  /** The same for a handler with an identity (`this.#events.open = fn; this.addEventListener('open', fn)`). */
  handlers: readonly string[];
  event: string | undefined;
  handler: string | undefined;
  capture: boolean;
}

function hasRemoval(ctx: Context, scope: ts.Node, key: ListenerKey, anyTarget = false): boolean {
  return someCall(scope, (call) => {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !LISTENER_REMOVALS.has(callee.name.text)) return false;
    const [event, handler, options] = call.arguments;
    return (
      !!event &&
      !!handler &&
      (anyTarget || key.paths.includes(accessPathKey(ctx.types, callee.expression) ?? '')) &&
      sameEvent(ctx, event, key.event!) &&
      removedHandlerPaths(ctx, handler).some((path) => key.handlers.includes(path)) &&
      captureOf(options) === key.capture
    );
  });
}

/** What a removal's handler names: its identity, or an entry of the table it is read from (`handlers.get(event)`). */
function removedHandlerPaths(ctx: Context, handler: ts.Expression): string[] {
  return [handlerKey(ctx, handler), tableEntryKey(ctx.types, handler)].filter((path) => path !== undefined);
}

interface NearMiss {
  removal: ts.CallExpression;
  difference: string;
}

/**
 * A removal from the same target for the same event (by the same literal or name) in the owner that still does not
 * undo the registration, and which part differs: the capture flag (preferred: the handler is the same), or the handler's identity.
 */
function nearMiss(ctx: Context, scope: ts.Node, key: ListenerKey, added: ts.Expression): NearMiss | undefined {
  const removals: ts.CallExpression[] = [];
  someCall(scope, (call) => {
    const callee = unwrap(call.expression);
    const [event, handler] = call.arguments;
    if (
      ts.isPropertyAccessExpression(callee) &&
      callee.name.text !== REMOVE_ALL_LISTENERS &&
      LISTENER_REMOVALS.has(callee.name.text) &&
      event &&
      handler &&
      key.paths.includes(accessPathKey(ctx.types, callee.expression) ?? '') &&
      eventKey(ctx, event) === key.event
    )
      removals.push(call);
    return false;
  });
  const sameHandler = key.handler ? removals.find((r) => handlerKey(ctx, r.arguments[1]) === key.handler) : undefined;
  if (sameHandler) {
    const flag = (capture: boolean): string => (capture ? 'capture' : 'no capture');
    const removedCapture = captureOf(sameHandler.arguments[2]);
    return { removal: sameHandler, difference: `capture flag: added with ${flag(key.capture)}, removed with ${flag(removedCapture)}` };
  }
  const [removal] = removals;
  return removal && { removal, difference: `handler identity: ${handlerDifference(added, removal.arguments[1])}` };
}

/** The first removal of the registration's that the target's type has, and whether the target is untyped (`any`). */
function typedRemovals(ctx: Context, target: ts.Expression, registration: string): { typed?: string; untyped: boolean } {
  return ctx.types.typeFact(target, `removals:${registration}`, () => {
    const type = ctx.types.typeAt(target);
    return { typed: removalsOf(registration).find((m) => ctx.types.hasMethod(type, m)), untyped: isUntyped(type) };
  });
}

function isUntyped(type: ts.Type): boolean {
  return (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
}

/**
 * The target is not made anew by the registering function: `this.x`, a parameter or a name from outside it, which
 * the function does not assign. A fresh target per run takes its listeners with it.
 */
function sameTargetAtEveryRun(ctx: Context, registration: ts.CallExpression, target: ts.Expression): boolean {
  const fn = enclosingFunction(registration);
  const root = rootIdentifier(target);
  const path = accessPathKey(ctx.types, target);
  if (!fn || !path) return false;
  const decl = root && ctx.types.symbolAt(root)?.valueDeclaration;
  // a local of the function is made anew at each run; a parameter is whatever the caller hands it again
  if (decl && !ts.isParameter(decl) && decl.pos >= fn.pos && decl.end <= fn.end) return false;
  return !someNode(fn, (n) => isAssignment(n) && accessPathKey(ctx.types, n.left) === path);
}

/**
 * A removal earlier in the same function than the registration, meant to take off what the last run added, whose
 * handler is a property that nothing in the file sets (`el.listenerSymbol` where the listener went to
 * `el[listenerSymbol]`): it removes nothing. (A removal of another named handler is a hand-over, not a miss.)
 */
function removesNothingBefore(ctx: Context, removal: ts.CallExpression, registration: ts.CallExpression): boolean {
  if (enclosingFunction(removal) !== enclosingFunction(registration) || removal.end > registration.getStart()) return false;
  const removed = unwrap(removal.arguments[1]);
  if (!ts.isPropertyAccessExpression(removed) || ctx.types.symbolAt(removed.name)) return false;
  const name = removed.name.text;
  return !someNode(ctx.file, (n) => {
    if (isAssignment(n)) {
      const left = unwrap(n.left);
      return ts.isPropertyAccessExpression(left) && left.name.text === name;
    }
    const declared = (ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n) || ts.isShorthandPropertyAssignment(n)) && n.name;
    return !!declared && declared.getText(ctx.file) === name;
  });
}

/**
 * A method (or function) that registers a fresh copy of itself (`this.update.bind(this, x)`, `() => this.update(x)`)
 * with a persistent registration: a retry that waits for an event. Every call that waits adds another listener,
 * and each stays, calling the method again at every later event.
 */
function reentersItself(ctx: Context, registration: ts.CallExpression, handler: ts.Expression): boolean {
  const fn = enclosingFunction(registration);
  const self = fn && fn.name && ctx.types.symbolAt(fn.name);
  if (!self) return false;
  const h = unwrap(handler);
  const callsSelf = (e: ts.Expression): boolean => {
    const x = unwrap(e);
    return ctx.types.symbolAt(ts.isPropertyAccessExpression(x) ? x.name : x) === self;
  };
  if (ts.isCallExpression(h) && ts.isPropertyAccessExpression(h.expression) && h.expression.name.text === 'bind')
    return callsSelf(h.expression.expression);
  if (!ts.isArrowFunction(h) && !ts.isFunctionExpression(h)) return false;
  return someCall(h.body, (c) => callsSelf(c.expression));
}

/** `this.f.bind(this)` at both places, or the same inline function's code: made afresh, so never the same function. */
function sameFreshHandler(ctx: Context, added: ts.Expression, removed: ts.Expression): boolean {
  const bound = (h: ts.Expression): string | undefined => {
    const x = unwrap(h);
    const isBind = ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'bind';
    return isBind ? accessPathKey(ctx.types, x.expression.expression) : undefined;
  };
  const a = unwrap(added);
  const r = unwrap(removed);
  if (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) return a.getText(ctx.file) === r.getText(ctx.file);
  return !!bound(a) && bound(a) === bound(r);
}

function handlerDifference(added: ts.Expression, removed: ts.Expression): string {
  const fresh = (h: ts.Expression): string | undefined => {
    const x = unwrap(h);
    if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'bind')
      return 'bind() returns a new function at each call';
    return ts.isArrowFunction(x) || ts.isFunctionExpression(x) ? 'an inline function is a new function each time it runs' : undefined;
  };
  const made = fresh(removed) ?? fresh(added);
  if (made) return `${made}, so \`${codeText(removed)}\` is not the function that was added`;
  return `it removes \`${codeText(removed)}\`, not \`${codeText(added)}\``;
}

/** A call of one of `methods` on the target (by one of its paths) anywhere in `scope`. */
function removesFrom(ctx: Context, scope: ts.Node, paths: readonly string[], methods: Iterable<string>): boolean {
  const names = new Set(methods);
  return someCall(scope, (call) => {
    const callee = unwrap(call.expression);
    return (
      ts.isPropertyAccessExpression(callee) &&
      names.has(callee.name.text) &&
      paths.includes(accessPathKey(ctx.types, callee.expression) ?? '')
    );
  });
}

interface Registration {
  call: ts.CallExpression;
  target: ts.Expression;
  event: ts.Expression;
  handler: ts.Expression;
  removal: string;
  capture: boolean;
  anonymous: boolean;
}

function report(
  ctx: Context,
  r: Registration,
  near: NearMiss | undefined,
  teardown: ts.MethodDeclaration | undefined,
  editable: ts.MethodDeclaration | undefined,
): Report<MessageId> {
  const targetText = r.target.getText(ctx.file);
  const eventText = r.event.getText(ctx.file);
  // a literal event reads as itself; a variable as the event it names
  const event = ts.isStringLiteralLike(r.event) ? eventText : `the event in \`${codeText(r.event)}\``;
  const data = { event, target: r.target, removal: r.removal };
  const message: Message<MessageId> = near
    ? { messageId: 'removalDoesNotMatch', data: { ...data, difference: near.difference } }
    : r.anonymous
      ? { messageId: 'inlineHandler', data }
      : teardown
        ? { messageId: 'notRemovedByTeardown', data: { ...data, teardown: teardown.name } }
        : { messageId: 'neverRemoved', data };
  const out: Report<MessageId> = {
    node: r.call,
    ...message,
    related: [
      ...(near ? [{ node: near.removal, messageId: 'removalThatDiffers' as const }] : []),
      ...(r.anonymous ? [{ node: r.handler, messageId: 'handlerWithoutIdentity' as const }] : []),
      ...(teardown ? [{ node: teardown.name, messageId: 'teardownMissesRemoval' as const }] : []),
    ],
  };
  // fix: remove it in the class's teardown, when the handler has an identity and the target is reachable there
  if (!r.anonymous && editable?.body && reachableFromTeardown(ctx, r.target) && reachableFromTeardown(ctx, r.handler)) {
    const args = `${eventText}, ${r.handler.getText(ctx.file)}${r.capture ? ', true' : ''}`;
    out.fixes = [
      {
        messageId: 'removeInTeardown',
        data: { teardown: editable.name },
        edits: [appendToBody(ctx.file, editable.body, `${targetText}.${r.removal}(${args});`)],
        preferred: true,
      },
    ];
  }
  return out;
}

/** `this.x…` or a name declared outside every function (global, import, module-level): valid in any method. */
function reachableFromTeardown(ctx: Context, e: ts.Expression): boolean {
  if (thisProperty(e) || unwrap(e).kind === ts.SyntaxKind.ThisKeyword) return true;
  const root = rootIdentifier(e);
  if (!root) return false;
  const decl = ctx.types.symbolAt(root)?.valueDeclaration;
  return !!decl && (decl.getSourceFile() !== ctx.file || !enclosingFunction(decl)) && !ts.isParameter(decl);
}

/**
 * `once` listeners for alternative outcomes (`con.once('noData', a); con.once('rowDescription', b)`): only one of the
 * events comes, and when it does, the other listener stays unless the handler that ran removes it. On a target that
 * outlives the registering code, every run leaves one more. Reported at the listener left behind.
 */
function reportOnceLeftBehind(
  ctx: Context,
  call: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  lifecycle: LifecycleAnalysis,
): void {
  const [event, handler] = call.arguments;
  if (!ts.isStringLiteralLike(event) || registersNothing(handler) || ctx.analysis.runsOncePerApplication(call)) return;
  const fn = enclosingFunction(call);
  const target = unwrap(callee.expression);
  const path = accessPathKey(ctx.types, target);
  if (!fn || !path) return;
  const alternative = onceRegistrations(ctx, fn, path).find(
    (other) =>
      other !== call && (other.arguments[0] as ts.StringLiteralLike).text !== event.text && !removesIn(ctx, other, event.text, handler),
  );
  if (!alternative) return;
  const owner = ctx.analysis.ownerOf(call);
  const removals = removalsOf(callee.name.text);
  const { typed, untyped } = typedRemovals(ctx, target, callee.name.text);
  // an untyped target is an emitter when the file removes listeners for this event
  const emitter = typed !== undefined || (untyped && removesEvent(ctx, removals, event.text));
  if (!emitter) return;
  if (!ctx.analysis.outlivesOwner(target, owner, lifecycle)) return;
  ctx.report({
    node: call,
    messageId: 'onceLeftBehind',
    data: { event: event.getText(ctx.file), target, other: alternative.arguments[0].getText(ctx.file) },
    related: [{ node: alternative, messageId: 'otherOutcome' }],
  });
}

function removesEvent(ctx: Context, removals: readonly string[], event: string): boolean {
  return someCall(ctx.file, (c) => {
    const callee = unwrap(c.expression);
    const [removed] = c.arguments;
    return (
      ts.isPropertyAccessExpression(callee) &&
      removals.includes(callee.name.text) &&
      !!removed &&
      ts.isStringLiteralLike(removed) &&
      removed.text === event
    );
  });
}

/** The `once` registrations for a literal event on the target (by access path) in the function's own body. */
function onceRegistrations(ctx: Context, fn: ts.SignatureDeclaration, path: string): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  someCall(fn, (c) => {
    const callee = unwrap(c.expression);
    if (
      enclosingFunction(c) === fn &&
      ts.isPropertyAccessExpression(callee) &&
      ONCE_REGISTRATIONS.has(callee.name.text) &&
      c.arguments.length >= 2 &&
      ts.isStringLiteralLike(c.arguments[0]) &&
      accessPathKey(ctx.types, callee.expression) === path
    )
      found.push(c);
    return false;
  });
  return found;
}

/**
 * The handler of `other` (followed into the functions it calls, two levels) removes the listener for `event`: by
 * `removeAllListeners`, or by a removal for that event. A handler whose body cannot be found might: true.
 */
function removesIn(ctx: Context, other: ts.CallExpression, event: string, handler: ts.Expression): boolean {
  const body = functionBody(ctx, other.arguments[1]);
  if (!body) return true;
  const handlerPath = handlerKey(ctx, handler);
  const removes = (node: ts.Node, depth: number): boolean =>
    someCall(node, (c) => {
      const callee = unwrap(c.expression);
      if (ts.isPropertyAccessExpression(callee) && LISTENER_REMOVALS.has(callee.name.text)) {
        const [removed, removedHandler] = c.arguments;
        if (!removed) return true; // removeAllListeners()
        if (ts.isStringLiteralLike(removed) && removed.text !== event) return false;
        return !removedHandler || !handlerPath || handlerKey(ctx, removedHandler) === handlerPath || !ts.isStringLiteralLike(removed);
      }
      const called = depth < 2 ? functionBody(ctx, c.expression) : undefined;
      return !!called && removes(called, depth + 1);
    });
  return removes(body, 0);
}

/**
 * The body of a function given by value: inline, `f.bind(…)`, or a function, method or function-valued field by name
 * (in JavaScript also a prototype method, `C.prototype.m = function …`, that `this.m = this.m.bind(this)` binds).
 */
function functionBody(ctx: Context, e: ts.Expression): ts.Node | undefined {
  let x = unwrap(e);
  if (isBindCall(x)) x = unwrap(x.expression.expression);
  if (ts.isArrowFunction(x) || ts.isFunctionExpression(x)) return x.body;
  const name = ts.isPropertyAccessExpression(x) ? x.name : ts.isIdentifier(x) ? x : undefined;
  const symbol = name && ctx.types.symbolAt(name);
  for (const d of symbol ? ctx.types.declarationsOf(symbol) : []) {
    if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body) return d.body;
    const value =
      ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d)
        ? d.initializer
        : isAssignment(d)
          ? d.right
          : isAssignment(d.parent)
            ? d.parent.right
            : undefined;
    const fn = value && unwrap(value);
    if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return fn.body;
  }
  return name && ts.isPropertyAccessExpression(x) ? prototypeMethod(ctx, name.text) : undefined;
}

function isBindCall(x: ts.Expression): x is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'bind';
}

/** `C.prototype.name = function () { … }` in the file: the body. */
function prototypeMethod(ctx: Context, name: string): ts.Node | undefined {
  let body: ts.Node | undefined;
  someNode(ctx.file, (n) => {
    if (!isAssignment(n) || !ts.isPropertyAccessExpression(n.left) || n.left.name.text !== name) return false;
    const owner = unwrap(n.left.expression);
    const fn = unwrap(n.right);
    if (!ts.isPropertyAccessExpression(owner) || owner.name.text !== 'prototype' || !ts.isFunctionExpression(fn)) return false;
    body = fn.body;
    return true;
  });
  return body;
}

/**
 * `this.f.addObserver(this)` where the type pairs `addX` with `removeX`, and the class replaces or clears the field
 * in one method without removing the registration while another method removes it first: the old value (which the
 * class evidently expects to outlive the field) keeps the observer. Reported at the registration.
 */
function reportReplacedWithoutRemoval(ctx: Context, call: ts.CallExpression, callee: ts.PropertyAccessExpression): void {
  const added = /^add([A-Z]\w*)$/.exec(callee.name.text);
  const field = added && thisProperty(callee.expression);
  const owner = ctx.analysis.ownerOf(call);
  if (!added || !field || owner.kind !== 'class') return;
  const removal = `remove${added[1]}`;
  // an untyped field (its library's types are missing) pairs them when another method removes first (below)
  const fieldType = ctx.types.typeAt(field);
  if (!ctx.types.hasMethod(fieldType, removal) && !isUntyped(fieldType)) return;
  const fieldSymbol = ctx.types.symbolAt(field.name);
  const registered = accessPathKey(ctx.types, call.arguments[0]);
  if (!fieldSymbol || !registered) return;
  const isField = (e: ts.Expression): boolean => {
    const x = thisProperty(e);
    return !!x && ctx.types.symbolAt(x.name) === fieldSymbol;
  };
  const removes = (n: ts.Node): ts.CallExpression | undefined => {
    let found: ts.CallExpression | undefined;
    someCall(n, (c) => {
      const x = unwrap(c.expression);
      const hit =
        ts.isPropertyAccessExpression(x) &&
        x.name.text === removal &&
        isField(x.expression) &&
        !!c.arguments[0] &&
        accessPathKey(ctx.types, c.arguments[0]) === registered;
      if (hit) found = c;
      return hit;
    });
    return found;
  };
  const replacements: { assignment: ts.BinaryExpression; method: ts.MethodDeclaration; removedBefore?: ts.CallExpression }[] = [];
  for (const member of owner.cls.members) {
    if (!ts.isMethodDeclaration(member) || !member.body) continue;
    someNode(member.body, (n) => {
      if (isAssignment(n) && isField(n.left) && ts.isExpressionStatement(n.parent)) {
        const removedBefore = removesInBlockBefore(n, removes);
        replacements.push({ assignment: n, method: member, removedBefore });
      }
      return false;
    });
  }
  const careful = replacements.find((r) => r.removedBefore);
  const careless = replacements.find((r) => !r.removedBefore);
  if (!careful || !careless) return;
  const name = (m: ts.MethodDeclaration): string => m.name.getText(ctx.file);
  ctx.report({
    node: call,
    messageId: 'replacedWithoutRemoval',
    data: {
      field: field.name.text,
      method: name(careless.method),
      removal,
      other: name(careful.method),
      handler: codeText(call.arguments[0]),
    },
    related: [
      { node: careless.assignment, messageId: 'replacedHere' },
      { node: careful.removedBefore!, messageId: 'removedBeforeReplacing' },
    ],
  });
}

/** A removal in an earlier statement of a block that encloses the assignment (inside ifs and loops of the method). */
function removesInBlockBefore(assignment: ts.Node, removes: (n: ts.Node) => ts.CallExpression | undefined): ts.CallExpression | undefined {
  for (let n: ts.Node = assignment; n.parent && !ts.isFunctionLike(n.parent); n = n.parent) {
    if (!ts.isBlock(n.parent)) continue;
    const found = n.parent.statements
      .filter((st) => st.end <= assignment.getStart())
      .map(removes)
      .find((r) => !!r);
    if (found) return found;
  }
  return undefined;
}

/**
 * `sender.changed.connect(slot, thisArg?)` on a signal (events.ts): the connection stays until a disconnect names the
 * same slot and thisArg, or a static clean-up drops what the thisArg receives or the sender sends
 * (`Signal.clearData(this)`). A disconnect of the slot with another thisArg removes nothing: reported wherever the
 * sender is not the owner's. Otherwise reported only for a connection made again at each run of a function (not the
 * constructor, not code that runs once) on a sender that outlives the owner, with a slot that holds more than it, and
 * no thisArg the owner's teardown clears (a Lumino Widget's dispose clears what `this` receives).
 */
function reportSignalConnection(
  ctx: Context,
  call: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  lifecycle: LifecycleAnalysis,
): void {
  const [slot, thisArg] = call.arguments;
  const target = unwrap(callee.expression);
  // `model.disposed.connect(…)`: emitted once as the sender ends, which drops its connections
  if (ctx.analysis.runsOncePerApplication(call) || endingSourceOf(ctx.types, target)) return;
  const slotKey = handlerKey(ctx, slot);
  const receiver = receiverKey(ctx, thisArg);
  const disconnects = slotKey ? signalDisconnects(ctx, aliasPaths(ctx.types, slot)) : [];
  // a named slot disconnected with the same thisArg anywhere in the file is managed there, whatever the sender is called
  if (disconnects.some((d) => sameReceiver(receiverKey(ctx, d.arguments[1]), receiver))) return;
  const owner = ctx.analysis.ownerOf(call);
  const scope: ts.Node = owner.kind === 'class' ? owner.cls : ctx.file;
  const sender = ts.isPropertyAccessExpression(target) ? accessPathKey(ctx.types, target.expression) : undefined;
  if (clearsConnections(ctx, scope, [receiver, sender ?? ''])) return;
  if (!ctx.analysis.outlivesOwner(target, owner, lifecycle)) return;
  // the slot is disconnected, with another thisArg: that removes nothing (the sender may be known there by another path)
  const mismatch = disconnects.find((d) => !runsAsSenderEnds(ctx, d));
  if (mismatch) return reportDisconnectMismatch(ctx, call, target, mismatch);
  // a thisArg names the receiver whose end clears the connection (a Lumino Widget's dispose: `Signal.clearData(this)`)
  const fn = enclosingFunction(call);
  if (receiver !== '' || !fn || !(ts.isMethodDeclaration(fn) || ts.isAccessor(fn)) || !reachedThroughParameter(ctx, fn, target)) return;
  const run = `${fn.name.getText(ctx.file)}() call`;
  ctx.report(
    slotKey
      ? { node: call, messageId: 'namedSlot', data: { target, run, slot: codeText(slot) } }
      : { node: call, messageId: 'inlineSlot', data: { target, run }, related: [{ node: slot, messageId: 'handlerWithoutIdentity' }] },
  );
}

/**
 * `adapter.widget.context.pathChanged` in a method with the parameter `adapter`: a sender the handed object refers to
 * (not the object itself, nor a field or local of the owner), which may be shared by many such objects and outlive them.
 */
function reachedThroughParameter(ctx: Context, fn: ts.SignatureDeclaration, signal: ts.Expression): boolean {
  const sender = ts.isPropertyAccessExpression(signal) ? unwrap(signal.expression) : undefined;
  if (!sender || !ts.isPropertyAccessExpression(sender)) return false;
  const root = rootIdentifier(sender);
  const decl = root && ctx.types.symbolAt(root)?.valueDeclaration;
  return !!decl && ts.isParameter(decl) && decl.parent === fn;
}

/** A disconnect in a slot of the sender's own end signal (`outputs.disposed.connect(() => …)`): the end clears it anyway. */
function runsAsSenderEnds(ctx: Context, disconnect: ts.CallExpression): boolean {
  const fn = enclosingFunction(disconnect);
  const registration = fn && outerExpression(fn as ts.Expression).parent;
  if (!registration || !ts.isCallExpression(registration) || !isSignalConnection(ctx.types, registration)) return false;
  const signal = unwrap((registration.expression as ts.PropertyAccessExpression).expression);
  return !!endingSourceOf(ctx.types, signal);
}

/** A thisArg by access path: '' when there is none, '*' when it has no path (it may be any receiver). */
function receiverKey(ctx: Context, thisArg: ts.Expression | undefined): string {
  if (!thisArg || unwrap(thisArg).kind === ts.SyntaxKind.UndefinedKeyword) return '';
  const x = unwrap(thisArg);
  if (ts.isIdentifier(x) && x.text === 'undefined') return '';
  return accessPathKey(ctx.types, x) ?? '*';
}

function sameReceiver(a: string, b: string): boolean {
  return a === b || a === '*' || b === '*';
}

/** Each lint's disconnect calls with the access paths of their slots, read once per file (not once per connection). */
const disconnectsOfLint = new WeakMap<Context, { call: ts.CallExpression; slotPaths: string[] }[]>();

/** The disconnects in the file of a slot known by one of `slotPaths`, from any signal. */
function signalDisconnects(ctx: Context, slotPaths: readonly string[]): ts.CallExpression[] {
  let all = disconnectsOfLint.get(ctx);
  if (!all) {
    const found: { call: ts.CallExpression; slotPaths: string[] }[] = [];
    someCall(ctx.file, (c) => {
      const callee = unwrap(c.expression);
      const [slot] = c.arguments;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === SIGNAL_DISCONNECT && slot && c.arguments.length <= 2) {
        found.push({ call: c, slotPaths: removedHandlerPaths(ctx, slot) });
      }
      return false;
    });
    disconnectsOfLint.set(ctx, (all = found));
  }
  return all.filter((d) => d.slotPaths.some((path) => slotPaths.includes(path))).map((d) => d.call);
}

/** `Signal.clearData(x)` (or another static clean-up) in `scope` for one of the receivers or senders `keys`. */
function clearsConnections(ctx: Context, scope: ts.Node, keys: readonly string[]): boolean {
  const wanted = keys.filter((k) => k !== '' && k !== '*');
  return someCall(scope, (c) => {
    const callee = unwrap(c.expression);
    const [cleared] = c.arguments;
    return (
      ts.isPropertyAccessExpression(callee) &&
      SIGNAL_CLEANUPS.has(callee.name.text) &&
      !!cleared &&
      wanted.includes(accessPathKey(ctx.types, cleared) ?? '')
    );
  });
}

/** `connect(slot, this)` undone by `disconnect(slot)`: a signal finds a connection by slot and thisArg together. */
function reportDisconnectMismatch(ctx: Context, call: ts.CallExpression, target: ts.Expression, disconnect: ts.CallExpression): void {
  const thisArg = call.arguments[1];
  const removedWith = disconnect.arguments[1];
  const describe = (a: ts.Expression | undefined): string => (a && receiverKey(ctx, a) !== '' ? `\`${codeText(a)}\`` : 'no thisArg');
  const difference = `thisArg: connected with ${describe(thisArg)}, disconnected with ${describe(removedWith)}`;
  const out: Report<MessageId> = {
    node: call,
    messageId: 'disconnectDoesNotMatch',
    data: { target, difference },
    related: [{ node: disconnect, messageId: 'disconnectThatDiffers' }],
  };
  // the same `this` (or none) is valid at the disconnect when both are in one class
  const connectOwner = ctx.analysis.ownerOf(call);
  const disconnectOwner = ctx.analysis.ownerOf(disconnect);
  const sameClass = connectOwner.kind === 'class' && disconnectOwner.kind === 'class' && connectOwner.cls === disconnectOwner.cls;
  const portable = !thisArg || unwrap(thisArg).kind === ts.SyntaxKind.ThisKeyword;
  if (sameClass && portable) {
    const [slot] = disconnect.arguments;
    const end = disconnect.arguments.at(-1)!.getEnd();
    out.fixes = [
      {
        messageId: 'passSameThisArg',
        edits: [{ start: slot.getEnd(), end, newText: thisArg ? `, ${thisArg.getText(ctx.file)}` : '' }],
        preferred: true,
      },
    ];
  }
  ctx.report(out);
}
