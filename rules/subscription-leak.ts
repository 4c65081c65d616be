// subscription-leak: an RxJS `subscribe()` whose Subscription is dropped inside a class with a lifecycle, on a
// stream that does not complete by itself (no take/first/takeUntil/… and not a finite source); or one stored in a
// Map under a key that may already hold one, which the store replaces without unsubscribing it.
import ts = require('typescript');
import {
  COMPLETING_OPERATORS,
  acquiredAfterCleanup,
  chainSources,
  completesItself,
  forwardsToOuterSubscriber,
  inInstanceMemberOf,
  isObservable,
  keptAsSubscription,
  mapStoreOf,
  observableChain,
  outerExpression,
  replacesUnseenEntry,
  statementList,
  unwrap,
  type LifecycleAnalysis,
  type MapStore,
} from '../engine/analysis';
import {
  appendClassMember,
  appendToBody,
  freshMemberName,
  indentUnit,
  insertBeforeStatement,
  insertClassMember,
  newline,
  type Edit,
} from '../engine/fix';
import { TEARDOWN_METHODS_OPTION } from '../engine/options';
import { defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  dropped:
    'The subscription to `{{source}}` is dropped: {{teardown}}() cannot unsubscribe it, so the callback (and this instance) stays ' +
    'reachable from the stream.',
  droppedNoTeardown:
    'The subscription to `{{source}}` is dropped: nothing unsubscribes it when the component is destroyed, so the callback (and this ' +
    'instance) stays reachable from the stream.',
  replaced:
    'The subscription to `{{source}}` is stored in `{{map}}` under a key that may already hold one: the store replaces the old ' +
    'subscription without unsubscribing it, and nothing can unsubscribe it after that.',
  subscribedAfterCleanup:
    'The subscription to `{{source}}` is made in a promise reaction that may run after the cleanup: the cleanup unsubscribes ' +
    '`{{local}}` only if it is already set, so a subscription made after it is never unsubscribed.',
  cleanupHere: 'this cleanup may run before the subscription is made',
  teardownMissesUnsubscribe: 'teardown that misses the unsubscribe',
  storedHere: 'replaces the entry here, unseen',
  unsubscribeReplaced: 'Unsubscribe the subscription `{{map}}` holds under the key before storing the new one',
  keepSubscription: 'Keep the subscription in `this.{{field}}` and unsubscribe it in the teardown',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

/** Angular destroys components and directives and calls ngOnDestroy on them, declared or not. */
const ANGULAR_LIFECYCLE_DECORATORS = new Set(['Component', 'Directive']);

export default defineRule({
  meta: {
    id: 'subscription-leak',
    description: 'An RxJS subscription is dropped in a class with a lifecycle and never unsubscribed.',
    messages: MESSAGES,
    schema: {
      type: 'object',
      properties: {
        completingOperators: {
          type: 'array',
          description: 'Operators that complete a stream by themselves (matched by name), replacing the default list.',
          items: { type: 'string', description: 'An operator name, e.g. "takeUntil".' },
        },
        teardownMethods: TEARDOWN_METHODS_OPTION,
      },
      additionalProperties: false,
    },
    defaultOptions: { completingOperators: COMPLETING_OPERATORS as readonly string[], teardownMethods: [] as readonly string[] },
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx, options) {
    const lifecycleAnalysis = ctx.analysis.lifecycleWith(options.teardownMethods);
    return {
      [ts.SyntaxKind.CallExpression]: (call) => {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'subscribe') return;
        // the shape (a dropped subscription inside a class, or one stored in a Map) first: most subscribe() calls end
        // there, unasked
        if (!ts.isExpressionStatement(outerExpression(call).parent)) {
          const store = mapStoreOf(ctx.types, call);
          if (store) checkReplacedEntry(ctx, lifecycleAnalysis, options.completingOperators, call, store);
          else checkSubscribedAfterCleanup(ctx, options.completingOperators, call);
          return;
        }
        const owner = ctx.analysis.ownerOf(call);
        if (owner.kind !== 'class' || !isObservable(ctx.types, callee.expression)) return;
        const lifecycle = lifecycleAnalysis.of(owner.cls);
        const angular = isAngularComponent(owner.cls);
        if (!lifecycle.teardowns.length && !angular) return;
        if (lifecycle.teardowns.some((t) => t === owner.member)) return;
        const chain = observableChain(ctx.types, callee.expression);
        if (completesItself(ctx.types, chain, options.completingOperators)) return;
        if (forwardsToOuterSubscriber(ctx.types, call)) return;
        // a stream the instance itself created (its own Subject), or a method of an object it owns, goes with the
        // instance; a combination (`merge(a, b)`) outlives it when one of its inputs does
        const sources = chainSources(ctx.types, chain);
        const outlives = (s: ts.Expression) =>
          ctx.analysis.outlivesOwner(s, owner, lifecycleAnalysis) && !ctx.analysis.onOwnEndOfPassingSource(s);
        // who calls the method (a search of the program's references) last: most subscriptions are settled above
        if (!sources.some(outlives) || ctx.analysis.runsOncePerApplication(call)) return;
        const teardown = lifecycle.teardownToName;
        const source = chain.source;
        const report: Report<MessageId> = {
          node: call,
          ...(teardown
            ? { messageId: 'dropped', data: { source, teardown: teardown.name.getText() } }
            : { messageId: 'droppedNoTeardown', data: { source } }),
          related: teardown ? [{ node: teardown.name, messageId: 'teardownMissesUnsubscribe' }] : [],
        };
        if (inInstanceMemberOf(call, owner.cls)) report.fixes = keepSubscription(ctx, lifecycleAnalysis, call, owner.cls, angular);
        ctx.report(report);
      },
    };
  },
});

/**
 * `m.set(key, source.subscribe(…))` (or through a const local) where the key may already hold a subscription: the
 * store drops the old one. Reported when the stream does not complete by itself and outlives the code.
 */
function checkReplacedEntry(
  ctx: Context,
  lifecycle: LifecycleAnalysis,
  completingOperators: readonly string[],
  call: ts.CallExpression,
  store: MapStore,
): void {
  const observable = (call.expression as ts.PropertyAccessExpression).expression;
  // the stream's type, or else the map's declared value type, says it is an RxJS subscription
  if (!isObservable(ctx.types, observable) && !keptAsSubscription(ctx.types, observable, store.call.arguments[1])) return;
  if (!replacesUnseenEntry(ctx.types, store) || ctx.analysis.runsOncePerApplication(call)) return;
  const chain = observableChain(ctx.types, observable);
  if (completesItself(ctx.types, chain, completingOperators) || forwardsToOuterSubscriber(ctx.types, call)) return;
  const owner = ctx.analysis.ownerOf(call);
  if (!chainSources(ctx.types, chain).some((s) => ctx.analysis.outlivesOwner(s, owner, lifecycle))) return;
  const map = store.map.getText(ctx.file);
  ctx.report({
    node: call,
    messageId: 'replaced',
    data: { source: chain.source, map },
    related: [{ node: store.call, messageId: 'storedHere' }],
    fixes: unsubscribeReplaced(ctx, call, store),
  });
}

/**
 * `handle = forward(op).subscribe(…)` in a promise reaction of a function whose returned cleanup unsubscribes
 * `handle` if set: a cleanup that runs first leaves the later subscription behind. No fix: where the reaction should
 * stop is the program's to decide (a flag the cleanup sets, checked before subscribing).
 */
function checkSubscribedAfterCleanup(ctx: Context, completingOperators: readonly string[], call: ts.CallExpression): void {
  const late = acquiredAfterCleanup(ctx.types, call, ['unsubscribe']);
  if (!late) return;
  // the cleanup's `unsubscribe()` says what the call made, whatever the library (zen-observable has no pipe) or
  // whether its types are there; an RxJS chain that completes by itself is still silent
  const observable = (call.expression as ts.PropertyAccessExpression).expression;
  const chain = observableChain(ctx.types, observable);
  if (isObservable(ctx.types, observable) && completesItself(ctx.types, chain, completingOperators)) return;
  ctx.report({
    node: call,
    messageId: 'subscribedAfterCleanup',
    data: { source: chain.source, local: late.local.text },
    related: [{ node: late.cleanup, messageId: 'cleanupHere' }],
  });
}

/** `m.get(key)?.unsubscribe();` before the statement that subscribes, when map and key can be named again. */
function unsubscribeReplaced(ctx: Context, call: ts.CallExpression, store: MapStore): Report<MessageId>['fixes'] {
  let statement: ts.Node = call;
  while (!statementList(statement) && !ts.isSourceFile(statement.parent)) statement = statement.parent;
  if (!statementList(statement) || !namesAgain(store.map) || !namesAgain(store.key)) return [];
  const map = store.map.getText(ctx.file);
  const code = `${map}.get(${store.key.getText(ctx.file)})?.unsubscribe();`;
  return [
    {
      messageId: 'unsubscribeReplaced',
      data: { map },
      edits: [insertBeforeStatement(ctx.file, statement as ts.Statement, code)],
      preferred: true,
    },
  ];
}

/** A name or a chain of property reads (`key`, `this.map`, `item.id`): reading it again gives the same value. */
function namesAgain(e: ts.Expression): boolean {
  const x = unwrap(e);
  if (ts.isIdentifier(x) || x.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(x) && !x.questionDotToken && namesAgain(x.expression);
}

function isAngularComponent(cls: ts.ClassLikeDeclaration): boolean {
  return (ts.getDecorators(cls) ?? []).some((d) => {
    const e = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return ts.isIdentifier(e) && ANGULAR_LIFECYCLE_DECORATORS.has(e.text);
  });
}

/** `this.subscriptions.add(<subscribe call>)` with a `Subscription` field unsubscribed in the teardown. */
function keepSubscription(
  ctx: Context,
  lifecycle: LifecycleAnalysis,
  call: ts.CallExpression,
  cls: ts.ClassLikeDeclaration,
  angular: boolean,
): Report<MessageId>['fixes'] {
  const file = ctx.file;
  const edits: Edit[] = [];
  const existing = subscriptionField(ctx, lifecycle, cls);
  const field = existing?.name ?? freshMemberName(cls, 'subscriptions');
  if (!existing) {
    const importEdit = importSubscription(file);
    if (importEdit === null) return [];
    if (importEdit) edits.push(importEdit);
    edits.push(insertClassMember(file, cls, `private readonly ${field} = new Subscription();`));
  }
  const stmt = outerExpression(call);
  edits.push({ start: stmt.getStart(file), end: stmt.getEnd(), newText: `this.${field}.add(${stmt.getText(file)})` });
  const unsubscribe = `this.${field}.unsubscribe();`;
  const teardown = lifecycle.of(cls).teardownToEdit;
  if (teardown?.body) {
    if (!existing?.unsubscribed) edits.push(appendToBody(file, teardown.body, unsubscribe));
  } else if (angular && !lifecycle.of(cls).teardowns.length) {
    // safe to create: nothing declares or inherits a teardown that the new method would shadow
    edits.push(appendClassMember(file, cls, `ngOnDestroy(): void {\n${indentUnit(file)}${unsubscribe}\n}`));
  } else {
    return [];
  }
  return [{ messageId: 'keepSubscription', data: { field }, edits, preferred: true }];
}

/** A field initialised with `new Subscription()`, and whether a teardown already unsubscribes it. */
function subscriptionField(
  ctx: Context,
  lifecycle: LifecycleAnalysis,
  cls: ts.ClassLikeDeclaration,
): { name: string; unsubscribed: boolean } | undefined {
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name) || !m.initializer || !ts.isNewExpression(m.initializer)) continue;
    if (m.initializer.expression.getText(ctx.file) !== 'Subscription') continue;
    const symbol = ctx.types.symbolAt(m.name);
    const unsubscribed = !!symbol && lifecycle.releasesField(cls, symbol, { methods: ['unsubscribe'] });
    return { name: m.name.text, unsubscribed };
  }
  return undefined;
}

/** The edit that imports `Subscription` from rxjs; undefined when already imported, null when the name is taken. */
function importSubscription(file: ts.SourceFile): Edit | undefined | null {
  const imports = file.statements.filter(ts.isImportDeclaration);
  let rxjsNamed: ts.NamedImports | undefined;
  for (const imp of imports) {
    const bindings = imp.importClause?.namedBindings;
    const fromRxjs = ts.isStringLiteral(imp.moduleSpecifier) && imp.moduleSpecifier.text === 'rxjs';
    if (bindings && ts.isNamedImports(bindings)) {
      const own = bindings.elements.find((e) => e.name.text === 'Subscription');
      if (own)
        return fromRxjs && (own.propertyName?.text ?? 'Subscription') === 'Subscription' && !own.isTypeOnly && !imp.importClause!.isTypeOnly
          ? undefined
          : null;
      if (fromRxjs && !imp.importClause!.isTypeOnly) rxjsNamed = bindings;
    }
    if (imp.importClause?.name?.text === 'Subscription') return null;
  }
  if (declaresName(file, 'Subscription')) return null;
  if (rxjsNamed?.elements.length) {
    const last = rxjsNamed.elements[rxjsNamed.elements.length - 1];
    return { start: last.getEnd(), end: last.getEnd(), newText: ', Subscription' };
  }
  const at = imports.length ? imports[imports.length - 1].getEnd() : 0;
  const nl = newline(file);
  return {
    start: at,
    end: at,
    newText: imports.length ? `${nl}import { Subscription } from 'rxjs';` : `import { Subscription } from 'rxjs';${nl}`,
  };
}

function declaresName(file: ts.SourceFile, name: string): boolean {
  return file.statements.some(
    (s) =>
      ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) &&
        s.name?.text === name) ||
      (ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)),
  );
}
