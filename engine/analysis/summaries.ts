// Summaries of the project's own functions, read from their bodies once per declaration and cached: what a call
// hands back to its caller, and whether it can throw. Functions declared only by a signature (declaration files,
// interfaces) have no summary.
import ts = require('typescript');
import { isJavaScriptFile } from '../file-signatures';
import type { TypeQueries } from '../types';
import { calleeName, isAssignment, isThisObject, outerExpression, requiredModule, unwrap } from './expressions';
import { enclosingFunction } from './owner';
import { deepestNodeAt, findNode, referencesTo, someNode } from './walk';

export interface FunctionSummary {
  /**
   * Every value returned is one the function did not make: a property of a parameter or of `this`
   * (`return ref[KEY]`, `return this._client`), or a value it keeps in its own object (`this._items.push(item);
   * return item`), also through a method of its class it returns the result of (`return this._send(msg)`). The
   * caller borrows what the call returns. (A parameter returned as it is, `adopt(d)`, is the
   * caller's own value: no borrow.)
   */
  returnsBorrowed: boolean;
  /** Every value returned is a `new` object made there (`return new FindCursor(…)`): the function is a factory. */
  returnsNew: boolean;
}

const summaries = new WeakMap<ts.FunctionLikeDeclaration, FunctionSummary>();

/**
 * The summary of the function a call resolves to, when every body in the project agrees; else undefined. A method
 * of an interface is summarised by its implementations in the classes of the program that implement the interface.
 */
export function calleeSummary(types: TypeQueries, call: ts.CallExpression): FunctionSummary | undefined {
  const bodies = calleeBodies(types, call);
  if (!bodies.length) return undefined;
  return {
    returnsBorrowed: bodies.every((b) => summaryOf(types, b).returnsBorrowed),
    returnsNew: bodies.every((b) => summaryOf(types, b).returnsNew),
  };
}

/** The project's bodies a call may run: the function's, or an interface method's implementations. */
function calleeBodies(types: TypeQueries, call: ts.CallExpression): ts.FunctionLikeDeclaration[] {
  const id = calleeName(call.expression);
  // declarationsAt: kept across the edits of another body (engine/type-facts.ts), where symbolAt would be asked again
  const declarations = id ? types.declarationsAt(id) : [];
  return declarations.flatMap((d) => (ts.isMethodSignature(d) ? implementationsOf(types, d) : implementationOf(d)));
}

/**
 * The first code under `root` that may throw: a call, `new`, `await` or `throw` (outside nested functions and the
 * nodes `skip` names, and not one `ignore` names, whose inside still counts), except a call (or the `await` of one)
 * that cannot throw (see cannotThrow).
 */
export function firstThrower(
  types: TypeQueries,
  root: ts.Node,
  options: { skip?: (n: ts.Node) => boolean; ignore?: (n: ts.Node) => boolean } = {},
): ts.Node | undefined {
  return findNode(
    root,
    (n) => {
      if (options.ignore?.(n)) return false;
      if (ts.isThrowStatement(n) || ts.isNewExpression(n)) return true;
      const awaited = ts.isAwaitExpression(n) ? unwrap(n.expression) : n;
      return ts.isCallExpression(awaited) ? !cannotThrow(types, awaited) : ts.isAwaitExpression(n);
    },
    { skipFunctions: true, skip: options.skip },
  );
}

const throwless = new WeakMap<ts.FunctionLikeDeclaration, boolean>();

/**
 * A call of the project's own code that cannot throw (nor, async, reject): every body it may run (an interface
 * method's implementations) catches every error. Each statement of the body either holds no code that may throw
 * (firstThrower), or is a `try` whose catch does not rethrow and whose finally throws nothing (`try { return await
 * send(); } catch (e) { log(e); } finally { busy--; }`). A decorated method (the decorator may wrap it), a body the
 * program does not have, recursion, or an awaited function that is not async: may throw.
 */
export function cannotThrow(types: TypeQueries, call: ts.CallExpression): boolean {
  const bodies = calleeBodies(types, call);
  // what is awaited rejects only by what an async body throws (a plain function may return any promise it holds)
  const awaited = ts.isAwaitExpression(outerExpression(call, {}).parent);
  return bodies.length > 0 && bodies.every((fn) => (!awaited || isAsync(fn)) && throwsNothing(types, fn));
}

function isAsync(fn: ts.FunctionLikeDeclaration): boolean {
  return (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0;
}

function throwsNothing(types: TypeQueries, fn: ts.FunctionLikeDeclaration): boolean {
  let answer = throwless.get(fn);
  if (answer !== undefined) return answer;
  throwless.set(fn, false); // recursion: may throw
  const body = fn.body!;
  const decorated = ts.canHaveDecorators(fn) && !!ts.getDecorators(fn)?.length;
  answer =
    !decorated &&
    (ts.isBlock(body)
      ? body.statements.every((st) => catchesEverything(types, st) || !firstThrower(types, st))
      : !firstThrower(types, body));
  throwless.set(fn, answer);
  return answer;
}

function catchesEverything(types: TypeQueries, st: ts.Statement): boolean {
  if (!ts.isTryStatement(st) || !st.catchClause) return false;
  const rethrows = someNode(st.catchClause.block, ts.isThrowStatement, { skipFunctions: true });
  return !rethrows && (!st.finallyBlock || !firstThrower(types, st.finallyBlock));
}

/**
 * Names of calls that look up what something holds (`get`, `findById`, `peek`, `at`, `pop`…; `_`/`#` prefixes of
 * private helpers ignored): the caller borrows the result.
 */
const LOOKUP_NAME = /^[_#]*(get|find|lookup|peek|at|pop|shift|item)([A-Z_]|$)/;

export function namesLookup(name: string): boolean {
  return LOOKUP_NAME.test(name);
}

/** A call that hands its caller a value of its own: not named as a look-up, nor summarised as returning a borrow. */
export function returnsFresh(types: TypeQueries, call: ts.CallExpression): boolean {
  const id = calleeName(call.expression);
  return !!id && !namesLookup(id.text) && !calleeSummary(types, call)?.returnsBorrowed;
}

/** A call of the program's own function whose every body returns a `new` object: a factory, whose caller owns the result. */
export function callsFactory(types: TypeQueries, call: ts.CallExpression): boolean {
  const id = calleeName(call.expression);
  // by a name no factory of the program has, the call reaches none: its callee (and receiver) need not be resolved
  return !!id && factoryNames(types).has(id.text) && !!calleeSummary(types, call)?.returnsNew;
}

/** The names a call may reach a factory of the program by (factoryNamesIn), over its source files. */
function factoryNames(types: TypeQueries): ReadonlySet<string> {
  return types.programWide('factory-names', () => new Set(types.sourceFiles().flatMap((file) => [...factoryNamesIn(file)])));
}

/** Per parsed file, so an edit looks at the edited file's text again and at no other. */
const factoryNamesByFile = new WeakMap<ts.SourceFile, ReadonlySet<string>>();

/**
 * The names of the file's factories (found at its `new`s: functions whose every return is a `new` object), and every
 * name its imports and exports give a declaration of another name (`export { make as create }`), which a call may
 * reach a factory by: a call reaches a body only through a declaration of its callee's name (calleeBodies).
 */
function factoryNamesIn(file: ts.SourceFile): ReadonlySet<string> {
  const known = factoryNamesByFile.get(file);
  if (known) return known;
  const names = new Set(bindingRenames(file));
  for (const match of file.text.matchAll(/\bnew\b/g)) {
    const made = deepestNodeAt(file, match.index);
    if (!ts.isNewExpression(made) || made.getStart(file) !== match.index) continue;
    const value = outerExpression(made, { await: true });
    const returned = ts.isReturnStatement(value.parent) || (ts.isArrowFunction(value.parent) && value.parent.body === value);
    const fn = returned ? enclosingFunction(value) : undefined;
    const name = fn && returnsOnlyNew(fn as ts.FunctionLikeDeclaration) ? functionName(fn) : undefined;
    if (name) names.add(name);
  }
  factoryNamesByFile.set(file, names);
  return names;
}

/**
 * The name a call reaches the function by (see implementationOf): a function declaration's, the variable's, field's or
 * property's it is assigned to (through wrappers: `make = (() => new Cursor()) as Make`), else a method's (methodName).
 */
function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text;
  const holder = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) ? outerExpression(fn, {}).parent : undefined;
  const target =
    holder &&
    (ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder) ? holder.name : isAssignment(holder) ? holder.left : undefined);
  if (target && ts.isIdentifier(target)) return target.text;
  return target && ts.isPropertyAccessExpression(target) ? target.name.text : methodName(fn);
}

/**
 * Names the file's module statements bind to a declaration of another name: renamed and default imports, renamed
 * exports, `default`, `import x = …`, and in JavaScript `const x = require(…)` (or `require(…).y`).
 */
function bindingRenames(file: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.push(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) if (e.propertyName) names.push(e.name.text);
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const e of statement.exportClause.elements) if (e.propertyName) names.push(e.name.text);
    } else if (ts.isExportAssignment(statement)) names.push('default');
    else if (ts.isImportEqualsDeclaration(statement)) names.push(statement.name.text);
    else if (ts.isVariableStatement(statement) && isJavaScriptFile(file))
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && requiredModule(d.initializer) !== undefined) names.push(d.name.text);
  }
  return names;
}

/**
 * A declaration's function with a body outside declaration files: `function f() {}`, a method, `const f = () => …`,
 * a JavaScript method assigned to a prototype (`C.prototype.m = function …`).
 */
function implementationOf(decl: ts.Declaration): ts.FunctionLikeDeclaration[] {
  if (decl.getSourceFile().isDeclarationFile) return [];
  const assigned = ts.isPropertyAccessExpression(decl) && isAssignment(decl.parent) && decl.parent.left === decl ? decl.parent : decl;
  const fn =
    ts.isVariableDeclaration(assigned) || ts.isPropertyDeclaration(assigned)
      ? assigned.initializer && unwrap(assigned.initializer)
      : isAssignment(assigned)
        ? unwrap(assigned.right)
        : assigned;
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)))
    return [];
  return fn.body ? [fn] : [];
}

/** The methods of that name in the program's classes that `implements` the method signature's interface. */
function implementationsOf(types: TypeQueries, signature: ts.MethodSignature): ts.FunctionLikeDeclaration[] {
  const iface = signature.parent;
  const name = signature.name;
  if (!ts.isInterfaceDeclaration(iface) || !ts.isIdentifier(name) || iface.getSourceFile().isDeclarationFile) return [];
  return types.declarationReferences(iface.name).flatMap((ref) => {
    // `implements IKernel` or `implements Kernel.IKernel`
    const heritage = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent.parent : ref.parent;
    const clause = heritage.parent;
    if (!ts.isExpressionWithTypeArguments(heritage) || !ts.isHeritageClause(clause) || clause.token !== ts.SyntaxKind.ImplementsKeyword)
      return [];
    return ownMethods(clause.parent as ts.ClassLikeDeclaration, name.text);
  });
}

function ownMethods(cls: ts.ClassLikeDeclaration, name: string): ts.FunctionLikeDeclaration[] {
  return cls.members.filter(
    (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && m.name.text === name,
  );
}

/** From the function's own code (and the methods of its class it returns the result of), so cached per declaration. */
function summaryOf(types: TypeQueries, fn: ts.FunctionLikeDeclaration): FunctionSummary {
  let summary = summaries.get(fn);
  if (summary) return summary;
  summaries.set(fn, { returnsBorrowed: false, returnsNew: false }); // a recursive return is neither
  const returned = returnedValues(fn);
  const every = (test: (e: ts.Expression) => boolean) => returned.length > 0 && returned.every(test);
  summary = {
    returnsBorrowed: every((e) => isBorrowed(types, fn, e)),
    returnsNew: every(isNewObject),
  };
  summaries.set(fn, summary);
  return summary;
}

/** Every value the function returns is a `new` object made there (`return new FindCursor(…)`). */
function returnsOnlyNew(fn: ts.FunctionLikeDeclaration): boolean {
  const returned = returnedValues(fn);
  return returned.length > 0 && returned.every(isNewObject);
}

function isNewObject(returned: ts.Expression): boolean {
  return ts.isNewExpression(unwrap(returned, { await: true }));
}

/** The expressions the function returns (an arrow's expression body, or its `return`s outside nested functions). */
function returnedValues(fn: ts.FunctionLikeDeclaration): ts.Expression[] {
  const body = fn.body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body];
  const returned: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isReturnStatement(n) && n.expression) returned.push(n.expression);
    else if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) n.forEachChild(visit);
  };
  body.forEachChild(visit);
  return returned;
}

function isBorrowed(types: TypeQueries, fn: ts.FunctionLikeDeclaration, returned: ts.Expression): boolean {
  const e = unwrap(returned, { await: true });
  if (ts.isConditionalExpression(e)) return isBorrowed(types, fn, e.whenTrue) && isBorrowed(types, fn, e.whenFalse);
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind))
    return isBorrowed(types, fn, e.left) && isBorrowed(types, fn, e.right);
  if (e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined')) return true;
  // an element read from a collection (`this.preferred(path)[0]`) is held by the collection
  if (ts.isElementAccessExpression(e)) return true;
  if (ts.isPropertyAccessExpression(e)) {
    const root = rootOf(e);
    return root.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(root) && isParameterOf(fn, root));
  }
  if (ts.isCallExpression(e)) return returnsBorrowedCall(types, fn, e);
  return ts.isIdentifier(e) && keptByOwnObject(fn, e);
}

/**
 * `return this._send(msg)` (a method of the same class), `return this._manager.contextFor(w)` or
 * `return Private.property.get(w)`: what a lookup, or a call whose own summary borrows, hands back.
 */
function returnsBorrowedCall(types: TypeQueries, fn: ts.FunctionLikeDeclaration, call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = fn.parent;
    const methods = ts.isClassLike(cls) ? ownMethods(cls, callee.name.text) : [];
    return methods.length > 0 && methods.every((m) => summaryOf(types, m).returnsBorrowed);
  }
  return namesLookup(callee.name.text) || !!calleeSummary(types, call)?.returnsBorrowed;
}

/** By name among the function's own parameters (the body is the parameter's scope, shadowing aside). */
function isParameterOf(fn: ts.FunctionLikeDeclaration, id: ts.Identifier): boolean {
  return fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text) && enclosingFunction(id) === fn;
}

/** The function stores the local in its own object: `this.f = x`, `this._items.push(x)`, `this._byId.set(k, x)`. */
function keptByOwnObject(fn: ts.FunctionLikeDeclaration, id: ts.Identifier): boolean {
  let kept = false;
  const isIt = (e: ts.Expression) => {
    const x = unwrap(e);
    return ts.isIdentifier(x) && x.text === id.text;
  };
  const visit = (n: ts.Node): void => {
    if (kept) return;
    if (isAssignment(n) && isIt(n.right) && (ts.isPropertyAccessExpression(n.left) || ts.isElementAccessExpression(n.left)))
      kept = unwrap(rootOf(n.left)).kind === ts.SyntaxKind.ThisKeyword;
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.arguments.some(isIt))
      kept = STORING.has(n.expression.name.text) && unwrap(rootOf(n.expression.expression)).kind === ts.SyntaxKind.ThisKeyword;
    if (!kept) n.forEachChild(visit);
  };
  fn.body!.forEachChild(visit);
  return kept;
}
const STORING = new Set(['push', 'unshift', 'set', 'add', 'splice']);

/** `items.push(x)`, `byId.set(k, x)`: a collection keeps what it is given. */
function storesArgument(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) && STORING.has(callee.name.text);
}

/** `this.a.b[c]` → `this`; `x.y` → `x`. */
function rootOf(e: ts.Expression): ts.Expression {
  let x = unwrap(e);
  while (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = unwrap(x.expression);
  return x;
}

/** A call that releases the argument at the index: `fs.close(fd)`. */
export type ReleaseCall = (call: ts.CallExpression, argIndex: number) => boolean;

/**
 * What a call does with the argument at `index`: 'releases' when the function (or a function of the program it
 * passes the value to) releases it or hands it on (stores or returns it, gives it to code whose declaration cannot be
 * read); 'uses' when it only uses it (reads it, gives it to the platform's functions, declared in declaration files).
 */
export function argumentFate(
  types: TypeQueries,
  call: ts.CallExpression,
  index: number,
  isRelease: ReleaseCall,
  seen: Set<ts.FunctionLikeDeclaration> = new Set(),
): 'releases' | 'uses' {
  if (isRelease(call, index)) return 'releases';
  const id = calleeName(call.expression);
  const declarations = id ? types.declarationsAt(id) : [];
  const implementations = declarations.length ? declarations.flatMap(implementationOf) : ownMethodCalled(types, call);
  // code that cannot be read (a parameter's function, an untyped value) may keep it; the platform's functions use it
  if (!implementations.length)
    return declarations.length && declarations.every((d) => d.getSourceFile().isDeclarationFile) ? 'uses' : 'releases';
  const bodies = implementations.filter((b) => !seen.has(b));
  bodies.forEach((b) => seen.add(b));
  return bodies.some((b) => releasesParameter(types, b, index, isRelease, seen)) ? 'releases' : 'uses';
}

/**
 * The call may keep (or release) its argument at `index`: unless the program's own bodies of the callee show, as
 * argumentFate follows them, that they only use it. A function the program does not have may keep it.
 */
export function mayKeepArgument(types: TypeQueries, call: ts.CallExpression | ts.NewExpression, index: number): boolean {
  if (!ts.isCallExpression(call) || !calleeBodies(types, call).length) return true;
  return argumentFate(types, call, index, () => false) === 'releases';
}

function releasesParameter(
  types: TypeQueries,
  fn: ts.FunctionLikeDeclaration,
  index: number,
  isRelease: ReleaseCall,
  seen: Set<ts.FunctionLikeDeclaration>,
): boolean {
  const param = fn.parameters[index];
  if (!param || !ts.isIdentifier(param.name)) return !!param; // a destructured parameter: not followed
  return (referencesTo(types, fn, param.name) ?? []).some((ref) => {
    const e = outerExpression(ref as ts.Identifier, {});
    const p = e.parent;
    if (ts.isCallExpression(p) && p.expression !== e)
      return storesArgument(p) || argumentFate(types, p, p.arguments.indexOf(e), isRelease, seen) === 'releases';
    return (
      ts.isReturnStatement(p) ||
      (isAssignment(p) && p.right === e) ||
      ts.isPropertyAssignment(p) ||
      ts.isShorthandPropertyAssignment(p) ||
      ts.isArrayLiteralExpression(p) ||
      ts.isNewExpression(p)
    );
  });
}

/**
 * `this.m(…)` or `self.m(…)` (`const self = this`) inside a method named m, when the checker cannot resolve the
 * method (a JavaScript constructor it does not recognise as a class): the method calls itself.
 */
function ownMethodCalled(types: TypeQueries, call: ts.CallExpression): ts.FunctionLikeDeclaration[] {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !isThisObject(types, callee.expression)) return [];
  for (let fn = enclosingFunction(call); fn; fn = enclosingFunction(fn)) {
    if (methodName(fn) === callee.name.text) return (fn as ts.FunctionLikeDeclaration).body ? [fn as ts.FunctionLikeDeclaration] : [];
  }
  return [];
}

/** The name a method is declared or assigned under: `m() {}`, `C.prototype.m = function …`, `{ m: function … }`. */
function methodName(fn: ts.SignatureDeclaration): string | undefined {
  const p = fn.parent;
  let name: ts.Node | undefined;
  if (ts.isMethodDeclaration(fn)) name = fn.name;
  else if (ts.isPropertyAssignment(p) && p.initializer === fn) name = p.name;
  else if (isAssignment(p) && p.right === fn && ts.isPropertyAccessExpression(p.left)) name = p.left.name;
  return name && ts.isIdentifier(name) ? name.text : undefined;
}
