// Where the values of a key come from, and whether they are finitely many. A collection keyed by such values holds
// at most one entry per value however often code adds to it: the program's own text (literals, constants, literal
// types), the folders a VS Code window has open, and what instances keep as their own state. Values are followed
// back through constants, parameters (to every call of their function in the program's product code, function values
// passed on included), fields (to every write) and getters (to every return), a few steps deep; anything else is
// unbounded.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { declaredBy, type DeclarationSpec } from './declarations';
import { calleeName, outerExpression, unwrap } from './expressions';
import { callsOfMethod, isImportOrExport, isInType } from './lifetime';
import { enclosingFunction } from './owner';
import { referencesTo, someNode } from './walk';

/**
 * Types whose values the host hands out from a short fixed list: VS Code's workspace folders (the folders open in
 * the window, `workspace.workspaceFolders`). Anything read from one (`uri`, `uri.fsPath`, `name`, `index`) is one
 * value per folder.
 */
const HOST_LIST_TYPES: readonly DeclarationSpec[] = [{ name: 'WorkspaceFolder', from: [{ from: 'package', package: '@types/vscode' }] }];

/** How many steps back a value is followed (a setter's parameter, the function value that calls it, the field it reads, …). */
const DEPTH = 8;

/** How many expressions one question may look at: every call of every function on the way multiplies them. */
const STEPS = 200;

/** True when every value `expression` can have comes from a finite set (see the header). */
export function fromBoundedDomain(types: TypeQueries, expression: ts.Expression): boolean {
  return bounded(types, expression, DEPTH, { left: STEPS });
}

interface Budget {
  left: number;
}

function bounded(types: TypeQueries, expression: ts.Expression, depth: number, budget: Budget): boolean {
  if (--budget.left < 0) return false;
  const e = unwrap(expression, { await: true });
  if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) return true;
  if (ts.isTemplateExpression(e)) return e.templateSpans.every((span) => bounded(types, span.expression, depth, budget));
  if (ts.isConditionalExpression(e)) return bounded(types, e.whenTrue, depth, budget) && bounded(types, e.whenFalse, depth, budget);
  if (ts.isBinaryExpression(e) && COMBINING.has(e.operatorToken.kind)) {
    return bounded(types, e.left, depth, budget) && bounded(types, e.right, depth, budget);
  }
  // `n++ % SLOTS`: a range as wide as a divisor from the code
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PercentToken) return bounded(types, e.right, depth, budget);
  if (types.isFiniteDomain(types.typeAt(e)) || readFromHostList(types, e)) return true;
  if (depth === 0) return false;
  if (ts.isPropertyAccessExpression(e)) return memberFromBoundedDomain(types, e, depth - 1, budget);
  if (!ts.isIdentifier(e)) return false;
  const decl = types.symbolAt(e)?.valueDeclaration;
  if (!decl) return false;
  if (ts.isVariableDeclaration(decl)) {
    const isConst = ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Const) !== 0;
    return isConst && !!decl.initializer && bounded(types, decl.initializer, depth - 1, budget);
  }
  return ts.isParameter(decl) && parameterFromBoundedDomain(types, decl, depth - 1, budget);
}

/** `a + b`, `a ?? b`, `a || b`: a value of one side or made of both. */
const COMBINING = new Set([ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken]);

/** `folder`, `folder.uri.fsPath`, `this.context.folder.name`: the value or one of its receivers is of a host list type. */
function readFromHostList(types: TypeQueries, e: ts.Expression): boolean {
  for (let x: ts.Expression = e; ; x = unwrap(x.expression)) {
    const symbol = types.typeAt(x).getNonNullableType().getSymbol();
    if (symbol && HOST_LIST_TYPES.some((t) => [t.name].flat().includes(symbol.name) && declaredBy(types, symbol, t.from))) return true;
    if (!ts.isPropertyAccessExpression(x)) return false;
  }
}

/** Every call of the parameter's function in the program passes such a value (and there is one). */
function parameterFromBoundedDomain(types: TypeQueries, param: ts.ParameterDeclaration, depth: number, budget: Budget): boolean {
  const fn = param.parent;
  if (!ts.isIdentifier(param.name) || param.dotDotDotToken || !ts.isFunctionLike(fn) || !('body' in fn) || !fn.body) return false;
  const reassigned = referencesTo(types, fn.body, param.name)?.some((ref) => writeOf(ref as ts.Identifier) !== undefined);
  if (reassigned !== false) return false;
  const index = fn.parameters.indexOf(param);
  const calls = callsOf(types, fn);
  if (!calls?.length) return false;
  return calls.every((call) => {
    const args = call.arguments ?? [];
    if (args.slice(0, index + 1).some(ts.isSpreadElement)) return false;
    const argument = args[index] ?? param.initializer;
    return !!argument && bounded(types, argument, depth, budget);
  });
}

type Call = ts.CallExpression | ts.NewExpression;

/**
 * The calls in the program's product code (test files aside) that run `fn`: of a function or method by its name,
 * `new` of a constructor's class, and of a function value kept in a constant or field, called directly or passed to a
 * parameter its receiver calls. Undefined when a use is none of these (passed elsewhere, exported to code the program
 * does not have).
 */
export function callsOf(types: TypeQueries, fn: ts.SignatureDeclaration): Call[] | undefined {
  if (ts.isMethodDeclaration(fn)) return callsOfMethod(types, fn)?.filter((call) => !types.isTestFile(call.getSourceFile()));
  if (ts.isConstructorDeclaration(fn)) return fn.parent.name && callsByName(types, fn.parent.name, ts.isNewExpression);
  if (ts.isFunctionDeclaration(fn)) return fn.name && callsByName(types, fn.name, ts.isCallExpression);
  const holder = fn.parent;
  const kept = (ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder)) && holder.initializer === fn;
  if (!kept || !(ts.isIdentifier(holder.name) || ts.isPrivateIdentifier(holder.name))) return undefined;
  const symbol = types.symbolAt(holder.name);
  if (!symbol) return undefined;
  const calls: Call[] = [];
  for (const ref of types.programReferences(symbol)) {
    if (ref === holder.name || isImportOrExport(ref) || isInType(ref) || types.isTestFile(ref.getSourceFile())) continue;
    const value = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref;
    const call = value.parent;
    if (ts.isCallExpression(call) && call.expression === value) calls.push(call);
    else if (ts.isCallExpression(call) && call.arguments.includes(value)) {
      const passedOn = callsOfParameter(types, call, call.arguments.indexOf(value));
      if (!passedOn) return undefined;
      calls.push(...passedOn);
    } else return undefined;
  }
  return calls;
}

/** The calls of a function declared by `name` (a function, or a class for `new`), every reference being one. */
function callsByName(types: TypeQueries, name: ts.Identifier, isCall: (n: ts.Node) => n is Call): Call[] | undefined {
  const symbol = types.symbolAt(name);
  if (!symbol) return undefined;
  // code in the scan's other projects may call an export too
  const exported = ts.getCombinedModifierFlags(name.parent as ts.Declaration) & ts.ModifierFlags.Export;
  if (exported && types.dependentReferences(symbol)?.length !== 0) return undefined;
  const calls: Call[] = [];
  for (const ref of types.declarationReferences(name)) {
    if (ref === name || isImportOrExport(ref) || isInType(ref) || types.isTestFile(ref.getSourceFile())) continue;
    const callee = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref; // `ns.f(…)`
    const call = callee.parent;
    if (!isCall(call) || call.expression !== callee) return undefined;
    calls.push(call);
  }
  return calls;
}

/** `run(this.onChange)`: the calls `run` makes of its parameter at `index`, each a direct call of it. */
function callsOfParameter(types: TypeQueries, call: ts.CallExpression, index: number): Call[] | undefined {
  const name = calleeName(call.expression);
  const callee = name && types.symbolAt(name);
  const fn = callee && types.declarationsOf(callee).find((d) => ts.isFunctionLike(d) && 'body' in d && d.body);
  const param = fn && (fn as ts.SignatureDeclaration).parameters[index];
  if (!param || !ts.isIdentifier(param.name) || param.dotDotDotToken || call.arguments.slice(0, index).some(ts.isSpreadElement))
    return undefined;
  const calls: Call[] = [];
  for (const ref of referencesTo(types, fn, param.name) ?? []) {
    const use = ref.parent;
    if (!ts.isCallExpression(use) || use.expression !== ref) return undefined;
    calls.push(use);
  }
  return calls;
}

/** `this.f`, `x.f`: a getter of the program's code all of whose returns are such values, or a field all of whose writes are. */
function memberFromBoundedDomain(types: TypeQueries, access: ts.PropertyAccessExpression, depth: number, budget: Budget): boolean {
  const symbol = types.symbolAt(access.name);
  const declarations = symbol ? types.declarationsOf(symbol).filter((d) => !ts.isSetAccessorDeclaration(d)) : [];
  if (!symbol || !declarations.length || declarations.some((d) => d.getSourceFile().isDeclarationFile)) return false;
  return declarations.every((d) => {
    if (ts.isGetAccessorDeclaration(d)) return !!d.body && returnsAll(d.body, (r) => bounded(types, r, depth, budget));
    if (ts.isParameter(d)) return parameterFromBoundedDomain(types, d, depth, budget); // a parameter property
    return ts.isPropertyDeclaration(d) && fieldFromBoundedDomain(types, d, symbol, depth, budget);
  });
}

/** The assignment that writes `target` (`target = …`), 'update' for `+=`, `++` and the like; undefined for a read. */
function writeOf(target: ts.Expression): ts.BinaryExpression | 'update' | undefined {
  const outer = outerExpression(target, {});
  const p = outer.parent;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && UPDATES.has(p.operator)) return 'update';
  if (!ts.isBinaryExpression(p) || p.left !== outer) return undefined;
  const op = p.operatorToken.kind;
  if (op === ts.SyntaxKind.EqualsToken) return p;
  return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment ? 'update' : undefined;
}

const UPDATES = new Set([ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken]);

/** Every `return` of the body gives a value and passes `test`. */
function returnsAll(body: ts.Block, test: (value: ts.Expression) => boolean): boolean {
  const returns: ts.ReturnStatement[] = [];
  someNode(body, (n) => ts.isReturnStatement(n) && !returns.push(n), { skipFunctions: true });
  return returns.length > 0 && returns.every((r) => !!r.expression && test(r.expression));
}

/**
 * Every write of the field is such a value, or is the class's own state: a method of the class (not its constructor,
 * whose parameters come from the `new` sites) sets it from its parameter (`moveTo(dir) { this.dir = dir; }`).
 * The instance then holds what it was set to, not a value made at each call (a counter, a clock, a random id).
 */
function fieldFromBoundedDomain(
  types: TypeQueries,
  field: ts.PropertyDeclaration,
  symbol: ts.Symbol,
  depth: number,
  budget: Budget,
): boolean {
  if (field.initializer && !bounded(types, field.initializer, depth, budget)) return false;
  let writes = field.initializer ? 1 : 0;
  const allBounded = types.programReferences(symbol).every((ref) => {
    const target = ts.isPropertyAccessExpression(ref.parent) && ref.parent.name === ref ? ref.parent : ref;
    const write = writeOf(target);
    if (!write) return true; // a read
    writes++;
    if (write === 'update') return false; // `+=`, `++` make new values
    const member = enclosingFunction(write);
    const value = unwrap(write.right, { await: true });
    const param = ts.isIdentifier(value) ? types.symbolAt(value)?.valueDeclaration : undefined;
    const ownState =
      !!member &&
      ts.isMethodDeclaration(member) &&
      member.parent === field.parent &&
      !!param &&
      ts.isParameter(param) &&
      param.parent === member;
    return ownState || bounded(types, write.right, depth, budget);
  });
  // a field the program never writes is set by code it does not have
  return allBounded && writes > 0;
}
