// Long-lived containers and what the code does to them. A container is a Map, Set, Array (by the checker: the lib
// types) or dictionary object (a string index signature) that lives as long as the program: module-level, static,
// or a field of a singleton. Every use is paired by checker symbol and classified as an add, a removal, a reset, a
// size bound, an iteration, a read, or an escape (after which other code may trim it, so rules stay silent).
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { isPlatformSymbol } from './globals';
import { RELEASE_METHODS, resourceInfo } from './resource';
import { runsOncePerApplication } from './lifetime';
import { enclosingFunction } from './owner';
import { findNode, identifiersNamed, referencesTo, someNode } from './walk';
import { accessPathKey } from './access-path';
import { PERSISTENT_REGISTRATIONS } from './events';
import { calleePath, isAssignment, outerExpression, unwrap } from './expressions';
import { callsOf, fromBoundedDomain } from './key-domains';

export type CollectionKind = 'map' | 'set' | 'array' | 'dictionary';

const LIB_COLLECTIONS = new Map<string, CollectionKind>([
  ['Map', 'map'],
  ['ReadonlyMap', 'map'],
  ['Set', 'set'],
  ['ReadonlySet', 'set'],
  ['Array', 'array'],
  ['ReadonlyArray', 'array'],
]);

/** Map/Set/Array from TypeScript's lib, or an object with a string index signature used as a dictionary. */
export function collectionKind(types: TypeQueries, type: ts.Type): CollectionKind | undefined {
  const symbol = type.getNonNullableType().getSymbol();
  const lib = symbol && LIB_COLLECTIONS.get(symbol.name);
  if (lib && isPlatformSymbol(types, symbol)) return lib;
  return !lib && types.stringIndexType(type) && !types.isCallable(type) ? 'dictionary' : undefined;
}

/** The collection kind of the expression's type, kept across programs (a `typeFact`). */
export function collectionKindAt(types: TypeQueries, e: ts.Expression): CollectionKind | undefined {
  return types.typeFact(e, 'collection-kind', () => collectionKind(types, types.typeAt(e)));
}

export type Lifetime = 'module-level' | 'static' | 'singleton field' | 'instance field';

export interface Container {
  decl: ts.VariableDeclaration | ts.PropertyDeclaration;
  symbol: ts.Symbol;
  kind: CollectionKind;
  type: ts.Type;
  lifetime: Lifetime;
  /** The class declaring a static or singleton field. */
  cls?: ts.ClassDeclaration;
  /** The expressions that create the collection: the initializer, or `this.x = …` in the constructor. */
  creations: ts.Expression[];
}

/**
 * The container declared by `decl` when it holds a collection this code creates, lives as long as the program, and
 * every use of it is visible in this file (not exported, or a private field). With `instanceFields`, also a private
 * field of a class whose instances have no known lifetime ('instance field').
 */
export function longLivedContainer(
  types: TypeQueries,
  decl: ts.VariableDeclaration | ts.PropertyDeclaration,
  options: { instanceFields?: boolean } = {},
): Container | undefined {
  const name = decl.name;
  if (!ts.isIdentifier(name) && !ts.isPrivateIdentifier(name)) return undefined;
  // only module-level variables and fields of top-level classes live long: settle that before asking the checker
  const topLevel = ts.isVariableDeclaration(decl) ? ts.isSourceFile(decl.parent.parent.parent) : ts.isSourceFile(decl.parent.parent);
  if (!topLevel) return undefined;
  const symbol = types.symbolAt(name);
  if (!symbol) return undefined;
  const file = decl.getSourceFile();
  let lifetime: Lifetime | undefined;
  let cls: ts.ClassDeclaration | undefined;
  if (ts.isVariableDeclaration(decl)) {
    const statement = decl.parent.parent;
    // a script's top-level names are globals other files can reach
    if (!ts.isVariableStatement(statement) || !ts.isSourceFile(statement.parent) || !ts.isExternalModule(file)) return undefined;
    if (
      ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Export | ts.ModifierFlags.Ambient) ||
      exportedBySpecifier(types, file, symbol)
    )
      return undefined;
    lifetime = 'module-level';
  } else {
    if (!ts.isClassDeclaration(decl.parent) || !ts.isSourceFile(decl.parent.parent) || !ts.isExternalModule(file)) return undefined;
    cls = decl.parent;
    const flags = ts.getCombinedModifierFlags(decl);
    if (flags & (ts.ModifierFlags.Abstract | ts.ModifierFlags.Ambient)) return undefined;
    const isPrivate = ts.isPrivateIdentifier(name) || (flags & ts.ModifierFlags.Private) !== 0;
    const classSymbol = cls.name && types.symbolAt(cls.name);
    if (!classSymbol) return undefined;
    const classExported =
      (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Export) !== 0 || exportedBySpecifier(types, file, classSymbol);
    if (flags & ts.ModifierFlags.Static) {
      if (!isPrivate && classExported) return undefined;
      lifetime = 'static';
    } else {
      const instances = singletonInstances(types, cls, classSymbol);
      if (instances) {
        if (!isPrivate && (classExported || instances.exported)) return undefined;
        lifetime = 'singleton field';
      } else {
        if (!options.instanceFields || !isPrivate) return undefined;
        lifetime = 'instance field';
      }
    }
  }
  // the type last: most fields of most classes are settled by their lifetime above, most others by what creates them
  // (`inject(…)`, `computed(() => …)`, whose types the checker infers)
  const creations = creationsOf(types, decl, symbol, cls);
  if (!creations.length || !creations.every(isFreshCollection)) return undefined;
  const type = types.typeAt(name);
  const kind = collectionKind(types, type);
  if (!kind) return undefined;
  return { decl, symbol, kind, type, lifetime, cls, creations };
}

/** `export { x }` / `export default x` naming the symbol. */
function exportedBySpecifier(types: TypeQueries, file: ts.SourceFile, symbol: ts.Symbol): boolean {
  return file.statements.some((s) => {
    if (ts.isExportAssignment(s)) return ts.isIdentifier(s.expression) && types.symbolAt(s.expression) === symbol;
    if (!ts.isExportDeclaration(s) || s.moduleSpecifier || !s.exportClause || !ts.isNamedExports(s.exportClause)) return false;
    return s.exportClause.elements.some((e) => types.symbolAt(e.propertyName ?? e.name) === symbol);
  });
}

/**
 * Instances of the class held for the whole program: a module-level `const x = new C()`, `export default new C()`,
 * or a static field (`static instance = new C()`, `C.instance ??= new C()`). Undefined when there is none.
 */
function singletonInstances(types: TypeQueries, cls: ts.ClassDeclaration, classSymbol: ts.Symbol): { exported: boolean } | undefined {
  // asked for every field of the class: one walk of the file per class, and none where the text never says `new C`
  if (singletons.has(classSymbol)) return singletons.get(classSymbol);
  const file = cls.getSourceFile();
  if (!cls.name || !mentionsNew(file.text, cls.name.text)) {
    singletons.set(classSymbol, undefined);
    return undefined;
  }
  let found: { exported: boolean } | undefined;
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && types.symbolAt(n.expression) === classSymbol) {
      const held = heldForProgram(types, n);
      if (held) found = { exported: (found?.exported ?? false) || held.exported };
    }
    n.forEachChild(visit);
  };
  visit(file);
  singletons.set(classSymbol, found);
  return found;
}

/** True when the text has `new <name>` (whitespace between, the name whole). */
function mentionsNew(text: string, name: string): boolean {
  const identifierChar = /[\w$]/;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
    if (identifierChar.test(text[at + name.length] ?? '')) continue;
    let before = at - 1;
    if (!/\s/.test(text[before] ?? '')) continue;
    while (before >= 0 && /\s/.test(text[before])) before--;
    if (text.slice(before - 2, before + 1) === 'new' && !identifierChar.test(text[before - 3] ?? '')) return true;
  }
  return false;
}

/**
 * Per class symbol. The binder's symbol lives as long as its file is unchanged, and the answer depends on that
 * file alone (its `new C()` expressions), so it holds across programs too.
 */
const singletons = new WeakMap<ts.Symbol, { exported: boolean } | undefined>();

function heldForProgram(types: TypeQueries, created: ts.NewExpression): { exported: boolean } | undefined {
  const p = created.parent;
  if (ts.isExportAssignment(p)) return { exported: true };
  if (ts.isVariableDeclaration(p) && p.initializer === created && !enclosingFunction(p)) {
    const symbol = types.symbolAt(p.name);
    const exported =
      (ts.getCombinedModifierFlags(p) & ts.ModifierFlags.Export) !== 0 ||
      (!!symbol && exportedBySpecifier(types, created.getSourceFile(), symbol));
    return { exported };
  }
  if (ts.isPropertyDeclaration(p) && p.initializer === created && isStatic(p)) return { exported: false };
  if (
    ts.isBinaryExpression(p) &&
    p.right === created &&
    isStoringAssignment(p.operatorToken.kind) &&
    ts.isPropertyAccessExpression(p.left)
  ) {
    const target = types.symbolAt(p.left.name)?.valueDeclaration;
    if (target && ts.isPropertyDeclaration(target) && isStatic(target)) return { exported: false };
  }
  return undefined;
}

function isStatic(decl: ts.Declaration): boolean {
  return (ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Static) !== 0;
}

function isStoringAssignment(kind: ts.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken
  );
}

function creationsOf(
  types: TypeQueries,
  decl: ts.VariableDeclaration | ts.PropertyDeclaration,
  symbol: ts.Symbol,
  cls: ts.ClassDeclaration | undefined,
): ts.Expression[] {
  if (decl.initializer) return [decl.initializer];
  const ctor = cls?.members.find(ts.isConstructorDeclaration);
  if (!ctor?.body || isStatic(decl)) return [];
  return ctor.body.statements.flatMap((s) => {
    if (
      !ts.isExpressionStatement(s) ||
      !ts.isBinaryExpression(s.expression) ||
      s.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken
    )
      return [];
    const left = s.expression.left;
    return ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword && types.symbolAt(left.name) === symbol
      ? [s.expression.right]
      : [];
  });
}

/** `new Map()`, `[]`, `{}`, `Object.create(null)`: a collection nobody else holds yet. */
function isFreshCollection(e: ts.Expression): boolean {
  const x = unwrap(e);
  if (ts.isNewExpression(x) || ts.isArrayLiteralExpression(x) || ts.isObjectLiteralExpression(x)) return true;
  return ts.isCallExpression(x) && calleePath(x.expression).join('.') === 'Object.create';
}

export type ContainerUseKind =
  /** set/add/push/unshift, `o[k] = v`, `a[a.length] = v` */
  | 'add'
  /** delete/clear/splice/shift/pop, `length = n`, `delete o[k]` */
  | 'remove'
  /** a removal that removes nothing: `splice(i, 0)`, `splice(i, -1)` */
  | 'no-op remove'
  /** the variable or field is assigned another collection */
  | 'reset'
  /** `.size`/`.length` (or `Object.keys(o).length`) compared with a limit */
  | 'bound'
  /** `.size`/`.length` read otherwise */
  | 'size'
  /** for-of/for-in, spread, keys/values/entries/forEach, Array.from, Object.keys, … */
  | 'iterate'
  | 'read'
  /** returned, stored elsewhere, passed to a function, exported: other code may trim it */
  | 'escape';

export interface ContainerUse {
  kind: ContainerUseKind;
  /** The reference: `x`, `this.x`, `C.x`. */
  ref: ts.Expression;
  /** The node that decided the kind (the call, assignment, loop, …). */
  site: ts.Node;
  /** For method calls: the method name. */
  method?: string;
}

const ADDS: Record<CollectionKind, readonly string[]> = { map: ['set'], set: ['add'], array: ['push', 'unshift'], dictionary: [] };
const REMOVES: Record<CollectionKind, readonly string[]> = {
  map: ['delete', 'clear'],
  set: ['delete', 'clear'],
  array: ['splice', 'shift', 'pop'],
  dictionary: [],
};
const ITERATING_METHODS = new Set([
  'keys',
  'values',
  'entries',
  'forEach',
  'map',
  'filter',
  'reduce',
  'reduceRight',
  'flatMap',
  'join',
  'some',
  'every',
  'find',
  'findLast',
  'findIndex',
  'slice',
  'concat',
  'toSorted',
  'toReversed',
  'includes',
  'indexOf',
  'lastIndexOf',
]);
const ITERATING_FUNCTIONS = new Set(['Object.keys', 'Object.values', 'Object.entries', 'Array.from', 'JSON.stringify', 'structuredClone']);
const COLLECTION_CONSTRUCTORS = new Set(['Map', 'Set', 'Array']);
const SIZE_PROPERTIES = new Set(['size', 'length']);

/** Every use of the container in its file (declaration and constructor initialisation excluded). */
export function containerUses(types: TypeQueries, c: Container): ContainerUse[] {
  return usesInFile(types, c.decl.getSourceFile(), c.decl.name.getText(), c.symbol, c.kind, c.creations);
}

/** Every use of the collection `symbol` (named `name`) in `file`, but its declaration and the creations' assignments. */
function usesInFile(
  types: TypeQueries,
  file: ts.SourceFile,
  name: string,
  symbol: ts.Symbol,
  kind: CollectionKind,
  creations: readonly ts.Expression[],
): ContainerUse[] {
  const created = new Set<ts.Node>(creations);
  const out: ContainerUse[] = [];
  for (const n of identifiersNamed(file, name)) {
    const declares = (ts.isPropertyDeclaration(n.parent) || ts.isVariableDeclaration(n.parent)) && n.parent.name === n;
    if (declares || types.symbolAt(n) !== symbol) continue;
    const use = classify(n, kind);
    if (!(use.kind === 'reset' && ts.isBinaryExpression(use.site) && created.has(use.site.right))) out.push(use);
  }
  return out;
}

function classify(name: ts.Identifier | ts.PrivateIdentifier, kind: CollectionKind): ContainerUse {
  if (ts.isShorthandPropertyAssignment(name.parent) || ts.isExportSpecifier(name.parent))
    return { kind: 'escape', ref: name as ts.Identifier, site: name.parent };
  const ref: ts.Expression =
    ts.isPropertyAccessExpression(name.parent) && name.parent.name === name ? name.parent : (name as ts.Identifier);
  const expr = outerExpression(ref, {});
  const p = expr.parent;
  const use = (k: ContainerUseKind, site: ts.Node, method?: string): ContainerUse => ({ kind: k, ref, site, method });

  if (ts.isPropertyAccessExpression(p) && p.expression === expr) {
    const member = p.name.text;
    if (ts.isCallExpression(p.parent) && p.parent.expression === p) {
      if (ADDS[kind].includes(member)) return use('add', p.parent, member);
      if (member === 'splice' && splicesNothing(p.parent))
        return use(p.parent.arguments.length > 2 ? 'add' : 'no-op remove', p.parent, member);
      if (REMOVES[kind].includes(member)) return use('remove', p.parent, member);
      return use(ITERATING_METHODS.has(member) ? 'iterate' : 'read', p.parent, member);
    }
    if (SIZE_PROPERTIES.has(member)) {
      if (isAssignmentTarget(p)) return use('remove', p.parent);
      return use(comparesWithLimit(p) ? 'bound' : 'size', p);
    }
    return use('escape', p); // a method taken as a value, an unknown property
  }
  if (ts.isElementAccessExpression(p) && p.expression === expr) {
    if (ts.isDeleteExpression(outerExpression(p, {}).parent)) return use('remove', p.parent);
    if (isAssignmentTarget(p)) {
      const key = p.argumentExpression;
      if (kind === 'dictionary' && !ts.isStringLiteralLike(key) && !ts.isNumericLiteral(key)) return use('add', p.parent);
      if (
        kind === 'array' &&
        ts.isPropertyAccessExpression(key) &&
        key.name.text === 'length' &&
        key.expression.getText() === expr.getText()
      )
        return use('add', p.parent);
    }
    return use('read', p);
  }
  if ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.expression === expr) return use('iterate', p);
  if (ts.isSpreadElement(p) || ts.isSpreadAssignment(p)) return use('iterate', p);
  if (ts.isBinaryExpression(p)) {
    const op = p.operatorToken.kind;
    if (p.left === expr && op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return use('reset', p);
    if (p.right === expr && op === ts.SyntaxKind.InKeyword) return use('read', p);
    if (
      op === ts.SyntaxKind.InstanceOfKeyword ||
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.ExclamationEqualsEqualsToken
    )
      return use('read', p);
  }
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.includes(expr)) {
    const path = calleePath(p.expression).join('.');
    if (ts.isNewExpression(p) ? COLLECTION_CONSTRUCTORS.has(path) : ITERATING_FUNCTIONS.has(path)) {
      // Object.keys(o).length > N
      const outer = outerExpression(p, {});
      if (ts.isPropertyAccessExpression(outer.parent) && outer.parent.name.text === 'length' && comparesWithLimit(outer.parent))
        return use('bound', outer.parent);
      return use('iterate', p);
    }
    if (path.startsWith('console.')) return use('read', p);
    return use('escape', p);
  }
  if (ts.isTypeOfExpression(p) || ts.isPrefixUnaryExpression(p) || ts.isTemplateSpan(p) || (ts.isIfStatement(p) && p.expression === expr))
    return use('read', p);
  return use('escape', p);
}

/** `a.splice(i, 0)` or `a.splice(i, -1)`: a delete count of zero or less removes nothing (it may only insert). */
function splicesNothing(call: ts.CallExpression): boolean {
  const count = call.arguments[1];
  if (!count) return false;
  if (ts.isNumericLiteral(count)) return Number(count.text) === 0;
  return ts.isPrefixUnaryExpression(count) && count.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(count.operand);
}

function isAssignmentTarget(e: ts.Expression): boolean {
  const outer = outerExpression(e, {});
  const p = outer.parent;
  return (
    ts.isBinaryExpression(p) &&
    p.left === outer &&
    p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    p.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  );
}

const RELATIONAL = new Set([
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
]);
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
]);

/** `size > N`, `length >= MAX`, `N <= size`: a comparison with a limit (not an emptiness test against 0 or 1). */
export function comparesWithLimit(sizeRead: ts.Expression): boolean {
  const e = outerExpression(sizeRead, {});
  const p = e.parent;
  if (!ts.isBinaryExpression(p) || !(RELATIONAL.has(p.operatorToken.kind) || EQUALITY.has(p.operatorToken.kind))) return false;
  const other = unwrap(p.left === e ? p.right : p.left);
  return !(ts.isNumericLiteral(other) && Number(other.text) <= 1);
}

/** Adds that run repeatedly: not program-lifetime code, and not the owning instance's constructor (which runs once). */
export function isRepeatedAdd(types: TypeQueries, c: Container, use: ContainerUse): boolean {
  if (runsOncePerApplication(types, use.site)) return false;
  if (c.lifetime !== 'singleton field' && c.lifetime !== 'instance field') return true;
  const fn = enclosingFunction(use.site);
  return !(fn && ts.isConstructorDeclaration(fn) && fn.parent === c.cls);
}

/** Methods that end a value's own life (a handle's close, a subscription's unsubscribe), when its type has them. */
const ENDS_LIFE = [...RELEASE_METHODS, 'unsubscribe', 'disconnect'];

/**
 * An add of a local value that the same function (or a closure it returns) also releases on its own, not through
 * the container: `this.handles.push(sub); return () => sub.unsubscribe();`. The entry outlives what it holds, so
 * a container nothing removes from keeps one dead entry per add. Returns the release call.
 */
export function releasedApart(types: TypeQueries, add: ContainerUse): ts.CallExpression | undefined {
  if (!ts.isCallExpression(add.site) || add.kind !== 'add') return undefined;
  const value = add.site.arguments.at(-1);
  const fn = enclosingFunction(add.site) as ts.FunctionLikeDeclaration | undefined;
  if (!value || !ts.isIdentifier(value) || !fn?.body) return undefined;
  const symbol = types.symbolAt(value);
  // a local of this function: a parameter or a field may be released by whoever owns it
  if (!symbol || !types.declarationsOf(symbol).every((d) => ts.isVariableDeclaration(d) && enclosingFunction(d) === fn)) return undefined;
  const endsLife = (n: ts.Node): n is ts.CallExpression => {
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || !ts.isIdentifier(n.expression.expression)) return false;
    const { name, expression: receiver } = n.expression;
    return ENDS_LIFE.includes(name.text) && types.symbolAt(receiver) === symbol && types.hasMethod(types.typeAt(receiver), name.text);
  };
  return findNode(fn.body, endsLife) as ts.CallExpression | undefined;
}

/**
 * `add(widget: Widget) { this.kinds.set(widget.id, kind); }`: a method of the owner files each object handed to it
 * that ends (its type has a release method: a widget, a session) under the object or its identity, into a Map, Set
 * or dictionary field that nothing removes from, resets, bounds, iterates or hands on. Entries of the objects that
 * have ended stay for as long as the owner lives, one per call. Returns the first such add and its parameter.
 */
export function entryForHandedInObject(
  types: TypeQueries,
  c: Container,
  uses: readonly ContainerUse[],
): { add: ContainerUse; param: ts.ParameterDeclaration } | undefined {
  if (c.lifetime !== 'instance field' || uses.some((u) => TRIMS_OR_SHOWS.includes(u.kind))) return undefined;
  for (const add of uses) {
    const param = add.kind === 'add' ? handedInObjectKey(types, c, add) : undefined;
    if (param) return { add, param };
  }
  return undefined;
}

const TRIMS_OR_SHOWS: readonly ContainerUseKind[] = ['remove', 'no-op remove', 'reset', 'bound', 'escape', 'iterate'];

/** A property that names one object alone (`widget.id`): unlike a name (`drive.name`), no other object reuses it. */
const IDENTITY_PROPERTY = /^(id|uid|uuid|guid)$|Id$/;

/**
 * The parameter of the adding method whose object (or its identity, `widget.id`) is the key, when it ends. Under a
 * name, registering another object replaces the entry: that grows with the names, not with the objects.
 */
function handedInObjectKey(types: TypeQueries, c: Container, add: ContainerUse): ts.ParameterDeclaration | undefined {
  const key = addedKey(c, add);
  const fn = enclosingFunction(add.site);
  if (!key || !fn || !ts.isMethodDeclaration(fn) || fn.parent !== c.cls || !isRepeatedAdd(types, c, add)) return undefined;
  const k = unwrap(key);
  if (ts.isPropertyAccessExpression(k) && !IDENTITY_PROPERTY.test(k.name.text)) return undefined;
  const root = ts.isPropertyAccessExpression(k) ? unwrap(k.expression) : k;
  const param = ts.isIdentifier(root) ? types.symbolAt(root)?.valueDeclaration : undefined;
  if (!param || !ts.isParameter(param) || param.parent !== fn) return undefined;
  return resourceInfo(types, types.typeAt(root)) ? param : undefined;
}

/**
 * A Map or Set that also holds entries put in once (at load, by a singleton's constructor, in its creation) or under
 * keys of a finite set: a table of built-ins that lookups rely on, and the oldest entries a bound would drop.
 */
export function holdsFixedEntries(types: TypeQueries, c: Container, uses: readonly ContainerUse[]): boolean {
  if (c.kind === 'array' || c.kind === 'dictionary') return false;
  const createdWithEntries = c.creations.some((e) => {
    const created = unwrap(e);
    return ts.isNewExpression(created) && !!created.arguments?.length;
  });
  return createdWithEntries || uses.some((u) => u.kind === 'add' && (!isRepeatedAdd(types, c, u) || keyFromBoundedDomain(types, c, u)));
}

/**
 * The add's function is called nowhere in the program's product code (tests aside) nor in the scan's other projects
 * (`export function setX(…)` that only a test calls).
 */
export function neverCalled(types: TypeQueries, add: ContainerUse): boolean {
  const fn = enclosingFunction(add.site);
  return !!fn && callsOf(types, fn)?.length === 0;
}

/** The key type of a Map/Set/dictionary, the element type of an array. */
export function keyType(types: TypeQueries, c: Container): ts.Type | undefined {
  return c.kind === 'dictionary' ? undefined : types.typeArguments(c.type)[0];
}

/** The stored value type: a Map's values, a Set's or array's elements, a dictionary's index type. */
export function valueType(types: TypeQueries, c: Container): ts.Type | undefined {
  if (c.kind === 'dictionary') return types.stringIndexType(c.type);
  const args = types.typeArguments(c.type);
  return c.kind === 'map' ? args[1] : args[0];
}

/**
 * A Map/Set keyed by objects that nothing iterates, sizes, trims or hands off: it only pins its keys, and a
 * WeakMap/WeakSet would do (object-keyed-cache's domain; unbounded-collection leaves these to it).
 */
export function pinsObjectKeys(types: TypeQueries, c: Container, uses: readonly ContainerUse[]): boolean {
  if (c.kind !== 'map' && c.kind !== 'set') return false;
  const key = keyType(types, c);
  if (!key || !types.isObjectType(key)) return false;
  // an untyped `new Set()` holds what is added to it: strings are no objects to pin
  const addsObjects = uses.every((u) => {
    const added = u.kind === 'add' ? addedKey(c, u) : undefined;
    return !added || types.isObjectType(types.typeAt(added));
  });
  return addsObjects && !uses.some((u) => u.kind === 'iterate' || u.kind === 'size' || u.kind === 'bound' || u.kind === 'escape');
}

/** The key an add stores under: a Map's or dictionary's key, a Set's value; undefined for arrays. */
function addedKey(c: Container, add: ContainerUse): ts.Expression | undefined {
  if (c.kind === 'array') return undefined;
  if (ts.isCallExpression(add.site)) return add.site.arguments[0];
  if (ts.isBinaryExpression(add.site) && ts.isElementAccessExpression(unwrap(add.site.left))) {
    return (unwrap(add.site.left) as ts.ElementAccessExpression).argumentExpression;
  }
  return undefined;
}

/**
 * The add reuses entries and its keys are not new at each call: before it, its function looks the same key up
 * (`if (seen.has(k)) return; seen.add(k)`, `m.get(k) ?? …; m.set(k, …)`, `c[k] || (c[k] = …)`), so calls with a key
 * seen before add nothing, and the collection grows with the distinct keys (names, paths, settings), not with the
 * calls. Keys made per call (counters, clocks, random ids, the id of an object that ends) still grow.
 */
export function growsOnlyWithDistinctKeys(types: TypeQueries, c: Container, uses: readonly ContainerUse[], add: ContainerUse): boolean {
  const key = addedKey(c, add);
  if (!key || newAtEachCall(types, key, 2)) return false;
  const fn = enclosingFunction(add.site);
  const name = keyName(key);
  return uses.some((use) => {
    const looked = lookedUpKey(use);
    return !!looked && use.site.getStart() < add.site.getStart() && enclosingFunction(use.site) === fn && keyName(looked) === name;
  });
}

/** The key a read looks up: `m.get(k)`, `s.has(k)`, `o[k]`, `k in o`. */
function lookedUpKey(use: ContainerUse): ts.Expression | undefined {
  if (use.kind !== 'read') return undefined;
  const site = use.site;
  if (ts.isCallExpression(site)) return use.method === 'get' || use.method === 'has' ? site.arguments[0] : undefined;
  if (ts.isElementAccessExpression(site)) return site.argumentExpression;
  return ts.isBinaryExpression(site) && site.operatorToken.kind === ts.SyntaxKind.InKeyword ? site.left : undefined;
}

/** What a key is called, so that `name` and `this.name` (set from it) compare equal: a name, else the code. */
function keyName(key: ts.Expression): string {
  const e = unwrap(key);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return e.getText().replace(/\s+|\?(?=\.)/g, '');
}

const FRESH_VALUE_CALLS = new Set(['Date.now', 'performance.now', 'Math.random', 'crypto.randomUUID', 'randomUUID', 'Symbol']);

/** A counter (`id++`, `n += 1`), a clock or random value, or the identity of an object that ends (`widget.id`). */
function newAtEachCall(types: TypeQueries, key: ts.Expression, depth: number): boolean {
  const e = unwrap(key);
  if (ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) {
    return e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if (ts.isBinaryExpression(e)) {
    if (e.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) return true;
    return (
      e.operatorToken.kind === ts.SyntaxKind.PlusToken && (newAtEachCall(types, e.left, depth) || newAtEachCall(types, e.right, depth))
    );
  }
  if (ts.isTemplateExpression(e)) return e.templateSpans.some((span) => newAtEachCall(types, span.expression, depth));
  if (ts.isCallExpression(e)) return FRESH_VALUE_CALLS.has(calleePath(e.expression).join('.'));
  // `widget.id` of a widget that is disposed; what an instance reads from itself (`this.key`) is its configuration
  if (ts.isPropertyAccessExpression(e))
    return e.expression.kind !== ts.SyntaxKind.ThisKeyword && !!resourceInfo(types, types.typeAt(e.expression));
  if (!ts.isIdentifier(e) || depth === 0) return false;
  const decl = types.symbolAt(e)?.valueDeclaration;
  return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && newAtEachCall(types, decl.initializer, depth - 1);
}

/**
 * True when the add's key comes from a finite set (`key-domains.ts`): the program's own text (`makeId('row')`), the
 * workspace folders, an instance's own state. Such keys are as many as those values, however often the add runs;
 * anything else (input, ids, paths a caller hands in) is not.
 */
export function keyFromBoundedDomain(types: TypeQueries, c: Container, add: ContainerUse): boolean {
  const key = addedKey(c, add);
  return !!key && fromBoundedDomain(types, key);
}

/** `m.set(k, v)` on a Map: the store of a value under a key. */
export interface MapStore {
  call: ts.CallExpression;
  map: ts.Expression;
  key: ts.Expression;
}

/**
 * The Map store that keeps `value`: `m.set(k, value)`, or `m.set(k, local)` of the const local it initialises
 * (`const sub = …; m.set(k, sub)`), in the same function.
 */
export function mapStoreOf(types: TypeQueries, value: ts.Expression): MapStore | undefined {
  const e = outerExpression(value, {});
  const storeOf = (arg: ts.Expression): MapStore | undefined => {
    const call = arg.parent;
    if (!ts.isCallExpression(call) || call.arguments[1] !== arg || call.arguments.length !== 2) return undefined;
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'set') return undefined;
    if (collectionKind(types, types.typeAt(callee.expression)) !== 'map') return undefined;
    return { call, map: callee.expression, key: call.arguments[0] };
  };
  const decl = e.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== e) return storeOf(e);
  if (!ts.isIdentifier(decl.name) || !(decl.parent.flags & ts.NodeFlags.Const)) return undefined;
  const fn = enclosingFunction(decl);
  const refs = fn && referencesTo(types, fn, decl.name);
  return refs?.length === 1 ? storeOf(outerExpression(refs[0] as ts.Identifier, {})) : undefined;
}

/**
 * The store may replace an entry nobody looked at: its key is not new at each call, and before it the function
 * neither reads nor removes that key of that map (`m.has(k)`, `m.get(k)`, `m.delete(k)`), and it is no
 * constructor's. A value the entry held is then lost without being released.
 */
export function replacesUnseenEntry(types: TypeQueries, store: MapStore): boolean {
  if (newAtEachCall(types, store.key, 2)) return false;
  const fn = enclosingFunction(store.call);
  const map = accessPathKey(types, store.map);
  const key = keyName(store.key);
  // a constructor runs once for its instance: its stores fill the instance's maps for the first time
  if (!fn || !map || ts.isConstructorDeclaration(fn)) return false;
  return !someNode(fn, (n) => {
    if (!ts.isCallExpression(n) || n.getStart() >= store.call.getStart() || !n.arguments.length) return false;
    const callee = unwrap(n.expression);
    return (
      ts.isPropertyAccessExpression(callee) &&
      ['has', 'get', 'delete'].includes(callee.name.text) &&
      keyName(n.arguments[0]) === key &&
      accessPathKey(types, callee.expression) === map
    );
  });
}

/**
 * A module-level Map or WeakMap of dictionaries that code fills under keys made anew at each call: `let d =
 * byDoc.get(doc); if (!d) byDoc.set(doc, (d = {})); d['link' + n++] = v`. Every long-lived key's dictionary gains
 * an entry per call, and nothing deletes one (no `delete d[k]`, no removal from the map, no reset). Returns the
 * growing writes; none when the map may be trimmed elsewhere (exported, escaping).
 */
export function perCallEntriesInValues(types: TypeQueries, decl: ts.VariableDeclaration): ts.BinaryExpression[] {
  const name = decl.name;
  const statement = decl.parent.parent;
  if (!ts.isIdentifier(name) || !decl.initializer || !ts.isVariableStatement(statement) || !ts.isSourceFile(statement.parent)) return [];
  const created = unwrap(decl.initializer);
  if (!ts.isNewExpression(created) || !ts.isIdentifier(created.expression) || !/^(Weak)?Map$/.test(created.expression.text)) return [];
  const symbol = types.symbolAt(name);
  const file = decl.getSourceFile();
  if (!symbol || !ts.isExternalModule(file) || ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Export) return [];
  const mapSymbol = types.typeAt(name).getSymbol();
  if (exportedBySpecifier(types, file, symbol) || !mapSymbol || !isPlatformSymbol(types, mapSymbol)) return [];
  const dictionaries: ts.Identifier[] = [];
  for (const ref of referencesTo(types, file, name) ?? []) {
    const access = ref.parent;
    const call = access.parent;
    if (!ts.isPropertyAccessExpression(access) || access.expression !== ref || !ts.isCallExpression(call) || call.expression !== access)
      return [];
    if (access.name.text === 'get') {
      const local = outerExpression(call, {}).parent;
      if (ts.isVariableDeclaration(local) && ts.isIdentifier(local.name)) dictionaries.push(local.name);
    } else if (!['set', 'has'].includes(access.name.text)) return []; // removed from, or used otherwise
  }
  const writes: ts.BinaryExpression[] = [];
  for (const local of dictionaries) {
    const fn = enclosingFunction(local);
    if (!fn || collectionKind(types, types.typeAt(local)) !== 'dictionary') continue;
    for (const use of referencesTo(types, fn, local) ?? []) {
      const element = outerExpression(use as ts.Identifier, {}).parent;
      if (!ts.isElementAccessExpression(element) || unwrap(element.expression) !== use) continue;
      if (ts.isDeleteExpression(outerExpression(element, {}).parent)) return [];
      const write = outerExpression(element, {}).parent;
      const stores = ts.isBinaryExpression(write) && isStoringAssignment(write.operatorToken.kind);
      if (stores && write.left === outerExpression(element, {}) && newAtEachCall(types, element.argumentExpression, 2)) writes.push(write);
    }
  }
  return writes;
}

/** An add, in an event listener, of a resource the listener made, to a collection in a field of the listener's owner. */
export interface PerEventEntry {
  add: ContainerUse;
  /** The value added: a local holding the resource. */
  value: ts.Identifier;
  /** The event the listener is registered for. */
  event: string;
}

/**
 * `server.on('upgrade', (req, socket) => { const client = new WebSocket(socket); this.clients.push(client); })`:
 * every event adds an entry for an object that ends (a connection, a session: its type has a release method) to a
 * collection of the owner, in a field created as a fresh collection (`this.clients = []`) that only this file uses,
 * and nothing removes, resets, bounds or hands the collection on. Entries for the objects that have ended stay for
 * as long as the owner lives. A long-lived container is left to the whole-container check.
 */
export function perEventEntry(types: TypeQueries, call: ts.CallExpression): PerEventEntry | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !['push', 'unshift', 'add', 'set'].includes(callee.name.text)) return undefined;
  const value = call.arguments.length ? unwrap(call.arguments[call.arguments.length - 1]) : undefined;
  const field = unwrap(callee.expression);
  if (!value || !ts.isIdentifier(value) || !ts.isPropertyAccessExpression(field)) return undefined;
  const listener = enclosingFunction(call);
  const event = listener && persistentListenerEvent(listener);
  if (!event) return undefined;
  const local = types.symbolAt(value)?.valueDeclaration;
  const init = local && ts.isVariableDeclaration(local) && enclosingFunction(local) === listener ? local.initializer : undefined;
  if (!init || !ts.isNewExpression(unwrap(init)) || !resourceInfo(types, types.typeAt(value))) return undefined;
  const symbol = types.symbolAt(field.name);
  const kind = symbol && collectionKind(types, types.typeAt(field));
  if (!symbol || !kind || ADDS[kind].indexOf(callee.name.text) < 0) return undefined;
  const creations = fieldCreations(symbol);
  const file = call.getSourceFile();
  if (!creations?.length || types.programReferences(symbol).some((r) => r.getSourceFile() !== file)) return undefined;
  const declaration = symbol.valueDeclaration;
  if (declaration && ts.isPropertyDeclaration(declaration) && longLivedContainer(types, declaration)) return undefined;
  const uses = usesInFile(types, file, field.name.text, symbol, kind, creations);
  const trimmed: readonly ContainerUseKind[] = ['remove', 'no-op remove', 'reset', 'bound', 'escape'];
  if (uses.some((u) => trimmed.includes(u.kind))) return undefined;
  const add = uses.find((u) => u.site === call);
  return add && { add, value, event };
}

/** The event of `target.on('event', fn)` (a persistent registration) that `fn` is the listener of. */
function persistentListenerEvent(fn: ts.Node): string | undefined {
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) return undefined;
  const registration = outerExpression(fn, {}).parent;
  if (!ts.isCallExpression(registration) || registration.arguments[1] !== outerExpression(fn, {})) return undefined;
  const callee = unwrap(registration.expression);
  const event = registration.arguments[0];
  return ts.isPropertyAccessExpression(callee) && PERSISTENT_REGISTRATIONS.has(callee.name.text) && ts.isStringLiteralLike(event)
    ? event.text
    : undefined;
}

/**
 * The fresh collections a field is created with, when every declaration creates one: a property's initialiser, or
 * `this.x = []` (a JavaScript constructor's assignment declares the property). Undefined otherwise.
 */
function fieldCreations(field: ts.Symbol): ts.Expression[] | undefined {
  const creations: ts.Expression[] = [];
  for (const d of field.declarations ?? []) {
    const assignment = ts.isPropertyAccessExpression(d) && isAssignment(d.parent) && d.parent.left === d ? d.parent : undefined;
    const created = ts.isPropertyDeclaration(d) ? d.initializer : (assignment ?? (isAssignment(d) ? d : undefined))?.right;
    if (!created || !isFreshCollection(created)) return undefined;
    creations.push(created);
  }
  return creations;
}

/**
 * `bus.on('message', this.onMessage)` with `onMessage = (m) => this.lastSeen.set(m.id, …)`: a component (a class with
 * a teardown) files every event's payload, or the payload's identity, in a Map or Set field (that nothing removes
 * from, resets, bounds or hands on: the caller's check), so its teardown does not empty it either. Each event adds an entry, for as long
 * as the component listens. The handler is an inline listener or a member the class registers (`this.onMessage`,
 * `this.onMessage.bind(this)`). Returns the first such add and its event.
 */
export function entryPerHandlerEvent(
  types: TypeQueries,
  c: Container,
  uses: readonly ContainerUse[],
): { add: ContainerUse; event: string } | undefined {
  if (c.lifetime !== 'instance field' || !c.cls || (c.kind !== 'map' && c.kind !== 'set')) return undefined;
  for (const add of uses) {
    const fn = add.kind === 'add' ? enclosingFunction(add.site) : undefined;
    const key = fn && addedKey(c, add);
    if (!fn || !key || !isRepeatedAdd(types, c, add) || !payloadIdentity(types, key, fn)) continue;
    const event = persistentListenerEvent(fn) ?? memberHandlerEvent(types, c.cls, fn);
    if (event) return { add, event };
  }
  return undefined;
}

/**
 * The key is the handler's payload object, or an identity (`m.id`, a `jobId` parameter): new at each event, unlike a
 * name (`room`, `m.channel`), which later events reuse.
 */
function payloadIdentity(types: TypeQueries, key: ts.Expression, fn: ts.SignatureDeclaration): boolean {
  const k = unwrap(key);
  const root = ts.isPropertyAccessExpression(k) ? unwrap(k.expression) : k;
  const param = ts.isIdentifier(root) ? types.symbolAt(root)?.valueDeclaration : undefined;
  if (!param || !ts.isParameter(param) || param.parent !== fn) return false;
  if (ts.isPropertyAccessExpression(k)) return IDENTITY_PROPERTY.test(k.name.text);
  return types.isObjectType(types.typeAt(k)) || IDENTITY_PROPERTY.test(param.name.getText());
}

/** The event a member of `cls` (a method, or an arrow property) is registered for, by a persistent registration in `cls`. */
function memberHandlerEvent(types: TypeQueries, cls: ts.ClassDeclaration, fn: ts.SignatureDeclaration): string | undefined {
  const holder = ts.isMethodDeclaration(fn)
    ? fn
    : ts.isPropertyDeclaration(fn.parent) && fn.parent.initializer === fn
      ? fn.parent
      : undefined;
  const member = holder && holder.parent === cls && types.symbolAt(holder.name);
  if (!member) return undefined;
  let event: string | undefined;
  someNode(cls, (n) => {
    if (!ts.isCallExpression(n) || n.arguments.length < 2 || !ts.isStringLiteralLike(n.arguments[0])) return false;
    const callee = unwrap(n.expression);
    if (!ts.isPropertyAccessExpression(callee) || !PERSISTENT_REGISTRATIONS.has(callee.name.text)) return false;
    let handler = unwrap(n.arguments[1]);
    // `this.onMessage.bind(this)`
    if (ts.isCallExpression(handler) && ts.isPropertyAccessExpression(handler.expression) && handler.expression.name.text === 'bind')
      handler = unwrap(handler.expression.expression);
    const registers =
      ts.isPropertyAccessExpression(handler) &&
      handler.expression.kind === ts.SyntaxKind.ThisKeyword &&
      types.symbolAt(handler.name) === member;
    if (registers) event = (n.arguments[0] as ts.StringLiteralLike).text;
    return registers;
  });
  return event;
}

/** A `this.m.delete(k)` that drops a value only the entry held, undisposed (see `deletedUndisposedEntry`). */
export interface DeletedEntry {
  /** The `this.m` the entry is deleted from. */
  map: ts.Expression;
  key: ts.Expression;
  /** A `new` whose value the class stores in the map. */
  made: ts.NewExpression;
  /** The method that releases a value of the map. */
  release: string;
}

/**
 * `this.nodes.delete(k)` where the class stores in the map values it makes with `new` (`this.nodes.set(k, new Node(…))`)
 * whose type has `dispose` or `destroy`, and the function neither reads that key's entry before (`get`, `has`: it
 * may release it), nor releases anything before, nor is handed a value of that type (which may be telling of its own
 * end), and the class does not hand the map on: the entry held the only reference the class kept, and the value
 * goes undisposed with whatever it registered.
 */
export function deletedUndisposedEntry(types: TypeQueries, call: ts.CallExpression): DeletedEntry | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'delete' || call.arguments.length !== 1) return undefined;
  const map = unwrap(callee.expression);
  const field = ts.isPropertyAccessExpression(map) && map.expression.kind === ts.SyntaxKind.ThisKeyword ? map : undefined;
  const fieldSymbol = field && types.symbolAt(field.name);
  if (!fieldSymbol || collectionKind(types, types.typeAt(map)) !== 'map') return undefined;
  const value = types.typeArguments(types.typeAt(map))[1];
  const release = value && ['dispose', 'destroy'].find((m) => types.hasMethod(value, m));
  if (!release) return undefined;
  const fn = enclosingFunction(call);
  const mapPath = accessPathKey(types, map);
  const [key] = call.arguments;
  if (!fn || !mapPath) return undefined;
  // before the deletion the function reads that key's entry, or releases some value (a loop over the map's values)
  const readsOrReleasesBefore = someNode(fn, (n) => {
    if (!ts.isCallExpression(n) || n.getStart() >= call.getStart()) return false;
    const c = unwrap(n.expression);
    if (!ts.isPropertyAccessExpression(c)) return false;
    if (c.name.text === release) return true;
    return !!n.arguments.length && ['get', 'has'].includes(c.name.text) && accessPathKey(types, c.expression) === mapPath;
  });
  // a value handed to the function (`_onAction(sender: Inspector, …)`) tells of itself, maybe that it has ended
  const valueClass = value.getSymbol();
  const hearsFromValue = !!valueClass && fn.parameters.some((p) => types.typeAt(p).getSymbol() === valueClass);
  if (readsOrReleasesBefore || hearsFromValue) return undefined;
  const cls = declarationClass(fieldSymbol);
  const declaration = fieldSymbol.valueDeclaration;
  const isPrivate =
    (!!declaration && (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) !== 0) || ts.isPrivateIdentifier(field!.name);
  if (!cls || !isPrivate) return undefined;
  let made: ts.NewExpression | undefined;
  let handedOn = false;
  someNode(cls, (n) => {
    if (!ts.isPropertyAccessExpression(n) || types.symbolAt(n.name) !== fieldSymbol) return false;
    const use = outerExpression(n, {}).parent;
    const method = ts.isPropertyAccessExpression(use) && use.expression === outerExpression(n, {}) ? use.name.text : undefined;
    if (!method && !(isAssignment(use) && use.left === outerExpression(n, {}))) handedOn = true;
    if (method === 'set' && ts.isCallExpression(use.parent) && use.parent.arguments[1]) made ??= madeValue(types, use.parent.arguments[1]);
    return handedOn;
  });
  return made && !handedOn ? { map, key, made, release } : undefined;
}

/** The `new` a stored value comes from: itself, or the initialiser of the const local it names. */
function madeValue(types: TypeQueries, value: ts.Expression): ts.NewExpression | undefined {
  const x = unwrap(value);
  if (ts.isNewExpression(x)) return x;
  const decl = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  const init = decl && ts.isVariableDeclaration(decl) && decl.initializer && unwrap(decl.initializer);
  return init && ts.isNewExpression(init) ? init : undefined;
}

function declarationClass(field: ts.Symbol): ts.ClassLikeDeclaration | undefined {
  const parent = field.valueDeclaration?.parent;
  return parent && ts.isClassLike(parent) ? parent : undefined;
}

/** A second entry for the value of another entry of the same map, and the removals that leave it behind. */
export interface AliasedEntry {
  /** `m.set(child, value)`. */
  add: ts.CallExpression;
  /** `m.get(parent)`, where the value comes from. */
  origin: ts.CallExpression;
  /** Every `m.delete(…)` of the map: each removes one key, none the entries that share its value. */
  removals: ts.CallExpression[];
}

/**
 * `const socket = sessions.get(parent); sessions.set(child, socket)`: an entry added under a new key for the value
 * another entry holds (a child session for its parent's connection). Removing the parent's entry (`delete(parent)`)
 * leaves the child's, holding the value after it ended, unless the child's own removal comes. Only when the map is
 * used by get/set/has/delete alone in its file (never iterated or cleared, so nothing removes entries by value;
 * handed on whole, as an argument or in an array, it may be cleared, which ends every entry at once), and the
 * function that adds the alias does not delete the parent's key (a move).
 */
export function aliasedEntry(types: TypeQueries, call: ts.CallExpression): AliasedEntry | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'set' || call.arguments.length !== 2) return undefined;
  const map = unwrap(callee.expression);
  // the shape first (the value is a `get`), then the types: every `set` call of every file comes here
  const origin = getCall(types, call.arguments[1]);
  if (!origin?.arguments.length) return undefined;
  const mapKey = collectionKindAt(types, map) === 'map' ? accessPathKey(types, map) : undefined;
  const readFrom = (unwrap(origin.expression) as ts.PropertyAccessExpression).expression;
  const parentKey = mapKey && accessPathKey(types, readFrom) === mapKey ? accessPathKey(types, origin.arguments[0]) : undefined;
  if (!parentKey || parentKey === accessPathKey(types, call.arguments[0])) return undefined;
  const name = ts.isPropertyAccessExpression(map) ? map.name : map;
  if (!ts.isIdentifier(name)) return undefined;
  const removals: ts.CallExpression[] = [];
  for (const n of identifiersNamed(call.getSourceFile(), name.text)) {
    const ref = ts.isPropertyAccessExpression(n.parent) && n.parent.name === n ? n.parent : n;
    if (ref.parent && ts.isVariableDeclaration(ref.parent) && ref.parent.name === ref) continue;
    if (accessPathKey(types, ref as ts.Expression) !== mapKey) continue;
    const use = outerExpression(ref as ts.Expression, {}).parent;
    if (ts.isArrayLiteralExpression(use) || ts.isCallOrNewExpression(use)) continue; // handed on whole
    if (!ts.isPropertyAccessExpression(use) || !ts.isCallExpression(use.parent) || use.parent.expression !== use) return undefined;
    if (!MAP_LOOKUPS.has(use.name.text)) return undefined;
    if (use.name.text === 'delete') removals.push(use.parent);
  }
  const adder = enclosingFunction(call);
  const moves = removals.some(
    (r) => enclosingFunction(r) === adder && r.arguments.length && accessPathKey(types, r.arguments[0]) === parentKey,
  );
  return removals.length && !moves ? { add: call, origin, removals } : undefined;
}

/** The only methods of a map whose entries nothing removes by value: keyed reads, writes and removals. */
const MAP_LOOKUPS = new Set(['get', 'set', 'has', 'delete']);

/** `x.get(…)` that `e` is, or the initialiser of the local `e` names. */
function getCall(types: TypeQueries, e: ts.Expression): ts.CallExpression | undefined {
  let x = unwrap(e);
  const local = ts.isIdentifier(x) ? types.symbolAt(x)?.valueDeclaration : undefined;
  if (local && ts.isVariableDeclaration(local) && local.initializer) x = unwrap(local.initializer);
  if (!ts.isCallExpression(x)) return undefined;
  const callee = unwrap(x.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'get' ? x : undefined;
}
