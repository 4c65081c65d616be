// untracked-disposable: a Disposable (VS Code API events, registrations, watchers, status items…) returned by a
// call and dropped, or kept in a local that is never disposed nor handed to an owner.
import ts = require('typescript');
import {
  OUT_OF_SCOPE_MESSAGE,
  createdDisposable,
  deletedUndisposedEntry,
  disposableContainer,
  extensionContextInScope,
  hasRegisterMethod,
  inInstanceMemberOf,
  outOfScope,
  outerExpression,
  passesCallback,
  statementList,
  tracksItself,
  unwrap,
  releasedReplacementReport,
  type LifecycleAnalysis,
  ownedFieldReport,
} from '../engine/analysis';
import { insertAfterStatement, insertBeforeStatement, type Edit } from '../engine/fix';
import { TEARDOWN_OPTIONS } from '../engine/options';
import { codeText, defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  releasesReplacement:
    '`{{release}}` reaches the {{type}} that `{{replacement}}` put in the field just before: the one `this.{{field}}` held until ' +
    'then is never disposed. Release it before replacing it.',
  replacedHere: 'replaced here, before the release',
  dropped: 'The {{type}} returned by {{source}} is dropped: nothing can dispose it, so it lives until the process ends.',
  droppedWithCallback:
    'The {{type}} returned by {{source}} is dropped: nothing can dispose it, so it (and everything its callback references) lives ' +
    'until the process ends.',
  cannotDispose: '{{teardown}}() cannot dispose it: it was not kept',
  localNeverDisposed: '`{{name}}` ({{type}} from {{source}}) is never disposed nor handed to an owner.',
  outOfScope: OUT_OF_SCOPE_MESSAGE,
  fieldNeverDisposed:
    '`this.{{field}}` ({{type}} from {{source}}) is owned by this class, but {{teardown}}() never disposes it: call {{release}} there.',
  teardownMissesDispose: 'teardown that misses the dispose',
  disposeInTeardown: 'Dispose `this.{{field}}` in {{teardown}}()',
  pushToSubscriptions: 'Push it to `{{context}}.subscriptions`',
  register: 'Register it with `this._register(…)`',
  addToContainer: 'Add it to `this.{{field}}`, which the class disposes',
  entryDeletedUndisposed:
    "`{{map}}.delete(…)` drops the entry's value ({{type}}, made by {{source}}) without {{release}}(): the map was the only place " +
    'the class kept it, so what it holds and registered stays.',
  madeHere: 'the value the map keeps, made here',
  releaseBeforeDelete: 'Call {{release}}() on the entry before deleting it',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;
type Fixes = NonNullable<Report<MessageId>['fixes']>;

export default defineRule({
  meta: {
    id: 'untracked-disposable',
    description: 'A Disposable is dropped or kept in a local that is never disposed nor handed to an owner.',
    messages: MESSAGES,
    ...TEARDOWN_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx, options) {
    const lifecycle = ctx.analysis.lifecycleWith(options.teardownMethods);
    const ownedField = (node: ts.BinaryExpression | ts.PropertyDeclaration): void => {
      const owned = ctx.analysis.unreleasedOwnedField(node, lifecycle);
      if (owned?.info.kind !== 'disposable') return;
      const messages = { finding: 'fieldNeverDisposed', teardown: 'teardownMissesDispose', fix: 'disposeInTeardown' } as const;
      ctx.report(ownedFieldReport(ctx.types, lifecycle, owned, messages));
    };
    return {
      // a Disposable kept in a field: the class's teardown must dispose it
      [ts.SyntaxKind.BinaryExpression]: ownedField,
      [ts.SyntaxKind.PropertyDeclaration]: ownedField,
      [ts.SyntaxKind.CallExpression]: (call) => {
        const replaced = releasedReplacementReport(ctx.types, call, 'disposable');
        if (replaced) return ctx.report(replaced);
        if (reportDeletedEntry(ctx, call)) return;
        // only a dropped result or a local's initializer can be reported: check the shape before asking the checker
        const expr = outerExpression(call);
        const parent = expr.parent;
        const dropped = ts.isExpressionStatement(parent);
        const local = ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.initializer === expr ? parent : undefined;
        if (!dropped && !local) return;
        const info = createdDisposable(ctx.types, call);
        if (!info || ctx.analysis.runsOncePerApplication(call) || ctx.analysis.ownership.isSink(call) || tracksItself(ctx.types, call))
          return;
        if (ctx.analysis.waitsForOneTimeEvent(call)) return;
        // a subscription on an emitter that dies with its owner (a local panel, a watcher the class created) goes with
        // it; an event called as a value (`onDidChange(listener)`) is its own source
        const callee = call.expression;
        const owner = ctx.analysis.ownerOf(call);
        const source = ts.isPropertyAccessExpression(callee) ? callee.expression : callee;
        if (!ctx.analysis.outlivesOwner(source, owner, lifecycle) || ctx.analysis.onOwnEndOfPassingSource(callee)) return;
        const sourceText = `${codeText(callee)}()`;
        if (dropped) {
          const teardown = owner.kind === 'class' ? lifecycle.of(owner.cls).teardownToName : undefined;
          ctx.report({
            node: call,
            messageId: passesCallback(ctx.types, call) ? 'droppedWithCallback' : 'dropped',
            data: { type: info.typeName, source: sourceText },
            related: teardown ? [{ node: teardown.name, messageId: 'cannotDispose', data: { teardown: teardown.name } }] : [],
            fixes: fixes(ctx, lifecycle, call, { wrap: parent.expression }),
          });
        } else if (local && ts.isIdentifier(local.name)) {
          const { handOffs, releases, uses } = ctx.analysis.usesOf(local.name, { methods: ['dispose'] });
          if (releases.length || handOffs.length || uses.some((u) => u.kind === 'reassigned')) return;
          ctx.report({
            node: call,
            messageId: 'localNeverDisposed',
            data: { name: local.name.text, type: info.typeName, source: sourceText },
            related: outOfScope(local),
            fixes: fixes(ctx, lifecycle, call, { local }),
          });
        }
      },
    };
  },
});

/** `this.nodes.delete(k)` of a value the class made and kept only there, not released first (see deletedUndisposedEntry). */
function reportDeletedEntry(ctx: Context, call: ts.CallExpression): boolean {
  const entry = deletedUndisposedEntry(ctx.types, call);
  if (!entry || ctx.analysis.runsOncePerApplication(call)) return false;
  const map = entry.map.getText(ctx.file);
  const data = {
    map,
    type: ctx.types.typeName(ctx.types.typeAt(entry.made)),
    source: `new ${codeText(entry.made.expression)}()`,
    release: entry.release,
  };
  const statement = outerExpression(call).parent;
  const release = `${map}.get(${entry.key.getText(ctx.file)})?.${entry.release}();`;
  ctx.report({
    node: call,
    messageId: 'entryDeletedUndisposed',
    data,
    related: [{ node: entry.made, messageId: 'madeHere' }],
    // a key read again must be the same value: a name, not a call
    fixes:
      ts.isExpressionStatement(statement) && statementList(statement) && ts.isIdentifier(unwrap(entry.key))
        ? [{ messageId: 'releaseBeforeDelete', data, edits: [insertBeforeStatement(ctx.file, statement, release)], preferred: true }]
        : undefined,
  });
  return true;
}

type Target = { wrap: ts.Expression } | { local: ts.VariableDeclaration };

/** Hand the disposable to the nearest owner: the extension context, the class's `_register`, or its disposables field. */
function fixes(ctx: Context, lifecycle: LifecycleAnalysis, call: ts.CallExpression, target: Target): Fixes {
  const out: Fixes = [];
  const add = (fix: Omit<Fixes[number], 'edits' | 'preferred'>, sink: string) => {
    const edit = handTo(ctx, target, sink);
    if (edit) out.push({ ...fix, edits: [edit], preferred: out.length === 0 });
  };
  const context = extensionContextInScope(ctx.types, call);
  if (context) add({ messageId: 'pushToSubscriptions', data: { context } }, `${context}.subscriptions.push`);
  const owner = ctx.analysis.ownerOf(call);
  if (owner.kind === 'class' && inInstanceMemberOf(call, owner.cls)) {
    if (hasRegisterMethod(ctx.types, owner.cls)) add({ messageId: 'register' }, 'this._register');
    else {
      const container = disposableContainer(ctx.types, lifecycle, owner.cls);
      if (container) add({ messageId: 'addToContainer', data: { field: container.field } }, `this.${container.field}.${container.method}`);
    }
  }
  return out;
}

/** `sink(<expression>)` around a dropped call, or `sink(name);` after a local's declaration. */
function handTo(ctx: Context, target: Target, sink: string): Edit | undefined {
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
