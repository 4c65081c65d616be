// How long a value lives compared with the code that uses it. Globals, imports, module-level values, parameters
// and fields the class did not create outlive their owner; `this`, locals and fields the class creates, and the
// HTTP messages of one request, die with it.
// A registration on a source that dies with its owner dies with it too (the source takes it along).
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { isAssignment, rootIdentifier, thisField, unwrap } from './expressions';
import { enclosingFunction, type Owner } from './owner';

export function outlivesOwner(types: TypeQueries, target: ts.Expression, owner: Owner): boolean {
  if (target.kind === ts.SyntaxKind.ThisKeyword || isPerExchange(types, target)) return false;
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
  if (ts.isParameter(decl)) return true;
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

/** True when the value is an HTTP message of one exchange (by its type, as declared by @types/node). */
function isPerExchange(types: TypeQueries, target: ts.Expression): boolean {
  return PER_EXCHANGE.test(types.typeName(types.typeAt(target)).replace(/<.*$/, ''));
}

/** `new …`, a call, or a literal (through `await`, wrappers and both branches of `?:`): an expression that makes a fresh value. */
export function createsValue(e: ts.Expression): boolean {
  let x = unwrap(e);
  while (ts.isAwaitExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isParenthesizedExpression(x))
    x = unwrap(x.expression);
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
 * A constructor parameter of a class that only its own file can instantiate (not exported, never passed around),
 * where every `new C(…)` passes a freshly made value: each instance gets a source of its own.
 */
function freshFromEveryCaller(types: TypeQueries, cls: ts.ClassLikeDeclaration, param: ts.ParameterDeclaration): boolean {
  const ctor = param.parent;
  if (!ts.isConstructorDeclaration(ctor) || ctor.parent !== cls || !cls.name) return false;
  if (ts.getCombinedModifierFlags(cls) & ts.ModifierFlags.Export) return false;
  const classSymbol = types.symbolAt(cls.name);
  const index = ctor.parameters.indexOf(param);
  let instantiations = 0;
  let unsure = false;
  const visit = (n: ts.Node): void => {
    if (unsure) return;
    if (ts.isIdentifier(n) && n !== cls.name && types.symbolAt(n) === classSymbol) {
      const parent = n.parent;
      const arg = ts.isNewExpression(parent) && parent.expression === n ? parent.arguments?.[index] : undefined;
      if (arg && createsValue(arg)) instantiations++;
      else unsure = true; // exported, passed around, subclassed, or instantiated with a shared value
      return;
    }
    n.forEachChild(visit);
  };
  visit(cls.getSourceFile());
  return !unsure && instantiations > 0;
}
