// Workspace packages (npm and yarn `workspaces`, pnpm-workspace.yaml) resolved to their sources. In a monorepo that
// is not installed (no node_modules links to its packages) or not built (links to a `dist` that does not exist yet),
// an import of a sibling package does not resolve, everything it exports is `any`, and the rules cannot see the
// resources it hands out. A project inside a workspace therefore resolves modules through Project's
// `resolveModuleNameLiterals` hook: TypeScript's own resolution first, and only for a name that it cannot resolve and
// that names a workspace package, that package's source entry (`sourceOf`). A linked and built workspace, or one
// whose packages are project references (resolved to their sources by TypeScript itself), never gets here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import ts = require('typescript');

interface PackageManifest {
  name?: unknown;
  workspaces?: unknown;
  exports?: unknown;
  types?: unknown;
  typings?: unknown;
  module?: unknown;
  main?: unknown;
}

interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: PackageManifest;
}

const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const JS_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs'];
const DECLARATION = /\.d\.[cm]?ts$/;
/** Output and declaration folders a package's entry points usually live in; their sources are under `src`. */
const BUILD_DIRS = new Set(['dist', 'lib', 'build', 'out', 'esm', 'cjs', 'types', 'dts']);
/** How deep a `**` workspace pattern is followed below its fixed prefix. */
const MAX_PATTERN_DEPTH = 4;

export class WorkspacePackages {
  /** Listed on the first import that needs them: a linked and built workspace never pays for the walk. */
  private byName: Map<string, WorkspacePackage> | undefined;
  private readonly sources = new Map<string, string | undefined>();

  private constructor(
    private readonly root: string,
    private readonly patterns: string[],
  ) {}

  /**
   * The workspace `dir` belongs to: the nearest folder at or above it with a pnpm-workspace.yaml or a package.json
   * that lists `workspaces`. Undefined outside a workspace.
   */
  static find(dir: string): WorkspacePackages | undefined {
    for (let at = dir; ; at = dirname(at)) {
      const patterns = workspacePatterns(at);
      if (patterns) return new WorkspacePackages(at, patterns);
      if (dirname(at) === at) return undefined;
    }
  }

  /** The source file an import of `specifier` (`name` or `name/subpath`) means when it names a workspace package. */
  sourceOf(specifier: string, allowJs: boolean): string | undefined {
    if (ts.isExternalModuleNameRelative(specifier)) return undefined;
    const key = `${allowJs ? 'js' : 'ts'}:${specifier}`;
    if (this.sources.has(key)) return this.sources.get(key);
    this.byName ??= new Map(listPackages(this.root, this.patterns).map((p) => [p.name, p]));
    const name = packageNameOf(specifier);
    const pkg = this.byName.get(name);
    const subpath = `.${specifier.slice(name.length)}`;
    const source = pkg && sourceEntry(pkg, subpath, allowJs ? [...TS_EXTENSIONS, ...JS_EXTENSIONS] : TS_EXTENSIONS);
    this.sources.set(key, source);
    return source;
  }
}

/** The package a bare specifier names: `@scope/name` or `name`, without the subpath. */
export function packageNameOf(specifier: string): string {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

function readManifest(path: string): PackageManifest | undefined {
  try {
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return json && typeof json === 'object' ? (json as PackageManifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The package folder patterns of a workspace root at `dir`, else undefined. */
function workspacePatterns(dir: string): string[] | undefined {
  const pnpm = join(dir, 'pnpm-workspace.yaml');
  if (existsSync(pnpm)) return pnpmPatterns(readFileSync(pnpm, 'utf8'));
  const manifest = join(dir, 'package.json');
  const workspaces = existsSync(manifest) ? readManifest(manifest)?.workspaces : undefined;
  // npm and yarn 1 take an array; yarn 1 also `{ packages: [...] }`
  const list = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : undefined;
}

/** The `packages:` list of a pnpm-workspace.yaml (block style, the only one pnpm documents). */
function pnpmPatterns(text: string): string[] {
  const out: string[] = [];
  let inPackages = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) {
      inPackages = /^packages\s*:\s*(#.*)?$/.test(line);
      continue;
    }
    const item = inPackages ? /^\s+-\s*(.+?)\s*$/.exec(line.replace(/\s+#.*$/, '')) : null;
    if (item) out.push(item[1].replace(/^(['"])(.*)\1$/, '$2'));
  }
  return out;
}

/** The packages (folders with a named package.json) that the workspace patterns select; `!pattern` excludes. */
function listPackages(root: string, patterns: string[]): WorkspacePackage[] {
  const clean = (p: string) => p.replace(/^\.\//, '').replace(/\/+$/, '');
  const included = patterns.filter((p) => !p.startsWith('!')).map(clean);
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => clean(p.slice(1)));
  if (!included.length) return [];
  const isIncluded = picomatch(included);
  const isExcluded = excluded.length ? picomatch(excluded) : () => false;
  const dirs = new Set<string>();
  for (const pattern of included) {
    const segments = pattern.split('/');
    const fixed = segments.findIndex((s) => /[*?[\]{}!()]/.test(s));
    const prefix = fixed === -1 ? segments : segments.slice(0, fixed);
    const depth = fixed === -1 ? 0 : pattern.includes('**') ? MAX_PATTERN_DEPTH : segments.length - fixed;
    collectDirs(join(root, ...prefix), depth, dirs);
  }
  const out: WorkspacePackage[] = [];
  for (const dir of [...dirs].sort()) {
    const rel = relative(root, dir).split(sep).join('/');
    if (!isIncluded(rel) || isExcluded(rel)) continue;
    const manifest = readManifest(join(dir, 'package.json'));
    if (typeof manifest?.name === 'string') out.push({ name: manifest.name, dir, manifest });
  }
  return out;
}

/** `dir` and the folders below it down to `depth` levels, skipping node_modules and dot-folders. */
function collectDirs(dir: string, depth: number, out: Set<string>): void {
  if (!isDirectory(dir)) return;
  out.add(dir);
  if (depth === 0) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name !== 'node_modules' && !name.startsWith('.')) collectDirs(join(dir, name), depth - 1, out);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The source of a package's entry point for `subpath` ('.' or './x'): what `exports` (types condition first),
 * `types`, `typings`, `module` or `main` point at, mapped from the build folder back to the sources (the package's
 * tsconfig `outDir` → `rootDir`, else `dist`/`lib`/… → `src`), else `src/<subpath>` and `<subpath>` by convention.
 */
function sourceEntry(pkg: WorkspacePackage, subpath: string, extensions: string[]): string | undefined {
  const layout = buildLayout(pkg.dir);
  const targets = [...entryTargets(pkg.manifest, subpath), subpath === '.' ? './index' : subpath];
  for (const target of targets) {
    const path = normalize(join(pkg.dir, target));
    const stem = path.replace(/(\.d)?\.[cm]?[jt]sx?$/, '');
    const rel = relative(pkg.dir, stem).split(sep);
    const outDir = layout.outDirs.find((o) => !relative(o, stem).startsWith('..'));
    // dist/esm/index → src/index; index → src/index
    const firstSourceSegment = rel.findIndex((s) => !BUILD_DIRS.has(s));
    const stems = [
      outDir && join(layout.sourceDir, relative(outDir, stem)),
      firstSourceSegment !== -1 && join(pkg.dir, 'src', ...rel.slice(firstSourceSegment)),
      stem,
    ];
    for (const candidate of stems) {
      const found = candidate && withExtension(candidate, extensions);
      if (found) return found;
    }
    // hand-written declarations (or sources) the entry point names as they are
    if (isFile(path) && (DECLARATION.test(path) || extensions.some((e) => path.endsWith(e)))) return path;
  }
  return undefined;
}

function withExtension(stem: string, extensions: string[]): string | undefined {
  for (const base of [stem, join(stem, 'index')]) {
    for (const ext of extensions) if (isFile(base + ext)) return base + ext;
  }
  return undefined;
}

/** Where the package's build output goes and where its sources are, from its tsconfig.json (extends not followed). */
function buildLayout(dir: string): { outDirs: string[]; sourceDir: string } {
  const config = join(dir, 'tsconfig.json');
  const options = existsSync(config) ? (ts.readConfigFile(config, ts.sys.readFile).config?.compilerOptions ?? {}) : {};
  const at = (value: unknown) => (typeof value === 'string' ? join(dir, value) : undefined);
  const outDirs = [at(options.outDir), at(options.declarationDir)].filter((d): d is string => d !== undefined);
  return { outDirs, sourceDir: at(options.rootDir) ?? (isDirectory(join(dir, 'src')) ? join(dir, 'src') : dir) };
}

/** The relative paths the manifest names for `subpath`: its `exports` entry (types first), then, for '.', the legacy fields. */
function entryTargets(manifest: PackageManifest, subpath: string): string[] {
  const out: string[] = [];
  const exportsField = manifest.exports;
  const keyed =
    exportsField &&
    typeof exportsField === 'object' &&
    !Array.isArray(exportsField) &&
    Object.keys(exportsField).some((k) => k.startsWith('.'));
  if (keyed) {
    const map = exportsField as Record<string, unknown>;
    if (subpath in map) collectTargets(map[subpath], out);
    else {
      for (const [key, value] of Object.entries(map)) {
        const star = key.indexOf('*');
        if (star === -1 || !subpath.startsWith(key.slice(0, star)) || !subpath.endsWith(key.slice(star + 1))) continue;
        const matched = subpath.slice(star, subpath.length - (key.length - star - 1));
        for (const target of collectTargets(value, [])) out.push(target.split('*').join(matched));
      }
    }
  } else if (subpath === '.' && exportsField !== undefined) collectTargets(exportsField, out);
  if (subpath === '.')
    for (const field of [manifest.types, manifest.typings, manifest.module, manifest.main]) if (typeof field === 'string') out.push(field);
  return out;
}

/** Every path in an `exports` value (a path, a list, or conditions, `types` first). */
function collectTargets(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectTargets(v, out);
  else if (value && typeof value === 'object') {
    const conditions = value as Record<string, unknown>;
    if ('types' in conditions) collectTargets(conditions.types, out);
    for (const [condition, v] of Object.entries(conditions)) if (condition !== 'types') collectTargets(v, out);
  }
  return out;
}
