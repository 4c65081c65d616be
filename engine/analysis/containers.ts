// Inversify-style dependency-injection containers (inversify, Theia): how a reference to a class takes part in a
// container. A container makes one instance of a class bound in singleton scope (`bind(C).toSelf().inSingletonScope()`,
// `bind(T).to(C).inSingletonScope()`), and of one bound without a scope or bound by the container itself
// (`autoBindInjectable`) when the container's default scope is 'Singleton' (`new Container({ defaultScope:
// 'Singleton' })`). Injections (`@inject(C)`), resolutions (`container.get(C)`) and aliases (`toService(C)`) only look
// the instance up. Decorators and methods are known by their names, as Angular's are.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { calleeName, unwrap } from './expressions';

export type ContainerUse =
  /** `bind(C).toSelf()…`, `bind(T).to(C)…`: the container makes instances of C, in the scope the chain names (if any). */
  | { kind: 'binding'; bind: ts.CallExpression; scope: string | undefined }
  /** `@inject(C)`, `container.get(C)`, `toService(C)`, `bind(C).toConstantValue(…)`: C is a token looked up. */
  | { kind: 'lookup' };

const INJECTIONS = new Set(['inject', 'multiInject', 'lazyInject']);
const RESOLUTIONS = new Set(['get', 'getAsync', 'getAll', 'getAllAsync', 'isBound']);
const BINDINGS = new Set(['bind', 'rebind']);

/** What the reference to a class does in a container, or undefined when it is no container use. */
export function containerUseOf(ref: ts.Identifier): ContainerUse | undefined {
  const call = ref.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== ref) return undefined;
  const name = calleeName(call.expression)?.text;
  if (!name) return undefined;
  if (INJECTIONS.has(name) || name === 'toService' || (RESOLUTIONS.has(name) && ts.isPropertyAccessExpression(call.expression)))
    return { kind: 'lookup' };
  const binding = BINDINGS.has(name) ? call : name === 'to' ? bindingHead(call) : undefined;
  if (!binding) return undefined;
  const chain = chainAbove(binding);
  if (binding === call && !chain.includes('toSelf')) return { kind: 'lookup' };
  const scopes = chain.flatMap((method) => /^in(\w+)Scope$/.exec(method)?.[1] ?? []);
  return { kind: 'binding', bind: binding, scope: scopes.at(-1) };
}

/** The `bind(…)` call a `.to(C)` continues (`bind(T).to(C)`). */
function bindingHead(call: ts.CallExpression): ts.CallExpression | undefined {
  let x = unwrap(call.expression);
  while (ts.isPropertyAccessExpression(x) || ts.isCallExpression(x)) {
    if (ts.isCallExpression(x) && BINDINGS.has(calleeName(x.expression)?.text ?? '')) return x;
    x = unwrap(x.expression);
  }
  return undefined;
}

/** The methods a call chain goes on to call on what `call` returns: `bind(C).toSelf().inSingletonScope()` → toSelf, inSingletonScope. */
function chainAbove(call: ts.CallExpression): string[] {
  const methods: string[] = [];
  let n: ts.Expression = call;
  while (ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n && ts.isCallExpression(n.parent.parent)) {
    methods.push(n.parent.name.text);
    n = n.parent.parent;
  }
  return methods;
}

/**
 * Every container the program makes (`new Container(…)` of the class that one container is made with a
 * `defaultScope` from) defaults to singletons: what is bound without a scope, or bound by the container itself, is
 * made once per container. Child containers (`createChild()`) take their parent's options.
 */
export function containersDefaultToSingletons(types: TypeQueries): boolean {
  return types.programWide('containers-default-to-singletons', () => {
    const container = containerClass(types);
    if (!container) return false;
    let made = 0;
    for (const ref of types.programReferences(container)) {
      const created = ref.parent;
      if (!ts.isNewExpression(created) || created.expression !== ref) continue;
      if (defaultScope(created.arguments?.[0]) !== 'Singleton') return false;
      made++;
    }
    return made > 0;
  });
}

/** The class of a container made with a default scope (`new Container({ defaultScope: … })`). */
function containerClass(types: TypeQueries): ts.Symbol | undefined {
  for (const member of types.memberDeclarations('defaultScope')) {
    const created = member.parent?.parent;
    if (!ts.isPropertyAssignment(member) || !created || !ts.isNewExpression(created) || created.arguments?.[0] !== member.parent) continue;
    const symbol = ts.isIdentifier(created.expression) ? types.symbolAt(created.expression) : undefined;
    if (symbol && created.expression.getText() === 'Container') return symbol;
  }
  return undefined;
}

/** `'Singleton'` of `{ defaultScope: 'Singleton' }` or `{ defaultScope: BindingScopeEnum.Singleton }`. */
function defaultScope(options: ts.Expression | undefined): string | undefined {
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const p of options.properties) {
    if (!ts.isPropertyAssignment(p) || p.name.getText() !== 'defaultScope') continue;
    const value = unwrap(p.initializer);
    if (ts.isStringLiteralLike(value)) return value.text;
    return ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
  }
  return undefined;
}
