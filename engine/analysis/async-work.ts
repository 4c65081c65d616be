// Work that runs concurrently per item: the collection functions of the `async` library that start every item at
// once (`async.each`, `async.map`, … — their `…Limit` twins cap it), and the asynchronous file-system calls of Node
// (`fs.readFile`, `fs.promises.writeFile`, …) and child processes that hold a descriptor or a process while they run,
// also one call away: a function of the project whose body starts such work.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { namesSpec, nodeModule, type DeclarationSpec } from './declarations';
import { calleeName, isAssignment, unwrap } from './expressions';
import { processStart } from './processes';
import { someCall } from './walk';

/** The libraries whose collection functions run an async iteratee for every item at once. */
const ASYNC_LIBRARIES = new Set(['async', 'neo-async', 'async-es']);
/** Functions that start every item at once and have a `…Limit` twin taking the concurrency after the collection. */
const UNLIMITED_ITERATIONS = new Set([
  'each',
  'eachOf',
  'forEach',
  'forEachOf',
  'map',
  'mapValues',
  'filter',
  'reject',
  'concat',
  'flatMap',
  'detect',
  'find',
  'some',
  'any',
  'every',
  'all',
  'groupBy',
]);

export interface LibraryIteration {
  /** `each`, `map`, … as called. */
  method: ts.Identifier;
  items: ts.Expression;
  iteratee: ts.Expression;
}

/** `async.each(items, iteratee, done)` or `each(items, iteratee)` imported from the `async` library. */
export function unlimitedLibraryIteration(types: TypeQueries, call: ts.CallExpression): LibraryIteration | undefined {
  const callee = unwrap(call.expression);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
  const [items, iteratee] = call.arguments;
  if (!method || !ts.isIdentifier(method) || !UNLIMITED_ITERATIONS.has(method.text) || !items || !iteratee) return undefined;
  // the module (`async.each`) or the function itself (`import { each } from 'async'`)
  const imported = ts.isPropertyAccessExpression(callee) ? calleeName(callee.expression) : method;
  if (!imported || !ts.isIdentifier(imported) || !importedFromLibrary(types, imported)) return undefined;
  return { method, items, iteratee };
}

/** The name is bound by an import of, or `require()` of, one of the async libraries in this file. */
function importedFromLibrary(types: TypeQueries, name: ts.Identifier): boolean {
  const symbol = types.symbolAt(name);
  if (!symbol) return false;
  const file = name.getSourceFile();
  for (const statement of file.statements) {
    for (const [binding, module] of moduleBindings(statement))
      if (binding.text === name.text && ASYNC_LIBRARIES.has(module) && types.symbolAt(binding) === symbol) return true;
  }
  return false;
}

/** The names a top-level import or `const x = require('m')` (also `require('m').x`, `{ x } = require('m')`) binds, with the module. */
function moduleBindings(statement: ts.Statement): [ts.Identifier, string][] {
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    const names: ts.Identifier[] = [];
    if (clause?.name) names.push(clause.name);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name);
    if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name));
    return names.map((n) => [n, module]);
  }
  if (!ts.isVariableStatement(statement)) return [];
  return statement.declarationList.declarations.flatMap((d): [ts.Identifier, string][] => {
    const module = d.initializer && requiredModule(d.initializer);
    if (!module) return [];
    if (ts.isIdentifier(d.name)) return [[d.name, module]];
    if (ts.isObjectBindingPattern(d.name))
      return d.name.elements.flatMap((e): [ts.Identifier, string][] => (ts.isIdentifier(e.name) ? [[e.name, module]] : []));
    return [];
  });
}

/** `require('m')` or `require('m').x` → 'm'. */
function requiredModule(e: ts.Expression): string | undefined {
  let x = unwrap(e);
  if (ts.isPropertyAccessExpression(x)) x = unwrap(x.expression);
  if (!ts.isCallExpression(x) || !ts.isIdentifier(x.expression) || x.expression.text !== 'require') return undefined;
  const [arg] = x.arguments;
  return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/** Node's asynchronous file-system calls that open a file or directory while they run (callback and promise forms). */
const FILE_CALLS: DeclarationSpec = {
  name: ['readFile', 'writeFile', 'appendFile', 'open', 'opendir', 'readdir', 'copyFile', 'cp', 'createReadStream', 'createWriteStream'],
  from: nodeModule('fs', 'fs/promises'),
};

/** `fs.readFile(…)`, `fsp.writeFile(…)`, `readFile(…)` from 'node:fs/promises' → the call's text for messages. */
export function fileSystemCall(types: TypeQueries, call: ts.CallExpression): string | undefined {
  const id = calleeName(call.expression);
  return id && namesSpec(types, id, FILE_CALLS) ? `${unwrap(call.expression).getText()}()` : undefined;
}

/**
 * The file-system call or child process the call starts: itself, or one made by the project function it calls (its
 * body, callbacks included; one level deep, and only source the project has, not declaration files or packages).
 */
export function fileOrProcessWork(types: TypeQueries, call: ts.CallExpression): string | undefined {
  const direct = (c: ts.CallExpression) => fileSystemCall(types, c) ?? (processStart(types, c) && `${unwrap(c.expression).getText()}()`);
  const own = direct(call);
  if (own) return own;
  const id = calleeName(call.expression);
  const symbol = id && types.symbolAt(id);
  if (!symbol) return undefined;
  for (const decl of types.declarationsOf(symbol)) {
    const fn = functionOf(decl);
    const file = decl.getSourceFile();
    if (!fn?.body || file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName)) continue;
    let work: string | undefined;
    if (someCall(fn.body, (c) => !!(work = direct(c)))) return `${unwrap(call.expression).getText()}() (${work})`;
  }
  return undefined;
}

/** The function a declaration declares: a function or method, or one assigned (`const f = …`, `X.prototype.f = …`). */
function functionOf(decl: ts.Declaration): ts.FunctionLikeDeclaration | undefined {
  const isFunction = (n: ts.Node | undefined): n is ts.FunctionLikeDeclaration =>
    !!n && (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n));
  if (isFunction(decl)) return decl;
  const value =
    ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)
      ? decl.initializer
      : ts.isPropertyAccessExpression(decl) && isAssignment(decl.parent) && decl.parent.left === decl
        ? decl.parent.right
        : ts.isBinaryExpression(decl)
          ? decl.right
          : undefined;
  const inner = value && unwrap(value);
  return isFunction(inner) ? inner : undefined;
}
