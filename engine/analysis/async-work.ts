// Work that runs concurrently per item: the collection functions of the `async` library that start every item at
// once (`async.each`, `async.map`, … — their `…Limit` twins cap it), and the asynchronous file-system calls of Node
// (`fs.readFile`, `fs.promises.writeFile`, …) that hold a file descriptor while they run.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { namesSpec, nodeModule, type DeclarationSpec } from './declarations';
import { calleeName, unwrap } from './expressions';

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
