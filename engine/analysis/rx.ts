// RxJS, by the checker: an Observable is a value whose type has both `subscribe` and `pipe`; operators and
// creation functions are matched by name and by being declared in the rxjs package.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { declaredBy, namesSpec, type DeclarationSource } from './declarations';
import { calledName, unwrap } from './expressions';

const RXJS: readonly DeclarationSource[] = [{ from: 'package', package: 'rxjs' }];
/** Operators that complete the stream, ending the subscription by themselves (subscription-leak's default option). */
export const COMPLETING_OPERATORS = ['take', 'first', 'takeUntil', 'takeWhile', 'takeUntilDestroyed'];
/** Creation functions whose observables complete after a finite number of values. */
const FINITE_SOURCES = new Set(['of', 'from', 'throwError', 'forkJoin', 'firstValueFrom', 'lastValueFrom']);
/** Clients whose observables complete after one response (Angular's HttpClient). */
const FINITE_CLIENTS = /^HttpClient$/;

export function isObservable(types: TypeQueries, expr: ts.Expression): boolean {
  // its methods, not its values' type: `merge(…)` and `pipe(…)` need no inference
  const type = types.receiverTypeAt(expr);
  return types.hasMethod(type, 'subscribe') && types.hasMethod(type, 'pipe');
}

/**
 * `m.set(key, sub)` where the program declares what it keeps there an RxJS Subscription (the Map's value type): the
 * value `observable.subscribe()` gave is an RxJS subscription, also when the stream's type does not resolve (a class
 * of another module, scanned alone). The declaration is the program's own, checked by the compiler. Not for a
 * `.pipe(…)` on such a stream: `observableChain` cannot unwind it, so operators that complete it would go unseen.
 */
export function keptAsSubscription(types: TypeQueries, observable: ts.Expression, kept: ts.Expression): boolean {
  const e = unwrap(observable);
  if (ts.isCallExpression(e) && calledName(e) === 'pipe') return false;
  const type = types.contextualType(kept);
  const symbol = type?.getSymbol();
  return !!symbol && symbol.name === 'Subscription' && declaredBy(types, symbol, RXJS);
}

/** The observable a `.subscribe()` call subscribes to, with `.pipe(…)` and `.asObservable()` links unwound. */
export interface ObservableChain {
  /** The operators applied by `.pipe(…)` calls, innermost last. */
  operators: ts.Expression[];
  /** The expression the chain starts from. */
  source: ts.Expression;
}

export function observableChain(types: TypeQueries, observable: ts.Expression): ObservableChain {
  const operators: ts.Expression[] = [];
  let e = unwrap(observable);
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && isObservable(types, e.expression.expression)) {
    const name = e.expression.name.text;
    if (name === 'pipe') operators.push(...e.arguments);
    else if (name !== 'asObservable') break;
    e = unwrap(e.expression.expression);
  }
  return { operators, source: e };
}

/**
 * True when the chain completes by itself: one of the completing operators (by name), or a finite source such as
 * `of(…)` or an HttpClient call.
 */
export function completesItself(types: TypeQueries, chain: ObservableChain, completingOperators: readonly string[]): boolean {
  // operators by name alone: a same-named wrapper most likely completes too, and silence is the safe side
  if (chain.operators.some((op) => ts.isCallExpression(op) && completingOperators.includes(calledName(op) ?? ''))) return true;
  const src = chain.source;
  if (ts.isIdentifier(src) && src.text === 'EMPTY') return true;
  if (!ts.isCallExpression(src)) return false;
  // timer(due) emits once; timer(due, period) keeps going
  if (
    isRxjsFunction(types, src.expression, ['timer']) &&
    (src.arguments.length < 2 || src.arguments[1].kind === ts.SyntaxKind.UndefinedKeyword)
  )
    return true;
  if (isRxjsFunction(types, src.expression, [...FINITE_SOURCES])) return true;
  const callee = unwrap(src.expression);
  return ts.isPropertyAccessExpression(callee) && FINITE_CLIENTS.test(types.typeName(types.typeAt(callee.expression)));
}

/** Creation functions that combine the observables they are given: the result emits as long as any of them does. */
const COMBINATIONS = ['merge', 'combineLatest', 'zip', 'race', 'concat'];

/**
 * The sources a chain is fed by: `merge(a, b.pipe(…))` → a and b (combinations followed), else the chain's own source.
 * A subscription to a combination outlives its owner when one of these does.
 */
export function chainSources(types: TypeQueries, chain: ObservableChain): ts.Expression[] {
  const src = chain.source;
  if (!ts.isCallExpression(src) || !isRxjsFunction(types, src.expression, COMBINATIONS)) return [src];
  const inputs = src.arguments.flatMap((a) => (ts.isArrayLiteralExpression(a) ? [...a.elements] : [a]));
  if (!inputs.length || inputs.some((a) => ts.isSpreadElement(a) || !isObservable(types, a))) return [src];
  return inputs.flatMap((a) => chainSources(types, observableChain(types, a)));
}

/**
 * `source.subscribe(subscriber)` inside `new Observable((subscriber) => …)`: RxJS uses the outer Subscriber as the
 * inner one, so the inner subscription ends when the outer one is unsubscribed.
 */
export function forwardsToOuterSubscriber(types: TypeQueries, subscribe: ts.CallExpression): boolean {
  const observer = subscribe.arguments.length === 1 ? unwrap(subscribe.arguments[0]) : undefined;
  const param = observer && ts.isIdentifier(observer) ? types.symbolAt(observer)?.valueDeclaration : undefined;
  if (!param || !ts.isParameter(param) || param.parent.parameters[0] !== param) return false;
  const producer = param.parent;
  if (!ts.isArrowFunction(producer) && !ts.isFunctionExpression(producer)) return false;
  const created = producer.parent;
  return ts.isNewExpression(created) && created.arguments?.[0] === producer && isObservable(types, created);
}

function isRxjsFunction(types: TypeQueries, callee: ts.Expression, names: readonly string[]): boolean {
  const id = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
  return ts.isIdentifier(id) && namesSpec(types, id, { name: names, from: RXJS });
}
