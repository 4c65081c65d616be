// A registration on a source's own end event (`peer.onDispose(…)`, `tab.destroyed$.subscribe(…)`): the source fires
// it once, as it is disposed or destroyed, and its emitter goes with it. Where the source is handed to the code for
// one call (a method's or callback's parameter), it does not outlive the registrar, and the registration holds the
// handler no longer than the source lives. A long-lived source (a field, a constructor's parameter, a local read from
// anywhere, a global, an import, a module-level value) gathers one handler per registrar until it ends: still a leak.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { unwrap } from './expressions';

const OWN_END_EVENT = /^(on(Will|Did)?(Dispose|Destroy)e?d?|(disposed|destroyed)\$?)$/;
const ENDING_METHODS = ['dispose', 'destroy'];

/** The source whose own end `event` is (`peer` of `peer.onDispose`, `model` of `model.disposed`), when its type can end. */
export function endingSourceOf(types: TypeQueries, event: ts.Expression): ts.Expression | undefined {
  const access = unwrap(event);
  if (!ts.isPropertyAccessExpression(access) || !OWN_END_EVENT.test(access.name.text)) return undefined;
  const source = access.expression;
  return ENDING_METHODS.some((m) => types.hasMethod(types.typeAt(source), m)) ? source : undefined;
}

/** True when `event` (`peer.onDispose`, `tab.destroyed$`) is the end event of a source handed in for one call. */
export function onOwnEndOfPassingSource(types: TypeQueries, event: ts.Expression): boolean {
  const source = endingSourceOf(types, event);
  if (!source) return false;
  const root = unwrap(source);
  const decl = ts.isIdentifier(root) ? types.symbolAt(root)?.valueDeclaration : undefined;
  return !!decl && ts.isParameter(decl) && !ts.isConstructorDeclaration(decl.parent);
}
