// Owning fields, as the Checker Framework's Resource Leak Checker treats `@Owning` fields: a field the class fills
// with a resource it acquires itself (`this.trap = factory.create(el)`, `this.socket = new Socket()`) is the class's
// to release, and a class that has a teardown must release it there. A field the class hands on (passes, returns,
// stores elsewhere, puts in a collection) or releases anywhere (on some path, from another class) is not reported:
// someone else may own it then, and when unsure we stay silent.
import ts = require('typescript');
import { appendToBody } from '../fix';
import { codeText, type Report } from '../rule';
import type { TypeQueries } from '../types';
import { PLATFORM, declaredBy, nodeModule } from './declarations';
import { createdDisposable } from './disposables';
import { isAssignment, unwrap } from './expressions';
import { closesIdleSockets, isRequestPoolOption } from './http';
import { runsOncePerApplication } from './lifetime';
import type { LifecycleAnalysis } from './lifecycle';
import { inInstanceMemberOf, ownerOf, type Owner } from './owner';
import { some, someNode } from './walk';
import {
  acquiringExpression,
  keptByReceiver,
  mayBeNullish,
  mayReturnResource,
  releasedThroughSubscription,
  resourceInfo,
  type ResourceInfo,
} from './resource';

export interface OwnedField {
  /** The `this.f` (or the field declaration's name) that receives the resource. */
  name: ts.Identifier | ts.PrivateIdentifier;
  acquire: ts.CallExpression | ts.NewExpression;
  info: ResourceInfo;
  /** The methods that release it, the preferred first. */
  releases: readonly string[];
  cls: ts.ClassLikeDeclaration;
}

/**
 * Node's in-memory streams (`new PassThrough()`) and emitters (VS Code's `new EventEmitter<T>()`: `fire` and
 * `dispose`) hold nothing outside the instance: they go with it when it is collected, released or not.
 */
const IN_MEMORY_STREAMS = ['Readable', 'Writable', 'Duplex', 'Transform', 'PassThrough'];

/**
 * The resource a field assignment (`this.f = acquire()`) or initialiser (`f = new X()`) makes the class own, when
 * the class has a teardown and nothing in the program releases or takes over the field. `keptByCallee` says whether
 * the acquiring call's own function keeps what it returns (a manager's `createSession`).
 */
export function unreleasedOwnedField(
  types: TypeQueries,
  lifecycle: LifecycleAnalysis,
  node: ts.BinaryExpression | ts.PropertyDeclaration,
  keptByCallee: (call: ts.CallExpression | ts.NewExpression) => boolean,
  outlivesOwner: (e: ts.Expression, owner: Owner) => boolean,
): OwnedField | undefined {
  const target = ownedFieldTarget(node);
  if (!target) return undefined;
  const { name, value, cls } = target;
  const acquire = acquiringExpression(value);
  // the value itself must be made here: `this.x = await open()` or `this.x = new X()`, not `this.x = a || open()`
  if (!acquire || unwrap(value, { await: true }) !== acquire) return undefined;
  // a class with no teardown at all: reported for the OS handles it owns, when the program makes instances again and again
  if (!mayReturnResource(types, acquire)) return undefined;
  const info = resourceInfo(types, types.typeAt(acquire));
  if (!info || info.kind === 'worker' || holdsOnlyMemory(types, acquire)) return undefined;
  const noTeardown = !lifecycle.of(cls).teardowns.length && !lifecycle.declaredTeardown(cls);
  if (noTeardown && (!isPlatformHandle(types, acquire, info) || closesIdleSockets(types, acquire) || !madeRepeatedly(types, cls)))
    return undefined;
  if (keptByReceiver(types, acquire) || keptByCallee(acquire)) return undefined;
  const owner = ownerOf(acquire);
  if (!heldOutsideTheInstance(types, acquire, info, (e) => outlivesOwner(e, owner))) return undefined;
  // a call's Disposable by the same judgement as a dropped one (no builders, lookups or windows the user closes)
  if (info.kind === 'disposable' && ts.isCallExpression(acquire) && !createdDisposable(types, acquire)) return undefined;
  const field = types.symbolAt(name);
  const declaration = field?.valueDeclaration;
  // a field of a base class is the base's to release; one declared here may be released by subclasses (below)
  if (!field || !declaration || !declaredIn(declaration, cls)) return undefined;
  // a field redeclared over a base's (`protected trap?: EscapeTrap`) is released where the base releases its own
  const released = [field, ...overridden(types, cls, field.name)];
  const releases = fullReleases(types, acquire, info);
  if (releasesNothing(types, acquire, releases)) return undefined;
  if (released.some((f) => lifecycle.releasesField(cls, f, { methods: releases }))) return undefined;
  const refs = references(types, field, cls);
  // made when empty and released to be made again, unless at the end of the cycle whose start makes it
  const madeWhenEmpty = !noTeardown && testedBefore(types, acquire, field);
  const cycleEnd = (madeWhenEmpty && owner.kind === 'class' && lifecycle.cycleRunning(cls, owner.member)?.undo.calls) || [];
  const madeAgain = (ref: ts.Node) =>
    madeWhenEmpty && emptiedAfterRelease(types, ref, releases, field) && !cycleEnd.some((c) => c.pos <= ref.pos && ref.end <= c.end);
  if (refs.some((ref) => !keepsOwnership(types, ref, releases) && !madeAgain(ref))) return undefined;
  // a value that releases itself when its last subscriber leaves is let go by ending the subscription
  if (releasedThroughSubscription(types, types.typeAt(acquire), releases, refs.flatMap(methodCalledOn))) return undefined;
  return { name, acquire, info, releases, cls };
}

/**
 * Left unreleased, the value stays reachable (or keeps working) beyond the instance: it holds an OS handle (a socket,
 * stream or watcher of the platform), or it was made by, or given, something that outlives the instance (a shared
 * service's factory, `vscode.workspace`, a borrowed signal) and may have registered there. A value made only from
 * what the instance owns (`new Debouncer(fn, 500)`, `new Drag({ source: this })`) goes with the instance.
 */
function heldOutsideTheInstance(
  types: TypeQueries,
  acquire: ts.CallExpression | ts.NewExpression,
  info: ResourceInfo,
  outlives: (e: ts.Expression) => boolean,
): boolean {
  if (isPlatformHandle(types, acquire, info) || info.renderRoot) return true;
  const callee = unwrap(acquire.expression);
  if (ts.isCallExpression(acquire) && ts.isPropertyAccessExpression(callee) && outlives(callee.expression)) return true;
  const given = (acquire.arguments ?? []).flatMap((a) => {
    const x = unwrap(a);
    // an options object: its values, one level down
    if (!ts.isObjectLiteralExpression(x)) return [x];
    return x.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? [unwrap(p.initializer)] : []));
  });
  return given.some((e) => sharesObject(types, e) && outlives(e));
}

/** A handle the platform declares (a socket, a stream, a watcher): it holds an OS resource. */
export function isPlatformHandle(types: TypeQueries, acquire: ts.CallExpression | ts.NewExpression, info: ResourceInfo): boolean {
  const symbol = types.typeAt(acquire).getSymbol();
  return info.kind === 'handle' && !!symbol && declaredBy(types, symbol, PLATFORM);
}

/** An argument that hands over an object (not a primitive, a function or a literal made here). */
function sharesObject(types: TypeQueries, e: ts.Expression): boolean {
  if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) || ts.isArrowFunction(e) || ts.isFunctionExpression(e))
    return false;
  const type = types.typeAt(e);
  return types.isObjectType(type) && !types.isCallable(type);
}

/** Some `new C(…)` in the program is in code that may run more than once (per call, per request, in a loop). */
function madeRepeatedly(types: TypeQueries, cls: ts.ClassLikeDeclaration): boolean {
  const symbol = cls.name && types.symbolAt(cls.name);
  return (
    !!symbol &&
    some(types.eachProgramReference(symbol), (ref) => {
      const made = ref.parent;
      return ts.isNewExpression(made) && made.expression === ref && !runsOncePerApplication(types, made);
    })
  );
}

function ownedFieldTarget(
  node: ts.BinaryExpression | ts.PropertyDeclaration,
): { name: ts.Identifier | ts.PrivateIdentifier; value: ts.Expression; cls: ts.ClassLikeDeclaration } | undefined {
  if (ts.isPropertyDeclaration(node)) {
    const static_ = (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Static) !== 0;
    if (static_ || !node.initializer || !(ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) return undefined;
    return ts.isClassLike(node.parent) ? { name: node.name, value: node.initializer, cls: node.parent } : undefined;
  }
  if (!isAssignment(node) || !ts.isExpressionStatement(node.parent)) return undefined;
  const left = unwrap(node.left);
  if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  let cls: ts.Node | undefined = node.parent;
  while (cls && !ts.isClassLike(cls)) cls = cls.parent;
  if (!cls || !ts.isClassLike(cls) || !inInstanceMemberOf(node, cls)) return undefined;
  return { name: left.name, value: node.right, cls };
}

/** The same-named fields the base classes declare. */
function overridden(types: TypeQueries, cls: ts.ClassLikeDeclaration, name: string): ts.Symbol[] {
  return types
    .baseClasses(cls)
    .flatMap((base) =>
      base.members.flatMap((m) => (ts.isPropertyDeclaration(m) && m.name.getText() === name ? (types.symbolAt(m.name) ?? []) : [])),
    );
}

function declaredIn(declaration: ts.Declaration, cls: ts.ClassLikeDeclaration): boolean {
  if (ts.isPropertyDeclaration(declaration)) return declaration.parent === cls;
  // a parameter property: `constructor(private socket = new Socket())`
  return ts.isParameter(declaration) && ts.isConstructorDeclaration(declaration.parent) && declaration.parent.parent === cls;
}

function holdsOnlyMemory(types: TypeQueries, acquire: ts.CallExpression | ts.NewExpression): boolean {
  const type = types.typeAt(acquire);
  const symbol = type.getSymbol();
  if (symbol && IN_MEMORY_STREAMS.includes(symbol.name) && declaredBy(types, symbol, nodeModule('stream'))) return true;
  return types.hasMethod(type, 'fire') && types.hasProperty(type, 'event');
}

/** A value whose release methods all do nothing (`dispose() {}`) holds nothing that outlives it. */
function releasesNothing(types: TypeQueries, acquire: ts.CallExpression | ts.NewExpression, releases: readonly string[]): boolean {
  const type = types.typeAt(acquire);
  const methods = releases.flatMap((name) => type.getProperty(name)?.declarations ?? []);
  return methods.length > 0 && methods.every((m) => ts.isMethodDeclaration(m) && !!m.body && !m.body.statements.length);
}

/** Every reference to the field: in the class's file for a private one, else in the program. */
function references(types: TypeQueries, field: ts.Symbol, cls: ts.ClassLikeDeclaration): readonly ts.Node[] {
  const declaration = field.valueDeclaration!;
  const name = ts.getNameOfDeclaration(declaration);
  const isPrivate = (!!name && ts.isPrivateIdentifier(name)) || (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) !== 0;
  if (!isPrivate) return types.programReferences(field);
  const found: ts.Node[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && n.text === field.name && types.symbolAt(n) === field) found.push(n);
    n.forEachChild(visit);
  };
  visit(cls);
  return found;
}

/**
 * A reference that leaves the field with the class and unreleased: its declaration, an assignment to it, a read of
 * its members or a call of a method that is not a release, a test (`if (this.f)`, `!this.f`, `this.f === x`), a
 * request's pool option (`{ agent: this.agent }`: the request borrows it). Anything else (an argument, a return, an
 * alias, an array element, a release) may hand it on or release it.
 */
function keepsOwnership(types: TypeQueries, ref: ts.Node, releases: readonly string[]): boolean {
  const parent = ref.parent;
  if ((ts.isPropertyDeclaration(parent) || ts.isParameter(parent)) && parent.name === ref) return true;
  if (!ts.isPropertyAccessExpression(parent) || parent.name !== ref) return false;
  let access: ts.Node = parent;
  while (ts.isNonNullExpression(access.parent) || ts.isParenthesizedExpression(access.parent)) access = access.parent;
  const use = access.parent;
  if (isAssignment(use) && use.left === access) return true;
  if (isRequestPoolOption(types, access as ts.Expression)) return true;
  if (ts.isPropertyAccessExpression(use) && use.expression === access) {
    const called = ts.isCallExpression(use.parent) && use.parent.expression === use;
    return !called || !releases.includes(use.name.text);
  }
  if (ts.isElementAccessExpression(use) && use.expression === access) return !isSymbolDispose(use);
  if (ts.isPrefixUnaryExpression(use) && use.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isBinaryExpression(use) && use.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && use.left === access) return true;
  if (ts.isTypeOfExpression(use)) return true;
  if ((ts.isIfStatement(use) || ts.isWhileStatement(use)) && use.expression === access) return true;
  if (ts.isConditionalExpression(use) && use.condition === access) return true;
  return ts.isBinaryExpression(use) && COMPARISONS.has(use.operatorToken.kind);
}

/**
 * `if (this.f === null) this.f = createRoot(el)`: the acquisition is made only when a test of the field (in an
 * enclosing `if` of the same function) says it is empty, so the field is made again after it is emptied.
 */
function testedBefore(types: TypeQueries, acquire: ts.Expression, field: ts.Symbol): boolean {
  for (let n: ts.Node = acquire; n.parent && !ts.isFunctionLike(n.parent); n = n.parent) {
    const test = n.parent;
    if (ts.isIfStatement(test) && test.thenStatement === n && refersToField(types, test.expression, field)) return true;
  }
  return false;
}

/**
 * `this.f.unmount(); this.f = null;` in a method that is not a teardown (a detach hook, a render that yields
 * nothing): the field is emptied for a later acquisition to fill again, and the value made then is not released by
 * this call. Only a release statement followed in its block by an assignment of null or undefined to the field.
 */
function emptiedAfterRelease(types: TypeQueries, ref: ts.Node, releases: readonly string[], field: ts.Symbol): boolean {
  if (!methodCalledOn(ref).some((m) => releases.includes(m))) return false;
  let statement: ts.Node = ref;
  while (statement.parent && !ts.isBlock(statement.parent)) {
    if (ts.isFunctionLike(statement.parent)) return false;
    statement = statement.parent;
  }
  const block = statement.parent;
  if (!block || !ts.isBlock(block)) return false;
  return block.statements.slice(block.statements.indexOf(statement as ts.Statement) + 1).some((st) => {
    if (!ts.isExpressionStatement(st) || !isAssignment(st.expression)) return false;
    const { left, right } = st.expression;
    const empty = right.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(right) && right.text === 'undefined');
    return empty && refersToField(types, left, field);
  });
}

function refersToField(types: TypeQueries, node: ts.Node, field: ts.Symbol): boolean {
  return someNode(
    node,
    (n) => ts.isPropertyAccessExpression(n) && n.expression.kind === ts.SyntaxKind.ThisKeyword && types.symbolAt(n.name) === field,
  );
}

/** `this.f.m(…)` at a reference to the field: `m`. */
function methodCalledOn(ref: ts.Node): string[] {
  let access: ts.Node = ref.parent;
  while (ts.isNonNullExpression(access.parent) || ts.isParenthesizedExpression(access.parent)) access = access.parent;
  const use = access.parent;
  return ts.isPropertyAccessExpression(use) && ts.isCallExpression(use.parent) && use.parent.expression === use ? [use.name.text] : [];
}

const COMPARISONS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

function isSymbolDispose(access: ts.ElementAccessExpression): boolean {
  const text = access.argumentExpression.getText();
  return text === 'Symbol.dispose' || text === 'Symbol.asyncDispose';
}

/**
 * The messages a rule reports an owned field with: the finding, the teardown that misses the release, the fix; and,
 * for a class without a teardown (OS handles only), the finding.
 */
export interface OwnedFieldMessages<MessageId extends string> {
  finding: MessageId;
  teardown: MessageId;
  fix: MessageId;
  noTeardown?: MessageId;
}

/** The finding about an owned field: at its acquisition, naming the teardown, with a fix that adds the release there when safe. */
export function ownedFieldReport<MessageId extends string>(
  types: TypeQueries,
  lifecycle: LifecycleAnalysis,
  owned: OwnedField,
  messages: OwnedFieldMessages<MessageId>,
): Report<MessageId> {
  const { teardownToName, teardownToEdit } = lifecycle.of(owned.cls);
  const teardown = teardownToName ?? lifecycle.declaredTeardown(owned.cls);
  const callee = ts.isNewExpression(owned.acquire) ? `new ${codeText(owned.acquire.expression)}` : codeText(owned.acquire.expression);
  const release = releaseCall(types, owned);
  const data = { field: owned.name.text, type: owned.info.typeName, source: `${callee}()`, release: release.code };
  // no fix without a teardown: a close() added here would still leave every caller to call it (the calls are the leak)
  if (!teardown) return { node: owned.acquire, messageId: messages.noTeardown!, data };
  // a release that returns a promise is only added to an async teardown (elsewhere it would be left floating)
  const async = !!teardownToEdit && (ts.getCombinedModifierFlags(teardownToEdit) & ts.ModifierFlags.Async) !== 0;
  const fixable = teardownToEdit?.body && (!release.awaits || async);
  const named = { ...data, teardown: methodName(teardown) };
  const statement = `${release.awaits ? 'await ' : ''}${release.code};`;
  return {
    node: owned.acquire,
    messageId: messages.finding,
    data: named,
    related: [{ node: teardown.name, messageId: messages.teardown }],
    fixes: fixable
      ? [
          {
            messageId: messages.fix,
            data: named,
            edits: [appendToBody(owned.acquire.getSourceFile(), teardownToEdit.body!, statement)],
            preferred: true,
          },
        ]
      : undefined,
  };
}

/**
 * The methods that release a value of the type: all the platform's (a stream's `close`, `end`, `destroy`), else
 * `dispose` or `destroy` when the type has them, since a library's `close` often only hides (a menu, a dialog).
 */
function fullReleases(types: TypeQueries, acquire: ts.CallExpression | ts.NewExpression, info: ResourceInfo): readonly string[] {
  const symbol = types.typeAt(acquire).getSymbol();
  if (symbol && declaredBy(types, symbol, PLATFORM)) return info.releaseMethods;
  const full = info.releaseMethods.filter((m) => m === 'dispose' || m === 'destroy');
  return full.length ? full : info.releaseMethods;
}

const methodName = (m: ts.MethodDeclaration): string => (ts.isIdentifier(m.name) ? m.name.text : m.name.getText());

/** `this.f.close()` (`?.` when the field may be empty), and whether it returns a promise. */
function releaseCall(types: TypeQueries, owned: OwnedField): { code: string; awaits: boolean } {
  const method = owned.releases[0] ?? 'dispose';
  const declared = types.symbolAt(owned.name)!.valueDeclaration!;
  // only the constructor and the initialiser fill the field before any teardown can run
  const filledAtConstruction =
    ts.isPropertyDeclaration(owned.name.parent) || ts.isParameter(owned.name.parent) || inConstructor(owned.name);
  const dot = filledAtConstruction && !mayBeNullish(types.typeAt(declared)) ? '.' : '?.';
  return { code: `this.${owned.name.text}${dot}${method}()`, awaits: types.methodReturnsPromise(types.typeAt(owned.acquire), method) };
}

function inConstructor(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isArrowFunction(n)) continue;
    if (ts.isFunctionLike(n)) return ts.isConstructorDeclaration(n);
  }
  return false;
}

/** A release of a field that an earlier statement of its block refilled (see `releasesReplacement`). */
interface ReleasedReplacement {
  /** The `this.f = …` that replaced the value the release was meant for. */
  replaced: ts.BinaryExpression;
  info: ResourceInfo;
}

/**
 * `this.scene = new Scene(); …; this.scene.destroy()` in one block: the release reaches the value just made, and the
 * one the field held before is released by nobody (no release of the field comes before the replacement). Only a
 * release method of the field's type, after an assignment statement to the same field (by symbol) in the same block.
 */
function releasesReplacement(types: TypeQueries, call: ts.CallExpression): ReleasedReplacement | undefined {
  const callee = unwrap(call.expression);
  const field = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
  if (!field || !ts.isPropertyAccessExpression(field) || field.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const statement = outerStatement(call);
  const block = statement?.parent;
  if (!statement || !block || !ts.isBlock(block)) return undefined;
  const before = block.statements.slice(0, block.statements.indexOf(statement));
  // by name first: most releases refill nothing before them, and types are what costs
  const fieldNamed = (e: ts.Expression): ts.PropertyAccessExpression | undefined => {
    const x = unwrap(e);
    const named = ts.isPropertyAccessExpression(x) && x.expression.kind === ts.SyntaxKind.ThisKeyword && x.name.text === field.name.text;
    return named ? x : undefined;
  };
  const refill = (st: ts.Statement): ts.BinaryExpression | undefined =>
    ts.isExpressionStatement(st) &&
    isAssignment(st.expression) &&
    fieldNamed(st.expression.left) &&
    acquiringExpression(st.expression.right)
      ? st.expression
      : undefined;
  if (!before.some(refill)) return undefined;
  const info = resourceInfo(types, types.typeAt(field));
  const method = (callee as ts.PropertyAccessExpression).name.text;
  const symbol = types.symbolAt(field.name);
  if (!info || !info.releaseMethods.includes(method) || !symbol) return undefined;
  const isField = (e: ts.Expression): boolean => {
    const access = fieldNamed(e);
    return !!access && types.symbolAt(access.name) === symbol;
  };
  const releases = (st: ts.Statement) =>
    someNode(st, (n) => {
      if (!ts.isCallExpression(n)) return false;
      const c = unwrap(n.expression);
      return ts.isPropertyAccessExpression(c) && info.releaseMethods.includes(c.name.text) && isField(c.expression);
    });
  const index = before.findIndex((st) => {
    const assignment = refill(st);
    return !!assignment && isField(assignment.left);
  });
  if (index < 0 || before.slice(0, index).some(releases) || before.slice(index + 1).some(releases)) return undefined;
  return { replaced: (before[index] as ts.ExpressionStatement).expression as ts.BinaryExpression, info };
}

function outerStatement(node: ts.Node): ts.Statement | undefined {
  let n: ts.Node = node;
  while (n.parent && !ts.isBlock(n.parent)) {
    if (ts.isFunctionLike(n.parent)) return undefined;
    n = n.parent;
  }
  return n.parent ? (n as ts.Statement) : undefined;
}

/**
 * The finding at a release that reaches a refilled field's new value (`this.f = new X(); this.f.destroy()`), for a
 * resource of the rule's kind; the replacement is its related location.
 */
export function releasedReplacementReport(
  types: TypeQueries,
  call: ts.CallExpression,
  kind: ResourceInfo['kind'],
): Report<'releasesReplacement' | 'replacedHere'> | undefined {
  const replaced = releasesReplacement(types, call);
  if (replaced?.info.kind !== kind) return undefined;
  const field = replaced.replaced.left as ts.PropertyAccessExpression;
  return {
    node: call,
    messageId: 'releasesReplacement',
    data: { release: codeText(call), type: replaced.info.typeName, replacement: codeText(replaced.replaced), field: field.name.text },
    related: [{ node: replaced.replaced, messageId: 'replacedHere' }],
  };
}
