// listener-leak: addEventListener/on/addListener on a target that outlives the registering owner, with no
// matching removal (same target, event and handler by symbol, same capture flag) in the owner's cleanup.
import ts = require('typescript');
import { accessPathKey } from '../engine/analysis/access-path';
import { enclosingFunction } from '../engine/analysis/owner';
import { rootIdentifier } from '../engine/analysis/lifetime';
import { returnedCleanups, skipChain } from '../engine/analysis/lifecycle';
import { someCall } from '../engine/analysis/walk';
import { appendToBody } from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'listener-leak';

/** Registration method → the removal methods that undo it. */
const REGISTRATIONS: Record<string, readonly string[]> = {
  addEventListener: ['removeEventListener'],
  on: ['off', 'removeListener'],
  addListener: ['removeListener', 'off'],
  prependListener: ['removeListener', 'off'],
};
const REMOVE_ALL = 'removeAllListeners';
const REMOVALS = new Set([...Object.values(REGISTRATIONS).flat(), REMOVE_ALL]);

export default defineRule({
  meta: {
    id: ID,
    description: 'An event listener is added to a longer-lived target and never removed by its owner.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    return {
      [ts.SyntaxKind.CallExpression]: (call: ts.CallExpression) => {
        const callee = skipChain(call.expression);
        if (!ts.isPropertyAccessExpression(callee) || !Object.hasOwn(REGISTRATIONS, callee.name.text) || call.arguments.length < 2) return;
        const method = callee.name.text;
        const [event, handler, options] = call.arguments;
        if (removesItself(options) || ctx.analysis.isProgramLifetime(call)) return;
        const target = skipChain(callee.expression);
        const targetType = ctx.types.typeAt(target);
        const removal = REGISTRATIONS[method].find((m) => ctx.types.hasMethod(targetType, m));
        if (!removal) return;
        const owner = ctx.analysis.ownerOf(call);
        if (!ctx.analysis.outlivesOwner(target, owner)) return;
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
        if (hasRemoveAll(ctx, scope, key.target)) return;
        // the registering function returns a cleanup that removes listeners from this target: its caller owns them
        // (event and handler may be keyed by loop variables or computed names we cannot pair)
        const fn = enclosingFunction(call);
        if (fn && returnedCleanups(fn).some((cleanup) => removesFrom(ctx, cleanup, key.target!))) return;
        ctx.report(
          report(ctx, call, target, event, handler, removal, key.capture, owner.kind === 'class' ? owner.cls : undefined, !key.handler),
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

function eventKey(ctx: RuleContext, e: ts.Expression): string | undefined {
  if (ts.isStringLiteralLike(e)) return `"${e.text}"`;
  return accessPathKey(ctx.types, e);
}

/** Identity of a handler: a named function or a field/method reference. Inline functions and `.bind()` have none. */
function handlerKey(ctx: RuleContext, h: ts.Expression): string | undefined {
  const x = skipChain(h);
  return ts.isIdentifier(x) || ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)
    ? accessPathKey(ctx.types, x)
    : undefined;
}

interface ListenerKey {
  target: string | undefined;
  event: string | undefined;
  handler: string | undefined;
  capture: boolean;
}

function hasRemoval(ctx: RuleContext, scope: ts.Node, key: ListenerKey, anyTarget = false): boolean {
  return someCall(scope, (call) => {
    const callee = skipChain(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !REMOVALS.has(callee.name.text)) return false;
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

function removesFrom(ctx: RuleContext, scope: ts.Node, target: string): boolean {
  return someCall(scope, (call) => {
    const callee = skipChain(call.expression);
    return (
      ts.isPropertyAccessExpression(callee) && REMOVALS.has(callee.name.text) && accessPathKey(ctx.types, callee.expression) === target
    );
  });
}

function hasRemoveAll(ctx: RuleContext, scope: ts.Node, target: string): boolean {
  return someCall(scope, (call) => {
    const callee = skipChain(call.expression);
    return (
      ts.isPropertyAccessExpression(callee) && callee.name.text === REMOVE_ALL && accessPathKey(ctx.types, callee.expression) === target
    );
  });
}

function report(
  ctx: RuleContext,
  call: ts.CallExpression,
  target: ts.Expression,
  event: ts.Expression,
  handler: ts.Expression,
  removal: string,
  capture: boolean,
  cls: ts.ClassLikeDeclaration | undefined,
  anonymous: boolean,
): Report {
  const targetText = target.getText(ctx.file);
  const eventText = event.getText(ctx.file);
  const teardown = cls && ctx.analysis.lifecycle.of(cls).ownTeardowns[0];
  const why = anonymous
    ? 'the handler is an inline function (or a .bind() result), so it can never be removed'
    : teardown
      ? `${teardown.name.getText(ctx.file)}() does not call ${targetText}.${removal}(${eventText}, …)`
      : `nothing calls ${targetText}.${removal}(${eventText}, …)`;
  const r: Report = {
    node: call,
    message: `Listener for ${eventText} on \`${targetText}\` is never removed: ${why}. It keeps the handler (and what it references) alive.`,
    related: [
      ...(anonymous ? [{ node: handler, message: 'this handler has no identity a removal could name' }] : []),
      ...(teardown ? [{ node: teardown.name, message: 'teardown that misses the removal' }] : []),
    ],
  };
  // fix: remove it in the class's teardown, when the handler has an identity and the target is reachable there
  if (!anonymous && teardown?.body && reachableFromTeardown(ctx, target) && reachableFromTeardown(ctx, handler)) {
    const args = `${eventText}, ${handler.getText(ctx.file)}${capture ? ', true' : ''}`;
    r.fixes = [
      {
        title: `Remove the listener in ${teardown.name.getText(ctx.file)}()`,
        edits: [appendToBody(ctx.file, teardown.body, `${targetText}.${removal}(${args});`)],
        preferred: true,
      },
    ];
  }
  return r;
}

/** `this.x…` or a name declared outside every function (global, import, module-level): valid in any method. */
function reachableFromTeardown(ctx: RuleContext, e: ts.Expression): boolean {
  const x = skipChain(e);
  if (ts.isPropertyAccessExpression(x) && x.expression.kind === ts.SyntaxKind.ThisKeyword) return true;
  const root = rootIdentifier(x);
  if (!root) return false;
  const decl = ctx.types.symbolAt(root)?.valueDeclaration;
  return !!decl && (decl.getSourceFile() !== ctx.file || !enclosingFunction(decl)) && !ts.isParameter(decl);
}
