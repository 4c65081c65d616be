// unterminated-worker: a worker thread or child process that is never terminated, killed or awaited — kept in a
// class field the teardown does not stop, or dropped / kept in a local while it keeps running.
import ts = require('typescript');
import { outerExpression } from '../engine/analysis/ownership';
import { outOfScope } from '../engine/analysis/paths';
import { PROCESS_STOPS, processStart, type ProcessStart } from '../engine/analysis/processes';
import { appendToBody } from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'unterminated-worker';

/** Calls on the handle that show the code knows when (or that) it ends: a stop, `unref()`, or an exit listener. */
const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const EXIT_EVENTS = new Set(['exit', 'close', 'disconnect']);

export default defineRule({
  meta: {
    id: ID,
    description: 'A worker thread or child process is never terminated, killed or awaited by its owner.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    const check = (node: ts.NewExpression | ts.CallExpression) => {
      const start = processStart(ctx.types, node);
      if (!start || ctx.analysis.isProgramLifetime(node) || endsWithCallback(ctx, node, start)) return;
      const what = start.kind === 'worker' ? 'worker thread' : `child process from ${start.api}()`;
      const expr = outerExpression(node);
      const parent = expr.parent;
      const field = heldInField(ctx, expr);
      if (field) {
        const r = fieldReport(ctx, node, field, what, start);
        if (r) ctx.report(r);
      } else if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === expr) {
        const { uses, releases, handOffs } = ctx.analysis.usesOf(parent.name, { methods: PROCESS_STOPS });
        if (
          releases.length ||
          handOffs.length ||
          uses.some((u) => u.kind === 'reassigned' || (u.kind === 'method' && awaitsEnd(u.method!, u.site as ts.CallExpression)))
        )
          return;
        ctx.report({
          node,
          message: `\`${parent.name.text}\` (a ${what}) is never ${start.stop === 'kill' ? 'killed' : 'terminated'} and nothing waits for it to exit, so it keeps running after the code that started it is done.`,
          related: outOfScope(parent),
        });
      } else if (ts.isExpressionStatement(parent)) {
        ctx.report({ node, message: `The ${what} is dropped: nothing can ${start.stop} it or wait for it to exit.` });
      }
    };
    return { [ts.SyntaxKind.NewExpression]: check, [ts.SyntaxKind.CallExpression]: check };
  },
});

/** exec/execFile with a completion callback: the callback runs when the child exits. */
function endsWithCallback(ctx: RuleContext, node: ts.Node, start: ProcessStart): boolean {
  if (!ts.isCallExpression(node) || (start.api !== 'exec' && start.api !== 'execFile')) return false;
  const last = node.arguments.at(-1);
  return !!last && ctx.types.typeAt(last).getCallSignatures().length > 0;
}

/** `.unref()`, a stop, or an 'exit'/'close' listener. */
function awaitsEnd(method: string, call: ts.CallExpression): boolean {
  if (method === 'unref' || PROCESS_STOPS.includes(method)) return true;
  const event = call.arguments[0];
  return LISTEN.has(method) && !!event && ts.isStringLiteralLike(event) && EXIT_EVENTS.has(event.text);
}

interface Field {
  symbol: ts.Symbol;
  name: string;
  cls: ts.ClassLikeDeclaration;
  optional: boolean;
}

/** `this.f = <expr>` in a method, or `f = <expr>` as a field initializer. */
function heldInField(ctx: RuleContext, expr: ts.Expression): Field | undefined {
  const p = expr.parent;
  let nameNode: ts.Node | undefined;
  if (
    ts.isBinaryExpression(p) &&
    p.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    p.right === expr &&
    ts.isPropertyAccessExpression(p.left) &&
    p.left.expression.kind === ts.SyntaxKind.ThisKeyword
  ) {
    nameNode = p.left.name;
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

function fieldReport(ctx: RuleContext, node: ts.Node, field: Field, what: string, start: ProcessStart): Report | undefined {
  const lifecycle = ctx.analysis.lifecycle.of(field.cls);
  if (!lifecycle.teardowns.length || stoppedAnywhere(ctx, field)) return undefined;
  const teardown = lifecycle.ownTeardowns[0] ?? lifecycle.teardowns[0];
  const call = `this.${field.name}${field.optional ? '?.' : '.'}${start.stop}()`;
  const r: Report = {
    node,
    message: `The ${what} kept in \`this.${field.name}\` is never stopped: ${teardown.name.getText()}() does not call ${call}, so it outlives its owner.`,
    related: [{ node: teardown.name, message: `teardown that misses ${start.stop}()` }],
  };
  const own = lifecycle.ownTeardowns[0];
  if (own?.body) {
    // terminate() returns a promise: an async teardown waits for it
    const awaitIt =
      (ts.getCombinedModifierFlags(own) & ts.ModifierFlags.Async) !== 0 &&
      ctx.types.methodReturnsPromise(ctx.types.typeAt(node), start.stop);
    r.fixes = [
      {
        title: `${start.stop === 'kill' ? 'Kill' : 'Terminate'} it in ${own.name.getText()}()`,
        edits: [appendToBody(ctx.file, own.body, `${awaitIt ? 'await ' : ''}${call};`)],
        preferred: true,
      },
    ];
  }
  return r;
}

/** Some code of the class stops the field, unrefs it, or listens for its exit (a stop method the owner calls, an exit handler). */
function stoppedAnywhere(ctx: RuleContext, field: Field): boolean {
  const lifecycle = ctx.analysis.lifecycle;
  const visit = (n: ts.Node): boolean => {
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      lifecycle.isField(n.expression.expression, field.symbol) &&
      awaitsEnd(n.expression.name.text, n)
    )
      return true;
    return n.forEachChild(visit) ?? false;
  };
  return visit(field.cls);
}
