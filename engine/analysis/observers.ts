// Observers (the DOM's MutationObserver, ResizeObserver, IntersectionObserver, or any type of the same shape): an
// object made with a callback whose `observe(target)` makes the target call it until `disconnect()`. The target
// keeps the observer, its callback and what that references, like a listener.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { outerExpression, unwrap } from './expressions';
import { enclosingFunction } from './owner';
import { referencesTo } from './walk';

/** The methods that end what `observe` starts: all targets at once, or one. */
const OBSERVER_RELEASES = ['disconnect', 'unobserve'];

export interface DroppedObserver {
  /** The `new …(callback)` that made the observer. */
  made: ts.NewExpression;
  callback: ts.Expression;
  /** The local that keeps it, when one does. */
  local?: ts.Identifier;
}

/**
 * `new ResizeObserver(cb).observe(el)`, or `const ro = new ResizeObserver(cb); ro.observe(el)` where the local is
 * used for nothing but `observe` calls: nobody can disconnect the observer, so it stays on its target. Only for a
 * receiver whose type has `observe` and `disconnect`, made with a function; undefined for anything else.
 */
export function droppedObserver(types: TypeQueries, observe: ts.CallExpression): DroppedObserver | undefined {
  const callee = unwrap(observe.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'observe' || !observe.arguments.length) return undefined;
  const receiver = unwrap(callee.expression);
  const type = types.typeAt(receiver);
  if (!types.hasMethod(type, 'observe') || !OBSERVER_RELEASES.some((m) => types.hasMethod(type, m))) return undefined;
  const local = ts.isIdentifier(receiver) ? receiver : undefined;
  const declaration = local && types.symbolAt(local)?.valueDeclaration;
  const made = local
    ? declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && unwrap(declaration.initializer)
    : receiver;
  if (!made || !ts.isNewExpression(made)) return undefined;
  const callback = made.arguments?.[0];
  if (!callback || !types.isCallable(types.typeAt(callback))) return undefined;
  if (!local) return { made, callback };
  const name = (declaration as ts.VariableDeclaration).name;
  const scope = enclosingFunction(declaration!);
  const uses = ts.isIdentifier(name) && scope ? referencesTo(types, scope, name) : undefined;
  return uses?.every(isObserveCall) ? { made, callback, local: name as ts.Identifier } : undefined;
}

/** `x.observe(…)` at a reference to `x`. */
function isObserveCall(ref: ts.Node): boolean {
  const access = outerExpression(ref as ts.Expression, {}).parent;
  return (
    ts.isPropertyAccessExpression(access) &&
    access.name.text === 'observe' &&
    ts.isCallExpression(access.parent) &&
    access.parent.expression === access
  );
}
