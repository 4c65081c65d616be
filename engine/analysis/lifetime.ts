// The lifetime model. Every finding compares two lifetimes: the registrar's (the code that registers, acquires or
// adds) and the source's (what it registers on, or holds). See docs/architecture.md, "Lifetimes".
//
// Registrars that run once for the application (runsOncePerApplication): module top level, static initialisers,
// top-level IIFEs, functions called only from there, plugin activations, the set-up of dependency-injection
// singletons (root-provided without a teardown, or only registered with a container as singletons), one-shot
// callbacks of such code, and code behind a memo that is never cleared. What they register lives as long as the
// application and is no leak.
//
// Sources (outlivesOwner): globals, imports, module-level values, parameters (borrowed) and fields the class did not
// create outlive their owner. `this`, locals and fields the owner creates (owned), parameters every caller binds to
// one of those (same scope), and self-ending sources (the HTTP messages of one exchange, cancellation tokens, the
// per-connection sockets an event hands its listener) die with it, taking their registrations along.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { calleeName, isAssignment, outerExpression, rootIdentifier, thisField, thisProperty, unwrap } from './expressions';
import { referencesTo } from './walk';
import { enclosingFunction, isProgramLifetime, ownerOf, type Owner } from './owner';
import { LISTENER_REGISTRATIONS } from './events';

/** True when the code at `node` runs once for the whole application (see the header). */
export function runsOncePerApplication(types: TypeQueries, node: ts.Node, depth = 0): boolean {
  if (isProgramLifetime(node)) return true;
  const owner = ownerOf(node);
  if (owner.kind === 'class')
    return (
      isSingletonSetUp(owner.cls, owner.member) ||
      isContainerSingletonSetUp(types, owner.cls, owner.member) ||
      (memoisedOnce(types, node) === 'field' && isContainerSingletonSetUp(types, owner.cls, undefined))
    );
  if (owner.kind !== 'function') return false;
  if (memoisedOnce(types, node) === 'module') return true;
  const fn = owner.fn;
  if (isPluginActivation(fn)) return true;
  if (depth >= 3) return false;
  const passedTo = onceCallbackCall(fn);
  return passedTo ? runsOncePerApplication(types, passedTo, depth + 1) : calledOnlyOnce(types, fn, depth);
}

/**
 * Code memoised by a guard: `if (cache) return cache; …; cache = …; <node>` or `if (!cache) { cache = …; <node> }`,
 * where the cache is a module-level variable ('module': once for the application) or a field of `this` ('field':
 * once per instance), and nothing ever clears it (no `cache = undefined`).
 */
function memoisedOnce(types: TypeQueries, node: ts.Node): 'module' | 'field' | undefined {
  const fn = enclosingFunction(node);
  const body = fn && 'body' in fn ? fn.body : undefined;
  if (!body || !ts.isBlock(body)) return undefined;
  for (let inner: ts.Node = node; inner !== body; inner = inner.parent) {
    const block = inner.parent;
    if (!ts.isBlock(block)) continue;
    const before = block.statements.filter((st) => st.end <= inner.getStart());
    // `if (!cache) { … }` around the block, or `if (cache) return …;` before it
    const around = ts.isIfStatement(block.parent) && block.parent.thenStatement === block ? block.parent : undefined;
    const guards = [
      ...(around && isNegation(around.expression) ? [unwrap((around.expression as ts.PrefixUnaryExpression).operand)] : []),
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
 * one-shot listener's (`once`), and a language server's initialisation handlers (`connection.onInitialized(…)`; the
 * client initialises a connection once).
 */
function onceCallbackCall(fn: ts.SignatureDeclaration): ts.CallExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const call = outerCall(fn);
  const callee = call && unwrap(call.expression);
  return callee && ts.isPropertyAccessExpression(callee) && ONCE_CALLBACKS.has(callee.name.text) ? call : undefined;
}
const ONCE_CALLBACKS = new Set(['then', 'catch', 'finally', 'once', 'onInitialize', 'onInitialized']);

/** `activate` of a plugin descriptor (`{ id: '…', activate(app) { … } }`) at module level: the host runs it once. */
function isPluginActivation(fn: ts.SignatureDeclaration): boolean {
  const member = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) ? fn.parent : undefined;
  return !!member && isPluginActivateMember(member);
}

/** The `activate` member of a module-level plugin descriptor (`{ id, activate }`, also `activate,` or `activate: fn`). */
function isPluginActivateMember(member: ts.ObjectLiteralElement): boolean {
  if (!member.name || !ts.isIdentifier(member.name) || member.name.text !== 'activate') return false;
  const descriptor = member.parent;
  if (!ts.isObjectLiteralExpression(descriptor)) return false;
  const hasId = descriptor.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'id');
  return hasId && isProgramLifetime(descriptor);
}

/**
 * The constructor (or a field initialiser) of a dependency-injection singleton without a teardown: Angular's
 * `@Injectable({ providedIn: 'root' })` lives as long as the application and is constructed once.
 */
function isSingletonSetUp(cls: ts.ClassLikeDeclaration, member: ts.ClassElement): boolean {
  if (!ts.isConstructorDeclaration(member) && !ts.isPropertyDeclaration(member)) return false;
  const rootProvided = (ts.getDecorators(cls) ?? []).some((d) => {
    const call = d.expression;
    if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'Injectable') return false;
    const options = call.arguments[0];
    return (
      !!options &&
      ts.isObjectLiteralExpression(options) &&
      options.properties.some(
        (p) =>
          ts.isPropertyAssignment(p) &&
          p.name.getText() === 'providedIn' &&
          ts.isStringLiteralLike(p.initializer) &&
          ['root', 'platform'].includes(p.initializer.text),
      )
    );
  });
  return rootProvided && !cls.members.some((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'ngOnDestroy');
}

/**
 * The constructor, a field initialiser or the `activate` method (any member, without one) of a class that is only
 * ever registered with a dependency-injection container as a singleton (`serviceManager.addSingleton(IToken, Service)`,
 * `container.registerSingleton(Service)`): the container makes one instance and activates it once.
 */
function isContainerSingletonSetUp(types: TypeQueries, cls: ts.ClassLikeDeclaration, member: ts.ClassElement | undefined): boolean {
  const setUp =
    !member ||
    ts.isConstructorDeclaration(member) ||
    ts.isPropertyDeclaration(member) ||
    (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === 'activate');
  if (!setUp || !cls.name) return false;
  // per program: other files' registrations decide it
  const singletons = types.programWide('container-singletons', () => new WeakMap<ts.ClassLikeDeclaration, boolean>());
  let singleton = singletons.get(cls);
  if (singleton === undefined) singletons.set(cls, (singleton = registeredOnlyAsSingleton(types, cls.name)));
  return singleton;
}

function registeredOnlyAsSingleton(types: TypeQueries, name: ts.Identifier): boolean {
  const symbol = types.symbolAt(name);
  if (!symbol) return false;
  let registrations = 0;
  for (const ref of types.programReferences(symbol)) {
    if (ref === name || isImportOrExport(ref) || isInType(ref)) continue;
    const call = ref.parent;
    const callee = ts.isCallExpression(call) && call.arguments.includes(ref) ? calleeName(call.expression) : undefined;
    if (!callee || !/Singleton$/.test(callee.text)) return false;
    registrations++;
  }
  return registrations > 0;
}

function isInType(ref: ts.Node): boolean {
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
  // an exported function may be called from anywhere in the program; a local one only from its file
  const references = exported ? types.programReferences(symbol) : (referencesTo(types, fn.getSourceFile(), name) ?? []);
  let calls = 0;
  for (const ref of references) {
    if (ref === name || isImportOrExport(ref)) continue;
    const member = ref.parent;
    if (ts.isShorthandPropertyAssignment(member) || (ts.isPropertyAssignment(member) && member.initializer === ref)) {
      if (!isPluginActivateMember(member)) return false;
      calls++;
      continue;
    }
    const callee = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref; // `Commands.addCommands(…)`
    const call = callee.parent;
    if (!ts.isCallExpression(call) || call.expression !== callee || !runsOncePerApplication(types, call, depth + 1)) return false;
    calls++;
  }
  return calls > 0;
}

function isImportOrExport(ref: ts.Node): boolean {
  const p = ref.parent;
  return ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) || ts.isExportAssignment(p);
}

export function outlivesOwner(types: TypeQueries, target: ts.Expression, owner: Owner): boolean {
  if (target.kind === ts.SyntaxKind.ThisKeyword || isSelfEnding(types, target)) return false;
  // `ref.afterClosed()`, `this.model.changed()`: what a method returns lives as long as its receiver; what a
  // function returns (`interval(1000)`) is judged unknown, and so long-lived
  const x = unwrap(target);
  if (ts.isCallExpression(x)) return !ts.isPropertyAccessExpression(x.expression) || outlivesOwner(types, x.expression.expression, owner);
  const field = thisField(target);
  if (field !== target) return outlivesOwner(types, field, owner); // `this.store.events` lives as long as `this.store`
  if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
    if (owner.kind !== 'class') return false;
    const field = types.symbolAt(target.name);
    return !!field && !createdByClass(types, owner.cls, field) && !startedByClass(types, owner.cls, field);
  }
  const root = rootIdentifier(target);
  if (!root) return false;
  const symbol = types.symbolAt(root);
  const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!decl) return false;
  // the code just put a fresh value there (`client = createClient(); client.onX(…)`): the source is new, not shared
  if (assignedFreshBefore(types, symbol!, target)) return false;
  if (decl.getSourceFile() !== target.getSourceFile()) return true; // a global or an import
  if (ts.isParameter(decl)) return !eventPayload(types, decl) && !boundToOwnedAtEveryCall(types, decl, owner);
  const declaringFn = enclosingFunction(decl);
  if (!declaringFn) return true; // module-level
  if (!ts.isVariableDeclaration(decl)) return false;
  // `const c = this.connection`: as long-lived as the field it was read from
  const init = decl.initializer && unwrap(decl.initializer);
  if (init && ts.isPropertyAccessExpression(init) && init.expression.kind === ts.SyntaxKind.ThisKeyword)
    return outlivesOwner(types, init, owner);
  // a local: it is as short-lived as its function unless it was read from somewhere longer-lived
  return !holdsCreatedValue(types, decl);
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
  const type = types.typeAt(target);
  if (types.hasMethod(type, 'onCancellationRequested') && types.hasProperty(type, 'isCancellationRequested')) return true;
  return PER_EXCHANGE.test(types.typeName(type).replace(/<.*$/, ''));
}

/**
 * A parameter of a listener that an event hands a closable object (a server's 'connection' socket, a new stream):
 * the object is made for that event, and what is registered on it ends when it is closed.
 */
function eventPayload(types: TypeQueries, param: ts.ParameterDeclaration): boolean {
  const fn = param.parent;
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const registration = outerCall(fn);
  const callee = registration && unwrap(registration.expression);
  if (!callee || !ts.isPropertyAccessExpression(callee) || !LISTENER_REGISTRATIONS.has(callee.name.text)) return false;
  const type = types.typeAt(param);
  return types.hasMethod(type, 'destroy') || types.hasMethod(type, 'close');
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
  const isPrivate = ts.isPrivateIdentifier(fn.name) || (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Private) !== 0;
  if (!isPrivate || !(ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return false;
  const index = fn.parameters.indexOf(param);
  const passesOwned = (n: ts.Node): boolean => {
    const access = n.parent;
    const call = ts.isPropertyAccessExpression(access) && access.name === n ? access.parent : undefined;
    const arg = call && ts.isCallExpression(call) && call.expression === access ? call.arguments[index] : undefined;
    const bindable = !!arg && !ts.isSpreadElement(arg) && (!!thisProperty(arg) || isLocalVariable(types, arg));
    return bindable && !outlivesOwner(types, arg!, ownerOf(call!));
  };
  const refs = referencesTo(types, owner.cls, fn.name);
  return !!refs?.length && refs.every(passesOwned);
}

/** A variable declared in a function (not a parameter, whose binding would be judged through its own callers). */
function isLocalVariable(types: TypeQueries, e: ts.Expression): boolean {
  const x = unwrap(e);
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  return !!decl && ts.isVariableDeclaration(decl) && !!enclosingFunction(decl);
}

/** `new …`, a call, or a literal (through `await`, wrappers and both branches of `?:`): an expression that makes a fresh value. */
export function createsValue(e: ts.Expression): boolean {
  const x = unwrap(e, { await: true });
  if (ts.isConditionalExpression(x)) return createsValue(x.whenTrue) && createsValue(x.whenFalse);
  if (isAssignment(x)) return createsValue(x.right); // `a = b = make()`
  return ts.isNewExpression(x) || ts.isCallExpression(x) || ts.isObjectLiteralExpression(x) || ts.isArrayLiteralExpression(x);
}

/**
 * A local that holds a value made in its function: initialised with one (or `this`), or declared empty
 * (`let s = null`) and only ever assigned fresh values.
 */
function holdsCreatedValue(types: TypeQueries, decl: ts.VariableDeclaration): boolean {
  const init = decl.initializer && unwrap(decl.initializer);
  if (init && (createsValue(init) || init.kind === ts.SyntaxKind.ThisKeyword)) return true;
  if (init && !isEmptyValue(init)) return false;
  const symbol = types.symbolAt(decl.name);
  const fn = enclosingFunction(decl);
  if (!symbol || !fn) return false;
  // clearing it (`s = null`) does not make it hold anything longer-lived
  return assignmentsTo(types, symbol, fn).every((a) => createsValue(a.right) || isEmptyValue(a.right));
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
    if (ts.isPropertyDeclaration(n) && n.initializer && types.symbolAt(n.name) === field && createsValue(n.initializer)) created = true;
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
  const ctor = param.parent;
  if (!ts.isConstructorDeclaration(ctor) || ctor.parent !== cls || !cls.name) return false;
  const classSymbol = types.symbolAt(cls.name);
  if (!classSymbol) return false;
  const exported = (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Export) !== 0;
  const references = exported ? types.programReferences(classSymbol) : (referencesTo(types, cls.getSourceFile(), cls.name) ?? []);
  const index = ctor.parameters.indexOf(param);
  let instantiations = 0;
  for (const ref of references) {
    if (ref === cls.name || isImportOrExport(ref) || isInType(ref)) continue;
    const parent = ref.parent;
    const arg = ts.isNewExpression(parent) && parent.expression === ref ? parent.arguments?.[index] : undefined;
    if (!arg || !madeForTheCall(types, arg)) return false;
    instantiations++;
  }
  return instantiations > 0;
}

function madeForTheCall(types: TypeQueries, arg: ts.Expression): boolean {
  if (createsValue(arg)) return true;
  const x = unwrap(arg);
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  return !!decl && ts.isVariableDeclaration(decl) && !!enclosingFunction(decl) && holdsCreatedValue(types, decl);
}
