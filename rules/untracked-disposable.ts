// untracked-disposable: a Disposable (VS Code API events, registrations, watchers, status items…) returned by a
// call and dropped, or kept in a local that is never disposed nor handed to an owner.
import ts = require('typescript');
import {
  createdDisposable,
  disposableContainer,
  extensionContextInScope,
  hasRegisterMethod,
  tracksItself,
} from '../engine/analysis/disposables';
import { inInstanceMemberOf, statementList } from '../engine/analysis/owner';
import { outerExpression } from '../engine/analysis/ownership';
import { outOfScope } from '../engine/analysis/paths';
import { insertAfterStatement, type Edit } from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'untracked-disposable';

export default defineRule({
  meta: {
    id: ID,
    description: 'A Disposable is dropped or kept in a local that is never disposed nor handed to an owner.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    return {
      [ts.SyntaxKind.CallExpression]: (call: ts.CallExpression) => {
        // only a dropped result or a local's initializer can be reported: check the shape before asking the checker
        const expr = outerExpression(call);
        const parent = expr.parent;
        const dropped = ts.isExpressionStatement(parent);
        if (!dropped && !(ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === expr)) return;
        const info = createdDisposable(ctx.types, call);
        if (!info || ctx.analysis.isProgramLifetime(call) || ctx.analysis.ownership.isSink(call) || tracksItself(ctx.types, call)) return;
        // a subscription on an emitter that dies with its owner (a local panel, a watcher the class created) goes with it
        const callee = call.expression;
        const owner = ctx.analysis.ownerOf(call);
        if (ts.isPropertyAccessExpression(callee) && !ctx.analysis.outlivesOwner(callee.expression, owner)) return;
        const source = `${callee.getText(ctx.file)}()`;
        if (dropped) {
          ctx.report({
            node: call,
            message: `The ${info.typeName} returned by ${source} is dropped: nothing can dispose it, so it (and everything its callback references) lives until the process ends.`,
            related: teardownOf(ctx, call),
            fixes: fixes(ctx, call, { wrap: parent.expression }),
          });
        } else if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === expr) {
          const { handOffs, releases, uses } = ctx.analysis.usesOf(parent.name, { methods: ['dispose'] });
          if (releases.length || handOffs.length || uses.some((u) => u.kind === 'reassigned')) return;
          ctx.report({
            node: call,
            message: `\`${parent.name.text}\` (${info.typeName} from ${source}) is never disposed nor handed to an owner.`,
            related: outOfScope(parent),
            fixes: fixes(ctx, call, { local: parent }),
          });
        }
      },
    };
  },
});

type Target = { wrap: ts.Expression } | { local: ts.VariableDeclaration };

/** The class's teardown, which cannot dispose a result nobody kept. */
function teardownOf(ctx: RuleContext, call: ts.CallExpression): Report['related'] {
  const owner = ctx.analysis.ownerOf(call);
  const teardown = owner.kind === 'class' ? ctx.analysis.lifecycle.of(owner.cls).ownTeardowns[0] : undefined;
  return teardown ? [{ node: teardown.name, message: `${teardown.name.getText(ctx.file)}() cannot dispose it: it was not kept` }] : [];
}

/** Hand the disposable to the nearest owner: the extension context, the class's `_register`, or its disposables field. */
function fixes(ctx: RuleContext, call: ts.CallExpression, target: Target): Report['fixes'] {
  const out: NonNullable<Report['fixes']> = [];
  const add = (title: string, sink: string) => {
    const edit = handTo(ctx, target, sink);
    if (edit) out.push({ title, edits: [edit], preferred: out.length === 0 });
  };
  const context = extensionContextInScope(ctx.types, call);
  if (context) add(`Push it to \`${context}.subscriptions\``, `${context}.subscriptions.push`);
  const owner = ctx.analysis.ownerOf(call);
  if (owner.kind === 'class' && inInstanceMemberOf(call, owner.cls)) {
    if (hasRegisterMethod(ctx.types, owner.cls)) add('Register it with `this._register(…)`', 'this._register');
    else {
      const container = disposableContainer(ctx.types, ctx.analysis.lifecycle, owner.cls);
      if (container) add(`Add it to \`this.${container.field}\`, which the class disposes`, `this.${container.field}.${container.method}`);
    }
  }
  return out;
}

/** `sink(<expression>)` around a dropped call, or `sink(name);` after a local's declaration. */
function handTo(ctx: RuleContext, target: Target, sink: string): Edit | undefined {
  if ('wrap' in target) {
    const e = target.wrap;
    return { start: e.getStart(ctx.file), end: e.getEnd(), newText: `${sink}(${e.getText(ctx.file)})` };
  }
  const decl = target.local;
  const statement = decl.parent.parent;
  if (!ts.isVariableStatement(statement) || !statementList(statement)) return undefined;
  // `this._register` returns its argument, so it can wrap the initializer and keep the local
  if (sink === 'this._register') {
    const init = decl.initializer!;
    return { start: init.getStart(ctx.file), end: init.getEnd(), newText: `${sink}(${init.getText(ctx.file)})` };
  }
  return insertAfterStatement(ctx.file, statement, `${sink}(${(decl.name as ts.Identifier).text});`);
}
