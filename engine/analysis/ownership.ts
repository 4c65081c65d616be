// Ownership and escape of a local value: every reference to a variable is classified as a release, a hand-off
// (returned, yielded, stored, passed to a sink or another function, wrapped by a constructor, captured by an
// escaping closure, bound with `using`) or a plain use. Aliases (`const b = a`) are followed.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { calleeName, calleePath, isAssignment, outerExpression, thisProperty, unwrap } from './expressions';
import { LISTENER_REGISTRATIONS } from './events';
import { isRequestPoolOption } from './http';
import { isEffectCleanup } from './lifecycle';
import { mayKeepArgument } from './summaries';
import { enclosingFunction } from './owner';
import { RELEASE_METHODS } from './resource';
import { someCall, someNode } from './walk';

export type HandOff = 'returned' | 'yielded' | 'stored' | 'sink' | 'passed' | 'wrapped' | 'captured' | 'using' | 'exported';
export type UseKind = HandOff | 'release' | 'method' | 'read' | 'reassigned';

export interface Use {
  kind: UseKind;
  /** The identifier that refers to the variable. */
  ref: ts.Identifier;
  /** The node that decided the kind: the call, return, assignment, … */
  site: ts.Node;
  /** For 'method': the method name called on the value. */
  method?: string;
  /** True when the reference is inside a function nested in the declaring one (a callback, a closure). */
  inClosure: boolean;
}

export interface LocalUses {
  uses: Use[];
  releases: Use[];
  handOffs: Use[];
}

/** How a rule recognises a release of its values. */
export interface Releasers {
  /** Method names whose call on the value releases it, e.g. close, dispose. */
  methods: readonly string[];
  /** A function call that releases the argument at `argIndex`, e.g. clearInterval(x), fs.closeSync(fd). */
  isReleaseCall?: (call: ts.CallExpression, argIndex: number) => boolean;
}

const HAND_OFFS: ReadonlySet<UseKind> = new Set<UseKind>([
  'returned',
  'yielded',
  'stored',
  'sink',
  'passed',
  'wrapped',
  'captured',
  'using',
  'exported',
]);
const STORING_METHODS = new Set(['push', 'unshift', 'set', 'add', 'insert', 'splice', 'concat']);

/**
 * What becomes of a value no variable holds, followed along the calls on it that hand it (or another resource) back:
 * released, kept (handed on, registered on, left to its events, read to its end), or dropped after `call`.
 */
export type TemporaryFate = { kind: 'released' | 'kept' } | { kind: 'dropped'; call: ts.CallExpression };

/** Methods that show a value is meant to outlive the statements that follow it (event-driven use). */
export const EVENT_DRIVEN_METHODS: ReadonlySet<string> = new Set([...LISTENER_REGISTRATIONS, 'pipe', 'listen', 'subscribe']);
/**
 * Methods after which a value runs on by itself or is read to its end: events and pipes keep a stream or server going
 * until it ends, and `toArray()`/`forEach()` read a stream or cursor to its end, which closes it.
 */
const KEEPING_METHODS: ReadonlySet<string> = new Set([...EVENT_DRIVEN_METHODS, 'toArray', 'forEach']);

/** What calling a method does with its receiver, read from its declarations. */
type MethodEffect = 'returns-this' | 'returns-held' | 'hands-off-this' | 'none';

/** Default hand-off sinks (VS Code, VS Code-internal, RxJS, DOM/Node); configurable additions come from settings. */
export const DEFAULT_SINKS = [
  'subscriptions.push',
  '_register',
  'Disposable.from',
  'DisposableStore.add',
  'register',
  'track',
  'add',
  'pipeline',
  'finished',
];

export class OwnershipAnalysis {
  private readonly sinkPaths: string[][];
  private readonly effects = new WeakMap<ts.Symbol, MethodEffect>();
  private readonly keeps = new WeakMap<ts.Declaration, boolean>();

  constructor(
    private readonly types: TypeQueries,
    extraSinks: readonly string[],
  ) {
    this.sinkPaths = [...DEFAULT_SINKS, ...extraSinks].map((s) => s.split('.'));
  }

  /** True when the call's callee path ends with a configured sink path (`context.subscriptions.push` ends with `subscriptions.push`). */
  isSink(call: ts.CallExpression | ts.NewExpression): boolean {
    const path = calleePath(call.expression);
    if (!path.length) return false;
    return this.sinkPaths.some(
      (sink) => sink.length <= path.length && sink.every((part, i) => part === path[path.length - sink.length + i]),
    );
  }

  /** Classifies every reference to the variable declared by `name` within the function (or file) that declares it. */
  usesOf(name: ts.Identifier, releasers: Releasers): LocalUses {
    const uses: Use[] = [];
    this.collect(name, releasers, uses, new Set());
    return {
      uses,
      releases: uses.filter((u) => u.kind === 'release'),
      handOffs: uses.filter((u) => HAND_OFFS.has(u.kind)),
    };
  }

  private collect(name: ts.Identifier, releasers: Releasers, out: Use[], seen: Set<ts.Symbol>): void {
    const symbol = this.types.symbolAt(name);
    if (!symbol || seen.has(symbol)) return;
    seen.add(symbol);
    const declaringFunction = enclosingFunction(name);
    const scope: ts.Node = declaringFunction ?? name.getSourceFile();
    if (isUsingDeclaration(name)) {
      out.push({ kind: 'using', ref: name, site: name.parent, inClosure: false });
    }
    const text = name.text;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        if (node !== name && node.text === text && this.types.symbolAt(node) === symbol) {
          const use = this.capturedBy(this.classify(node, releasers, declaringFunction), declaringFunction);
          out.push(use);
          const alias = use.kind === 'read' ? aliasAt(use.site) : undefined;
          if (alias) this.collect(alias, releasers, out, seen);
        }
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(scope, visit);
  }

  private classify(ref: ts.Identifier, releasers: Releasers, declaringFunction: ts.Node | undefined): Use {
    const inClosure = enclosingFunction(ref) !== declaringFunction;
    const use = (kind: UseKind, site: ts.Node, method?: string): Use => ({ kind, ref, site, method, inClosure });
    if (ts.isShorthandPropertyAssignment(ref.parent)) return use(isRequestPoolOption(this.types, ref) ? 'read' : 'stored', ref.parent);
    if (ts.isExportSpecifier(ref.parent) || ts.isExportAssignment(ref.parent)) return use('exported', ref.parent);
    return this.classifyValue(outerExpression(ref), releasers, declaringFunction, use);
  }

  /** Classifies where the value `expr` (the variable, or a call that returns it) goes. */
  private classifyValue(
    expr: ts.Expression,
    releasers: Releasers,
    declaringFunction: ts.Node | undefined,
    use: (kind: UseKind, site: ts.Node, method?: string) => Use,
  ): Use {
    const parent = expr.parent;

    if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === expr) {
      const method = ts.isPropertyAccessExpression(parent) ? parent.name.text : undefined;
      const call = parent.parent;
      if (method && ts.isCallExpression(call) && call.expression === parent) {
        if (releasers.methods.includes(method)) return use('release', call, method);
        const effect = this.methodEffect((parent as ts.PropertyAccessExpression).name as ts.Identifier);
        // `return await client.connect()` hands off the client when connect() returns `this`, or the one resource the
        // client holds and ends (its `destroy()` destroys that and nothing else)
        if (effect === 'returns-this' || effect === 'returns-held') {
          const chained = this.classifyValue(outerExpression(call), releasers, declaringFunction, use);
          if (HAND_OFFS.has(chained.kind) || (chained.kind === 'read' && aliasAt(chained.site))) return chained;
        }
        if (effect === 'hands-off-this') return use('passed', call, method);
        return use('method', call, method);
      }
      // `views.insert(ref.hostView)`: a part that releases the value too (a component's view, destroyed with it) is
      // put in a collection, whose owner ends the value through it
      if (this.storesReleasingPart(parent, releasers)) return use('stored', parent.parent);
      // `x.close` passed somewhere / `x.field = …` are plain reads of the value
      return use('read', parent);
    }
    if (ts.isCallExpression(parent) && parent.arguments.includes(expr as ts.Expression)) {
      const index = parent.arguments.indexOf(expr as ts.Expression);
      if (releasers.isReleaseCall?.(parent, index)) return use('release', parent);
      if (this.isSink(parent)) return use('sink', parent);
      const method = ts.isPropertyAccessExpression(parent.expression) ? parent.expression.name.text : undefined;
      if (method && STORING_METHODS.has(method)) return use('stored', parent);
      return use('passed', parent);
    }
    if (ts.isNewExpression(parent)) return use('wrapped', parent);
    if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === expr)) return use('returned', parent);
    if (ts.isYieldExpression(parent)) return use('yielded', parent);
    if (isAssignment(parent)) {
      if (parent.left === expr) return use('reassigned', parent);
      const target = parent.left;
      if (ts.isIdentifier(target)) {
        // assigned to another variable: a hand-off unless that variable is a local of the same function
        const decl = this.types.symbolAt(target)?.valueDeclaration;
        return use(decl && enclosingFunction(decl) === declaringFunction && declaringFunction ? 'read' : 'stored', parent);
      }
      return use('stored', parent);
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === expr) {
      if (ts.isIdentifier(parent.name)) {
        // an alias: a module-level or outer variable keeps the value alive beyond this function
        const aliasFunction = enclosingFunction(parent);
        return use(aliasFunction === declaringFunction ? 'read' : 'stored', parent);
      }
      return use('read', parent);
    }
    if (ts.isPropertyAssignment(parent) && isRequestPoolOption(this.types, expr)) return use('read', parent);
    if (
      ts.isArrayLiteralExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isSpreadElement(parent) ||
      ts.isSpreadAssignment(parent) ||
      ts.isJsxExpression(parent)
    ) {
      return use('stored', parent);
    }
    return use('read', parent);
  }

  /** `member` (`ref.hostView`) is the argument of a storing call and has one of the value's releasing methods. */
  private storesReleasingPart(member: ts.PropertyAccessExpression | ts.ElementAccessExpression, releasers: Releasers): boolean {
    const call = member.parent;
    if (!ts.isCallExpression(call) || !call.arguments.includes(member) || !ts.isPropertyAccessExpression(call.expression)) return false;
    if (!STORING_METHODS.has(call.expression.name.text)) return false;
    const type = this.types.typeAt(member);
    return releasers.methods.some((m) => this.types.hasMethod(type, m));
  }

  /**
   * The fate of the value `made` makes when it is bound to no variable (`createRunner().query(sql)`), followed along the
   * methods that return it (`this`) or another value `isResource` accepts (`find(q).limit(1).next()`): dropped at the
   * first call that returns neither; anything but a method call on it (returned, passed, stored) keeps it.
   */
  temporaryFate(made: ts.Expression, releasers: Releasers, isResource: (call: ts.CallExpression) => boolean): TemporaryFate {
    for (let value = made; ;) {
      const outer = outerExpression(value);
      const member = outer.parent;
      const call = member.parent;
      if (!ts.isPropertyAccessExpression(member) || member.expression !== outer || !ts.isCallExpression(call) || call.expression !== member)
        return { kind: 'kept' };
      const method = member.name.text;
      if (releasers.methods.includes(method)) return { kind: 'released' };
      const effect = ts.isIdentifier(member.name) ? this.methodEffect(member.name) : 'none';
      if (KEEPING_METHODS.has(method) || effect === 'hands-off-this') return { kind: 'kept' };
      if (effect !== 'returns-this' && !isResource(call)) return { kind: 'dropped', call };
      value = call;
    }
  }

  /**
   * `returns-this` when a declaration of the method returns `this` (`connect(): Promise<this>`); `hands-off-this` when
   * its body (in the program's source) passes `this` to a call that may keep it or stores it (`Widget.attach(this,
   * host)`): the receiver then lives on in what it was given. A function of the program whose body only uses what it
   * is given (`next(this, options)` that reads the cursor) keeps nothing.
   */
  private methodEffect(name: ts.Identifier): MethodEffect {
    const symbol = this.types.symbolAt(name);
    if (!symbol) return 'none';
    let effect = this.effects.get(symbol);
    if (effect === undefined) {
      const decls = this.types.declarationsOf(symbol).filter((d) => ts.isMethodDeclaration(d) || ts.isMethodSignature(d));
      const bodies = decls.filter(
        (d): d is ts.MethodDeclaration & { body: ts.Block } =>
          ts.isMethodDeclaration(d) && !!d.body && !d.getSourceFile().isDeclarationFile,
      );
      effect = decls.some((d) => d.type && returnsThisType(d.type))
        ? 'returns-this'
        : bodies.length && bodies.every(handsBackHeldResource)
          ? 'returns-held'
          : bodies.some((d) => this.handsOffThis(d.body))
            ? 'hands-off-this'
            : 'none';
      this.effects.set(symbol, effect);
    }
    return effect;
  }

  private handsOffThis(body: ts.Block): boolean {
    return handsOffThis(body, (call, index) => mayKeepArgument(this.types, call, index));
  }

  /**
   * True when the function a call runs (with a body in the program's source) keeps what it returns: the returned
   * local is also stored in a field or collection (`this.openDialogs.push(ref); return ref;`), so the callee owns it.
   */
  keptByCallee(call: ts.CallExpression | ts.NewExpression): boolean {
    if (!ts.isCallExpression(call)) return false;
    const symbol = this.types.symbolAt(call.expression);
    if (!symbol) return false;
    return this.types.declarationsOf(symbol).some((d) => {
      if (!(ts.isMethodDeclaration(d) || ts.isFunctionDeclaration(d)) || !d.body || d.getSourceFile().isDeclarationFile) return false;
      let kept = this.keeps.get(d);
      if (kept === undefined) this.keeps.set(d, (kept = this.keepsReturnedLocal(d.body)));
      return kept;
    });
  }

  private keepsReturnedLocal(body: ts.Block): boolean {
    const returned = new Set<ts.Symbol>();
    someNode(
      body,
      (n) => {
        if (ts.isReturnStatement(n) && n.expression && ts.isIdentifier(n.expression)) {
          const symbol = this.types.symbolAt(n.expression);
          if (symbol) returned.add(symbol);
        }
        return false;
      },
      { skipFunctions: true },
    );
    return [...returned].some((symbol) => {
      const decl = symbol.valueDeclaration;
      if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || enclosingFunction(decl) !== body.parent) return false;
      return this.usesOf(decl.name, { methods: [] }).handOffs.some((u) => u.kind === 'stored' || u.kind === 'sink');
    });
  }

  /**
   * A plain use inside a closure that is itself returned, stored or exported lives as long as that closure:
   * the value is captured (handed off). Closures passed as callbacks are not hand-offs.
   */
  private capturedBy(use: Use, declaringFunction: ts.Node | undefined): Use {
    if (!use.inClosure || (use.kind !== 'method' && use.kind !== 'read')) return use;
    let closure: ts.Node = use.ref;
    for (let fn = enclosingFunction(use.ref); fn && fn !== declaringFunction; fn = enclosingFunction(fn)) closure = fn;
    if (!ts.isFunctionExpression(closure) && !ts.isArrowFunction(closure)) return use;
    // React runs an effect's cleanup at unmount and drops it: only a release inside it counts
    if (isEffectCleanup(closure)) return use;
    const parent = outerExpression(closure).parent;
    const escapes =
      ts.isReturnStatement(parent) ||
      (ts.isArrowFunction(parent) && parent.body !== undefined && outerExpression(closure) === parent.body) ||
      (isAssignment(parent) && !ts.isIdentifier(parent.left)) ||
      ts.isPropertyAssignment(parent) ||
      ts.isExportAssignment(parent) ||
      (ts.isCallExpression(parent) && this.isSink(parent));
    return escapes ? { ...use, kind: 'captured', site: closure } : use;
  }
}

/** The local a plain read makes an alias: `const b = a`, or `b = a` to a local of the same function. */
function aliasAt(site: ts.Node): ts.Identifier | undefined {
  if (ts.isVariableDeclaration(site) && ts.isIdentifier(site.name)) return site.name;
  return isAssignment(site) && ts.isIdentifier(site.left) ? site.left : undefined;
}

/** `this`, or a promise of it. */
function returnsThisType(type: ts.TypeNode): boolean {
  if (ts.isThisTypeNode(type)) return true;
  return ts.isTypeReferenceNode(type) && type.typeArguments?.length === 1 && ts.isThisTypeNode(type.typeArguments[0]);
}

/**
 * A method of a wrapper that hands back the one resource the wrapper holds: it returns (or resolves its promise with)
 * `this.f`, where every releasing method of the class does nothing but release `this.f` (`destroy() {
 * this.socket?.destroy(); }`). Whoever gets the result holds the wrapper's end.
 */
function handsBackHeldResource(method: ts.MethodDeclaration & { body: ts.Block }): boolean {
  const cls = method.parent;
  const held = ts.isClassLike(cls) ? releasedField(cls) : undefined;
  const handed = handedBack(method.body);
  return !!held && handed.length > 0 && handed.every((e) => thisProperty(e)?.name.text === held);
}

/** The field that each of the class's releasing methods (one at least) releases, and nothing else. */
function releasedField(cls: ts.ClassLikeDeclaration): string | undefined {
  const fields = new Set<string>();
  for (const m of cls.members) {
    if (!ts.isMethodDeclaration(m) || !m.body || !ts.isIdentifier(m.name) || !isReleaseName(m.name.text)) continue;
    for (const st of m.body.statements) {
      const call = ts.isExpressionStatement(st) ? unwrap(st.expression) : undefined;
      const callee = call && ts.isCallExpression(call) ? unwrap(call.expression) : undefined;
      const field = callee && ts.isPropertyAccessExpression(callee) && isReleaseName(callee.name.text) && thisProperty(callee.expression);
      if (!field) return undefined;
      fields.add(field.name.text);
    }
  }
  return fields.size === 1 ? [...fields][0] : undefined;
}

function isReleaseName(name: string): boolean {
  return (RELEASE_METHODS as readonly string[]).includes(name);
}

/** What a body returns, outside nested functions; for `return new Promise((resolve) => …)`, what it resolves with. */
function handedBack(body: ts.Block): ts.Expression[] {
  const out: ts.Expression[] = [];
  someNode(
    body,
    (n) => {
      if (!ts.isReturnStatement(n) || !n.expression) return false;
      const returned = unwrap(n.expression, { await: true });
      const promise = ts.isNewExpression(returned) && ts.isIdentifier(returned.expression) && returned.expression.text === 'Promise';
      const executor = promise && returned.arguments?.length === 1 ? unwrap(returned.arguments[0]) : undefined;
      const resolve = executor && (ts.isArrowFunction(executor) || ts.isFunctionExpression(executor)) ? executor.parameters[0] : undefined;
      if (!resolve || !ts.isIdentifier(resolve.name)) {
        out.push(returned);
        return false;
      }
      const name = resolve.name.text;
      someCall(executor!, (c) => {
        if (ts.isIdentifier(c.expression) && c.expression.text === name) out.push(...c.arguments.map((a) => unwrap(a)));
        return false;
      });
      return false;
    },
    { skipFunctions: true },
  );
  return out;
}

/** Calls that take a value out of a registry rather than put it in. */
const REMOVING_CALL = /^(delete|remove)/;

/**
 * The body passes `this` to a call (other than a removal) that `keeps` says may keep it, or stores it in a property;
 * arrow functions count (same `this`), other functions and classes do not.
 */
function handsOffThis(body: ts.Block, keeps: (call: ts.CallExpression | ts.NewExpression, index: number) => boolean): boolean {
  const passedTo = (call: ts.CallExpression | ts.NewExpression, index: number): boolean =>
    !REMOVING_CALL.test(calleeName(call.expression)?.text ?? '') && keeps(call, index);
  return someNode(
    body,
    (n) => {
      if (n.kind !== ts.SyntaxKind.ThisKeyword) return false;
      const parent = n.parent;
      return (
        ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) &&
          !!parent.arguments?.includes(n as ts.Expression) &&
          passedTo(parent, parent.arguments.indexOf(n as ts.Expression))) ||
        (isAssignment(parent) && parent.right === n && !ts.isIdentifier(parent.left))
      );
    },
    { skip: (n) => ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isClassLike(n) },
  );
}

function isUsingDeclaration(name: ts.Identifier): boolean {
  const list = name.parent?.parent;
  return !!list && ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Using) !== 0;
}
