// A TypeScript project (a tsconfig, or an inferred project for a folder without one) behind a LanguageService,
// fed by in-memory overlays (unsaved editor text) so the server and the CLI share one loading path.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import ts = require('typescript');
import { IgnoreFiles } from './ignore';
import { prepareDefaultLibs, withPreparedLibs } from './prepared-libs';
import { EVERY_TYPES_PACKAGE, withWorkspaceTypes } from './project-types';
import { WorkspacePackages, packageNameOf } from './project-workspace';
import { keepingUnchanged } from './registry';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'out', 'build', 'coverage']);

export class ProjectError extends Error {}

/** Ends the script version of a file the program sees as empty (set aside, or too large). */
const SET_ASIDE = ':set-aside';

/**
 * LanguageServiceHost members that TypeScript 6.0's language service honours but does not declare (tsserver's
 * project host uses them). test/project-types.test.ts fails if a TypeScript update stops honouring the source
 * redirect; without the other two, workspace resolution still works on this host, only without the shared cache.
 */
interface ServiceHostInternals {
  useSourceOfProjectReferenceRedirect?(): boolean;
  getModuleResolutionCache?(): ts.ModuleResolutionCache;
  setCompilerHost?(host: ts.CompilerHost): void;
}

export interface ConfigWarning {
  /** The config file the problem is in. */
  file: string;
  message: string;
}

/**
 * JSDoc is parsed in JavaScript files (it carries their types) and skipped in TypeScript files, whose types are in the
 * code: tsc also parses `@see`/`@link` there, for unused-import errors we do not report. That saves a good share of
 * parsing (lib.dom.d.ts included). A project's registry and its service must agree, so every registry comes from here.
 */
const JSDOC_PARSING = ts.JSDocParsingMode.ParseForTypeInfo;

export function createRegistry(): ts.DocumentRegistry {
  const registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, undefined, JSDOC_PARSING);
  return withPreparedLibs(keepingUnchanged(registry), JSDOC_PARSING);
}

/** Parses and binds the default libraries ahead of time (for the CLI's startup snapshot), as this module's registries would. */
export function prepareLibs(libDir: string): void {
  prepareDefaultLibs(libDir, JSDOC_PARSING);
}

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.includes(extname(path)) && !/\.d\.[cm]?ts$/.test(path);
}

export const INFERRED_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  allowNonTsExtensions: true,
  // TypeScript 6 no longer includes every @types package by default; an inferred project should see them
  types: EVERY_TYPES_PACKAGE,
};

export class Project {
  readonly service: ts.LanguageService;
  private readonly overlays = new Map<string, { text: string; version: number }>();
  private readonly registry: ts.DocumentRegistry;
  /** A first look's project (`fileAlone`). */
  readonly isFileAlone: boolean;
  /** True once a program was built and until it is let go: the next one is then an update, not a build. */
  private built = false;
  private readonly diskVersions = new Map<string, number>();
  private readonly snapshots = new Map<string, { version: string; snapshot: ts.IScriptSnapshot | undefined }>();
  /** Each file's text as the editor or the disk has it, read once per version. */
  private readonly texts = new Map<string, { version: string; text: string | undefined }>();
  /** Source files longer than this (in characters) are set aside as too large (`setMaxFileLength`). */
  private maxFileLength = Infinity;
  private projectVersion = 0;
  /** Since which `projectVersion` nothing but one file's overlay text changed (`onlyTextChangedSince`). */
  private textEdits: { file: string; since: number } | undefined;
  private rootSet: Set<string>;
  /**
   * What TypeScript sees as each file's version (`scriptVersion`), asked several times per file at every program
   * update: forgotten for a file when its text changes, for all when the limits or the files set aside change.
   */
  private readonly scriptVersions = new Map<string, string>();
  /** Files whose text (at the version recorded) overflows TypeScript's recursive parser, binder or checker. */
  private readonly setAside = new Map<string, string>();
  /** The compiler host TypeScript builds programs with (its fileExists knows project references' outputs). */
  private compilerHost: ts.ModuleResolutionHost | undefined;
  /**
   * Module resolutions and package.json lookups, kept while the set of files stays the same: an edit of a file's
   * text changes no resolution, and without the cache every program update read every file's package.json scope again
   * from disk (a third of an edit's program update in JupyterLab). Files added or removed on disk reload the project.
   */
  private resolutionCache: { filesVersion: number; cache: ts.ModuleResolutionCache } | undefined;
  /** Bumped when files appear or disappear for this project (root files added, overlays of new files opened or closed). */
  private fileSetVersion = 0;
  /**
   * Referenced projects' parsed tsconfigs, for the project's lifetime (a tsconfig change reloads every project). The
   * language service would parse every reference again, directory walk included, at each program update.
   */
  private readonly referencedCommandLines = new Map<string, ts.ParsedCommandLine | undefined>();

  /** Changes when files appear or disappear for the project, the only way its module resolutions change. */
  get filesVersion(): number {
    return this.fileSetVersion;
  }

  private constructor(
    /** The tsconfig path, or the folder of an inferred project. */
    readonly id: string,
    readonly kind: 'tsconfig' | 'inferred',
    private rootNames: string[],
    readonly options: ts.CompilerOptions,
    readonly references: readonly ts.ProjectReference[],
    registry: ts.DocumentRegistry,
    /** What was wrong with the tsconfig (or a config it extends) but did not stop it from being used. */
    readonly warnings: readonly ConfigWarning[] = [],
    /** `installed`: imports resolve only to installed packages (`fileAlone`). */
    resolution: 'all' | 'installed' = 'all',
  ) {
    this.isFileAlone = resolution === 'installed';
    this.registry = registry;
    const currentDirectory = kind === 'tsconfig' ? dirname(id) : id;
    const host: ts.LanguageServiceHost & ServiceHostInternals = {
      getProjectVersion: () => String(this.projectVersion),
      getScriptFileNames: () => this.rootNames,
      getScriptVersion: (f) => this.scriptVersion(f),
      getScriptSnapshot: (f) => this.snapshotOf(f),
      getCurrentDirectory: () => currentDirectory,
      getCompilationSettings: () => this.options,
      getProjectReferences: () => this.references,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.overlays.has(f) || ts.sys.fileExists(f),
      readFile: (f, enc) => this.overlays.get(f)?.text ?? ts.sys.readFile(f, enc),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      jsDocParsingMode: JSDOC_PARSING,
      // as tsserver does: a referenced project's files are its sources, not its built .d.ts (which may not exist yet)
      useSourceOfProjectReferenceRedirect: () => true,
      getParsedCommandLine: (configFile) => this.referencedCommandLine(configFile),
    };
    this.resolveModules(host, resolution === 'all' ? WorkspacePackages.find(currentDirectory) : undefined, resolution === 'installed');
    this.rootSet = new Set(rootNames);
    this.service = ts.createLanguageService(host, releasingOnce(registry));
  }

  /**
   * Module resolution with a cache kept across edits (`resolutionCache`), falling back to workspace packages' sources
   * when there is a workspace (see project-workspace.ts). TypeScript's own resolution runs first, on the host
   * TypeScript builds the program with (`setCompilerHost`, which tsserver uses the same way: its fileExists sees
   * project references' outputs).
   */
  private resolveModules(
    host: ts.LanguageServiceHost & ServiceHostInternals,
    workspace: WorkspacePackages | undefined,
    installedOnly: boolean,
  ): void {
    const cache = (): ts.ModuleResolutionCache => {
      if (this.resolutionCache?.filesVersion !== this.fileSetVersion) {
        const canonical = (f: string) => (ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase());
        const fresh = ts.createModuleResolutionCache(host.getCurrentDirectory(), canonical, this.options);
        this.resolutionCache = { filesVersion: this.fileSetVersion, cache: fresh };
      }
      return this.resolutionCache.cache;
    };
    host.setCompilerHost = (compilerHost) => {
      this.compilerHost = compilerHost;
    };
    host.getModuleResolutionCache = cache;
    host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, options, containingSourceFile) =>
      literals.map((literal) => {
        const mode = ts.getModeForUsageLocation(containingSourceFile, literal, options);
        const resolved = ts.resolveModuleName(
          literal.text,
          containingFile,
          options,
          this.compilerHost ?? host,
          cache(),
          redirectedReference,
          mode,
        );
        if (installedOnly && !resolved.resolvedModule?.isExternalLibraryImport) return { resolvedModule: undefined };
        const source = resolved.resolvedModule ? undefined : workspace?.sourceOf(literal.text, Boolean(options.allowJs));
        if (!source) return resolved;
        return {
          ...resolved,
          resolvedModule: { resolvedFileName: source, extension: extensionOf(source), isExternalLibraryImport: false },
        };
      });
  }

  private referencedCommandLine(configFile: string): ts.ParsedCommandLine | undefined {
    if (!this.referencedCommandLines.has(configFile)) {
      const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      });
      this.referencedCommandLines.set(configFile, parsed);
    }
    return this.referencedCommandLines.get(configFile);
  }

  /**
   * Loads a tsconfig (or jsconfig). Throws ProjectError with a one-line message when it cannot be read or parsed. A
   * base config (`extends`) that is missing does not stop it: the rest is used and the project carries a warning.
   */
  static fromTsconfig(configPath: string, registry = createRegistry()): Project {
    const path = resolve(configPath);
    let fatal: ts.Diagnostic | undefined;
    const parsed = ts.getParsedCommandLineOfConfigFile(
      path,
      { noEmit: true },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          fatal = d;
        },
      },
    );
    const configErrors = parsed?.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003 /* no inputs */) ?? [];
    const missingBases: ConfigWarning[] = [];
    const otherErrors: ts.Diagnostic[] = [];
    for (const d of configErrors) {
      const missingBase = missingBaseConfig(d);
      if (missingBase) missingBases.push(missingBase);
      else otherErrors.push(d);
    }
    if (!parsed || fatal || otherErrors.length) throw new ProjectError(formatDiagnostic(fatal ?? otherErrors[0], path));
    const options = withWorkspaceTypes(parsed.options, dirname(path));
    return new Project(path, 'tsconfig', parsed.fileNames, options, parsed.projectReferences ?? [], registry, missingBases);
  }

  /** An inferred project of every source file under `root` (node_modules, build output and dot-folders skipped). */
  static inferred(root: string, registry = createRegistry(), files = listSourceFiles(root)): Project {
    return new Project(resolve(root), 'inferred', files, { ...INFERRED_OPTIONS }, [], registry);
  }

  /**
   * A project of `file` alone, with this project's options but no project references, whose imports resolve only to
   * installed packages (their declaration files): what the file's own code and its libraries say, without the rest
   * of the program, for a first look at a file while its whole program is built (tsserver's partial semantic mode).
   */
  fileAlone(file: string): Project {
    return new Project(this.id, this.kind, [file], this.options, [], this.registry, [], 'installed');
  }

  /** The tsconfig paths this project references (project references), resolved. */
  referencedConfigs(): string[] {
    return this.references.map((r) => ts.resolveProjectReferencePath(r));
  }

  /** Root source files (declaration files excluded). */
  sourceFiles(): string[] {
    return this.rootNames.filter(isSourceFile);
  }

  hasRootFile(file: string): boolean {
    return this.rootSet.has(file);
  }

  addRootFile(file: string): void {
    if (!this.rootSet.has(file)) {
      this.rootNames = [...this.rootNames, file];
      this.rootSet.add(file);
      this.changed();
      this.fileSetVersion++;
    }
  }

  /**
   * The program, its checker created (which binds every file). TypeScript's parser, binder and checker recurse, so
   * one file nested thousands of levels deep overflows the stack and would take every file of the project down:
   * such files are set aside (analysed as empty, see `isSetAside`) and the program is built again.
   */
  program(): ts.Program {
    for (;;) {
      try {
        const program = this.service.getProgram();
        if (!program) throw new ProjectError(`${this.id}: TypeScript could not build a program`);
        program.getTypeChecker();
        this.built = true;
        return program;
      } catch (error) {
        if (!(error instanceof RangeError) || !this.setAsideDeepest()) throw error;
        this.changed(); // the failed build left the service half-synchronised
      }
    }
  }

  /** True when the file's current text is too deeply nested for TypeScript; the program sees it as empty. */
  isSetAside(file: string): boolean {
    return this.setAside.get(file) === this.versionOf(file);
  }

  /**
   * Source files longer than `length` characters are seen as empty by the program (their importers see no exports):
   * parsing, binding and checking a multi-megabyte file takes seconds, and in the language server it would hold up
   * every other file. Declaration files and dependencies are never set aside.
   */
  setMaxFileLength(length: number): void {
    if (length === this.maxFileLength) return;
    this.maxFileLength = length;
    this.scriptVersions.clear();
    this.changed();
  }

  /** The file's length when it is over the limit of `setMaxFileLength` (the program then sees it as empty). */
  tooLarge(file: string): { length: number; limit: number } | undefined {
    if (this.maxFileLength === Infinity || !isSourceFile(file) || /[\\/]node_modules[\\/]/.test(file)) return undefined;
    const length = this.textOf(file)?.length ?? 0;
    return length > this.maxFileLength ? { length, limit: this.maxFileLength } : undefined;
  }

  /**
   * Sets aside every root file the parser overflows on, else the single most deeply nested one (the binder or
   * checker overflowed). False when there is nothing left to set aside.
   */
  private setAsideDeepest(): boolean {
    let deepest: { file: string; depth: number } | undefined;
    let found = false;
    for (const file of this.rootNames) {
      if (this.isSetAside(file)) continue;
      const snapshot = this.snapshotOf(file);
      if (!snapshot) continue;
      const text = snapshot.getText(0, snapshot.getLength());
      let depth: number;
      try {
        depth = nestingDepth(ts.createSourceFile(file, text, ts.ScriptTarget.Latest));
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        this.setAside.set(file, this.versionOf(file));
        found = true;
        continue;
      }
      if (depth > (deepest?.depth ?? MIN_SUSPECT_DEPTH)) deepest = { file, depth };
    }
    if (!found && deepest) this.setAside.set(deepest.file, this.versionOf(deepest.file));
    this.scriptVersions.clear();
    return found || deepest !== undefined;
  }

  /** Uses `text` instead of the file on disk (an open editor document). */
  setOverlay(file: string, text: string, version: number): void {
    const opened = !this.overlays.has(file);
    if (opened) this.fileSetVersion++; // the file may not exist on disk
    this.overlays.set(file, { text, version });
    this.scriptVersions.delete(file);
    this.changed(opened ? undefined : file);
  }

  /** A mark of everything the project's programs are built from, for `onlyTextChangedSince`. */
  get stateVersion(): number {
    return this.projectVersion;
  }

  /** True when, since `stateVersion` was `version`, nothing changed but the overlay text of `file` (typing in it). */
  onlyTextChangedSince(file: string, version: number): boolean {
    return version === this.projectVersion || (this.textEdits?.file === file && this.textEdits.since <= version);
  }

  /** Something the programs are built from changed; `editedFile` when it is only that open file's text. */
  private changed(editedFile?: string): void {
    if (!editedFile) this.textEdits = undefined;
    else if (this.textEdits?.file !== editedFile) this.textEdits = { file: editedFile, since: this.projectVersion };
    this.projectVersion++;
  }

  /** True while the file has an overlay (it is open in the editor). */
  hasOverlay(file: string): boolean {
    return this.overlays.has(file);
  }

  removeOverlay(file: string): void {
    if (this.overlays.delete(file)) {
      this.fileSetVersion++;
      this.bumpDisk(file);
    }
  }

  /** The file changed on disk (a watcher event). */
  fileChangedOnDisk(file: string): void {
    if (!this.overlays.has(file)) this.bumpDisk(file);
  }

  /** A version string for the file that changes whenever its text does. */
  versionOf(file: string): string {
    const overlay = this.overlays.get(file);
    return overlay ? `o${overlay.version}` : `d${this.diskVersions.get(file) ?? 0}`;
  }

  /** What TypeScript sees as the file's version: a set-aside or too large file's (empty) text is a different version. */
  private scriptVersion(file: string): string {
    let version = this.scriptVersions.get(file);
    if (version === undefined) {
      version = this.isSetAside(file) || this.tooLarge(file) ? `${this.versionOf(file)}${SET_ASIDE}` : this.versionOf(file);
      this.scriptVersions.set(file, version);
    }
    return version;
  }

  private bumpDisk(file: string): void {
    this.diskVersions.set(file, (this.diskVersions.get(file) ?? 0) + 1);
    this.scriptVersions.delete(file);
    this.changed();
  }

  private snapshotOf(file: string): ts.IScriptSnapshot | undefined {
    const version = this.scriptVersion(file);
    const cached = this.snapshots.get(file);
    if (cached?.version === version) return cached.snapshot;
    const text = this.textOf(file);
    // a set-aside file's empty text is parsed from scratch: updating the old tree walks it, which may be what overflowed
    const setAside = version.endsWith(SET_ASIDE);
    const snapshot = text === undefined ? undefined : setAside ? ts.ScriptSnapshot.fromString('') : new TextSnapshot(text);
    this.snapshots.set(file, { version, snapshot });
    return snapshot;
  }

  /** True when the project holds a program (up to date or not), so that `program()` updates rather than builds. */
  get hasProgram(): boolean {
    return this.built;
  }

  /** Lets the program and checker go (to bound memory); the next `program()` builds them again. */
  unload(): void {
    this.built = false;
    this.service.cleanupSemanticCache();
    // the texts read from disk (default libraries and @types included) are read again with the program
    this.snapshots.clear();
    this.texts.clear();
    this.compilerHost = undefined; // it holds closures over the program (see dispose)
    this.changed(); // the service would otherwise take its dropped program for up to date
  }

  /** The file's text as the editor or the disk has it. */
  textOf(file: string): string | undefined {
    const version = this.versionOf(file);
    const cached = this.texts.get(file);
    if (cached?.version === version) return cached.text;
    const text = this.overlays.get(file)?.text ?? ts.sys.readFile(file);
    this.texts.set(file, { version, text });
    return text;
  }

  dispose(): void {
    this.service.dispose();
    this.snapshots.clear();
    this.texts.clear();
    // with the source redirect, TypeScript patches the compiler host with closures over the whole program and checker
    this.compilerHost = undefined;
    this.resolutionCache = undefined;
  }
}

/**
 * A file's text that tells TypeScript which span changed since an earlier text, so that an edit is parsed
 * incrementally (the nodes outside the span are reused) rather than from scratch: in a 3,600-line file, most of the
 * parse of each keystroke. The span is the one between the texts' common prefix and common suffix.
 */
class TextSnapshot implements ts.IScriptSnapshot {
  constructor(readonly text: string) {}

  getText(start: number, end: number): string {
    return this.text.substring(start, end);
  }

  getLength(): number {
    return this.text.length;
  }

  getChangeRange(old: ts.IScriptSnapshot): ts.TextChangeRange | undefined {
    if (!(old instanceof TextSnapshot)) return undefined;
    const { prefix, suffix } = commonEnds(old.text, this.text);
    return ts.createTextChangeRange(ts.createTextSpan(prefix, old.text.length - prefix - suffix), this.text.length - prefix - suffix);
  }
}

/** The last texts `commonEnds` compared: the program update and the kept answers (type-facts.ts) ask of the same edit. */
let lastEnds: { before: string; after: string; prefix: number; suffix: number } | undefined;

/** How long the texts' common prefix is, and their common suffix after it: what lies between them changed. */
export function commonEnds(before: string, after: string): { prefix: number; suffix: number } {
  if (lastEnds?.before === before && lastEnds.after === after) return lastEnds;
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix))
    suffix++;
  lastEnds = { before, after, prefix, suffix };
  return lastEnds;
}

/**
 * The registry for one language service, which never releases a document twice without acquiring it in between (a
 * service holds each document once). TypeScript 6.0 can list one declaration file twice in a program (a referenced
 * project's output, reached through a package link and as the output of an import of its source, with
 * disableSourceOfProjectReferenceRedirect); disposing the service then released it twice, and the second release
 * found no entry and threw, which took the whole scan down.
 */
function releasingOnce(registry: ts.DocumentRegistry): ts.DocumentRegistry {
  const released = new Set<string>();
  return {
    ...registry,
    acquireDocumentWithKey(fileName, path, host, key, ...rest) {
      released.delete(`${key}|${path}`);
      return registry.acquireDocumentWithKey(fileName, path, host, key, ...rest);
    },
    releaseDocumentWithKey(
      path: ts.Path,
      key: ts.DocumentRegistryBucketKey,
      scriptKind?: ts.ScriptKind,
      impliedNodeFormat?: ts.ResolutionMode,
    ) {
      if (released.has(`${key}|${path}`)) return;
      released.add(`${key}|${path}`);
      registry.releaseDocumentWithKey(path, key, scriptKind ?? ts.ScriptKind.TS, impliedNodeFormat);
    },
  };
}

/**
 * Every source file under `root`, skipping node_modules, build output, dot-folders, symlink loops and what
 * the `.gitignore` and `.leaklintignore` files in and below `root` ignore (`root` itself was asked for).
 */
export function listSourceFiles(root: string, ignoreFiles = new IgnoreFiles(resolve(root))): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue; // dangling link or unreadable entry
      }
      if (stat.isDirectory()) {
        if (!SKIPPED_DIRS.has(name) && !ignoreFiles.ignores(path, true)) walk(path);
      } else if (stat.isFile() && isSourceFile(path) && !ignoreFiles.ignores(path, false)) out.push(path);
    }
  };
  walk(resolve(root));
  return out;
}

/** Below this nesting depth a file is not suspected of overflowing TypeScript's stack (real code stays far below). */
const MIN_SUSPECT_DEPTH = 500;

/**
 * The deepest nesting of the AST, walked with an explicit stack; binary operator chains, which TypeScript handles
 * without recursion, count once.
 */
function nestingDepth(file: ts.SourceFile): number {
  let max = 0;
  const stack: [ts.Node, number][] = [[file, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    max = Math.max(max, depth);
    const chain = ts.isBinaryExpression(node);
    node.forEachChild((child) => {
      stack.push([child, chain && ts.isBinaryExpression(child) ? depth : depth + 1]);
    });
  }
  return max;
}

/**
 * The warning for a config error that is a missing base config (`extends` naming a file or package that is not
 * there), else undefined. TypeScript reports it and goes on with the rest of the config, as an editor does.
 */
function missingBaseConfig(d: ts.Diagnostic): ConfigWarning | undefined {
  const { file } = d;
  if (d.code !== 6053 /* File '{0}' not found. */ || !file || d.start === undefined) return undefined;
  const root = (file.statements[0] as ts.ExpressionStatement | undefined)?.expression;
  const property = root && ts.isObjectLiteralExpression(root) ? root.properties.find((p) => propertyName(p) === 'extends') : undefined;
  if (!property || !ts.isPropertyAssignment(property)) return undefined;
  const value = property.initializer;
  const specifier = (ts.isArrayLiteralExpression(value) ? value.elements : [value]).find((e) => e.getStart(file) === d.start);
  if (!specifier || !ts.isStringLiteral(specifier)) return undefined;
  const name = specifier.text;
  const used = 'analysed with the rest of this tsconfig';
  if (name.startsWith('.') || isAbsolute(name)) return { file: file.fileName, message: `extends "${name}", which is not found: ${used}` };
  return { file: file.fileName, message: `extends "${name}", but package ${packageNameOf(name)} is not installed: ${used}` };
}

/** The resolved-module extension of a file name (declaration extensions before the plain ones they end with). */
function extensionOf(file: string): ts.Extension {
  const { Dts, Dmts, Dcts, Ts, Tsx, Mts, Cts, Js, Jsx, Mjs, Cjs } = ts.Extension;
  return [Dts, Dmts, Dcts, Ts, Tsx, Mts, Cts, Js, Jsx, Mjs, Cjs].find((ext) => file.endsWith(ext)) ?? Ts;
}

function propertyName(p: ts.ObjectLiteralElementLike): string | undefined {
  return p.name && (ts.isStringLiteral(p.name) || ts.isIdentifier(p.name)) ? p.name.text : undefined;
}

export function formatDiagnostic(d: ts.Diagnostic, fallbackFile: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
  }
  return `${fallbackFile}: ${message}`;
}
