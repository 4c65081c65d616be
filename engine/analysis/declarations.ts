// Where a symbol is declared, said as data (in the manner of typescript-eslint's TypeOrValueSpecifier):
// TypeScript's own lib files, a package (optionally one of its files), or a file path. Rules and resource models
// recognise platform and library APIs by these, never by name alone.
import { posix } from 'node:path';
import ts = require('typescript');
import type { TypeQueries } from '../types';

export type DeclarationSource =
  /** TypeScript's lib.*.d.ts files (DOM, ES). */
  | { from: 'lib' }
  /** A package under node_modules; `file` matches the path inside the package (`child_process.d.ts`). */
  | { from: 'package'; package: string; file?: RegExp };

/** A named value declared by one of the sources. */
export interface DeclarationSpec {
  name: string | readonly string[];
  from: readonly DeclarationSource[];
}

/** The platform: TypeScript's lib files and Node's own types. */
export const PLATFORM: readonly DeclarationSource[] = [{ from: 'lib' }, { from: 'package', package: '@types/node' }];

/** Node's types, one or more of its declaration files (`fs.d.ts`, `fs/promises.d.ts`). */
export function nodeModule(...files: string[]): DeclarationSource[] {
  const names = files.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return [{ from: 'package', package: '@types/node', file: new RegExp(`^(${names})\\.d\\.ts$`) }];
}

const slashes = (p: string): string => p.replace(/\\/g, '/');
/** Where the running compiler keeps its lib.*.d.ts files (beside typescript.js, also when it is bundled). */
const LIB_DIR = posix.dirname(slashes(ts.getDefaultLibFilePath({})));
const LIB_FILE = /^lib\.[\w.]+\.d\.ts$/;
/** A project may bring its own copy of TypeScript's libs (node_modules/typescript/lib). */
const PROJECT_LIB = /\/typescript\/lib\/lib\.[\w.]+\.d\.ts$/;

function inSource(path: string, source: DeclarationSource): boolean {
  if (source.from === 'lib') return PROJECT_LIB.test(path) || (posix.dirname(path) === LIB_DIR && LIB_FILE.test(posix.basename(path)));
  const marker = `/node_modules/${source.package}/`;
  const at = path.lastIndexOf(marker);
  return at >= 0 && (!source.file || source.file.test(path.slice(at + marker.length)));
}

/** True when the symbol (or what it aliases) has a declaration in one of the sources. */
export function declaredBy(types: TypeQueries, symbol: ts.Symbol, sources: readonly DeclarationSource[]): boolean {
  return types.declarationsOf(symbol).some((d) => {
    const path = slashes(d.getSourceFile().fileName);
    return sources.some((s) => inSource(path, s));
  });
}

/**
 * True when `id` names a value the spec describes (its name first, the checker only for a matching name). A lib
 * member read from a global-object package the program has no types for (`window.setTimeout` after
 * `import window from 'global/window'`) is the platform's own.
 */
export function namesSpec(types: TypeQueries, id: ts.Identifier, spec: DeclarationSpec): boolean {
  if (typeof spec.name === 'string' ? spec.name !== id.text : !spec.name.includes(id.text)) return false;
  const symbol = types.symbolAt(id);
  if (symbol?.declarations?.length) return declaredBy(types, symbol, spec.from);
  return spec.from.some((s) => s.from === 'lib') && readFromGlobalObjectPackage(types, id);
}

/** Packages whose export is the platform's global object, for code that runs in a browser and in Node. */
const GLOBAL_OBJECT_PACKAGES = new Set(['global', 'global/window']);

/**
 * `w.name` or `w.URL.name`, where `w` is the file's import (or top-level require) of a global-object package, not a
 * parameter or local of the same name.
 */
function readFromGlobalObjectPackage(types: TypeQueries, id: ts.Identifier): boolean {
  const access = id.parent;
  if (!ts.isPropertyAccessExpression(access) || access.name !== id) return false;
  let receiver = access.expression;
  while (ts.isPropertyAccessExpression(receiver)) receiver = receiver.expression;
  if (!ts.isIdentifier(receiver)) return false;
  const root = receiver.text;
  // a parameter or a function's own variable of that name is another value
  const nested = (d: ts.Node) => ts.isParameter(d) || !!ts.findAncestor(d.parent, ts.isFunctionLike);
  if ((types.symbolAt(receiver)?.declarations ?? []).some(nested)) return false;
  const fromPackage = (specifier: ts.Expression | undefined) =>
    !!specifier && ts.isStringLiteralLike(specifier) && GLOBAL_OBJECT_PACKAGES.has(specifier.text);
  return id.getSourceFile().statements.some((st) => {
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      const bound =
        clause?.name?.text === root ||
        (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings) && clause.namedBindings.name.text === root);
      return !!bound && fromPackage(st.moduleSpecifier);
    }
    return (
      ts.isVariableStatement(st) &&
      st.declarationList.declarations.some((d) => {
        const init = d.initializer && ts.isCallExpression(d.initializer) ? d.initializer : undefined;
        const isRequire = !!init && ts.isIdentifier(init.expression) && init.expression.text === 'require';
        return ts.isIdentifier(d.name) && d.name.text === root && isRequire && fromPackage(init.arguments[0]);
      })
    );
  });
}
