// subscription-leak: an RxJS `subscribe()` whose Subscription is dropped inside a class with a lifecycle, on a
// stream that does not complete by itself (no take/first/takeUntil/… and not a finite source).
import ts = require('typescript');
import { inInstanceMemberOf } from '../engine/analysis/owner';
import { outerExpression } from '../engine/analysis/ownership';
import { completesItself, isObservable, observableChain } from '../engine/analysis/rx';
import { appendClassMember, appendToBody, freshMemberName, indentUnit, insertClassMember, newline, type Edit } from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'subscription-leak';

/** Angular destroys components and directives and calls ngOnDestroy on them, declared or not. */
const ANGULAR_LIFECYCLE_DECORATORS = new Set(['Component', 'Directive']);

export default defineRule({
  meta: {
    id: ID,
    description: 'An RxJS subscription is dropped in a class with a lifecycle and never unsubscribed.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    return {
      [ts.SyntaxKind.CallExpression]: (call: ts.CallExpression) => {
        const callee = call.expression;
        if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'subscribe') return;
        // the shape (a dropped subscription inside a class) first: most subscribe() calls end there, unasked
        if (!ts.isExpressionStatement(outerExpression(call).parent) || ctx.analysis.isProgramLifetime(call)) return;
        const owner = ctx.analysis.ownerOf(call);
        if (owner.kind !== 'class' || !isObservable(ctx.types, callee.expression)) return;
        const lifecycle = ctx.analysis.lifecycle.of(owner.cls);
        const angular = isAngularComponent(owner.cls);
        if (!lifecycle.teardowns.length && !angular) return;
        if (lifecycle.teardowns.some((t) => t === owner.member)) return;
        const chain = observableChain(ctx.types, callee.expression);
        if (completesItself(ctx.types, chain)) return;
        // a stream the instance itself created (its own Subject) is collected together with the instance
        if (!ts.isCallExpression(chain.source) && !ctx.analysis.outlivesOwner(fieldOfThis(chain.source), owner)) return;
        const teardown = lifecycle.ownTeardowns[0] ?? lifecycle.teardowns[0];
        const report: Report = {
          node: call,
          message: `The subscription to \`${chain.source.getText(ctx.file)}\` is dropped: ${teardown ? `${teardown.name.getText()}() cannot unsubscribe it` : 'nothing unsubscribes it when the component is destroyed'}, so the callback (and this instance) stays reachable from the stream.`,
          related: teardown ? [{ node: teardown.name, message: 'teardown that misses the unsubscribe' }] : [],
        };
        if (inInstanceMemberOf(call, owner.cls)) report.fixes = keepSubscription(ctx, call, owner.cls, angular);
        ctx.report(report);
      },
    };
  },
});

/** `this.store.state$` lives as long as `this.store`; other expressions are their own judge. */
function fieldOfThis(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isPropertyAccessExpression(x) && ts.isPropertyAccessExpression(x.expression)) x = x.expression;
  return ts.isPropertyAccessExpression(x) && x.expression.kind === ts.SyntaxKind.ThisKeyword ? x : e;
}

function isAngularComponent(cls: ts.ClassLikeDeclaration): boolean {
  return (ts.getDecorators(cls) ?? []).some((d) => {
    const e = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return ts.isIdentifier(e) && ANGULAR_LIFECYCLE_DECORATORS.has(e.text);
  });
}

/** `this.subscriptions.add(<subscribe call>)` with a `Subscription` field unsubscribed in the teardown. */
function keepSubscription(ctx: RuleContext, call: ts.CallExpression, cls: ts.ClassLikeDeclaration, angular: boolean): Report['fixes'] {
  const file = ctx.file;
  const edits: Edit[] = [];
  const existing = subscriptionField(ctx, cls);
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
  const teardown = ctx.analysis.lifecycle.of(cls).ownTeardowns[0];
  if (teardown?.body) {
    if (!existing?.unsubscribed) edits.push(appendToBody(file, teardown.body, unsubscribe));
  } else if (angular && !ctx.analysis.lifecycle.of(cls).teardowns.length) {
    // safe to create: nothing declares or inherits a teardown that the new method would shadow
    edits.push(appendClassMember(file, cls, `ngOnDestroy(): void {\n${indentUnit(file)}${unsubscribe}\n}`));
  } else {
    return [];
  }
  return [{ title: `Keep the subscription in \`this.${field}\` and unsubscribe it in the teardown`, edits, preferred: true }];
}

/** A field initialised with `new Subscription()`, and whether a teardown already unsubscribes it. */
function subscriptionField(ctx: RuleContext, cls: ts.ClassLikeDeclaration): { name: string; unsubscribed: boolean } | undefined {
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name) || !m.initializer || !ts.isNewExpression(m.initializer)) continue;
    if (m.initializer.expression.getText(ctx.file) !== 'Subscription') continue;
    const symbol = ctx.types.symbolAt(m.name);
    const unsubscribed = !!symbol && ctx.analysis.lifecycle.releasesField(cls, symbol, { methods: ['unsubscribe'] });
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
