// listener-leak: addEventListener/on/addListener on a target that outlives the registering owner, with no
// matching removal (same target, event and handler by symbol, same capture flag) in the owner's cleanup.
import ts = require('typescript');
import {
  LISTENER_REMOVALS,
  PERSISTENT_REGISTRATIONS,
  REMOVE_ALL_LISTENERS,
  accessPathKey,
  enclosingFunction,
  removalsOf,
  returnedCleanups,
  rootIdentifier,
  someCall,
  thisProperty,
  unwrap,
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
  handlerWithoutIdentity: 'this handler has no identity a removal could name',
  teardownMissesRemoval: 'teardown that misses the removal',
  removeInTeardown: 'Remove the listener in {{teardown}}()',
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
        if (!ts.isPropertyAccessExpression(callee) || !PERSISTENT_REGISTRATIONS.has(callee.name.text) || call.arguments.length < 2) return;
        const [event, handler, options] = call.arguments;
        if (removesItself(options) || ctx.analysis.runsOncePerApplication(call)) return;
        const target = unwrap(callee.expression);
        const targetType = ctx.types.typeAt(target);
        const removal = removalsOf(callee.name.text).find((m) => ctx.types.hasMethod(targetType, m));
        if (!removal) return;
        const owner = ctx.analysis.ownerOf(call);
        if (!ctx.analysis.outlivesOwner(target, owner, lifecycle)) return;
        const scope: ts.Node = owner.kind === 'class' ? owner.cls : owner.kind === 'function' ? owner.fn : ctx.file;
        const key = {
          target: accessPathKey(ctx.types, target),
          event: eventKey(ctx, event),
          handler: handlerKey(ctx, handler),
          capture: captureOf(options),
        };
        if (!key.target || !key.event) return;
        // a named handler removed for this event anywhere in the file is managed there, whatever the emitter is called
        // (`this` inside the handler, another parameter): pairing by handler symbol is enough to stay silent
        if (key.handler && (hasRemoval(ctx, scope, key) || hasRemoval(ctx, ctx.file, key, true))) return;
        if (removesFrom(ctx, scope, key.target, [REMOVE_ALL_LISTENERS])) return;
        // the registering function returns a cleanup that removes listeners from this target: its caller owns them
        // (event and handler may be keyed by loop variables or computed names we cannot pair)
        const fn = enclosingFunction(call);
        if (fn && returnedCleanups(fn).some((cleanup) => removesFrom(ctx, cleanup, key.target!, LISTENER_REMOVALS))) return;
        const teardown = owner.kind === 'class' ? lifecycle.of(owner.cls).teardownToName : undefined;
        const editable = owner.kind === 'class' ? lifecycle.of(owner.cls).teardownToEdit : undefined;
        ctx.report(
          report(ctx, { call, target, event, handler, removal, capture: key.capture, anonymous: !key.handler }, teardown, editable),
        );
      },
    };
  },
});

/** `{ once: true }` or `{ signal }` options remove the listener without an explicit call. */
function removesItself(options: ts.Expression | undefined): boolean {
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some((p) => {
    const name = p.name && ts.isIdentifier(p.name) ? p.name.text : undefined;
    if (name === 'signal') return true;
    return name === 'once' && ts.isPropertyAssignment(p) && p.initializer.kind === ts.SyntaxKind.TrueKeyword;
  });
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
      (anyTarget || accessPathKey(ctx.types, callee.expression) === key.target) &&
      eventKey(ctx, event) === key.event &&
      handlerKey(ctx, handler) === key.handler &&
      captureOf(options) === key.capture
    );
  });
}

/** A call of one of `methods` on the target anywhere in `scope`. */
function removesFrom(ctx: Context, scope: ts.Node, target: string, methods: Iterable<string>): boolean {
  const names = new Set(methods);
  return someCall(scope, (call) => {
    const callee = unwrap(call.expression);
    return ts.isPropertyAccessExpression(callee) && names.has(callee.name.text) && accessPathKey(ctx.types, callee.expression) === target;
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
  teardown: ts.MethodDeclaration | undefined,
  editable: ts.MethodDeclaration | undefined,
): Report<MessageId> {
  const targetText = r.target.getText(ctx.file);
  const eventText = r.event.getText(ctx.file);
  // a literal event reads as itself; a variable as the event it names
  const event = ts.isStringLiteralLike(r.event) ? eventText : `the event in \`${codeText(r.event)}\``;
  const data = { event, target: r.target, removal: r.removal };
  const message: Message<MessageId> = r.anonymous
    ? { messageId: 'inlineHandler', data }
    : teardown
      ? { messageId: 'notRemovedByTeardown', data: { ...data, teardown: teardown.name.getText(ctx.file) } }
      : { messageId: 'neverRemoved', data };
  const out: Report<MessageId> = {
    node: r.call,
    ...message,
    related: [
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
        data: { teardown: editable.name.getText(ctx.file) },
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
