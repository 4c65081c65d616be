// TypeScript's default library files (lib.es*.d.ts, lib.dom*.d.ts) parsed and bound ahead of time. The CLI starts
// from a V8 startup snapshot taken after this (cli/snapshot.ts), which spares every scan that work (on rxjs's source
// 0.94 s instead of 1.21 s): the libraries are the same for every project, and three quarters of what it parses.
// A registry hands out a prepared library only when the text and the parse settings match what it would parse
// itself; otherwise it parses as usual.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import ts = require('typescript');

/** The libraries most projects load (ECMAScript, DOM, decorators); the rarer ones (webworker, scripthost) are parsed on demand. */
const PREPARSED_LIBS = /^lib\.(es|esnext|dom|decorators)[\w.]*\.d\.ts$/;
/** The version a project reports for a file that never changed (see Project.versionOf). */
const UNCHANGED_VERSION = 'd0';

/**
 * TypeScript's binder, which the public API does not declare. Binding a file that already has its symbols is a
 * no-op, so a program takes a prepared library as it is. Nothing a library's binding holds depends on compiler
 * options (they are not strict-mode code and declare no const enums).
 */
const { bindSourceFile } = ts as unknown as { bindSourceFile(file: ts.SourceFile, options: ts.CompilerOptions): void };

interface Prepared {
  file: ts.SourceFile;
  jsDocParsingMode: ts.JSDocParsingMode;
}

/** By file name: the blob may run from a copy of dist/ (a program names the files it takes as it found them). */
const prepared = new Map<string, Prepared>();
let taken = 0;

/** How many prepared libraries programs of this process took (for `scan --timing`). */
export function preparedLibsTaken(): number {
  return taken;
}

/**
 * Parses and binds the usual default libraries of `libDir` as a project would. The tree is the same for every
 * target from ES2015 on (only the scanner's identifier tables differ before it, and the libraries' identifiers are
 * ASCII), so programs of different targets share one file: its languageVersion only steers scanning its text again
 * (incremental reparsing, error spans), which nothing does for an unchanged, unchecked library. A scan whose
 * projects differ in target (project references, a stray file's inferred project) parses the libraries not once per
 * target but never.
 */
export function prepareDefaultLibs(libDir: string, jsDocParsingMode: ts.JSDocParsingMode): void {
  for (const name of readdirSync(libDir)) {
    if (!PREPARSED_LIBS.test(name)) continue;
    const fileName = join(libDir, name);
    const text = ts.sys.readFile(fileName);
    if (text === undefined) continue;
    const options: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode };
    const file = ts.createLanguageServiceSourceFile(
      fileName,
      ts.ScriptSnapshot.fromString(text),
      options,
      UNCHANGED_VERSION,
      /*setNodeParents*/ false,
    );
    bindSourceFile(file, { target: ts.ScriptTarget.Latest });
    prepared.set(name, { file, jsDocParsingMode });
  }
}

/** The registry, handing out prepared libraries where they match (nothing changes when none were prepared). */
export function withPreparedLibs(registry: ts.DocumentRegistry, jsDocParsingMode: ts.JSDocParsingMode): ts.DocumentRegistry {
  if (!prepared.size) return registry;
  const take = (
    fileName: string,
    snapshot: ts.IScriptSnapshot,
    version: string,
    scriptKind: ts.ScriptKind | undefined,
    options: ts.ScriptTarget | ts.CreateSourceFileOptions,
  ): ts.SourceFile | undefined => {
    const entry = prepared.get(basename(fileName));
    if (!entry || version !== UNCHANGED_VERSION || (scriptKind !== undefined && scriptKind !== ts.ScriptKind.TS)) return undefined;
    const target = typeof options === 'object' ? options.languageVersion : options;
    const mode = typeof options === 'object' ? (options.jsDocParsingMode ?? jsDocParsingMode) : jsDocParsingMode;
    if (target < ts.ScriptTarget.ES2015 || mode !== entry.jsDocParsingMode) return undefined;
    if (snapshot.getLength() !== entry.file.text.length || snapshot.getText(0, snapshot.getLength()) !== entry.file.text) return undefined;
    taken++;
    return entry.file;
  };
  // per registry key and path, how many services hold a prepared file: the registry itself never counted those
  const handedOut = new Map<string, number>();
  const handOut = (key: ts.DocumentRegistryBucketKey, path: ts.Path, file: ts.SourceFile | undefined) => {
    if (file) handedOut.set(`${key}|${path}`, (handedOut.get(`${key}|${path}`) ?? 0) + 1);
    return file;
  };
  const release = (
    path: ts.Path,
    key: ts.DocumentRegistryBucketKey,
    scriptKind?: ts.ScriptKind,
    impliedNodeFormat?: ts.ResolutionMode,
  ): void => {
    const held = handedOut.get(`${key}|${path}`) ?? 0;
    if (held > 0) handedOut.set(`${key}|${path}`, held - 1);
    else registry.releaseDocumentWithKey(path, key, scriptKind ?? ts.ScriptKind.TS, impliedNodeFormat);
  };
  return {
    ...registry,
    acquireDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options) {
      return (
        handOut(key, path, take(fileName, snapshot, version, scriptKind, options ?? ts.ScriptTarget.Latest)) ??
        registry.acquireDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options)
      );
    },
    updateDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options) {
      if (!handedOut.get(`${key}|${path}`))
        return registry.updateDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options);
      // the service held a prepared file, which the registry never counted: drop that hold and acquire anew
      release(path, key, scriptKind, typeof options === 'object' ? options.impliedNodeFormat : undefined);
      return this.acquireDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options);
    },
    releaseDocumentWithKey: release,
  };
}
