// Class lifecycle: which methods tear an instance down, and every call they make (following helper methods
// of the same class, inherited teardowns and `super.dispose()`), so rules can ask "is this field released?".
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { accessPathKey } from './access-path';
import { calleeName, isAssignment, outerExpression, unwrap } from './expressions';
import { enclosingFunction } from './owner';
import { someCall, someNode } from './walk';

export const DEFAULT_TEARDOWN_METHODS = [
  'dispose',
  'close',
  'destroy',
  'stop',
  'shutdown',
  'teardown',
  'cleanup',
  'unmount',
  'ngOnDestroy',
  'componentWillUnmount',
  'disconnectedCallback',
  'onUnmounted',
  'beforeUnmount',
  'unmounted',
  // Node's stream implementer hook, run by destroy()
  '_destroy',
];

/** Methods that end what an earlier call on the same receiver started for a key (`stopMonitoring`, `unwatch`). */
const STOPPING_METHOD = new RegExp(
  `^(stop|end|cancel|remove|release|detach|dispose|destroy|close|` +
    `unregister|unsubscribe|unwatch|unobserve|unmonitor|untrack|unlisten)(?![a-z])`,
);

/** Method-name prefixes that start something and the prefixes of the methods that undo it. */
const CYCLE_PAIRS: readonly (readonly [string, string])[] = [
  ['connect', 'disconnect'],
  ['attach', 'detach'],
  ['mount', 'unmount'],
  ['start', 'stop'],
  ['open', 'close'],
  ['activate', 'deactivate'],
  ['enable', 'disable'],
  ['listen', 'unlisten'],
  ['bind', 'unbind'],
  ['subscribe', 'unsubscribe'],
];

/**
 * A hook's prefix before the name of what it reacts to (`onSubscribe`/`onUnsubscribe`, `_onConnect`/`_onDisconnect`),
 * with the moment it runs at, which the undoing hook mirrors (`onAfterAttach`/`onBeforeDetach`).
 */
const HOOK_PREFIX = /^(_?on)(After|Before)?(?=[A-Z])/;
const MIRRORED: Readonly<Record<string, string>> = { After: 'Before', Before: 'After' };

export interface ClassLifecycle {
  cls: ts.ClassLikeDeclaration;
  /** Teardown methods declared by the class or inherited from a base class. */
  teardowns: ts.MethodDeclaration[];
  /** The class's own teardown methods (where a fix can add a release). */
  ownTeardowns: ts.MethodDeclaration[];
  /** Every call made while tearing down (helper methods and super calls followed). */
  teardownCalls: ts.CallExpression[];
  /** The teardown a fix adds a release to: the class's own first teardown. Undefined when it has none of its own. */
  teardownToEdit: ts.MethodDeclaration | undefined;
  /** The teardown a message names: the one a fix edits, else the nearest inherited one. */
  teardownToName: ts.MethodDeclaration | undefined;
}

export class LifecycleAnalysis {
  private readonly names: ReadonlySet<string>;
  private readonly cache = new Map<ts.ClassLikeDeclaration, ClassLifecycle>();

  constructor(
    private readonly types: TypeQueries,
    extraTeardowns: readonly string[],
  ) {
    this.names = new Set([...DEFAULT_TEARDOWN_METHODS, ...extraTeardowns]);
  }

  isTeardownName(name: string): boolean {
    return this.names.has(name);
  }

  of(cls: ts.ClassLikeDeclaration): ClassLifecycle {
    let result = this.cache.get(cls);
    if (!result) {
      result = this.compute(cls);
      this.cache.set(cls, result);
    }
    return result;
  }

  /**
   * True when some teardown call has `this.<field>` (by symbol) as its receiver with a releasing method, or as an
   * argument of a releasing function.
   */
  releasesField(
    cls: ts.ClassLikeDeclaration,
    field: ts.Symbol,
    release: { methods: readonly string[]; isReleaseCall?: (call: ts.CallExpression, argIndex: number) => boolean },
  ): boolean {
    return this.of(cls).teardownCalls.some((call) => {
      const callee = unwrap(call.expression);
      if (ts.isPropertyAccessExpression(callee) && release.methods.includes(callee.name.text) && this.isField(callee.expression, field)) {
        return true;
      }
      if (release.isReleaseCall && call.arguments.some((a, i) => this.isField(a, field) && release.isReleaseCall!(call, i))) return true;
      // this.items.forEach((d) => d.dispose())
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'forEach' && this.isField(callee.expression, field)) {
        return call.arguments.some((cb) => callsMethod(cb, release.methods));
      }
      return false;
    });
  }

  /**
   * True when a teardown call hands the same receiver the key a stream was asked for with a stopping method:
   * `this.monitor.watch(this.el)` ended by `this.monitor.stopWatching(this.el)` (or `unwatch`, `remove…`, …), which
   * completes the stream for that key. Receiver and key are compared as access paths (by symbol).
   */
  stopsKeyedCall(cls: ts.ClassLikeDeclaration, call: ts.CallExpression): boolean {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !call.arguments.length) return false;
    const receiver = accessPathKey(this.types, callee.expression);
    const key = accessPathKey(this.types, call.arguments[0]);
    if (!receiver?.startsWith('this') || !key) return false;
    return this.of(cls).teardownCalls.some((stop) => {
      const stopCallee = unwrap(stop.expression);
      return (
        ts.isPropertyAccessExpression(stopCallee) &&
        STOPPING_METHOD.test(stopCallee.name.text) &&
        stop.arguments.length > 0 &&
        accessPathKey(this.types, stopCallee.expression) === receiver &&
        accessPathKey(this.types, stop.arguments[0]) === key
      );
    });
  }

  /** `this.f`, `this.f!`, `this?.f` whose property symbol is `field`. */
  isField(expr: ts.Expression, field: ts.Symbol): boolean {
    const e = unwrap(expr);
    return ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && this.types.symbolAt(e.name) === field;
  }

  /**
   * The method of the class (or a base) that undoes what `method` starts, by the pair their names make
   * (`connect`/`disconnect`, `attachTo`/`detachFrom`, `start`/`stop`), and every call it makes (helpers followed).
   * The pair says the class expects to run the cycle again: what `method` adds and the undoing method leaves stays
   * from one cycle to the next.
   */
  undoingMethodOf(
    cls: ts.ClassLikeDeclaration,
    method: ts.ClassElement,
  ): { method: ts.MethodDeclaration; calls: ts.CallExpression[] } | undefined {
    const name = method.name && ts.isIdentifier(method.name) ? method.name.text : undefined;
    const hook = name ? HOOK_PREFIX.exec(name) : null;
    const rest = name && (hook ? name[hook[0].length].toLowerCase() + name.slice(hook[0].length + 1) : name);
    const pair = rest && CYCLE_PAIRS.find(([start]) => new RegExp(`^${start}(?![a-z])`).test(rest));
    if (!rest || !pair) return undefined;
    const undoName = hook ? hook[1] + (hook[2] ? MIRRORED[hook[2]] : '') + pair[1][0].toUpperCase() + pair[1].slice(1) : pair[1];
    const chain = [cls, ...this.types.baseClasses(cls)];
    const undo = this.findMethod(chain, undoName + rest.slice(pair[0].length));
    return undo && { method: undo.method, calls: this.callsMadeBy(chain, [undo]) };
  }

  /**
   * The cycle (see `undoingMethodOf`) whose start runs `member`: the class's own method that starts it is `member`
   * or calls it through helpers of the class (`onSubscribe() { this.listen(); }`). The start, and the undoing method.
   */
  cycleRunning(
    cls: ts.ClassLikeDeclaration,
    member: ts.ClassElement,
  ): { start: ts.MethodDeclaration; undo: { method: ts.MethodDeclaration; calls: ts.CallExpression[] } } | undefined {
    const name = member.name && ts.isIdentifier(member.name) ? member.name.text : undefined;
    const chain = [cls, ...this.types.baseClasses(cls)];
    for (const start of cls.members) {
      if (!ts.isMethodDeclaration(start) || !start.body) continue;
      const undo = this.undoingMethodOf(cls, start);
      if (!undo) continue;
      if (start === member) return { start, undo };
      const calls = name ? this.callsMadeBy(chain, [{ method: start, cls }]) : [];
      const reaches = calls.some((c) => {
        const callee = unwrap(c.expression);
        return ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword && callee.name.text === name;
      });
      if (reaches) return { start, undo };
    }
    return undefined;
  }

  /**
   * A teardown that a library base class declares (`dispose(): void` in its .d.ts): it runs at the instance's end,
   * but it cannot release what this class declares. The nearest, or undefined.
   */
  declaredTeardown(cls: ts.ClassLikeDeclaration): ts.MethodDeclaration | undefined {
    for (const base of this.types.baseClasses(cls)) {
      if (!base.getSourceFile().isDeclarationFile) continue;
      const declared = base.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && this.isTeardownMember(m));
      if (declared) return declared;
    }
    return undefined;
  }

  private compute(cls: ts.ClassLikeDeclaration): ClassLifecycle {
    const chain = [cls, ...this.types.baseClasses(cls)];
    const ownTeardowns = this.teardownsOf(cls);
    const teardowns = chain.flatMap((c) => this.teardownsOf(c));
    // a base teardown runs when it is inherited as is; an override reaches it only through `super.<name>()`
    const roots = chain.flatMap((c, i) =>
      this.teardownsOf(c)
        .filter((t) => !this.findMethod(chain.slice(0, i), methodName(t)))
        .map((method) => ({ method, cls: c })),
    );
    const calls = this.callsMadeBy(chain, roots);
    return { cls, teardowns, ownTeardowns, teardownCalls: calls, teardownToEdit: ownTeardowns[0], teardownToName: teardowns[0] };
  }

  /** Every call the methods make, following helper methods of the class chain and `super.<name>()` calls. */
  private callsMadeBy(
    chain: ts.ClassLikeDeclaration[],
    roots: readonly { method: ts.MethodDeclaration; cls: ts.ClassLikeDeclaration }[],
  ): ts.CallExpression[] {
    const calls: ts.CallExpression[] = [];
    const visited = new Set<ts.Node>();
    const walk = (method: ts.MethodDeclaration, owner: ts.ClassLikeDeclaration): void => {
      if (visited.has(method) || !method.body) return;
      visited.add(method);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) {
          calls.push(node);
          const callee = unwrap(node.expression);
          if (ts.isPropertyAccessExpression(callee)) {
            const name = callee.name.text;
            if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
              // a helper method of this class or a base class
              const target = this.findMethod(chain, name);
              if (target) walk(target.method, target.cls);
            } else if (callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
              const bases = chain.slice(chain.indexOf(owner) + 1);
              const target = this.findMethod(bases, name);
              if (target) walk(target.method, target.cls);
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(method.body);
    };
    for (const root of roots) walk(root.method, root.cls);
    return calls;
  }

  private teardownsOf(cls: ts.ClassLikeDeclaration): ts.MethodDeclaration[] {
    return cls.members.filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && this.isTeardownMember(m));
  }

  private isTeardownMember(m: ts.MethodDeclaration): boolean {
    const name = m.name;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return this.names.has(name.text);
    if (ts.isComputedPropertyName(name)) {
      const text = name.expression.getText();
      return text === 'Symbol.dispose' || text === 'Symbol.asyncDispose';
    }
    return false;
  }

  private findMethod(
    chain: ts.ClassLikeDeclaration[],
    name: string,
  ): { method: ts.MethodDeclaration; cls: ts.ClassLikeDeclaration } | undefined {
    for (const cls of chain) {
      const method = cls.members.find(
        (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && m.name.text === name,
      );
      if (method) return { method, cls };
    }
    return undefined;
  }
}

/** React hooks whose effect function may return a cleanup that React runs on unmount (or before the next run). */
const EFFECT_HOOKS = new Set(['useEffect', 'useLayoutEffect', 'useInsertionEffect']);

/** True when `closure` is the cleanup an effect (useEffect & co.) returns: it runs at unmount, it does not keep what it uses. */
export function isEffectCleanup(closure: ts.Node): boolean {
  let fn: ts.Node | undefined = closure.parent;
  while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !returnedCleanups(fn).includes(closure as ts.ArrowFunction))
    return false;
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== fn) return false;
  return EFFECT_HOOKS.has(calleeName(call.expression)?.text ?? '');
}

/**
 * The closures a function returns to its caller as its cleanup (`return () => …`, `return function () {…}`, or an
 * arrow whose body is a function): React's useEffect contract, and the `const off = subscribe(…)` style.
 */
export function returnedCleanups(fn: ts.SignatureDeclaration): ts.FunctionLikeDeclaration[] {
  const out: ts.FunctionLikeDeclaration[] = [];
  const isClosure = (e: ts.Node | undefined): e is ts.ArrowFunction | ts.FunctionExpression =>
    !!e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
  const inner = (e: ts.Expression | undefined): ts.Expression | undefined => e && unwrap(e);
  if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) {
    const body = inner(fn.body);
    if (isClosure(body)) out.push(body);
    return out;
  }
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) {
      const e = inner(n.expression);
      if (isClosure(e)) out.push(e);
    }
    n.forEachChild(visit);
  };
  if ('body' in fn && fn.body) fn.body.forEachChild(visit);
  return out;
}

/**
 * `this.listen((notify) => { …; return () => off(); })` where `listen(setup) { this.cleanup = setup(cb); }`: the
 * field of the class that keeps what an inline function returns, when the function is handed to a method of the
 * class that calls it and stores its result in a field. The field's name.
 */
export function fieldKeepingResultOf(types: TypeQueries, fn: ts.SignatureDeclaration): ts.Identifier | ts.PrivateIdentifier | undefined {
  const call = outerExpression(fn as ts.Expression).parent;
  if (!ts.isCallExpression(call)) return undefined;
  const callee = unwrap(call.expression);
  const index = call.arguments.findIndex((a) => unwrap(a) === fn);
  if (index < 0 || !ts.isPropertyAccessExpression(callee) || callee.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const declaration = types.symbolAt(callee.name)?.valueDeclaration;
  const method = declaration && ts.isMethodDeclaration(declaration) ? declaration : undefined;
  const param = method?.parameters[index];
  const paramSymbol = param && ts.isIdentifier(param.name) ? types.symbolAt(param.name) : undefined;
  if (!paramSymbol || !method?.body) return undefined;
  let field: ts.Identifier | ts.PrivateIdentifier | undefined;
  someNode(method.body, (n) => {
    if (!isAssignment(n)) return false;
    const left = unwrap(n.left);
    const right = unwrap(n.right, { await: true });
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword || !ts.isCallExpression(right))
      return false;
    const called = unwrap(right.expression);
    if (!ts.isIdentifier(called) || types.symbolAt(called) !== paramSymbol) return false;
    field = left.name;
    return true;
  });
  return field;
}

/** Promise reactions: they run later, after the code that chained them (and maybe its cleanup) has returned. */
const REACTIONS = new Set(['then', 'catch', 'finally']);

/**
 * `let handle; p.then(() => { handle = source.subscribe(…); }); return () => handle?.unsubscribe();`: a value kept
 * in a local of a function that returns a cleanup releasing it, but acquired in a promise reaction, which may run
 * after the cleanup has. The cleanup then finds nothing to release, and what the reaction acquires next stays. A
 * reaction that reads a variable the cleanup sets (`if (closed) return;`) knows. Returns the local and the cleanup.
 */
export function acquiredAfterCleanup(
  types: TypeQueries,
  value: ts.Expression,
  releases: readonly string[],
): { local: ts.Identifier; cleanup: ts.FunctionLikeDeclaration } | undefined {
  const assignment = outerExpression(value).parent;
  if (!ts.isBinaryExpression(assignment) || assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const local = unwrap(assignment.left);
  const symbol = ts.isIdentifier(local) ? types.symbolAt(local) : undefined;
  const decl = symbol?.valueDeclaration;
  if (!symbol || !decl || !ts.isVariableDeclaration(decl)) return undefined;
  const producer = enclosingFunction(decl);
  let reaction: ts.Node | undefined;
  for (let fn = enclosingFunction(assignment); fn && fn !== producer; fn = enclosingFunction(fn)) {
    const call = outerExpression(fn as ts.Expression).parent;
    if (ts.isCallExpression(call) && REACTIONS.has(calleeName(call.expression)?.text ?? '')) reaction = fn;
  }
  if (!producer || !reaction) return undefined;
  const refersToLocal = (n: ts.Node) => ts.isIdentifier(n) && types.symbolAt(n) === symbol;
  const cleanup = returnedCleanups(producer as ts.SignatureDeclaration).find((c) =>
    someCall(c, (call) => {
      const callee = unwrap(call.expression);
      return ts.isPropertyAccessExpression(callee) && releases.includes(callee.name.text) && refersToLocal(unwrap(callee.expression));
    }),
  );
  if (!cleanup) return undefined;
  // a flag the cleanup sets, read by the reaction: it checks whether the cleanup came first
  const flags = new Set<ts.Symbol>();
  someNode(cleanup, (n) => {
    const target = isAssignment(n) ? unwrap(n.left) : undefined;
    const flag = target && ts.isIdentifier(target) ? types.symbolAt(target) : undefined;
    if (flag && flag !== symbol) flags.add(flag);
    return false;
  });
  const checks = someNode(reaction, (n) => ts.isIdentifier(n) && flags.has(types.symbolAt(n)!));
  return checks ? undefined : { local: local as ts.Identifier, cleanup };
}

function methodName(m: ts.MethodDeclaration): string {
  return ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : m.name.getText();
}

/** True when `node` contains a call `….m()` with m in `methods`. */
export function callsMethod(node: ts.Node, methods: readonly string[]): boolean {
  return someCall(node, (call) => {
    const callee = unwrap(call.expression);
    return ts.isPropertyAccessExpression(callee) && methods.includes(callee.name.text);
  });
}
