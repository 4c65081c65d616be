// Work that runs concurrently per item: the collection functions of the `async` library that start every item at
// once (`async.each`, `async.map`, … — their `…Limit` twins cap it), and the asynchronous file-system calls of Node
// (`fs.readFile`, `fs.promises.writeFile`, …) and child processes that hold a descriptor or a process while they run,
// also one call away: a function of the project whose body starts such work.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { namesSpec, nodeModule, type DeclarationSpec } from './declarations';
import { calleeName, calleePath, isAssignment, outerExpression, requiredModule, unwrap } from './expressions';
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

/** Calls that throttle the work they run: semaphores, queues, limiters (`limit(() => readFile(p))`). */
export const LIMITER = /^(acquire|limit|throttle|schedule|enqueue|runExclusive|wait)/i;

/** True for a call to a limiter (by the last name of its callee). */
export function isLimiterCall(call: ts.CallExpression): boolean {
  return LIMITER.test(calleePath(call.expression).at(-1) ?? '');
}

/** The async work a call starts: its text for messages, and the call that opens the file or starts the process. */
export interface AsyncWork {
  text: string;
  start: ts.CallExpression;
}

/**
 * The file-system call or child process the call starts: itself, or one made by the project function it calls (its
 * body, callbacks included; one level deep, and only source the project has, not declaration files or packages).
 * Work the function runs through a limiter (`return this.limit(() => fs.readFile(…))`) is bounded there.
 */
export function fileOrProcessWork(types: TypeQueries, call: ts.CallExpression): AsyncWork | undefined {
  const direct = (c: ts.CallExpression) => fileSystemCall(types, c) ?? (processStart(types, c) && `${unwrap(c.expression).getText()}()`);
  const own = direct(call);
  if (own) return { text: own, start: call };
  const id = calleeName(call.expression);
  if (!id) return undefined;
  for (const decl of types.declarationsAt(id)) {
    const fn = functionOf(decl);
    const file = decl.getSourceFile();
    if (!fn?.body || file.isDeclarationFile || /[\\/]node_modules[\\/]/.test(file.fileName)) continue;
    let work: { text: string; start: ts.CallExpression } | undefined;
    const starts = (c: ts.CallExpression) => {
      const text = direct(c);
      if (text && !throughLimiter(c, fn)) work = { text, start: c };
      return !!work;
    };
    if (someCall(fn.body, starts)) return { text: `${unwrap(call.expression).getText()}() (${work!.text})`, start: work!.start };
  }
  return undefined;
}

/** The call sits in a function handed to a limiter, inside `fn`. */
function throughLimiter(call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): boolean {
  for (let n: ts.Node = call; n.parent && n !== fn; n = n.parent) {
    const outer = ts.isArrowFunction(n) || ts.isFunctionExpression(n) ? outerExpression(n, {}) : undefined;
    if (outer && ts.isCallExpression(outer.parent) && outer.parent.arguments.includes(outer) && isLimiterCall(outer.parent)) return true;
  }
  return false;
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

/** File dialogs: what they return is the user's choice of files. */
const FILE_DIALOGS: readonly DeclarationSpec[] = [
  { name: ['showOpenDialog', 'showOpenDialogSync'], from: [{ from: 'package', package: 'electron' }] },
  { name: 'showOpenDialog', from: [{ from: 'package', package: '@types/vscode' }] },
];

/**
 * The files the user picked in a file dialog (`await window.showOpenDialog(…)`, Electron's `result.filePaths` of
 * `const result = await dialog.showOpenDialog(…)`): as many as a person selects, not a collection that grows.
 */
export function chosenByUser(types: TypeQueries, e: ts.Expression): boolean {
  let x = unwrap(e, { await: true });
  if (ts.isPropertyAccessExpression(x) && x.name.text === 'filePaths') {
    const result = unwrap(x.expression, { await: true });
    const decl = ts.isIdentifier(result) ? types.symbolAt(result)?.valueDeclaration : undefined;
    x = decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer, { await: true }) : result;
  }
  const name = ts.isCallExpression(x) ? calleeName(x.expression) : undefined;
  return !!name && FILE_DIALOGS.some((spec) => namesSpec(types, name, spec));
}
