// VS Code-style disposables: which calls create one the caller must dispose, and the owners that can take it
// (an ExtensionContext's subscriptions, a `_register` method, a DisposableStore or disposables array field).
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { declaredBy, type DeclarationSource } from './declarations';
import { accessPathKey } from './access-path';
import { calleeName, isAssignment, rootIdentifier, thisField, thisProperty, unwrap } from './expressions';
import { ONE_SHOT_SCHEDULES, isPlatformSymbol } from './globals';
import { callsMethod, type LifecycleAnalysis } from './lifecycle';
import { enclosingFunction } from './owner';
import { mayReturnResource, RELEASE_METHODS, resourceInfo, type ResourceInfo } from './resource';
import { calleeSummary, namesLookup } from './summaries';

/**
 * JSON-RPC handler registrations (vscode-jsonrpc, LSP connections and clients) are keyed by message type: one
 * handler per method, a new registration replaces the previous one, so re-registering cannot accumulate. Known by
 * name (`onRequest(type, handler)`, also in untyped JavaScript), or as any `on…` method (not an `Event` property)
 * declared by those packages: `connection.onInitialize(handler)`, `connection.onCodeAction(handler)`.
 */
const KEYED_HANDLER_REGISTRATIONS = new Set(['onRequest', 'onNotification', 'onProgress']);
const JSON_RPC: readonly DeclarationSource[] = [
  'vscode-jsonrpc',
  'vscode-languageserver',
  'vscode-languageserver-protocol',
  'vscode-languageclient',
].map((name) => ({ from: 'package', package: name }));
/** Methods that add to their receiver: `add`, `addItem`, `insertCell`, `push`, `append`, `unshift`. */
const ADDING_CALL = /^(add|insert|push|append|unshift)([A-Z]|$)/;
const COLLECTIONS = /^(Array|ReadonlyArray|Map|ReadonlyMap|Set|ReadonlySet|WeakMap)\b|\[\]$/;
/** UI objects the user closes (which disposes them): keeping them open past the function is the point. */
const USER_CLOSED = /^(vscode\.)?(Terminal|WebviewPanel)$/;

/**
 * True when the program declares a bare Disposable anywhere: a callable `dispose` member in a type without
 * `[Symbol.dispose]` (those are handles, closable with `using`). When it declares none, no call can return one and
 * no call needs its type asked; most programs outside VS Code extensions are such.
 */
export function declaresDisposables(types: TypeQueries): boolean {
  return types.programWide('declares-disposables', () => {
    for (const d of types.memberDeclarations('dispose'))
      if (!siblingsOf(d).some(isSymbolDisposeMember) && isCallableMember(types, d)) return true;
    return false;
  });
}

/** Methods by their syntax; properties, parameters and assignments by their type (`"dispose": Event` is no method). */
function isCallableMember(types: TypeQueries, member: ts.Node): boolean {
  if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) return true;
  return types.isCallable(types.typeAt(ts.isBinaryExpression(member) ? member.left : member));
}

function siblingsOf(member: ts.Node): readonly ts.Node[] {
  const container = member.parent;
  if (ts.isClassLike(container) || ts.isInterfaceDeclaration(container) || ts.isTypeLiteralNode(container)) return container.members;
  return ts.isObjectLiteralExpression(container) ? container.properties : [];
}

function isSymbolDisposeMember(member: ts.Node): boolean {
  const name = (member as ts.NamedDeclaration).name;
  const e = name && ts.isComputedPropertyName(name) ? name.expression : undefined;
  return (
    !!e &&
    ts.isPropertyAccessExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'Symbol' &&
    /^(asyncDispose|dispose)$/.test(e.name.text)
  );
}

/** The Disposable a call creates for its caller (by its return type), or undefined for borrows, builders and user-closed UI. */
export function createdDisposable(types: TypeQueries, call: ts.CallExpression): ResourceInfo | undefined {
  if (!declaresDisposables(types)) return undefined;
  const info = types.typeFact(call, 'created-disposable', () => disposableReturned(types, call));
  // an accessor (`return ref[KEY]`) or a method that keeps what it returns in its own object: the caller borrows it
  return info && !calleeSummary(types, call)?.returnsBorrowed ? info : undefined;
}

/** The Disposable the call's type says it returns, unless the callee or receiver says it is no new one (from types alone). */
function disposableReturned(types: TypeQueries, call: ts.CallExpression): ResourceInfo | undefined {
  const callee = unwrap(call.expression);
  const id = calleeName(callee);
  if (!id || namesLookup(id.text)) return undefined;
  if (KEYED_HANDLER_REGISTRATIONS.has(id.text) && call.arguments.length >= 2) return undefined;
  // `timer.setTimeout(cb, ms)` of a timer abstraction: the Disposable only cancels work that runs once and is done
  if (ONE_SHOT_SCHEDULES.includes(id.text) && passesCallback(types, call)) return undefined;
  // the Disposable is what the call itself returns: an awaited promise's value is not asked for
  if (!mayReturnResource(types, call, 'disposable', true)) return undefined;
  const info = resourceInfo(types, types.typeAt(call));
  if (info?.kind !== 'disposable' || USER_CLOSED.test(info.typeName)) return undefined;
  const symbol = types.symbolAt(id);
  // platform functions (Object.freeze(x), structuredClone…) pass on or copy what they are given: they own no Disposable
  if (symbol && (isPlatformSymbol(types, symbol) || isJsonRpcHandlerMethod(types, symbol))) return undefined;
  if (ts.isPropertyAccessExpression(callee)) {
    // a builder returning `this`, or an element read from a collection
    const receiver = types.typeName(types.typeAt(callee.expression));
    if (receiver === info.typeName || COLLECTIONS.test(receiver)) return undefined;
    // `model.insertCell(i, cell)`, `menu.addItem({ command })`: the receiver keeps what is added; the call returns
    // the added item or a remover for it, which need not be kept (a handler registration is no such add)
    if (ADDING_CALL.test(id.text) && !passesHandlers(types, call)) return undefined;
  }
  return info;
}

/** A function passed to the call (inline or by reference): what a registration keeps alive. */
export function passesCallback(types: TypeQueries, call: ts.CallExpression): boolean {
  // an inline function settles it without asking the checker about the other arguments
  if (call.arguments.some((a) => ts.isFunctionLike(unwrap(a)))) return true;
  return types.typeFact(call, 'passes-callback', () => call.arguments.some((a) => types.isCallable(types.typeAt(a))));
}

/** A callback, or an object of them (`addCommand(id, { execute: () => … })`). */
function passesHandlers(types: TypeQueries, call: ts.CallExpression): boolean {
  if (passesCallback(types, call)) return true;
  return call.arguments.some((a) => {
    const x = unwrap(a);
    return (
      ts.isObjectLiteralExpression(x) &&
      x.properties.some(
        (p) =>
          ts.isMethodDeclaration(p) ||
          (ts.isPropertyAssignment(p) && (ts.isFunctionLike(unwrap(p.initializer)) || types.isCallable(types.typeAt(p.initializer)))),
      )
    );
  });
}

function isJsonRpcHandlerMethod(types: TypeQueries, symbol: ts.Symbol): boolean {
  return /^on[A-Z]/.test(symbol.name) && declaredBy(types, symbol, JSON_RPC) && types.declarationsOf(symbol).some(ts.isMethodSignature);
}

/**
 * VS Code events take a disposables collection as their third argument and put the subscription into it: an array
 * (also behind an alias, `type IDisposableRegistry = IDisposable[]`) or a disposables collection with `push` or `add`.
 */
export function tracksItself(types: TypeQueries, call: ts.CallExpression): boolean {
  return types.typeFact(call, 'tracks-itself', () => collectsItsResult(types, call));
}

function collectsItsResult(types: TypeQueries, call: ts.CallExpression): boolean {
  return call.arguments.some((a) => {
    if (ts.isFunctionLike(unwrap(a))) return false;
    const type = types.typeAt(a);
    const collects = types.hasProperty(type, 'length') || types.hasMethod(type, 'dispose');
    return (types.hasMethod(type, 'push') && collects) || (types.hasMethod(type, 'add') && types.hasMethod(type, 'dispose'));
  });
}

/** The name of an ExtensionContext parameter of an enclosing function, if any. */
export function extensionContextInScope(types: TypeQueries, node: ts.Node): string | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const param = fn.parameters.find((p) => ts.isIdentifier(p.name) && /(^|\.)ExtensionContext$/.test(types.typeName(types.typeAt(p))));
    if (param) return (param.name as ts.Identifier).text;
  }
  return undefined;
}

/** True when the class declares or inherits a `_register` method (VS Code's Disposable base class style). */
export function hasRegisterMethod(types: TypeQueries, cls: ts.ClassLikeDeclaration): boolean {
  return [cls, ...types.baseClasses(cls)].some((c) =>
    c.members.some(
      (m) =>
        (ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) && !!m.name && ts.isIdentifier(m.name) && m.name.text === '_register',
    ),
  );
}

export interface DisposableContainer {
  field: string;
  /** `add` for a DisposableStore-like field, `push` for an array. */
  method: 'add' | 'push';
}

/** A field of the class that its teardown disposes as a whole: a DisposableStore (`add` + `dispose`) or an array of disposables. */
export function disposableContainer(
  types: TypeQueries,
  lifecycle: LifecycleAnalysis,
  cls: ts.ClassLikeDeclaration,
): DisposableContainer | undefined {
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name)) continue;
    const symbol = types.symbolAt(m.name);
    const type = types.typeAt(m);
    if (!symbol) continue;
    const isArray = COLLECTIONS.test(types.typeName(type)) && types.hasMethod(type, 'push');
    if (
      !isArray &&
      types.hasMethod(type, 'add') &&
      types.hasMethod(type, 'dispose') &&
      lifecycle.releasesField(cls, symbol, { methods: ['dispose', 'clear'] })
    ) {
      return { field: m.name.text, method: 'add' };
    }
    if (isArray && disposesElements(lifecycle, cls, symbol)) return { field: m.name.text, method: 'push' };
  }
  return undefined;
}

/**
 * A parameter of the method the registration is in, which that method hands to a field the class's teardown
 * disposes (`add(reader) { this._disposables.push(reader); reader.onClose(…) }`): the class owns the source from
 * then on, and disposing it takes the registrations along.
 */
export function adoptedByOwner(
  types: TypeQueries,
  lifecycle: LifecycleAnalysis,
  target: ts.Expression,
  cls: ts.ClassLikeDeclaration,
): boolean {
  const param = rootParameter(types, target);
  if (!param || !ts.isMethodDeclaration(param.parent) || param.parent.parent !== cls || !param.parent.body) return false;
  const isParam = (e: ts.Expression) => {
    const x = unwrap(e);
    return ts.isIdentifier(x) && types.symbolAt(x)?.valueDeclaration === param;
  };
  const disposed = (field: ts.Expression): boolean => {
    const property = thisProperty(field);
    const symbol = property && types.symbolAt(property.name);
    if (!symbol) return false;
    const type = types.typeAt(property);
    const isArray = COLLECTIONS.test(types.typeName(type)) && types.hasMethod(type, 'push');
    return isArray ? disposesElements(lifecycle, cls, symbol) : lifecycle.releasesField(cls, symbol, { methods: ['dispose'] });
  };
  let adopted = false;
  const visit = (n: ts.Node): void => {
    if (adopted) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['push', 'add'].includes(n.expression.name.text))
      adopted = n.arguments.some(isParam) && disposed(n.expression.expression);
    else if (isAssignment(n) && isParam(n.right)) adopted = disposed(n.left);
    if (!adopted) n.forEachChild(visit);
  };
  visit(param.parent.body);
  return adopted;
}

/**
 * The teardown disposes every element: `forEach(d => d.dispose())`, `for (const d of this.f) d.dispose()`,
 * `dispose(this.f)`, `Disposable.from(...this.f).dispose()`.
 */
function disposesElements(lifecycle: LifecycleAnalysis, cls: ts.ClassLikeDeclaration, field: ts.Symbol): boolean {
  const { teardowns, teardownCalls } = lifecycle.of(cls);
  const isField = (e: ts.Expression) => lifecycle.isField(ts.isSpreadElement(e) ? e.expression : e, field);
  if (lifecycle.releasesField(cls, field, { methods: ['dispose'] })) return true;
  const byFunction = teardownCalls.some((call) => {
    return ['dispose', 'disposeAll', 'from'].includes(calleeName(call.expression)?.text ?? '') && call.arguments.some(isField);
  });
  if (byFunction) return true;
  let byLoop = false;
  const visit = (n: ts.Node): void => {
    if (byLoop) return;
    if (ts.isForOfStatement(n) && isField(n.expression) && callsMethod(n.statement, ['dispose'])) byLoop = true;
    else n.forEachChild(visit);
  };
  for (const t of teardowns) if (t.body) visit(t.body);
  return byLoop;
}

/**
 * `options.transport.onClose(…)` in the constructor, where `options` is a parameter property and the class's teardown
 * releases `this.options.transport`: the source is handed to the instance, which ends it, and its listeners with it.
 */
export function releasedByOwnTeardown(
  types: TypeQueries,
  lifecycle: LifecycleAnalysis,
  target: ts.Expression,
  cls: ts.ClassLikeDeclaration,
): boolean {
  const param = rootParameter(types, target);
  if (!param || !ts.isConstructorDeclaration(param.parent) || param.parent.parent !== cls) return false;
  const rootKey = accessPathKey(types, rootIdentifier(target)!);
  const key = accessPathKey(types, target);
  if (!rootKey || !key) return false;
  const rest = key.slice(rootKey.length);
  return lifecycle.of(cls).teardownCalls.some((call) => {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !(RELEASE_METHODS as readonly string[]).includes(callee.name.text)) return false;
    const field = thisProperty(thisField(callee.expression));
    const fieldKey = field && types.symbolAt(field.name)?.valueDeclaration === param ? accessPathKey(types, field) : undefined;
    return !!fieldKey && accessPathKey(types, callee.expression) === fieldKey + rest;
  });
}

/** The parameter that the expression's root names (`options` of `options.transport.onClose`). */
function rootParameter(types: TypeQueries, target: ts.Expression): ts.ParameterDeclaration | undefined {
  const root = rootIdentifier(target);
  const decl = root && types.symbolAt(root)?.valueDeclaration;
  return decl && ts.isParameter(decl) ? decl : undefined;
}
