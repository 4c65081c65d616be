// The lifetime model. Every finding compares two lifetimes: the registrar's (the code that registers, acquires or
// adds) and the source's (what it registers on, or holds). See docs/architecture.md, "Lifetimes".
//
// Registrars that run once for the application (runsOncePerApplication): module top level, static initialisers,
// top-level IIFEs, functions and methods called only from there, plugin activations, the set-up of dependency-injection
// singletons (root-provided without a teardown, or only registered with a container as singletons), one-shot
// callbacks of such code, command-line command handlers parsed once, and code behind a memo that is never cleared;
// for an export its own program never uses, the uses the scan's other projects make (TypeQueries.dependentReferences).
// What they register lives as long as the application and is no leak. A registration that waits for a one-time event
// (workspace trust) stops when it fires.
//
// Sources (outlivesOwner): globals, imports, module-level values, parameters (borrowed) and fields the class did not
// create outlive their owner. `this`, locals and fields the owner creates (owned), the elements of lists made of such
// values (`[body]`, `body.querySelectorAll(…)`, an owned object's member list), parameters every caller binds to
// one of those or fills with a value made for the call, or that the class which made the receiver fills with what it
// owns, once per receiver (same scope), and self-ending sources (the HTTP messages of one exchange, cancellation
// tokens, the per-connection sockets an event hands its listener) die with it, taking their registrations along. So do, in
// Angular, a component's view queries and what its own injector provides; `inject(T)` is otherwise a shared look-up.
// A handler that holds only its parameter target (addsNothingToTarget) keeps nothing alive the target does not.
//
// Registrars that run again on the same object (repeatedHookOf): a stream's read and write methods, which its
// machinery calls at every read or write; what they register on the stream itself accumulates while it lives.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { accessPathKey } from './access-path';
import { PLATFORM, nodeModule, namesSpec, type DeclarationSpec } from './declarations';
import {
  calledName,
  calleeName,
  isAssignment,
  outerExpression,
  rootIdentifier,
  stringProperty,
  thisField,
  thisProperty,
  unwrap,
} from './expressions';
import { ONE_SHOT_SCHEDULES } from './globals';
import { returnsFresh } from './summaries';
import { every, identifiersNamed, referencesTo, someNode } from './walk';
import { enclosingFunction, isProgramLifetime, ownerOf, type Owner } from './owner';
import { observableChain } from './rx';
import { LISTENER_REGISTRATIONS } from './events';
import { holdsOnly } from './captures';
import { inHostPage, inTemplates } from './markup';
import { containerUseOf, containersDefaultToSingletons, type ContainerUse } from './containers';

/** True when the code at `node` runs once for the whole application (see the header). */
export function runsOncePerApplication(types: TypeQueries, node: ts.Node, depth = 0): boolean {
  if (isProgramLifetime(node)) return true;
  const owner = ownerOf(node);
  if (owner.kind === 'class')
    return (
      isSingletonSetUp(owner.cls, owner.member) ||
      isModuleSingletonSetUp(types, owner.cls, owner.member) ||
      isRootComponentSetUp(types, owner.cls, owner.member) ||
      isContainerSingletonSetUp(types, owner.cls, owner.member) ||
      (memoisedOnce(types, node) === 'field' && isContainerSingletonSetUp(types, owner.cls, undefined)) ||
      (isSetUp(owner.member) && constructedOncePerApplication(types, owner.cls, depth)) ||
      (ts.isMethodDeclaration(owner.member) && methodCalledOnlyOnce(types, owner.cls, owner.member, depth)) ||
      (types.fileAlone && madeElsewhere(owner.cls))
    );
  if (owner.kind !== 'function') return false;
  if (memoisedOnce(types, node) === 'module') return true;
  const fn = owner.fn;
  if (isPluginActivation(fn) || activatesPluginsOnly(types, fn)) return true;
  if (depth >= 3) return false;
  // a promise settles once: its reaction runs once for each run of the code that chains it
  const reaction = promiseReaction(types, fn);
  if (reaction) return runsOncePerApplication(types, reaction, depth + 1);
  const passedTo = onceCallbackCall(types, fn) ?? commandLineParse(types, fn);
  return passedTo ? runsOncePerApplication(types, passedTo, depth + 1) : calledOnlyOnce(types, fn, depth);
}

/**
 * A class other files may make (exported, or decorated for a framework that makes it): in a first look at its file
 * alone (`TypeQueries.fileAlone`) how often it is made is unknown, and its code is taken to run once, so that a first
 * look shows only what the whole program's analysis also finds.
 */
function madeElsewhere(cls: ts.ClassLikeDeclaration): boolean {
  return (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Export) !== 0 || !!ts.getDecorators(cls)?.length;
}

function isSetUp(member: ts.ClassElement): boolean {
  return (
    ts.isConstructorDeclaration(member) ||
    (ts.isPropertyDeclaration(member) && (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) === 0)
  );
}

/**
 * Every instance of the class is made by code that runs once per application (one instance at least): `new C(…)`
 * there or in the set-up of a class made so, or an instance of a subclass made so. A sidebar built at plugin
 * activation builds its panels once, and what their set-up registers does not accumulate.
 */
function constructedOncePerApplication(types: TypeQueries, cls: ts.ClassLikeDeclaration, depth: number): boolean {
  if (depth > 0) return everyInstanceMadeOnce(types, cls, depth);
  const answers = types.programWide('constructed-once', () => new WeakMap<ts.ClassLikeDeclaration, boolean>());
  let once = answers.get(cls);
  if (once === undefined) answers.set(cls, (once = everyInstanceMadeOnce(types, cls, depth)));
  return once;
}

function everyInstanceMadeOnce(types: TypeQueries, cls: ts.ClassLikeDeclaration, depth: number): boolean {
  const symbol = cls.name && types.symbolAt(cls.name);
  const flags = ts.getCombinedModifierFlags(cls);
  // a default export is imported under any name, which a search for the class's name does not find
  if (!symbol || depth >= 4 || (flags & (ts.ModifierFlags.Abstract | ts.ModifierFlags.Default)) !== 0) return false;
  const constructsItself = makesItsOwnInstances(cls);
  const exported = (flags & ts.ModifierFlags.Export) !== 0;
  const made = instancesMadeOnce(types, types.eachProgramReference(symbol), cls, constructsItself, depth);
  if (made !== 0 || !exported) return !!made;
  return everyUseElsewhereCounts(types, symbol, (where, references) => instancesMadeOnce(where, references, cls, constructsItself, depth));
}

/**
 * For an export the program itself does not use: the scan's other projects use it (a plugin of another package), and
 * `count` counts the uses in each of their programs that qualify (made by run-once code, passing an owned source;
 * undefined: one does not). True when every use qualifies, and there is one.
 */
function everyUseElsewhereCounts(
  types: TypeQueries,
  symbol: ts.Symbol,
  count: (types: TypeQueries, references: readonly ts.Identifier[]) => number | undefined,
): boolean {
  const elsewhere = types.dependentReferences(symbol);
  let uses = 0;
  for (const { types: where, references } of elsewhere ?? []) {
    const counted = count(where, references);
    if (counted === undefined) return false;
    uses += counted;
  }
  return uses > 0;
}

/** How many instances the references make, each by code that runs once; undefined when one is made otherwise. */
function instancesMadeOnce(
  types: TypeQueries,
  references: Iterable<ts.Identifier>,
  cls: ts.ClassLikeDeclaration,
  constructsItself: boolean,
  depth: number,
): number | undefined {
  let made = 0;
  for (const ref of references) {
    const instances = instancesMadeOnceAt(types, ref, cls, constructsItself, depth);
    if (instances === undefined) return undefined;
    made += instances;
  }
  return made;
}

/** The instances made at a reference to the class, each by code that runs once (0: it names none); undefined: made otherwise. */
function instancesMadeOnceAt(
  types: TypeQueries,
  ref: ts.Identifier,
  cls: ts.ClassLikeDeclaration,
  constructsItself: boolean,
  depth: number,
): number | undefined {
  const renamed = renamedUses(types, ref);
  if (renamed === undefined) return undefined;
  if (renamed.length) return renamed.every((use) => madeOnceAt(types, use, depth)) ? renamed.length : undefined;
  if (namesNoInstance(types, ref, cls, constructsItself)) return 0;
  const subclass = extendingClass(ref);
  const once = subclass ? everyInstanceMadeOnce(types, subclass, depth + 1) : madeOnceAt(types, ref, depth);
  return once ? 1 : undefined;
}

/** `new C(…)` (or `new ns.C(…)`) at the reference, in code that runs once per application. */
function madeOnceAt(types: TypeQueries, ref: ts.Node, depth: number): boolean {
  const callee = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref;
  const created = callee.parent;
  return ts.isNewExpression(created) && created.expression === callee && runsOncePerApplication(types, created, depth + 1);
}

/**
 * `import { C as D }`: the value uses of `D` in that file, which a search for `C` does not find ([] for any other
 * reference); a renamed or default export, whose uses elsewhere go by another name: undefined.
 */
function renamedUses(types: TypeQueries, ref: ts.Identifier): ts.Node[] | undefined {
  const specifier = ref.parent;
  if (ts.isExportAssignment(specifier)) return undefined;
  if (!(ts.isImportSpecifier(specifier) || ts.isExportSpecifier(specifier)) || specifier.propertyName !== ref) return [];
  if (ts.isExportSpecifier(specifier) || !ts.isIdentifier(specifier.name)) return undefined;
  return (referencesTo(types, specifier.getSourceFile(), specifier.name) ?? []).filter((n) => !isInType(n));
}

/**
 * Events that fire at most once for the application, with the state that says they have fired: VS Code grants a
 * workspace trust once and does not take it back without a reload (`onDidGrantWorkspaceTrust`, `isTrusted`).
 */
const ONE_TIME_EVENTS = new Map([['onDidGrantWorkspaceTrust', 'isTrusted']]);

/**
 * A registration on a one-time event made only while the same source's state says it has not fired (`if
 * (!workspace.isTrusted) { workspace.onDidGrantWorkspaceTrust(() => this.retry()); return; }`): the code waits for
 * a transition that happens once. Each listener runs once, and once the event has fired the guard stops every later
 * run from registering: what stays is one listener per call made before it, not a growth for the program's life.
 */
export function waitsForOneTimeEvent(types: TypeQueries, call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const state = ts.isPropertyAccessExpression(callee) ? ONE_TIME_EVENTS.get(callee.name.text) : undefined;
  const source = state && accessPathKey(types, (callee as ts.PropertyAccessExpression).expression);
  if (!source) return false;
  const notFiredYet = (e: ts.Expression): boolean => {
    const read = isNegation(e) ? unwrap((e as ts.PrefixUnaryExpression).operand) : undefined;
    return !!read && ts.isPropertyAccessExpression(read) && read.name.text === state && accessPathKey(types, read.expression) === source;
  };
  for (let n: ts.Node = call; n.parent && !ts.isFunctionLike(n); n = n.parent)
    if (ts.isIfStatement(n.parent) && n.parent.thenStatement === n && notFiredYet(n.parent.expression)) return true;
  return false;
}

/** Methods a Node stream's machinery calls again and again on the same stream: each read, each write. */
const REPEATED_HOOKS = new Set(['_read', '_write', '_writev', '_transform']);

/**
 * The repeated hook `node` runs in (a method of that name, or a function assigned to `X.prototype.<name>`), through
 * the inline callbacks it starts, unless a condition on the way tests what the hook itself sets (`if (!this.started)
 * { this.started = true; … }`: a guard that lets the code run once). What such code registers on its own object
 * accumulates for as long as the object lives.
 */
export function repeatedHookOf(types: TypeQueries, node: ts.Node): { fn: ts.SignatureDeclaration; name: string } | undefined {
  let fn = enclosingFunction(node);
  let name: string | undefined;
  while (fn && !(name = repeatedHookName(fn)))
    fn = ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) ? enclosingFunction(fn) : undefined;
  if (!fn || !name) return undefined;
  const hook = fn;
  const setByHook = (e: ts.Node): boolean =>
    someNode(e, (n) => {
      const path = ts.isExpression(n) && accessPathKey(types, n);
      return !!path && someNode(hook, (a) => isAssignment(a) && accessPathKey(types, a.left) === path);
    });
  for (let n: ts.Node = node; n !== hook; n = n.parent) if (ts.isIfStatement(n) && setByHook(n.expression)) return undefined;
  return { fn: hook, name };
}

function repeatedHookName(fn: ts.SignatureDeclaration): string | undefined {
  const assigned = ts.isFunctionExpression(fn) && isAssignment(fn.parent) ? unwrap(fn.parent.left) : undefined;
  const onPrototype =
    assigned &&
    ts.isPropertyAccessExpression(assigned) &&
    ts.isPropertyAccessExpression(assigned.expression) &&
    assigned.expression.name.text === 'prototype';
  const name = ts.isMethodDeclaration(fn) ? fn.name : onPrototype ? assigned.name : undefined;
  return name && ts.isIdentifier(name) && REPEATED_HOOKS.has(name.text) ? name.text : undefined;
}

const PROMISE_REACTIONS = new Set(['then', 'catch', 'finally']);

/** The `p.then(fn)` / `.catch(fn)` / `.finally(fn)` call that `fn` is a reaction of, on a thenable (or unresolved) receiver. */
function promiseReaction(types: TypeQueries, fn: ts.SignatureDeclaration): ts.CallExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const call = outerCall(fn);
  const callee = call && unwrap(call.expression);
  if (!callee || !ts.isPropertyAccessExpression(callee) || !PROMISE_REACTIONS.has(callee.name.text)) return undefined;
  // a receiver whose type did not resolve (`any`) is taken at its word, as the rules stay silent on unresolved types
  const receiver = types.typeAt(callee.expression);
  return receiver.flags & ts.TypeFlags.Any || types.hasMethod(receiver, 'then') ? call : undefined;
}

/**
 * Code memoised by a guard: `if (cache) return cache; …; cache = …; <node>` or `if (!cache) { cache = …; <node> }`,
 * where the cache is a module-level variable ('module': once for the application) or a field of `this` ('field':
 * once per instance), and nothing ever clears it (no `cache = undefined`).
 */
function memoisedOnce(types: TypeQueries, node: ts.Node): 'module' | 'field' | undefined {
  const fn = enclosingFunction(node);
  const body = fn && 'body' in fn ? fn.body : undefined;
  // code outside the body (a parameter's default value, `f(x = new C())`) is guarded by nothing in it
  if (!body || !ts.isBlock(body) || node.pos < body.pos || node.end > body.end) return undefined;
  for (let inner: ts.Node = node; inner !== body; inner = inner.parent) {
    const block = inner.parent;
    if (!ts.isBlock(block)) continue;
    const before = block.statements.filter((st) => st.end <= inner.getStart());
    // `if (!cache) { … }` around the block, or `if (cache) return …;` before it
    const around = ts.isIfStatement(block.parent) && block.parent.thenStatement === block ? block.parent : undefined;
    const tested = around && emptyTested(around.expression);
    const guards = [
      ...(tested ? [tested] : []),
      ...before.flatMap((st) => (ts.isIfStatement(st) && returns(st.thenStatement) && !st.elseStatement ? [unwrap(st.expression)] : [])),
    ];
    for (const cache of guards) {
      const kind = cacheKind(types, cache);
      if (kind && before.some((st) => assigns(st, cache)) && neverCleared(cache)) return kind;
    }
  }
  return undefined;
}

function isNegation(e: ts.Expression): boolean {
  return ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken;
}

/** The value a test says is empty: `!cache`, `cache === null`, `cache == undefined` (either side). */
function emptyTested(e: ts.Expression): ts.Expression | undefined {
  const x = unwrap(e);
  if (ts.isPrefixUnaryExpression(x) && x.operator === ts.SyntaxKind.ExclamationToken) return unwrap(x.operand);
  if (!ts.isBinaryExpression(x) || !EQUALITIES.has(x.operatorToken.kind)) return undefined;
  const empty = (side: ts.Expression) => side.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(side) && side.text === 'undefined');
  return empty(x.right) ? unwrap(x.left) : empty(x.left) ? unwrap(x.right) : undefined;
}

const EQUALITIES: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken]);

function returns(st: ts.Statement): boolean {
  return (
    ts.isReturnStatement(st) ||
    (ts.isBlock(st) && st.statements.length > 0 && ts.isReturnStatement(st.statements[st.statements.length - 1]))
  );
}

function cacheKind(types: TypeQueries, cache: ts.Expression): 'module' | 'field' | undefined {
  if (thisProperty(cache) === cache) return 'field';
  if (!ts.isIdentifier(cache)) return undefined;
  const decl = types.symbolAt(cache)?.valueDeclaration;
  return decl && ts.isVariableDeclaration(decl) && !enclosingFunction(decl) && decl.getSourceFile() === cache.getSourceFile()
    ? 'module'
    : undefined;
}

function sameCache(a: ts.Expression, b: ts.Expression): boolean {
  const x = unwrap(a);
  const y = unwrap(b);
  if (ts.isIdentifier(x) && ts.isIdentifier(y)) return x.text === y.text;
  return (
    ts.isPropertyAccessExpression(x) &&
    ts.isPropertyAccessExpression(y) &&
    x.name.text === y.name.text &&
    !!thisProperty(x) &&
    !!thisProperty(y)
  );
}

function assigns(st: ts.Statement, cache: ts.Expression): boolean {
  return (
    ts.isExpressionStatement(st) &&
    isAssignment(st.expression) &&
    sameCache(st.expression.left, cache) &&
    !isEmptyValue(st.expression.right)
  );
}

/** No assignment in the file clears the cache. */
function neverCleared(cache: ts.Expression): boolean {
  let cleared = false;
  const visit = (n: ts.Node): void => {
    if (cleared) return;
    if (isAssignment(n) && sameCache(n.left, cache) && isEmptyValue(n.right)) cleared = true;
    else n.forEachChild(visit);
  };
  visit(cache.getSourceFile());
  return !cleared;
}

/**
 * Callbacks that run at most once per time the code that passes them runs: a promise's (`p.then(() => …)`), a
 * one-shot listener's (`once`), a listener of an event its emitter fires once (`app.on('ready', …)`), and a language
 * server's initialisation handlers (`connection.onInitialized(…)`; the client initialises a connection once).
 */
function onceCallbackCall(types: TypeQueries, fn: ts.SignatureDeclaration): ts.CallExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const call = outerCall(fn);
  const callee = call && unwrap(call.expression);
  if (!callee || !ts.isPropertyAccessExpression(callee)) return undefined;
  return ONCE_CALLBACKS.has(callee.name.text) || onEventFiredOnce(types, call!, callee) ? call : undefined;
}
const ONCE_CALLBACKS = new Set(['then', 'catch', 'finally', 'once', 'onInitialize', 'onInitialized']);

/**
 * Events an emitter fires once in its life, known by the state its type reports them with: an application's start
 * (Electron's `app`, whose `isReady()` and `whenReady()` tell whether 'ready' has fired).
 */
const EVENTS_FIRED_ONCE = [{ events: new Set(['ready', 'will-finish-launching']), state: ['isReady', 'whenReady'] }];

/** `emitter.on('ready', …)` (any registration method) for an event the emitter fires once. */
function onEventFiredOnce(types: TypeQueries, call: ts.CallExpression, callee: ts.PropertyAccessExpression): boolean {
  const event = call.arguments[0];
  if (!LISTENER_REGISTRATIONS.has(callee.name.text) || !event || !ts.isStringLiteralLike(event)) return false;
  const emitter = types.typeAt(callee.expression);
  return EVENTS_FIRED_ONCE.some((e) => e.events.has(event.text) && e.state.every((m) => types.hasMethod(emitter, m)));
}

const PARSES = new Set(['parse', 'parseAsync', 'parseSync', 'argv']);

/**
 * The handler of a command-line command (yargs' `.command({ command, handler })` or `.command(name, description,
 * builder, handler)`, commander's `.action(handler)`), and where its parser parses the arguments: in the chain
 * (`….command(…).parse()`, `.argv`) or as the one use of the variable that holds it (`cli.parse()`). The process runs
 * the command its arguments name once for each parse.
 */
function commandLineParse(types: TypeQueries, fn: ts.SignatureDeclaration): ts.Expression | undefined {
  const member = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) ? fn.parent : undefined;
  const inDescriptor = member?.name.getText() === 'handler' && ts.isObjectLiteralExpression(member.parent);
  if (!inDescriptor && !ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const handler = inDescriptor ? (member!.parent as ts.ObjectLiteralExpression) : (fn as ts.ArrowFunction | ts.FunctionExpression);
  const call = outerCall(handler);
  const method = call && ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
  const registers = method === 'command' ? inDescriptor || call!.arguments.indexOf(handler) > 0 : method === 'action' && !inDescriptor;
  if (!registers) return undefined;
  let chain: ts.Expression = call!;
  while (ts.isPropertyAccessExpression(chain.parent) && chain.parent.expression === chain) {
    const access = chain.parent;
    if (PARSES.has(access.name.text)) return access;
    chain = ts.isCallExpression(access.parent) && access.parent.expression === access ? access.parent : access;
  }
  const holder = outerExpression(chain).parent;
  if (!ts.isVariableDeclaration(holder) || !ts.isIdentifier(holder.name)) return undefined;
  const uses = (referencesTo(types, holder.getSourceFile(), holder.name) ?? []).filter((ref) => ref !== holder.name);
  const parse = uses.length === 1 ? uses[0].parent : undefined;
  return parse && ts.isPropertyAccessExpression(parse) && PARSES.has(parse.name.text) ? parse : undefined;
}

/** `activate` of a plugin descriptor (`{ id: '…', activate(app) { … } }`) at module level: the host runs it once. */
function isPluginActivation(fn: ts.SignatureDeclaration): boolean {
  const member = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) ? fn.parent : undefined;
  return !!member && isPluginActivateMember(member);
}

/** The `activate` member of a module-level plugin descriptor (`{ id, activate }`, also `activate,` or `activate: fn`). */
function isPluginActivateMember(member: ts.ObjectLiteralElement): boolean {
  if (!member.name || !ts.isIdentifier(member.name) || member.name.text !== 'activate') return false;
  return isPluginDescriptor(member.parent);
}

/** A module-level object literal with an `id`: a plugin descriptor the host activates once. */
function isPluginDescriptor(descriptor: ts.Node): boolean {
  if (!ts.isObjectLiteralExpression(descriptor)) return false;
  const hasId = descriptor.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'id');
  return hasId && isProgramLifetime(descriptor);
}

/** A function of this file, not exported, named only as plugin descriptors' `activate` (`{ id, activate: activateX }`). */
function activatesPluginsOnly(types: TypeQueries, fn: ts.SignatureDeclaration): boolean {
  if (!ts.isFunctionDeclaration(fn) || !fn.name || enclosingFunction(fn)) return false;
  if (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Export) return false;
  const refs = referencesTo(types, fn.getSourceFile(), fn.name);
  const isActivation = (n: ts.Node) =>
    ts.isPropertyAssignment(n.parent) &&
    n.parent.initializer === n &&
    n.parent.name.getText() === 'activate' &&
    isPluginDescriptor(n.parent.parent);
  return !!refs?.length && refs.every(isActivation);
}

/**
 * The constructor (or a field initialiser) of a dependency-injection singleton without a teardown: Angular's
 * `@Injectable({ providedIn: 'root' })` lives as long as the application and is constructed once.
 */
function isSingletonSetUp(cls: ts.ClassLikeDeclaration, member: ts.ClassElement): boolean {
  if (!ts.isConstructorDeclaration(member) && !ts.isPropertyDeclaration(member)) return false;
  const providedIn = stringProperty(decoratorCall(cls, 'Injectable')?.arguments[0], 'providedIn');
  const rootProvided = providedIn === 'root' || providedIn === 'platform';
  return rootProvided && !cls.members.some((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'ngOnDestroy');
}

/**
 * Angular: the constructor (or a field initialiser) of an NgModule, made once per application (or per lazy load), and
 * of a class without `ngOnDestroy` that the program only provides in NgModules (`providers: [C]`, `{ provide: T,
 * useClass: C }`) or bootstraps (`bootstrap: [C]`, `bootstrapApplication(C)`): one instance per module injector. A
 * component's own `providers` make one per component, and any other use (`new C`) leaves it unsure.
 */
function isModuleSingletonSetUp(types: TypeQueries, cls: ts.ClassLikeDeclaration, member: ts.ClassElement): boolean {
  if (!isSetUp(member) || !cls.name || cls.members.some((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'ngOnDestroy'))
    return false;
  if (decoratorCall(cls, 'NgModule')) return true;
  const answers = types.programWide('module-singletons', () => new WeakMap<ts.ClassLikeDeclaration, boolean>());
  let singleton = answers.get(cls);
  if (singleton === undefined) answers.set(cls, (singleton = providedOnlyByModules(types, cls)));
  return singleton;
}

function providedOnlyByModules(types: TypeQueries, cls: ts.ClassLikeDeclaration): boolean {
  const symbol = cls.name && types.symbolAt(cls.name);
  if (!symbol) return false;
  let listed = 0;
  for (const ref of types.eachProgramReference(symbol)) {
    if (isModuleListing(ref)) listed++;
    else if (!namesNoInstance(types, ref, cls, false) && !isInjectionToken(ref)) return false;
  }
  return listed > 0;
}

/** `providers: [C]`, `{ provide: T, useClass: C }` in them, or `bootstrap: [C]` of an `@NgModule`; `bootstrapApplication(C)`. */
function isModuleListing(ref: ts.Node): boolean {
  const p = ref.parent;
  if (ts.isCallExpression(p) && p.arguments[0] === ref)
    return ts.isIdentifier(p.expression) && p.expression.text === 'bootstrapApplication';
  const useClass = ts.isPropertyAssignment(p) && p.initializer === ref && p.name.getText() === 'useClass';
  return inNgModuleList(useClass ? p.parent : ref, ['providers', 'bootstrap']);
}

/** An element of one of the lists of an `@NgModule({ … })`. */
function inNgModuleList(element: ts.Node, lists: readonly string[]): boolean {
  const list = element.parent;
  if (!ts.isArrayLiteralExpression(list) || !ts.isPropertyAssignment(list.parent) || list.parent.initializer !== list) return false;
  if (!lists.includes(list.parent.name.getText())) return false;
  const call = list.parent.parent.parent;
  return (
    ts.isCallExpression(call) && ts.isDecorator(call.parent) && ts.isIdentifier(call.expression) && call.expression.text === 'NgModule'
  );
}

/** Angular calls these once on each instance of a component, after its constructor. */
const INIT_HOOKS = new Set(['ngOnInit', 'ngAfterContentInit', 'ngAfterViewInit']);

/**
 * Angular: the set-up (constructor, field initialisers, init hooks) of the application's root component, which
 * Angular bootstraps once into the element of the host page (`<app-root>` in index.html; a plugin host may bootstrap
 * a class a package exports under any name): one instance, as long-lived as the page.
 */
function isRootComponentSetUp(types: TypeQueries, cls: ts.ClassLikeDeclaration, member: ts.ClassElement): boolean {
  const initHook = ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && INIT_HOOKS.has(member.name.text);
  if (!isSetUp(member) && !initHook) return false;
  const answers = types.programWide('root-components', () => new WeakMap<ts.ClassLikeDeclaration, boolean>());
  let root = answers.get(cls);
  if (root === undefined) answers.set(cls, (root = isRootComponent(types, cls)));
  return root;
}

/**
 * A component whose element is in a host page and that nothing else makes: no template of the program uses its
 * selector, and no code hands the class on (to `createComponent`, a dialog, a route): the program, and the scan's
 * other projects, only declare it in NgModules, export it and name it in types.
 */
function isRootComponent(types: TypeQueries, cls: ts.ClassLikeDeclaration): boolean {
  const selector = stringProperty(decoratorCall(cls, 'Component')?.arguments[0], 'selector');
  const symbol = cls.name && types.symbolAt(cls.name);
  if (!selector || !symbol || !/^[a-z][\w-]*$/i.test(selector)) return false;
  const onlyDeclared = (where: TypeQueries, references: Iterable<ts.Node>) =>
    every(references, (ref) => namesNoInstance(where, ref, cls, false) || inNgModuleList(ref, ['declarations', 'exports']));
  if (!onlyDeclared(types, types.eachProgramReference(symbol))) return false;
  if (!inHostPage(types, cls.getSourceFile().fileName, selector) || inTemplates(types, selector)) return false;
  const elsewhere = types.dependentReferences(symbol);
  return !!elsewhere && elsewhere.every(({ types: where, references }) => onlyDeclared(where, references));
}

function decoratorCall(cls: ts.ClassLikeDeclaration, name: string): ts.CallExpression | undefined {
  for (const d of ts.getDecorators(cls) ?? []) {
    const call = d.expression;
    if (ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === name) return call;
  }
  return undefined;
}

/**
 * The constructor, a field initialiser, the `activate` method or an inversify `@postConstruct()` method (any member,
 * without one) of a class that is only ever registered with a dependency-injection container as a singleton
 * (`serviceManager.addSingleton(IToken, Service)`, `container.registerSingleton(Service)`,
 * `bind(Service).toSelf().inSingletonScope()`; see containers.ts): the container makes one instance and activates it once.
 */
function isContainerSingletonSetUp(types: TypeQueries, cls: ts.ClassLikeDeclaration, member: ts.ClassElement | undefined): boolean {
  const setUp =
    !member ||
    ts.isConstructorDeclaration(member) ||
    ts.isPropertyDeclaration(member) ||
    (ts.isMethodDeclaration(member) &&
      ((ts.isIdentifier(member.name) && member.name.text === 'activate') || hasDecorator(member, POST_CONSTRUCT)));
  if (!setUp || !cls.name) return false;
  // per program: other files' registrations decide it
  const singletons = types.programWide('container-singletons', () => new WeakMap<ts.ClassLikeDeclaration, boolean>());
  let singleton = singletons.get(cls);
  if (singleton === undefined) {
    singletons.set(cls, false); // a binding made in the set-up of the class itself asks again
    singletons.set(cls, (singleton = registeredOnlyAsSingleton(types, cls.name)));
  }
  return singleton;
}

/** Inversify's `@postConstruct()`: the container calls the method once, right after it constructs the instance. */
const POST_CONSTRUCT = new Set(['postConstruct']);

/**
 * Every use of the class registers it with a container as a singleton, or looks it up there (`@inject(C)`,
 * `container.get(C)`); a class the program only looks up is bound by the container itself, in its default scope.
 */
function registeredOnlyAsSingleton(types: TypeQueries, name: ts.Identifier): boolean {
  const symbol = types.symbolAt(name);
  if (!symbol) return false;
  let registrations = 0;
  let lookups = 0;
  for (const ref of types.eachProgramReference(symbol)) {
    if (ref === name || isImportOrExport(ref) || isInType(ref)) continue;
    // the class itself (`addSingleton(IToken, Service)`) or an instance made for the container
    // (`addSingletonInstance(IToken, new Service(api))`)
    const registered = ts.isNewExpression(ref.parent) && ref.parent.expression === ref ? ref.parent : ref;
    const call = registered.parent;
    const callee =
      ts.isCallExpression(call) && call.arguments.includes(registered as ts.Expression) ? calleeName(call.expression) : undefined;
    const use = containerUseOf(ref);
    const singleton = (callee && /Singleton(Instance)?$/.test(callee.text)) || (use?.kind === 'binding' && boundAsSingleton(types, use));
    if (singleton) registrations++;
    else if (use?.kind === 'lookup') lookups++;
    else return false;
  }
  return registrations > 0 || (lookups > 0 && containersDefaultToSingletons(types));
}

/**
 * A binding in singleton scope, or one without a scope (the container's default, when that is 'Singleton') that code
 * running once per application makes: a binding made per call (in a child container per room) makes one instance each.
 */
function boundAsSingleton(types: TypeQueries, binding: Extract<ContainerUse, { kind: 'binding' }>): boolean {
  if (binding.scope !== undefined) return binding.scope === 'Singleton';
  return containersDefaultToSingletons(types) && runsOncePerApplication(types, binding.bind, 1);
}

export function isInType(ref: ts.Node): boolean {
  const p = ref.parent;
  return ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p) || ts.isQualifiedName(p); // `extends C` is a use: subclasses construct it
}

/**
 * A module-level function whose every reference in the program is a call from code that runs once per application
 * (`function main() { … } main();`, `Commands.addCommands(app)` from a plugin's activation) or the function a plugin
 * descriptor activates (`{ id, activate }`): it runs once too. Imports and re-exports are not uses.
 */
function calledOnlyOnce(types: TypeQueries, fn: ts.SignatureDeclaration, depth: number): boolean {
  const declaration = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent : undefined;
  const name = declaration?.name;
  if (!declaration || !name || !ts.isIdentifier(name) || enclosingFunction(declaration)) return false;
  const symbol = types.symbolAt(name);
  if (!symbol) return false;
  const exported = (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Export) !== 0;
  // an exported function may be called from anywhere in the program (and, when it is not, from the scan's other
  // projects: a plugin of another package); a local one only from its file
  const references = exported ? types.eachDeclarationReference(name) : (referencesTo(types, fn.getSourceFile(), name) ?? []);
  const calls = callsOnce(types, references, name, depth);
  if (calls !== 0 || !exported) return !!calls;
  // a first look does not see the other files, which may call it once (`madeElsewhere`)
  if (types.fileAlone) return true;
  return everyUseElsewhereCounts(types, symbol, (where, there) => callsOnce(where, there, name, depth));
}

/**
 * How many of the references are calls from run-once code (the declaration, imports and types such as `ReturnType<typeof
 * f>` aside); undefined when one is not.
 */
function callsOnce(types: TypeQueries, references: Iterable<ts.Node>, name: ts.Node, depth: number): number | undefined {
  let calls = 0;
  for (const ref of references) {
    if (ref === name || isImportOrExport(ref) || isInType(ref)) continue;
    if (!calledOnceAt(types, ref, depth)) return undefined;
    calls++;
  }
  return calls;
}

/** The reference is a call from code that runs once per application, or names the activation of a plugin descriptor. */
function calledOnceAt(types: TypeQueries, ref: ts.Node, depth: number): boolean {
  const member = ref.parent;
  if (ts.isShorthandPropertyAssignment(member) || (ts.isPropertyAssignment(member) && member.initializer === ref))
    return isPluginActivateMember(member);
  const callee = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref; // `Commands.addCommands(…)`
  const call = callee.parent;
  return ts.isCallExpression(call) && call.expression === callee && runsOncePerApplication(types, call, depth + 1);
}

/**
 * A method whose every reference in the program, to it or to the base class method it overrides or implements
 * (`platform.setErrorHandler(…)` typed as the abstract base), is a call from code that runs once per application
 * (`this.ptys.init(this)` in the constructor of a class made once): it runs once for each such call.
 */
function methodCalledOnlyOnce(types: TypeQueries, cls: ts.ClassLikeDeclaration, method: ts.MethodDeclaration, depth: number): boolean {
  const name = method.name;
  if (depth >= 3 || !ts.isIdentifier(name)) return false;
  const overridden = types.baseClasses(cls).flatMap((base) => base.members.filter((m) => m.name?.getText() === name.text));
  let calls = 0;
  for (const declaration of [method, ...overridden]) {
    const symbol = declaration.name && types.symbolAt(declaration.name);
    const counted = symbol && callsOnce(types, types.eachProgramReference(symbol), declaration.name, depth);
    if (counted === undefined) return false;
    calls += counted;
  }
  return calls > 0;
}

export function isImportOrExport(ref: ts.Node): boolean {
  const p = ref.parent;
  return ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isExportAssignment(p);
}

export function outlivesOwner(types: TypeQueries, target: ts.Expression, owner: Owner): boolean {
  if (target.kind === ts.SyntaxKind.ThisKeyword || isSelfEnding(types, target)) return false;
  // `ref.afterClosed()`, `this.model.changed()`: what a method returns lives as long as its receiver; what a
  // function returns (`interval(1000)`) is judged unknown, and so long-lived
  const x = unwrap(target);
  if (ts.isCallExpression(x)) return !ts.isPropertyAccessExpression(x.expression) || outlivesOwner(types, x.expression.expression, owner);
  // `this.tree.expansionModel().changed`: a member of what a method returns, as long-lived as that
  if (ts.isPropertyAccessExpression(x) && ts.isCallExpression(unwrap(x.expression))) return outlivesOwner(types, x.expression, owner);
  const field = thisField(target);
  if (field !== target) return outlivesOwner(types, field, owner); // `this.store.events` lives as long as `this.store`
  if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
    if (owner.kind !== 'class') return false;
    const field = fieldBehindGetter(types, types.symbolAt(target.name));
    if (!field || isViewQuery(field) || holdsComponent(types, field) || providedByOwnInjector(types, owner.cls, field)) return false;
    // a field a base class declares and creates (`protected readonly destroyed = new Subject()`) is the instance's too
    const declaring = field.valueDeclaration?.parent;
    const inherited = !!declaring && ts.isClassLike(declaring) && declaring !== owner.cls && createdByClass(types, declaring, field);
    const handedFrom = constructorParameterOf(types, owner.cls, field);
    const handedIn = !!handedFrom && handedInAtConstruction(types, handedFrom, target);
    return (
      !inherited &&
      !handedIn &&
      !createdByClass(types, owner.cls, field) &&
      !startedByClass(types, owner.cls, field) &&
      !setUpByBase(types, owner.cls, field)
    );
  }
  const root = rootIdentifier(target);
  if (!root) return false;
  const symbol = types.symbolAt(root);
  const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!decl) return false;
  // the code just put a fresh value there (`client = createClient(); client.onX(…)`): the source is new, not shared
  if (assignedFreshBefore(types, symbol!, target)) return false;
  if (decl.getSourceFile() !== target.getSourceFile()) return true; // a global or an import
  // `manager.folders.forEach((folder) => folder.onX(…))`: each element, as long-lived as the list it is read from
  const list = ts.isParameter(decl) ? iteratedList(types, decl) : undefined;
  if (list) return elementsOutlive(types, list, owner);
  if (ts.isParameter(decl))
    return (
      !handedInAtConstruction(types, decl, target) &&
      !handedOnByConstructor(types, decl) &&
      !eventPayload(types, decl) &&
      !resolvedFromFreshCall(types, decl) &&
      !setUpOncePerValue(types, decl) &&
      !boundToOwnedAtEveryCall(types, decl, owner) &&
      !handedInByReceiverOwner(types, decl) &&
      !madeForEachCall(types, decl)
    );
  const declaringFn = enclosingFunction(decl);
  if (!declaringFn) return true; // module-level
  if (!ts.isVariableDeclaration(decl)) return false;
  // `const c = this.connection` or `this.widget.content`: as long-lived as the field it was read from
  const init = decl.initializer && unwrap(decl.initializer);
  if (init && ts.isPropertyAccessExpression(init) && thisProperty(thisField(init))) return outlivesOwner(types, init, owner);
  // `const pick = quickPick`: another name for a variable declared before it, as long-lived as that one
  if (init && ts.isIdentifier(init) && aliasOf(types, init, decl)) return outlivesOwner(types, init, owner);
  // `const form = forms[i]`: an element of a local list, as long-lived as what the list was made of
  if (init && ts.isElementAccessExpression(init)) return elementsOutlive(types, init.expression, owner);
  // a local: it is as short-lived as its function unless it was read from somewhere longer-lived
  return !holdsCreatedValue(types, decl);
}

/** Array methods that call their callback with each element first. */
const ELEMENT_CALLBACKS: DeclarationSpec = {
  name: ['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex'],
  from: PLATFORM,
};

/** The list whose elements an inline callback's first parameter takes (`list.forEach((item) => …)`): `list`. */
function iteratedList(types: TypeQueries, param: ts.ParameterDeclaration): ts.Expression | undefined {
  const fn = param.parent;
  if (fn.parameters[0] !== param || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const call = outerCall(fn);
  const callee = call && call.arguments[0] === outerExpression(fn, {}) ? unwrap(call.expression) : undefined;
  if (!callee || !ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.name)) return undefined;
  return namesSpec(types, callee.name, ELEMENT_CALLBACKS) ? callee.expression : undefined;
}

/**
 * `decl` names the variable `name` refers to: declared in the same file before it (so following aliases ends), and
 * given nothing else later but fresh values.
 */
function aliasOf(types: TypeQueries, name: ts.Identifier, decl: ts.VariableDeclaration): boolean {
  const aliased = types.symbolAt(name)?.valueDeclaration;
  const own = types.symbolAt(decl.name);
  const fn = enclosingFunction(decl);
  if (!aliased || !own || !fn || aliased.getSourceFile() !== decl.getSourceFile() || aliased.end > decl.getStart()) return false;
  return assignmentsTo(types, own, fn).every((a) => createdOrEmpty(a.right));
}

/** DOM lists of an element's descendants: what they hold is part of the element's own subtree. */
const DESCENDANT_LISTS: DeclarationSpec = {
  name: ['querySelectorAll', 'getElementsByTagName', 'getElementsByClassName', 'children', 'childNodes'],
  from: PLATFORM,
};

/**
 * Whether the elements of a list may outlive the owner. A local list is judged by every value it is given; a list is
 * an array literal of values that do not (`[content]`), the descendants of an element that does not
 * (`content.querySelectorAll('form')`, `panel.children`), or a member list of an object (`manager.folders`), whose
 * elements are as long-lived as the object. Any other list (a parameter, a call's result such as `items.map(…)`, whose
 * elements come from elsewhere): unknown, and long-lived.
 */
function elementsOutlive(types: TypeQueries, list: ts.Expression, owner: Owner): boolean {
  const x = unwrap(list);
  if (!ts.isIdentifier(x)) return listElementsOutlive(types, x, owner);
  const symbol = types.symbolAt(x);
  const decl = symbol?.valueDeclaration;
  const fn = decl && enclosingFunction(decl);
  if (!fn || !ts.isVariableDeclaration(decl) || !decl.initializer || decl.getSourceFile() !== x.getSourceFile()) return true;
  const values = [decl.initializer, ...assignmentsTo(types, symbol!, fn).map((a) => a.right)];
  return values.some((value) => listElementsOutlive(types, value, owner));
}

function listElementsOutlive(types: TypeQueries, list: ts.Expression, owner: Owner): boolean {
  const x = unwrap(list);
  if (ts.isConditionalExpression(x)) return listElementsOutlive(types, x.whenTrue, owner) || listElementsOutlive(types, x.whenFalse, owner);
  if (ts.isArrayLiteralExpression(x)) return x.elements.some((e) => ts.isSpreadElement(e) || outlivesOwner(types, e, owner));
  const query = ts.isCallExpression(x) ? unwrap(x.expression) : x;
  if (ts.isPropertyAccessExpression(query) && ts.isIdentifier(query.name) && namesSpec(types, query.name, DESCENDANT_LISTS))
    return outlivesOwner(types, query.expression, owner);
  return !ts.isPropertyAccessExpression(x) || outlivesOwner(types, x, owner);
}

/**
 * A registration on a parameter whose handler holds nothing but that target, primitives and module-level values
 * (`anchor.addEventListener('click', () => scrollTo(anchor, id))`), where every call of the function hands it a
 * value of its own (a caller's local or parameter), never one long-lived object (a global, an import, a
 * module-level value, a field): the handler keeps nothing alive that the target does not, and no target gathers one
 * more at every call. Unsure (no calls found, the function passed around, a callback's parameter: a pooled socket
 * an event hands on is the same object each time): false.
 */
export function addsNothingToTarget(types: TypeQueries, target: ts.Expression, handler: ts.Expression): boolean {
  const fn = unwrap(handler);
  const t = unwrap(target);
  const param = ts.isIdentifier(t) ? types.symbolAt(t) : undefined;
  const decl = param?.valueDeclaration;
  if (!decl || !ts.isParameter(decl) || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return false;
  return holdsOnly(types, fn, [param!]) && filledAnewAtEveryCall(types, decl);
}

/** Every call of the parameter's function passes a value that is not one long-lived object (see addsNothingToTarget). */
function filledAnewAtEveryCall(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  return everyCallPasses(types, param, (arg) => !oneObjectAtEveryCall(types, arg));
}

/**
 * `showPicker(items)` at every call, where `showPicker(picker)` may also make its own (`picker = createPicker()`):
 * every call in the program passes a value made for the call (see ownArgument), and the function assigns the
 * parameter nothing but fresh values. The parameter holds an object of
 * this call's own, and what is registered on it goes with it.
 */
function madeForEachCall(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const symbol = ts.isIdentifier(param.name) ? types.symbolAt(param.name) : undefined;
  if (!symbol || !assignmentsTo(types, symbol, param.parent).every((a) => createdOrEmpty(a.right))) return false;
  return everyCallPasses(types, param, (arg) => ownArgument(types, arg));
}

/**
 * An argument made for the call: `new …`, a literal, a call that is no look-up (`users.map(…)`, not `this.getPicker()`),
 * or the caller's local holding one that it hands nowhere else (not a loop's element, which is one of a list's; not
 * an object the caller also keeps, returns or passes on: `const api = new Api(); subscriptions.push(api); init(api)`).
 */
function ownArgument(types: TypeQueries, arg: ts.Expression): boolean {
  const x = unwrap(arg, { await: true });
  if (ts.isCallExpression(x)) return returnsFresh(types, x);
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  const fn = decl && enclosingFunction(decl);
  if (!fn || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !madeForTheCall(types, arg)) return false;
  if (ts.isForOfStatement(decl.parent.parent) || ts.isForInStatement(decl.parent.parent)) return false;
  // every other use reads or sets one of its members (`items.push(…)`, `picker.items = …`)
  const uses = referencesTo(types, fn, decl.name) ?? [];
  return uses.every(
    (use) =>
      use === x ||
      ((ts.isPropertyAccessExpression(use.parent) || ts.isElementAccessExpression(use.parent)) && use.parent.expression === use),
  );
}

/** Every call of the parameter's function (one at least) passes an argument `accepts` takes at the parameter's place. */
function everyCallPasses(types: TypeQueries, param: ts.ParameterDeclaration, accepts: (arg: ts.Expression) => boolean): boolean {
  const fn = param.parent;
  const index = fn.parameters.indexOf(param);
  const name = ts.isVariableDeclaration(fn.parent) && fn.parent.initializer === fn ? fn.parent.name : fn.name;
  const symbol = name && ts.isIdentifier(name) ? types.symbolAt(name) : undefined;
  if (!symbol || !name || fn.parameters.slice(0, index + 1).some((p) => p.dotDotDotToken)) return false;
  const declaration = ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : fn;
  const local = !ts.isMethodDeclaration(fn) && !(ts.getCombinedModifierFlags(declaration as ts.Declaration) & ts.ModifierFlags.Export);
  const references = local ? (referencesTo(types, fn.getSourceFile(), name as ts.Identifier) ?? []) : types.programReferences(symbol);
  let calls = 0;
  for (const ref of references) {
    // the function's own name, and those of its overload signatures
    if (ref === name || isImportOrExport(ref) || (ts.isFunctionDeclaration(ref.parent) && ref.parent.name === ref)) continue;
    const callee = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref;
    const call = callee.parent;
    if (!ts.isCallExpression(call) || call.expression !== callee) return false;
    const arg = call.arguments[index];
    if (!arg || ts.isSpreadElement(arg) || !accepts(arg)) return false;
    calls++;
  }
  return calls > 0;
}

/** `this`, a field, or a name declared outside every function (a global, an import, a module-level value): the same object each time. */
function oneObjectAtEveryCall(types: TypeQueries, arg: ts.Expression): boolean {
  const x = unwrap(arg);
  if (x.kind === ts.SyntaxKind.ThisKeyword || thisProperty(thisField(x))) return true;
  const root = rootIdentifier(x);
  if (!root) return false; // a value made for the call
  const decl = types.symbolAt(root)?.valueDeclaration;
  return !decl || decl.getSourceFile() !== arg.getSourceFile() || !enclosingFunction(decl);
}

/**
 * `get editor() { return this._editor; }`: the field the getter reads (else the member itself). A getter that reads a
 * member of a field (`return this.frontend.input$`, after guards that throw) stands for that field: what it hands out
 * lives as long as the field's value.
 */
function fieldBehindGetter(types: TypeQueries, member: ts.Symbol | undefined): ts.Symbol | undefined {
  const getter = member?.declarations?.find(ts.isGetAccessorDeclaration);
  const statements = getter?.body?.statements ?? [];
  const last = statements[statements.length - 1];
  const guards = statements.slice(0, -1).every((st) => ts.isIfStatement(st) && !st.elseStatement && throws(st.thenStatement));
  const returned = guards && last && ts.isReturnStatement(last) && last.expression ? thisField(last.expression) : undefined;
  const read = returned && thisProperty(returned);
  return (read && types.symbolAt(read.name)) ?? member;
}

function throws(st: ts.Statement): boolean {
  return ts.isThrowStatement(st) || (ts.isBlock(st) && st.statements.length === 1 && ts.isThrowStatement(st.statements[0]));
}

/**
 * A constructor parameter read in that constructor, where no `new C(…)` in the program passes a value known to be
 * shared beyond the creating code: the creator hands the instance a source to wrap or serve (`new DialogRef(ref)`,
 * `new KeyManager(this.items)`, a factory's `(items) => new KeyManager(items)`) and holds both as long as either.
 * Module-level, imported or injected arguments, subclasses and classes made by a container: false.
 */
function handedInAtConstruction(types: TypeQueries, param: ts.ParameterDeclaration, site: ts.Node): boolean {
  const ctor = param.parent;
  if (!ts.isConstructorDeclaration(ctor) || enclosingFunction(site) !== ctor) return false;
  const accepts: Accepts = (where, arg, created) =>
    createdForItselfOnce(arg, created) || !sharedBeyondCreator(where, arg, ownerOf(created));
  return everyInstantiationPasses(types, ctor.parent, param, accepts, true) || instantiatedNowhere(types, ctor.parent);
}

/**
 * `this.input = new InputState(this)` in the creator's constructor (or a field initialiser): the creator makes one
 * part for itself and keeps it, so what the part registers on the creator goes with both.
 */
function createdForItselfOnce(arg: ts.Expression, created: ts.Node): boolean {
  if (unwrap(arg).kind !== ts.SyntaxKind.ThisKeyword || !ts.isNewExpression(created)) return false;
  const kept = outerExpression(created);
  const at = kept.parent;
  if (ts.isPropertyDeclaration(at)) return at.initializer === kept && !(ts.getCombinedModifierFlags(at) & ts.ModifierFlags.Static);
  if (!isAssignment(at) || at.right !== kept || !thisProperty(at.left) || !ts.isExpressionStatement(at.parent)) return false;
  const body = at.parent.parent;
  return ts.isBlock(body) && ts.isConstructorDeclaration(body.parent);
}

/**
 * An abstract class that nothing in the program extends (nor hands on as a value): it has no instance here, so no
 * creator hands its constructor anything shared. A base a package exports for others to extend gets its sources
 * from their `super(…)` calls, which the program does not show: unsure, and silent.
 */
function instantiatedNowhere(types: TypeQueries, cls: ts.ClassLikeDeclaration): boolean {
  const symbol = cls.name && types.symbolAt(cls.name);
  if (!symbol || !(ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Abstract)) return false;
  const constructsItself = makesItsOwnInstances(cls);
  return every(types.eachProgramReference(symbol), (ref) => namesNoInstance(types, ref, cls, constructsItself));
}

/**
 * A method's parameter that every call in the program fills, from the class's constructor, with a constructor
 * parameter handed in at construction (`constructor(client) { this.connect(client); }`): as that parameter.
 */
function handedOnByConstructor(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const method = param.parent;
  if (!ts.isMethodDeclaration(method) || !ts.isClassLike(method.parent) || !ts.isIdentifier(method.name)) return false;
  const ctor = method.parent.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  // the constructor must call it at all before the program is searched for its other calls
  if (!ctor || !identifiersNamed(ctor, method.name.text).length) return false;
  const symbol = types.symbolAt(method.name);
  if (!symbol) return false;
  const index = method.parameters.indexOf(param);
  const calls = types.programReferences(symbol).filter((ref) => ref !== method.name);
  return (
    calls.length > 0 &&
    calls.every((ref) => {
      const access = ref.parent;
      const call = access.parent;
      if (!ts.isPropertyAccessExpression(access) || access.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
      if (!ts.isCallExpression(call) || call.expression !== access || enclosingFunction(call) !== ctor) return false;
      const arg = call.arguments[index] && unwrap(call.arguments[index]);
      const passed = arg && ts.isIdentifier(arg) ? types.symbolAt(arg)?.valueDeclaration : undefined;
      return !!passed && ts.isParameter(passed) && passed.parent === ctor && handedInAtConstruction(types, passed, call);
    })
  );
}

/**
 * The constructor parameter a field holds: a parameter property, or a field the constructor sets from a parameter
 * or a parameter's property (`this._body = options.body`) and nothing else assigns.
 */
function constructorParameterOf(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): ts.ParameterDeclaration | undefined {
  const decl = field.valueDeclaration;
  if (decl && ts.isParameter(decl)) return decl;
  const ctor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  if (!ctor || !decl || !ts.isPropertyDeclaration(decl) || decl.initializer) return undefined;
  const assignments: ts.BinaryExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (isAssignment(n) && thisProperty(n.left) && types.symbolAt((n.left as ts.PropertyAccessExpression).name) === field)
      assignments.push(n);
    n.forEachChild(visit);
  };
  visit(cls);
  const [only] = assignments;
  if (assignments.length !== 1 || enclosingFunction(only) !== ctor) return undefined;
  const root = rootIdentifier(only.right);
  const param = root && types.symbolAt(root)?.valueDeclaration;
  return param && ts.isParameter(param) && param.parent === ctor ? param : undefined;
}

/**
 * An argument known to live beyond the code that passes it: module-level or imported, a field of the creator it does
 * not own, a local read from one. A parameter of the creator is its own caller's to decide, and not known to be shared;
 * a value made for the call (`new Socket()`, `net.connect(port)`, not a look-up) is the creator's.
 */
function sharedBeyondCreator(types: TypeQueries, arg: ts.Expression, creator: Owner): boolean {
  const made = unwrap(arg, { await: true });
  if (ts.isNewExpression(made) || (ts.isCallExpression(made) && !isInjection(made) && returnsFresh(types, made))) return false;
  if (thisField(arg) !== arg || thisProperty(arg)) return outlivesOwner(types, arg, creator);
  const root = rootIdentifier(arg);
  const decl = root && types.symbolAt(root)?.valueDeclaration;
  if (!decl) return true;
  return !ts.isParameter(decl) && outlivesOwner(types, arg, creator);
}

/** Node's HTTP message objects exist for one request/response exchange: what is registered on them goes with it. */
const PER_EXCHANGE =
  /^(IncomingMessage|ServerResponse|ClientRequest|OutgoingMessage|Http2Server(Request|Response)|ClientHttp2Stream|ServerHttp2Stream)$/;

/**
 * Sources that end by themselves: an HTTP message of one exchange (by its type, as declared by @types/node), and a
 * cancellation token (a type with `isCancellationRequested` and `onCancellationRequested`), whose source is
 * cancelled or disposed when its operation ends.
 */
function isSelfEnding(types: TypeQueries, target: ts.Expression): boolean {
  return types.typeFact(target, 'self-ending', () => {
    const type = types.typeAt(target);
    if (types.hasMethod(type, 'onCancellationRequested') && types.hasProperty(type, 'isCancellationRequested')) return true;
    return PER_EXCHANGE.test(types.typeName(type).replace(/<.*$/, ''));
  });
}

/**
 * A parameter of a listener that an event hands a closable object (a server's 'connection' socket, a new stream):
 * the object is made for that event, and what is registered on it ends when it is closed. The listener is a
 * function given to a registration or to Node's `createServer` (its connection listener), or a private method
 * every reference of which (`this.onConnection`, `this.onConnection.bind(this)`) is given to one.
 */
function eventPayload(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const fn = param.parent;
  const closable = types.typeFact(param, 'closable', () => {
    const type = types.typeAt(param);
    return types.hasMethod(type, 'destroy') || types.hasMethod(type, 'close');
  });
  if (!closable) return false;
  if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) return receivesEvents(types, outerCall(fn));
  if (!ts.isMethodDeclaration(fn) || !ts.isClassLike(fn.parent) || !isPrivateMember(fn)) return false;
  if (!ts.isIdentifier(fn.name) && !ts.isPrivateIdentifier(fn.name)) return false;
  const givenToRegistration = (n: ts.Node): boolean =>
    ts.isPropertyAccessExpression(n.parent) && n.parent.name === n && receivesEvents(types, outerCall(boundReference(n.parent)));
  const refs = referencesTo(types, fn.parent, fn.name);
  return !!refs?.length && refs.every(givenToRegistration);
}

/** A listener registration (not on a client request), or Node's `createServer(…)` (whose callback is the connection listener). */
function receivesEvents(types: TypeQueries, call: ts.CallExpression | undefined): boolean {
  if (!call) return false;
  const callee = unwrap(call.expression);
  // a client request's 'socket' comes from its agent's keep-alive pool: it outlives the request
  if (ts.isPropertyAccessExpression(callee) && LISTENER_REGISTRATIONS.has(callee.name.text))
    return !/^ClientRequest$/.test(types.typeName(types.typeAt(callee.expression)));
  const name = calleeName(call.expression);
  return !!name && namesSpec(types, name, CREATE_SERVER);
}

const CREATE_SERVER: DeclarationSpec = { name: 'createServer', from: nodeModule('net', 'http', 'https', 'tls', 'http2') };

/** `this.m` as passed on: itself, or `this.m.bind(…)`. */
function boundReference(reference: ts.PropertyAccessExpression): ts.Expression {
  const bind = reference.parent;
  if (
    ts.isPropertyAccessExpression(bind) &&
    bind.name.text === 'bind' &&
    ts.isCallExpression(bind.parent) &&
    bind.parent.expression === bind
  )
    return bind.parent;
  return reference;
}

function isPrivateMember(member: ts.MethodDeclaration | ts.PropertyDeclaration): boolean {
  return ts.isPrivateIdentifier(member.name) || (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Private) !== 0;
}

/**
 * The value a promise made by a call resolves with (`connect(options).then((connection) => …)`): as fresh as
 * `const connection = await connect(options)`.
 */
function resolvedFromFreshCall(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const fn = param.parent;
  if (fn.parameters[0] !== param || !ts.isFunctionLike(fn)) return false;
  const reaction = promiseReaction(types, fn);
  const callee = reaction && unwrap(reaction.expression);
  return (
    !!callee &&
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'then' &&
    unwrap(reaction!.arguments[0]) === fn &&
    ts.isCallExpression(unwrap(callee.expression, { await: true }))
  );
}

/**
 * A parameter of a function that sets each value up once (`if (done.has(p)) return; done.add(p);` first): what
 * it registers on the value is added once per value and goes with it.
 */
function setUpOncePerValue(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const fn = param.parent;
  const body = ts.isFunctionLike(fn) && 'body' in fn ? fn.body : undefined;
  if (!body || !ts.isBlock(body) || !ts.isIdentifier(param.name)) return false;
  const symbol = types.symbolAt(param.name);
  const [guard, mark] = body.statements;
  const callOnParam = (e: ts.Expression | undefined, method: string): ts.Expression | undefined => {
    const call = e && unwrap(e);
    if (!call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== method)
      return undefined;
    const arg = call.arguments[0];
    return arg && ts.isIdentifier(unwrap(arg)) && types.symbolAt(unwrap(arg)) === symbol ? call.expression.expression : undefined;
  };
  if (!guard || !ts.isIfStatement(guard) || !mark || !ts.isExpressionStatement(mark)) return false;
  const exits =
    ts.isReturnStatement(guard.thenStatement) ||
    (ts.isBlock(guard.thenStatement) && ts.isReturnStatement(guard.thenStatement.statements[0]));
  const seen = callOnParam(guard.expression, 'has');
  const marked = callOnParam(mark.expression, 'add');
  return (
    exits && !!seen && !!marked && accessPathKey(types, seen) !== undefined && accessPathKey(types, seen) === accessPathKey(types, marked)
  );
}

function outerCall(fn: ts.Expression): ts.CallExpression | undefined {
  const e = outerExpression(fn, {});
  return ts.isCallExpression(e.parent) && e.parent.arguments.includes(e) ? e.parent : undefined;
}

/**
 * A parameter of a private method (or a function local to its file and not exported) that every call passes a
 * value that does not outlive the caller's owner (`this._syncInputs(this._dragRef)` with `_dragRef` owned, or a
 * local holding a value the caller made: `const client = await this.factory.createClient(); this.register(client)`):
 * the parameter has the same lifetime. Unsure (other callers, no callers, spread arguments): false.
 */
function boundToOwnedAtEveryCall(types: TypeQueries, param: ts.ParameterDeclaration, owner: Owner, depth = 0): boolean {
  const fn = param.parent;
  if (depth > 2 || !ts.isMethodDeclaration(fn) || !fn.name || owner.kind !== 'class' || fn.parent !== owner.cls) return false;
  if (!isPrivateMember(fn) || !(ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return false;
  const index = fn.parameters.indexOf(param);
  const passesOwned = (n: ts.Node): boolean => {
    const access = n.parent;
    const call = ts.isPropertyAccessExpression(access) && access.name === n ? access.parent : undefined;
    const arg = call && ts.isCallExpression(call) && call.expression === access ? call.arguments[index] : undefined;
    return !!arg && !ts.isSpreadElement(arg) && ownedByCaller(types, arg, ownerOf(call!));
  };
  const refs = referencesTo(types, owner.cls, fn.name);
  return !!refs?.length && refs.every(passesOwned);
}

/**
 * A method's parameter that every call in the program (to it or to the base method it overrides) fills from the class
 * that owns both the receiver and the argument, once per receiver: `this.view = new View(); …
 * this.view.mount(this.host.nativeElement)`, the caller's own view element (or an owned field) given to the object it
 * has just made. Target and registrar both go with the caller: same scope. A call that may run again on the same
 * receiver (before or apart from its creation, in a loop, in a callback that runs more than once, beside another
 * such call that is not its alternative) registers again on the same target, and is not one.
 */
function handedInByReceiverOwner(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const method = param.parent;
  const calls = ts.isMethodDeclaration(method) ? callsOfMethod(types, method) : undefined;
  const index = method.parameters.indexOf(param);
  if (!calls?.length || !calls.every((call) => ownerHandsOwnArgument(types, call, index))) return false;
  return calls.every((a) => calls.every((b) => a === b || alternatives(a, b) || !inSameMember(a, b)));
}

/**
 * Every reference in the program to the method, or to the base class method it overrides or implements, as calls
 * (`receiver.m(…)`); undefined when one is not a call (the method passed around, `super.m(…)` aside, which is a call).
 */
export function callsOfMethod(types: TypeQueries, method: ts.MethodDeclaration): ts.CallExpression[] | undefined {
  const cls = method.parent;
  if (!ts.isClassLike(cls) || !ts.isIdentifier(method.name)) return undefined;
  const name = method.name.text;
  const overridden = types.baseClasses(cls).flatMap((base) => base.members.filter((m) => m.name?.getText() === name));
  const calls: ts.CallExpression[] = [];
  for (const declaration of [method, ...overridden]) {
    const symbol = declaration.name && types.symbolAt(declaration.name);
    if (!symbol) return undefined;
    for (const ref of types.programReferences(symbol)) {
      if (ref === declaration.name || isImportOrExport(ref) || isInType(ref)) continue;
      const access = ref.parent;
      const call = access.parent;
      if (!ts.isPropertyAccessExpression(access) || access.name !== ref || !ts.isCallExpression(call) || call.expression !== access)
        return undefined;
      calls.push(call);
    }
  }
  return calls;
}

/**
 * The call is `this.f.m(…, arg)` in a class that creates `f` and owns `arg`, made once per value of `f`: after the
 * member's own statement that puts a fresh value in `f`, through one-shot callbacks only.
 */
function ownerHandsOwnArgument(types: TypeQueries, call: ts.CallExpression, index: number): boolean {
  const receiver = thisProperty((call.expression as ts.PropertyAccessExpression).expression);
  const caller = ownerOf(call);
  const field = receiver && types.symbolAt(receiver.name);
  const arg = call.arguments[index];
  if (!field || caller.kind !== 'class' || !arg || ts.isSpreadElement(arg) || !ownedByCaller(types, arg, caller)) return false;
  const body = (ts.isMethodDeclaration(caller.member) || ts.isConstructorDeclaration(caller.member)) && caller.member.body;
  if (!body || !createdByClass(types, caller.cls, field)) return false;
  const createdBefore = body.statements.some((st) => st.end <= call.getStart() && assignsFresh(types, st, field));
  return createdBefore && runsOnceWithin(types, call, caller.member);
}

/** `this.f = new F()` (or another fresh value) as the statement. */
function assignsFresh(types: TypeQueries, st: ts.Statement, field: ts.Symbol): boolean {
  const e = ts.isExpressionStatement(st) ? st.expression : undefined;
  const left = e && isAssignment(e) ? thisProperty(e.left) : undefined;
  return !!left && types.symbolAt(left.name) === field && createsValue((e as ts.BinaryExpression).right);
}

/**
 * The code at `node` runs at most once for each run of `member`: no loop around it there, and every function between
 * is a one-shot callback (a promise's reaction, `once`, a one-shot timer, a subscription to a stream's first value).
 */
function runsOnceWithin(types: TypeQueries, node: ts.Node, member: ts.ClassElement): boolean {
  for (let n = node.parent; n !== member; n = n.parent) {
    if (ts.isIterationStatement(n, false)) return false;
    if (ts.isFunctionLike(n) && !(promiseReaction(types, n) || onceCallbackCall(types, n) || oneShotCallbackCall(types, n))) return false;
  }
  return true;
}

const ONE_SHOT_TIMERS: DeclarationSpec = { name: ONE_SHOT_SCHEDULES, from: PLATFORM };

/** `setTimeout(fn)`, `setImmediate(fn)`, or `source.pipe(first()).subscribe(fn)`: the callback runs once. */
function oneShotCallbackCall(types: TypeQueries, fn: ts.SignatureDeclaration): ts.CallExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const call = outerCall(fn);
  const callee = call && unwrap(call.expression);
  const name = callee && calleeName(callee);
  if (!callee || !name) return undefined;
  if (namesSpec(types, name, ONE_SHOT_TIMERS)) return call;
  if (!ts.isPropertyAccessExpression(callee) || name.text !== 'subscribe') return undefined;
  const firstOnly = (op: ts.Expression): boolean =>
    ts.isCallExpression(op) &&
    (calledName(op) === 'first' || (calledName(op) === 'take' && op.arguments.length === 1 && op.arguments[0].getText() === '1'));
  return observableChain(types, callee.expression).operators.some(firstOnly) ? call : undefined;
}

function inSameMember(a: ts.Node, b: ts.Node): boolean {
  const [x, y] = [ownerOf(a), ownerOf(b)];
  return x.kind === 'class' && y.kind === 'class' && x.member === y.member;
}

/** One call in the then branch of an `if` and the other in its else branch: at most one of them runs. */
function alternatives(a: ts.Node, b: ts.Node): boolean {
  const within = (n: ts.Node, scope: ts.Node | undefined) => !!scope && n.pos >= scope.pos && n.end <= scope.end;
  for (let n = a.parent; n; n = n.parent) {
    if (!ts.isIfStatement(n)) continue;
    const [then, otherwise] = [n.thenStatement, n.elseStatement];
    if ((within(a, then) && within(b, otherwise)) || (within(a, otherwise) && within(b, then))) return true;
  }
  return false;
}

/**
 * An argument that does not outlive the calling code: a field of `this` the class owns, or a value rooted in a local
 * the caller made (`const ref = new Ref(); this.watch(ref)`). Parameters are left out: following them would recurse.
 */
function ownedByCaller(types: TypeQueries, arg: ts.Expression, callerOwner: Owner): boolean {
  if (thisProperty(thisField(arg))) return !outlivesOwner(types, arg, callerOwner);
  const root = rootIdentifier(arg);
  const decl = root && types.symbolAt(root)?.valueDeclaration;
  return !!decl && ts.isVariableDeclaration(decl) && !outlivesOwner(types, arg, callerOwner);
}

/** Angular's view and content queries: what they hold is part of the component's own view, destroyed with it. */
const VIEW_QUERIES = new Set(['ViewChild', 'ViewChildren', 'ContentChild', 'ContentChildren']);

/**
 * A field filled by a view or content query (`@ContentChildren(Item) items: QueryList<Item>`): the children and the
 * QueryList (whose `changes` Angular completes) live no longer than the component's view. Decorators by name.
 */
function isViewQuery(field: ts.Symbol): boolean {
  const decl = field.valueDeclaration;
  return !!decl && ts.isPropertyDeclaration(decl) && hasDecorator(decl, VIEW_QUERIES);
}

/** `@Name(…)` or `@Name` on the declaration, for one of the names. */
function hasDecorator(decl: ts.HasDecorators, names: ReadonlySet<string>): boolean {
  return (ts.getDecorators(decl) ?? []).some((d) => {
    const e = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return ts.isIdentifier(e) && names.has(e.text);
  });
}

/** `inject(Token)` (Angular, Vue): a lookup of what an injector provides, shared with others, not a value made here. */
function isInjection(e: ts.Expression): e is ts.CallExpression {
  return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'inject';
}

/**
 * A field injected (`inject(Token)`, or a constructor parameter typed `Token`) with a token that the component's
 * own injector provides (`providers: [Token]`, `{ provide: Token, useClass | useFactory }`): the instance is made
 * for this component and destroyed with it. `useExisting` and `useValue` share a value made elsewhere. A lookup
 * limited to the element or its host (`{ self: true }`, `{ host: true }`) finds what lives in the same view.
 */
function providedByOwnInjector(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  const decl = field.valueDeclaration;
  let tokenNode: ts.Node | undefined;
  if (decl && ts.isPropertyDeclaration(decl) && decl.initializer) {
    const init = unwrap(decl.initializer);
    if (isInjection(init) && viewLocalLookup(init.arguments[1])) return true;
    if (isInjection(init)) tokenNode = init.arguments[0];
  } else if (decl && ts.isParameter(decl)) {
    // `@Inject(TOKEN) x: Type` looks TOKEN up, whatever the declared type
    tokenNode = injectDecoratorToken(decl);
    if (!tokenNode && decl.type && ts.isTypeReferenceNode(decl.type))
      tokenNode = ts.isQualifiedName(decl.type.typeName) ? decl.type.typeName.right : decl.type.typeName;
  }
  const token = tokenNode && types.symbolAt(tokenNode);
  if (!token) return false;
  if (isComponentToken(token)) return !handsItselfTo(types, cls, field);
  const declaring = decl?.parent && ts.isClassLike(decl.parent) ? decl.parent : undefined;
  const classes = declaring && declaring !== cls ? [cls, declaring] : [cls];
  const provides = (c: ts.ClassLikeDeclaration) => ownProviders(c).some((p) => providesOwnInstance(types, p, token));
  return classes.some(provides) || everyConcreteSubclass(types, cls, provides);
}

/** An abstract class whose subclasses in the program (one at least) all satisfy `holds`: each instance is one of them. */
function everyConcreteSubclass(
  types: TypeQueries,
  cls: ts.ClassLikeDeclaration,
  holds: (subclass: ts.ClassLikeDeclaration) => boolean,
): boolean {
  const symbol = cls.name && types.symbolAt(cls.name);
  if (!symbol || (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Abstract) === 0) return false;
  const subclasses = types.programReferences(symbol).flatMap((ref) => extendingClass(ref) ?? []);
  return subclasses.length > 0 && subclasses.every(holds);
}

/** The token of a constructor parameter's `@Inject(TOKEN)` decorator (by name). */
function injectDecoratorToken(param: ts.ParameterDeclaration): ts.Expression | undefined {
  for (const d of ts.getDecorators(param) ?? []) {
    const e = d.expression;
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Inject' && e.arguments.length === 1)
      return unwrap(e.arguments[0]);
  }
  return undefined;
}

/** `inject(T, { self: true })` or `{ host: true }`: looked up no further than this element or its host's view. */
function viewLocalLookup(options: ts.Expression | undefined): boolean {
  const o = options && unwrap(options);
  return (
    !!o &&
    ts.isObjectLiteralExpression(o) &&
    o.properties.some(
      (p) => ts.isPropertyAssignment(p) && ['self', 'host'].includes(p.name.getText()) && p.initializer.kind === ts.SyntaxKind.TrueKeyword,
    )
  );
}

const COMPONENT_DECORATORS = new Set(['Component', 'Directive']);

/**
 * A component or directive class as the token (`inject(ParentPanel)`): Angular finds it on this element or an
 * enclosing one, whose view holds this one; they are made and destroyed together but for a child rendered
 * conditionally, so the pattern is read as one lifetime (when unsure, stay silent). Decorators by name.
 */
function isComponentToken(token: ts.Symbol): boolean {
  const decl = token.valueDeclaration;
  return !!decl && ts.isClassDeclaration(decl) && isViewComponent(decl);
}

/** An Angular component or directive (`@Component`, `@Directive`; decorators by name): the framework destroys it with its view. */
export function isViewComponent(cls: ts.ClassLikeDeclaration): boolean {
  return hasDecorator(cls, COMPONENT_DECORATORS);
}

/**
 * The class hands its instance to the injected parent (`this._tree._registerNode(this)`): the parent keeps a set of
 * such children, which come and go while it lives (rows, tree nodes), so it outlives each of them.
 */
function handsItselfTo(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  return someNode(cls, (n) => {
    if (!ts.isCallExpression(n) || !n.arguments.some((a) => unwrap(a).kind === ts.SyntaxKind.ThisKeyword)) return false;
    const callee = unwrap(n.expression);
    const receiver = ts.isPropertyAccessExpression(callee) ? thisProperty(unwrap(callee.expression)) : undefined;
    return !!receiver && types.symbolAt(receiver.name) === field;
  });
}

/**
 * A field declared as a component or directive (`_startInput: StartDateInput`, which that child sets to itself): a
 * directive of the same view, read as one lifetime with the owner, like an injected one (see isComponentToken).
 */
function holdsComponent(types: TypeQueries, field: ts.Symbol): boolean {
  const decl = field.valueDeclaration;
  const type = decl && ts.isPropertyDeclaration(decl) ? decl.type : undefined;
  if (!type || !ts.isTypeReferenceNode(type)) return false;
  const name = ts.isQualifiedName(type.typeName) ? type.typeName.right : type.typeName;
  const symbol = types.symbolAt(name);
  return !!symbol && isComponentToken(symbol);
}

/** The `providers` and `viewProviders` of a class decorator's options (`@Component({ providers: [...] })`). */
function ownProviders(cls: ts.ClassLikeDeclaration): ts.Expression[] {
  return (ts.getDecorators(cls) ?? []).flatMap((d) => {
    const options = ts.isCallExpression(d.expression) ? d.expression.arguments[0] : undefined;
    if (!options || !ts.isObjectLiteralExpression(options)) return [];
    return options.properties.flatMap((p) =>
      ts.isPropertyAssignment(p) && ['providers', 'viewProviders'].includes(p.name.getText()) && ts.isArrayLiteralExpression(p.initializer)
        ? p.initializer.elements.filter((e) => !ts.isSpreadElement(e))
        : [],
    );
  });
}

function providesOwnInstance(types: TypeQueries, provider: ts.Expression, token: ts.Symbol, depth = 0): boolean {
  const p = unwrap(provider);
  if (ts.isIdentifier(p)) {
    const symbol = types.symbolAt(p);
    if (symbol === token) return true; // `providers: [Service]`
    // a provider kept in a constant: `const STORE_PROVIDER = { provide: Store, useFactory: … }`
    const decl = symbol?.valueDeclaration;
    return (
      depth < 2 &&
      !!decl &&
      ts.isVariableDeclaration(decl) &&
      !!decl.initializer &&
      providesOwnInstance(types, decl.initializer, token, depth + 1)
    );
  }
  if (!ts.isObjectLiteralExpression(p)) return false;
  const property = (name: string): ts.PropertyAssignment | undefined =>
    p.properties.find((x): x is ts.PropertyAssignment => ts.isPropertyAssignment(x) && x.name.getText() === name);
  const provide = property('provide');
  if (!provide || types.symbolAt(unwrap(provide.initializer)) !== token) return false;
  return !!property('useClass') || !!property('useFactory');
}

/** `new …`, a call, or a literal (through `await`, wrappers and both branches of `?:`): an expression that makes a fresh value. */
export function createsValue(e: ts.Expression): boolean {
  const x = unwrap(e, { await: true });
  if (ts.isConditionalExpression(x)) return createsValue(x.whenTrue) && createsValue(x.whenFalse);
  if (isAssignment(x)) return createsValue(x.right); // `a = b = make()`
  if (isInjection(x)) return false;
  return ts.isNewExpression(x) || ts.isCallExpression(x) || ts.isObjectLiteralExpression(x) || ts.isArrayLiteralExpression(x);
}

/**
 * A local that holds a value made in its function: initialised with one (or `this`), or declared empty
 * (`let s = null`, or `make ? make() : null`) and only ever assigned fresh values.
 */
function holdsCreatedValue(types: TypeQueries, decl: ts.VariableDeclaration): boolean {
  const init = decl.initializer && unwrap(decl.initializer);
  if (init && (createsValue(init) || init.kind === ts.SyntaxKind.ThisKeyword)) return true;
  if (init && !createdOrEmpty(init)) return false;
  const symbol = types.symbolAt(decl.name);
  const fn = enclosingFunction(decl);
  if (!symbol || !fn) return false;
  // clearing it (`s = null`) does not make it hold anything longer-lived
  return assignmentsTo(types, symbol, fn).every((a) => createdOrEmpty(a.right));
}

/** A fresh value or none, on every branch of `?:`. */
function createdOrEmpty(e: ts.Expression): boolean {
  const x = unwrap(e, { await: true });
  if (ts.isConditionalExpression(x)) return createdOrEmpty(x.whenTrue) && createdOrEmpty(x.whenFalse);
  return createsValue(x) || isEmptyValue(x);
}

function isEmptyValue(e: ts.Expression): boolean {
  let x = unwrap(e);
  while (isAssignment(x)) x = unwrap(x.right); // `a = b = null`
  return x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
}

/** `x = …` assignments to the variable anywhere under `scope`. */
function assignmentsTo(types: TypeQueries, symbol: ts.Symbol, scope: ts.Node): ts.BinaryExpression[] {
  const out: ts.BinaryExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (isAssignment(n) && ts.isIdentifier(n.left) && types.symbolAt(n.left) === symbol) out.push(n);
    n.forEachChild(visit);
  };
  visit(scope);
  return out;
}

/** A statement `x = <fresh value>` earlier in a block that encloses `use`, in the same function (so it ran before `use`). */
function assignedFreshBefore(types: TypeQueries, symbol: ts.Symbol, use: ts.Node): boolean {
  const fn = enclosingFunction(use);
  if (!fn) return false;
  return assignmentsTo(types, symbol, fn).some((a) => {
    const statement = a.parent;
    return (
      ts.isExpressionStatement(statement) &&
      a.end <= use.getStart() &&
      use.pos >= statement.parent.pos &&
      use.end <= statement.parent.end &&
      enclosingFunction(a) === fn &&
      createsValue(a.right)
    );
  });
}

/**
 * The class owns the field: it assigns `this.f = new …` / `create…()` (directly, through a fresh local, or in the
 * field's initialiser), or the field is a constructor parameter every caller passes a fresh value for.
 */
export function createdByClass(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  let created = false;
  const fresh = (e: ts.Expression): boolean => {
    if (createsValue(e)) return true;
    const x = unwrap(e);
    if (!ts.isIdentifier(x)) return false;
    const decl = types.symbolAt(x)?.valueDeclaration;
    if (decl && ts.isParameter(decl)) return freshFromEveryCaller(types, cls, decl);
    return !!decl && ts.isVariableDeclaration(decl) && !!enclosingFunction(decl) && holdsCreatedValue(types, decl);
  };
  const visit = (n: ts.Node): void => {
    if (created) return;
    // by declaration too: a member read through a subclass's `this` may come as an instantiated copy of the symbol
    const declares = ts.isPropertyDeclaration(n) && (n === field.valueDeclaration || types.symbolAt(n.name) === field);
    if (declares && n.initializer && createsValue(n.initializer)) created = true;
    else if (ts.isParameter(n) && ts.isConstructorDeclaration(n.parent) && field.valueDeclaration === n) {
      // a parameter property: `constructor(private readonly connection: Connection)`
      created = freshFromEveryCaller(types, cls, n);
    } else if (
      isAssignment(n) &&
      ts.isPropertyAccessExpression(n.left) &&
      n.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      types.symbolAt(n.left.name) === field &&
      fresh(n.right)
    ) {
      created = true;
    } else n.forEachChild(visit);
  };
  visit(cls);
  return created;
}

/**
 * A readonly field of the direct base class, which the class's constructor gives nothing shared (`super()`, or
 * `super({ node: document.createElement('iframe') })`): the base made the value for this instance (a widget's node).
 */
function setUpByBase(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  const decl = field.valueDeclaration;
  const [base] = types.baseClasses(cls);
  if (!decl || !base || decl.parent !== base || !(ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Readonly)) return false;
  const ctor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  const superCall = ctor?.body?.statements
    .map((s) => (ts.isExpressionStatement(s) ? unwrap(s.expression) : undefined))
    .find((e): e is ts.CallExpression => !!e && ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword);
  return !!superCall && superCall.arguments.every(madeHere);
}

/** A value made here with nothing shared in it: `new …`, a call, or literals of those. */
function madeHere(e: ts.Expression): boolean {
  const x = unwrap(e);
  if (ts.isObjectLiteralExpression(x)) return x.properties.every((p) => ts.isPropertyAssignment(p) && madeHere(p.initializer));
  if (ts.isArrayLiteralExpression(x)) return x.elements.every(madeHere);
  return ts.isNewExpression(x) || ts.isCallExpression(x) || ts.isStringLiteralLike(x) || ts.isNumericLiteral(x);
}

/** Methods that set a source going: whoever calls them runs the source, so it is theirs (users of a shared one do not). */
const STARTS = new Set(['listen', 'start', 'connect', 'open']);

/** The class starts the field's value (`this.connection.listen()`, or through `const c = this.connection`): it owns it. */
function startedByClass(types: TypeQueries, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  const isField = (e: ts.Expression): boolean => {
    const x = unwrap(e);
    if (ts.isPropertyAccessExpression(x)) return x.expression.kind === ts.SyntaxKind.ThisKeyword && types.symbolAt(x.name) === field;
    if (!ts.isIdentifier(x)) return false;
    const decl = types.symbolAt(x)?.valueDeclaration;
    return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && isField(decl.initializer);
  };
  let started = false;
  const visit = (n: ts.Node): void => {
    if (started) return;
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      STARTS.has(n.expression.name.text) &&
      isField(n.expression.expression)
    )
      started = true;
    else n.forEachChild(visit);
  };
  visit(cls);
  return started;
}

/**
 * A constructor parameter where every `new C(…)` in the program (in its file, when the class is not exported)
 * passes a value made for it: a fresh value, or a local of the caller holding one (`const resolver = new
 * Resolver(); new Service(resolver)`). Each instance gets a source of its own. Passed around, subclassed or given
 * a shared value anywhere: false.
 */
function freshFromEveryCaller(types: TypeQueries, cls: ts.ClassLikeDeclaration, param: ts.ParameterDeclaration): boolean {
  return everyInstantiationPasses(types, cls, param, (where, arg) => madeForTheCall(where, arg));
}

/** Whether an argument passed where the class is made (`created`: the `new` or `super(…)`) is acceptable, in its program. */
type Accepts = (types: TypeQueries, arg: ts.Expression, created: ts.Node) => boolean;

/**
 * Every `new C(…)` of the class in the program (in its file, when not exported) passes an argument `accepts` (and
 * there is one). A subclass's `super(…)` passes its own: an argument, or its constructor's parameter followed to
 * the subclass's instantiations. With `elsewhere`, an export its own program never makes is judged by the scan's
 * other projects' instantiations (a package's provider that another package's session creates).
 */
function everyInstantiationPasses(
  types: TypeQueries,
  cls: ts.ClassLikeDeclaration,
  param: ts.ParameterDeclaration,
  accepts: Accepts,
  elsewhere = false,
): boolean {
  const ctor = param.parent;
  if (!ts.isConstructorDeclaration(ctor) || ctor.parent !== cls) return false;
  const index = ctor.parameters.indexOf(param);
  const made = instantiationsOf(types, cls, index, accepts, 0);
  const classSymbol = cls.name && types.symbolAt(cls.name);
  const exported = (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Export) !== 0;
  if (made !== 0 || !elsewhere || !exported || !classSymbol) return !!made;
  return everyUseElsewhereCounts(types, classSymbol, (where, there) => instantiationsPassing(where, there, cls, index, accepts, 0));
}

function passedAtEveryInstantiation(
  types: TypeQueries,
  cls: ts.ClassLikeDeclaration,
  index: number,
  accepts: Accepts,
  depth: number,
): boolean {
  return !!instantiationsOf(types, cls, index, accepts, depth);
}

/** The instantiations of the class in the program (see everyInstantiationPasses); undefined when one passes what `accepts` does not. */
function instantiationsOf(
  types: TypeQueries,
  cls: ts.ClassLikeDeclaration,
  index: number,
  accepts: Accepts,
  depth: number,
): number | undefined {
  const classSymbol = cls.name && types.symbolAt(cls.name);
  if (!classSymbol || depth > 2) return undefined;
  const exported = (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Export) !== 0;
  const references = exported ? types.programReferences(classSymbol) : (referencesTo(types, cls.getSourceFile(), cls.name!) ?? []);
  return instantiationsPassing(types, references, cls, index, accepts, depth);
}

/** How many instantiations among the references pass an accepted argument at `index`; undefined when one does not. */
function instantiationsPassing(
  types: TypeQueries,
  references: readonly (ts.Identifier | ts.PrivateIdentifier)[],
  cls: ts.ClassLikeDeclaration,
  index: number,
  accepts: Accepts,
  depth: number,
): number | undefined {
  const constructsItself = makesItsOwnInstances(cls);
  let instantiations = 0;
  for (const ref of references) {
    if (namesNoInstance(types, ref, cls, constructsItself) || isInjectionToken(ref)) continue;
    const subclass = extendingClass(ref);
    const alias = subclass ? undefined : constructorField(types, ref);
    if (subclass) {
      if (!passedBySubclass(types, subclass, index, accepts, depth)) return undefined;
    } else if (alias) {
      const made = instantiationsThrough(types, alias, index, accepts);
      if (made === undefined) return undefined;
      instantiations += made;
      continue;
    } else if (!passedAt(types, ref, index, accepts)) return undefined;
    instantiations++;
  }
  return instantiations;
}

/**
 * A reference to the class that makes no instance: its own name, an import or export, a type, a merged namespace, a
 * static member read (`C.check()`), or the class handed on as its static side where no constructor is expected
 * (`registry.add('terminal', C)` for a parameter typed with the class's static factory methods: only they can make
 * instances, and their `new C(…)` are references of their own); the last two unless the class uses `new this(…)`.
 */
function namesNoInstance(types: TypeQueries, ref: ts.Node, cls: ts.ClassLikeDeclaration, constructsItself: boolean): boolean {
  if (ref === cls.name || isImportOrExport(ref) || isInType(ref) || namesDeclaration(ref)) return true;
  if (constructsItself || !ts.isIdentifier(ref)) return false;
  const access = ref.parent;
  if (ts.isPropertyAccessExpression(access) && access.expression === ref) return true;
  // the class's statics first: the expected type of an argument costs resolving the call
  const statics = cls.members.filter((m) => m.name && ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Static);
  const expected = statics.length ? types.contextualType(ref) : undefined;
  return !!expected && !types.mayConstruct(expected) && statics.some((m) => types.hasProperty(expected, m.name!.getText()));
}

function makesItsOwnInstances(cls: ts.ClassLikeDeclaration): boolean {
  return /\bnew this\b/.test(cls.getText());
}

/** `new C(…)` at `callee` passes an argument at `index` that `accepts` takes. */
function passedAt(types: TypeQueries, callee: ts.Node, index: number, accepts: Accepts): boolean {
  const parent = callee.parent;
  const arg = ts.isNewExpression(parent) && parent.expression === callee ? parent.arguments?.[index] : undefined;
  return !!arg && !ts.isSpreadElement(arg) && accepts(types, arg, parent);
}

/** A class used as a DI token (`inject(C)`, `{ provide: C, … }`): a look-up, not an instantiation. */
function isInjectionToken(ref: ts.Node): boolean {
  const use = ts.isExpressionWithTypeArguments(ref.parent) ? ref.parent : ref;
  const p = use.parent;
  if (ts.isPropertyAssignment(p)) return p.initializer === use && ts.isIdentifier(p.name) && p.name.text === 'provide';
  return ts.isCallExpression(p) && p.arguments[0] === use && isInjection(p);
}

/** `this._refType = C` (or a field initialised so): the private field that keeps the class to construct it later. */
function constructorField(types: TypeQueries, ref: ts.Node): ts.Symbol | undefined {
  const p = ref.parent;
  const target =
    isAssignment(p) && p.right === ref && thisProperty(p.left)
      ? (p.left as ts.PropertyAccessExpression).name
      : ts.isPropertyDeclaration(p) && p.initializer === ref
        ? p.name
        : undefined;
  const field = target && types.symbolAt(target);
  const decl = field?.valueDeclaration;
  const hidden = !!decl && ts.isPropertyDeclaration(decl) && isPrivateMember(decl);
  return hidden ? field : undefined;
}

/**
 * The instantiations through a private field that keeps a class: each `new this.field(…)` must pass an accepted
 * argument, and the field may otherwise only be assigned or used as a DI token. Any other use: undefined.
 */
function instantiationsThrough(types: TypeQueries, field: ts.Symbol, index: number, accepts: Accepts): number | undefined {
  const decl = field.valueDeclaration as ts.PropertyDeclaration;
  const refs = referencesTo(types, decl.parent, decl.name as ts.Identifier | ts.PrivateIdentifier) ?? [];
  let made = 0;
  for (const name of refs) {
    const access = name.parent;
    if (!ts.isPropertyAccessExpression(access) || access.name !== name) return undefined;
    if (isAssignment(access.parent) && access.parent.left === access) continue;
    if (isInjectionToken(access)) continue;
    if (!passedAt(types, access, index, accepts)) return undefined;
    made++;
  }
  return made;
}

/** The name of a declaration merged with the class (`namespace Popup { … }` beside `class Popup`). */
function namesDeclaration(ref: ts.Node): boolean {
  return ts.isModuleDeclaration(ref.parent) && ref.parent.name === ref;
}

/** `class Sub extends C` at the reference `C`: Sub. */
function extendingClass(ref: ts.Node): ts.ClassLikeDeclaration | undefined {
  const heritage = ref.parent;
  const clause = heritage.parent;
  if (!ts.isExpressionWithTypeArguments(heritage) || !ts.isHeritageClause(clause) || clause.token !== ts.SyntaxKind.ExtendsKeyword)
    return undefined;
  return clause.parent as ts.ClassLikeDeclaration;
}

/** The subclass's `super(…)` argument at `index` is accepted, or is its own parameter that its instantiations fill so. */
function passedBySubclass(types: TypeQueries, subclass: ts.ClassLikeDeclaration, index: number, accepts: Accepts, depth: number): boolean {
  const ctor = subclass.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  if (!ctor) return passedAtEveryInstantiation(types, subclass, index, accepts, depth + 1);
  const superCall = ctor
    .body!.statements.map((st) => (ts.isExpressionStatement(st) ? unwrap(st.expression) : undefined))
    .find((e): e is ts.CallExpression => !!e && ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.SuperKeyword);
  const arg = superCall?.arguments[index];
  if (!arg || ts.isSpreadElement(arg)) return false;
  const x = unwrap(arg);
  const own = ts.isIdentifier(x) ? ctor.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === x.text) : -1;
  return own >= 0 ? passedAtEveryInstantiation(types, subclass, own, accepts, depth + 1) : accepts(types, arg, superCall!);
}

function madeForTheCall(types: TypeQueries, arg: ts.Expression): boolean {
  if (createsValue(arg)) return true;
  const x = unwrap(arg);
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  return !!decl && ts.isVariableDeclaration(decl) && !!enclosingFunction(decl) && holdsCreatedValue(types, decl);
}
