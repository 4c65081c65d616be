// VS Code-style disposables: which calls create one the caller must dispose, and the owners that can take it
// (an ExtensionContext's subscriptions, a `_register` method, a DisposableStore or disposables array field).
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { declaredBy, type DeclarationSource } from './declarations';
import { calleeName, unwrap } from './expressions';
import { isPlatformSymbol } from './globals';
import { callsMethod, type LifecycleAnalysis } from './lifecycle';
import { enclosingFunction } from './owner';
import { mayReturnResource, resourceInfo, type ResourceInfo } from './resource';

/**
 * Calls that look up an existing value rather than create one (`_`/`#` prefixes of private helpers ignored): the
 * caller borrows the result.
 */
const BORROWING_CALL = /^[_#]*(get|find|lookup|peek|at|pop|shift|item)([A-Z_]|$)/;
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
  const callee = unwrap(call.expression);
  const id = calleeName(callee);
  if (!id || BORROWING_CALL.test(id.text)) return undefined;
  if (KEYED_HANDLER_REGISTRATIONS.has(id.text) && call.arguments.length >= 2) return undefined;
  if (!mayReturnResource(types, call, 'disposable')) return undefined;
  const info = resourceInfo(types, types.typeAt(call));
  if (info?.kind !== 'disposable' || USER_CLOSED.test(info.typeName)) return undefined;
  const symbol = types.symbolAt(id);
  // platform functions (Object.freeze(x), structuredClone…) pass on or copy what they are given: they own no Disposable
  if (symbol && (isPlatformSymbol(types, symbol) || isJsonRpcHandlerMethod(types, symbol))) return undefined;
  if (ts.isPropertyAccessExpression(callee)) {
    // a builder returning `this`, or an element read from a collection
    const receiver = types.typeName(types.typeAt(callee.expression));
    if (receiver === info.typeName || COLLECTIONS.test(receiver)) return undefined;
  }
  return info;
}

function isJsonRpcHandlerMethod(types: TypeQueries, symbol: ts.Symbol): boolean {
  return /^on[A-Z]/.test(symbol.name) && declaredBy(types, symbol, JSON_RPC) && types.declarationsOf(symbol).some(ts.isMethodSignature);
}

/** VS Code events take a disposables array as their third argument and push the subscription into it. */
export function tracksItself(types: TypeQueries, call: ts.CallExpression): boolean {
  return call.arguments.some((a) => COLLECTIONS.test(types.typeName(types.typeAt(a))) && types.hasMethod(types.typeAt(a), 'push'));
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
