// Precision on real code, two corpora sharing one scan/triage/report path (`npm run bench:corpus [-- --ts]`):
// - the npm corpus (default): installs pinned popular npm packages that ship their JS/TS source into
//   .bench-cache/corpus and scans each package's own source files (not its dependencies) in one inferred project per
//   package; triage in test/corpus/triage.json.
// - the TypeScript corpus (`--ts`): TypeScript repositories from public GitHub at pinned commits (VS Code extensions,
//   a DI-based NestJS server, Angular and React libraries and apps, an Electron terminal, an editor framework, a
//   collaboration server, a debug adapter, a database driver). Each is materialised with
//   `git archive <commit> <folders> <root files>` from a bare mirror into .bench-cache/ts-corpus/<name>, its
//   dependencies installed with `npm install --ignore-scripts` where that works (workspace packages linked into
//   node_modules), and its source scanned the way `leaklint scan <folders>` does (each file in its nearest tsconfig,
//   project references followed), tests and generated code excluded; triage in test/corpus/ts-triage.json.
//   Re-create: put a bare git mirror of each repository (e.g. the `fetch` tool's github:<owner>/<name>, or
//   `git clone --mirror https://github.com/<owner>/<name>`) at $LEAKLINT_MIRRORS/<owner>+<name>/repo (default
//   /work/.mirror) holding the pinned commit; the bench archives and installs what is missing or at another commit.
// Every finding must be triaged (the bench exits 1 and lists the untriaged ones); precision and false findings per
// 5 kLOC come from the triage. Flags: --findings <file> writes every finding (with its message) as JSON, for triage;
// --only <name,...> scans only those corpus entries (a partial run: triage entries of the others are not stale);
// --ts --prepare only materialises and installs (no scan, so it need not hold a CPU lock).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../engine/config';
import { Linter, scan } from '../engine/linter';
import { Project, createRegistry, isSourceFile } from '../engine/project';
import type { Finding } from '../engine/rule';
import { RULES } from '../rules';
import { TS_CORPUS, TS_EXCLUDE, type TsRepository } from './ts-corpus';

interface CorpusPackage {
  name: string;
  version: string;
  /** The package's own source: files or folders relative to the package root. */
  sources: string[];
}

const CORPUS: CorpusPackage[] = [
  { name: 'ws', version: '8.18.0', sources: ['index.js', 'lib'] },
  { name: 'undici', version: '6.21.0', sources: ['index.js', 'index-fetch.js', 'lib'] },
  { name: 'socket.io', version: '4.8.1', sources: ['dist'] },
  { name: 'engine.io', version: '6.6.2', sources: ['build'] },
  { name: 'pg', version: '8.13.1', sources: ['lib'] },
  { name: 'ioredis', version: '5.4.1', sources: ['built'] },
  { name: 'rxjs', version: '7.8.2', sources: ['src'] },
  { name: 'vscode-jsonrpc', version: '8.2.1', sources: ['lib'] },
  { name: 'vscode-languageclient', version: '9.0.1', sources: ['lib'] },
  { name: 'chokidar', version: '3.6.0', sources: ['index.js', 'lib'] },
  { name: 'express', version: '4.21.2', sources: ['index.js', 'lib'] },
  { name: 'fastify', version: '5.2.1', sources: ['fastify.js', 'lib'] },
  { name: 'mqtt', version: '5.10.3', sources: ['src'] },
  { name: 'got', version: '14.4.5', sources: ['dist/source'] },
  { name: 'node-fetch', version: '3.3.2', sources: ['src'] },
  { name: 'eventemitter3', version: '5.0.1', sources: ['index.js'] },
  { name: 'p-queue', version: '8.0.1', sources: ['dist'] },
];
/** Node's own types, so the JavaScript packages' `require('net')` etc. resolve to typed declarations. */
const TYPES_NODE = '20.19.43';

/** How long one `npm install` may take before the repository is scanned without (the rest of) its dependencies. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;
/** Bumped when workspaces are installed differently (2: the workspace packages' dependencies at the root; 3: not their optional peers). */
const WORKSPACES_RECIPE = 3;

const ROOT = resolve(__dirname, '../..');
const CACHE = join(ROOT, '.bench-cache/corpus');
const TS_CACHE = join(ROOT, '.bench-cache/ts-corpus');
const MIRRORS = process.env.LEAKLINT_MIRRORS ?? '/work/.mirror';

interface TriageEntry {
  /** npm corpus: name@version. */
  package?: string;
  /** TypeScript corpus: name@commit (first 12 hex). */
  repo?: string;
  file: string;
  line: number;
  rule: string;
  verdict: 'tp' | 'fp';
  reason: string;
}

/** One finding: the corpus entry it belongs to (the triage's package or repo), its file relative to that entry's root. */
interface Row {
  source: string;
  file: string;
  finding: Finding;
}

interface CorpusScan {
  rows: Row[];
  /** The triage keys (package or repo) this run scanned. */
  sources: string[];
  fileCount: number;
  lines: number;
  problems: number;
  /** Lines per corpus entry, for the per-entry summary. */
  linesBySource: Map<string, number>;
}

/** Installs the pinned npm corpus unless every package is already there at its pinned version. */
function installNpmCorpus(): void {
  const installed = (name: string) => {
    const manifest = join(CACHE, 'node_modules', name, 'package.json');
    return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
  };
  const wanted = [...CORPUS.map((p) => [p.name, p.version]), ['@types/node', TYPES_NODE]];
  if (wanted.every(([name, version]) => installed(name) === version)) return;
  mkdirSync(CACHE, { recursive: true });
  const dependencies = Object.fromEntries(wanted);
  writeFileSync(join(CACHE, 'package.json'), `${JSON.stringify({ name: 'leaklint-corpus', private: true, dependencies }, null, 2)}\n`);
  console.log(`installing ${wanted.length} pinned packages into ${relative(ROOT, CACHE)} …`);
  execFileSync('npm', ['install', '--prefix', CACHE, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
  });
}

/** Source files under the given paths, without declarations, minified bundles or nested dependencies. */
function walkSources(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
    } else if (isSourceFile(path) && !/\.min\.[cm]?js$/.test(path)) out.push(path);
  };
  for (const p of paths) walk(p);
  return out;
}

function lineCount(file: string): number {
  const text = readFileSync(file, 'utf8');
  return text.length ? text.split('\n').length - (text.endsWith('\n') ? 1 : 0) : 0;
}

function posix(path: string): string {
  return path.split('\\').join('/');
}

/** Scans each npm package's own files in one inferred project per package. */
function scanNpmCorpus(only: Set<string> | undefined): CorpusScan {
  installNpmCorpus();
  const linter = new Linter(RULES, defaultConfig(), ROOT);
  const registry = createRegistry();
  const result: CorpusScan = { rows: [], sources: [], fileCount: 0, lines: 0, problems: 0, linesBySource: new Map() };
  for (const pkg of CORPUS) {
    if (only && !only.has(pkg.name)) continue;
    const source = `${pkg.name}@${pkg.version}`;
    result.sources.push(source);
    const root = join(CACHE, 'node_modules', pkg.name);
    const files = walkSources(pkg.sources.map((s) => join(root, s)));
    const project = Project.inferred(root, registry, files);
    for (const file of files) {
      const lines = lineCount(file);
      result.lines += lines;
      result.linesBySource.set(source, (result.linesBySource.get(source) ?? 0) + lines);
      result.fileCount++;
      const fileResult = linter.lintFile(project, file);
      if (fileResult.skipped || fileResult.ruleErrors.length) {
        result.problems++;
        const detail = fileResult.skipped ?? fileResult.ruleErrors.map((e) => `${e.ruleId}: ${e.message}`).join('; ');
        console.log(`problem: ${pkg.name} ${relative(root, file)}: ${detail}`);
      }
      for (const finding of fileResult.findings) result.rows.push({ source, file: posix(relative(root, file)), finding });
    }
    project.dispose();
  }
  return result;
}

/** The triage key of a repository: its name and the first 12 hex digits of its pinned commit. */
function repoKey(repo: TsRepository): string {
  return `${repo.name}@${repo.commit.slice(0, 12)}`;
}

/**
 * Brings the repository's pinned snapshot to .bench-cache/ts-corpus/<name> (unless it is there at that commit) and
 * installs its dependencies. A marker file records the commit; a failed install is reported and the scan goes on.
 */
function materialise(repo: TsRepository): string {
  const dir = join(TS_CACHE, repo.name);
  const marker = join(dir, '.leaklint-corpus.json');
  const wantedState = JSON.stringify({
    commit: repo.commit,
    folders: repo.folders,
    install: repo.install,
    workspaces: repo.workspaces,
    leaveOut: repo.leaveOut,
    // how workspaces are installed: a checkout with workspaces installed by an older recipe is installed again
    recipe: repo.workspaces && WORKSPACES_RECIPE,
  });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wantedState) return dir;
  const mirror = join(MIRRORS, repo.github.replace('/', '+'), 'repo');
  if (!existsSync(mirror)) throw new Error(`${repo.github}: no mirror at ${mirror} (see the header of bench/corpus.ts)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const git = (args: string[]) => execFileSync('git', ['--git-dir', mirror, ...args], { maxBuffer: 1 << 30 });
  // `<mode> <type> <object>\t<name>` per root entry: the root's files are its blobs
  const rootFiles = git(['ls-tree', repo.commit])
    .toString()
    .split('\n')
    .filter((entry) => entry.split(' ')[1] === 'blob')
    .map((entry) => entry.slice(entry.indexOf('\t') + 1));
  console.log(`materialising ${repo.github}@${repo.commit.slice(0, 12)} (${repo.folders.join(', ')}) into ${relative(ROOT, dir)} …`);
  const tar = git(['archive', '--format=tar', repo.commit, '--', ...rootFiles, ...repo.folders]);
  execFileSync('tar', ['-x', '-C', dir], { input: tar, maxBuffer: 1 << 30 });
  for (const folder of repo.install) npmInstall(dir, folder, repo);
  linkWorkspaces(dir, repo.workspaces ?? []);
  writeFileSync(marker, wantedState);
  return dir;
}

/**
 * `npm install --ignore-scripts` in one folder of a materialised repository. When npm refuses the manifest (pnpm
 * `catalog:` and `workspace:` versions, git dependencies, which this registry-only machine cannot fetch, a devEngines
 * runtime newer than ours, pre-releases the registry lacks), it is tried once more on a registry-only copy of the
 * manifest: catalog versions filled in from pnpm-workspace.yaml, exact pre-releases widened to `^`, unfetchable
 * dependencies left out (workspace packages are linked afterwards), as are the repository's `leaveOut` ones, no lockfile;
 * npm's own workspaces are dropped when the repository's are linked (pnpm packages' `workspace:` versions fail npm).
 */
function npmInstall(dir: string, folder: string, repo: TsRepository): void {
  const cwd = join(dir, folder);
  const install = () =>
    spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--force', '--loglevel=error'], {
      cwd,
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: INSTALL_TIMEOUT_MS,
      encoding: 'utf8',
    });
  const why = (run: ReturnType<typeof install>) =>
    run.error?.message ??
    run.stderr
      .split('\n')
      .find((l) => /npm error (code|network request)/.test(l))
      ?.trim() ??
    `exit ${run.status}`;
  console.log(`  npm install in ${folder} …`);
  const first = install();
  if (first.status === 0) return;
  console.log(`  npm install in ${folder} failed (${why(first)}); retrying with registry-only dependencies`);
  const manifestPath = join(cwd, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  const catalog = pnpmCatalog(join(dir, 'pnpm-workspace.yaml'));
  const added = repo.workspaces && folder === '.' ? addWorkspaceDependencies(manifest, dir, repo.workspaces) : [];
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = manifest[field] as Record<string, string> | undefined;
    if (!deps) continue;
    for (const [name, spec] of Object.entries(deps)) {
      const version = spec.startsWith('catalog:') ? catalog.get(name) : spec;
      // exact pre-releases, which a registry mirror may lack, widened to the releases after them
      if (repo.leaveOut?.includes(name)) delete deps[name];
      else if (version && /^\d+\.\d+\.\d+-/.test(version)) deps[name] = `^${version}`;
      else if (version !== spec && version) deps[name] = version;
      else if (/^(catalog|workspace|file|link|patch|git|github|git\+[a-z]+|https?):|^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) delete deps[name];
    }
  }
  delete manifest.devEngines;
  if (repo.workspaces) delete manifest.workspaces;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(join(cwd, 'package-lock.json'), { force: true });
  const second = install();
  if (second.status === 0) return;
  if (added.length) {
    // one workspace dependency the registry lacks fails them all: the root's own, as before, rather than none
    console.log(`  npm install in ${folder} failed again (${why(second)}); retrying without the workspace packages' dependencies`);
    const deps = manifest.dependencies as Record<string, string>;
    for (const name of added) delete deps[name];
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    if (install().status === 0) return;
  }
  console.log(`  npm install in ${folder} failed again; scanning without its dependencies`);
}

/** The default catalog of a pnpm workspace (`catalog:` entries of pnpm-workspace.yaml, one `name: version` a line). */
function pnpmCatalog(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  let inCatalog = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (/^\S/.test(line)) inCatalog = /^catalog:\s*$/.test(line);
    const entry = inCatalog && /^\s+['"]?([^'":]+)['"]?:\s*['"]?([^'"#\s]+)/.exec(line);
    if (entry) out.set(entry[1], entry[2]);
  }
  return out;
}

/** The workspace packages (folders with a package.json under the globs): their folders and manifests. */
function workspacePackages(dir: string, globs: string[]): { folder: string; manifest: Record<string, unknown> }[] {
  const found: { folder: string; manifest: Record<string, unknown> }[] = [];
  for (const glob of globs) {
    const base = join(dir, glob.replace(/\/?\*$/, ''));
    const folders = glob.endsWith('*') && existsSync(base) ? readdirSync(base).map((n) => join(base, n)) : [join(dir, glob)];
    for (const folder of folders) {
      const path = join(folder, 'package.json');
      if (existsSync(path)) found.push({ folder, manifest: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> });
    }
  }
  return found;
}

/**
 * The root manifest of a registry-only retry also asks for what the workspace packages depend on (npm installs no
 * workspaces there): without it their imports of third-party packages (`@lumino/widgets` in JupyterLab) resolve to
 * nothing and their types are `any`, which a real checkout never has. The root's own versions win.
 */
function addWorkspaceDependencies(root: Record<string, unknown>, dir: string, globs: string[]): string[] {
  const packages = workspacePackages(dir, globs);
  const own = new Set(packages.map((p) => p.manifest.name));
  const wanted = (root.dependencies ??= {}) as Record<string, string>;
  // the root's peers are not installed (--legacy-peer-deps): a workspace's dependency on one is
  const declared = (name: string) =>
    ['dependencies', 'devDependencies', 'optionalDependencies'].some((f) => (root[f] as Record<string, string> | undefined)?.[name]);
  const added: string[] = [];
  for (const { manifest } of packages) {
    const optional = (manifest.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>;
    for (const field of ['dependencies', 'peerDependencies']) {
      for (const [name, spec] of Object.entries((manifest[field] as Record<string, string> | undefined) ?? {})) {
        if (own.has(name) || declared(name) || wanted[name] || (field === 'peerDependencies' && optional[name]?.optional)) continue;
        // the first workspace package to ask for a package sets its version
        wanted[name] = spec;
        added.push(name);
      }
    }
  }
  return added;
}

/**
 * Links each workspace package into the root node_modules by its name, in place of a registry copy a third-party
 * package brought in (as a workspace tool hoists the workspace's own).
 */
function linkWorkspaces(dir: string, globs: string[]): void {
  for (const { folder, manifest } of workspacePackages(dir, globs)) {
    const name = manifest.name as string | undefined;
    // a package name, never a path out of node_modules (the link may replace what is there)
    const link = name && /^(@[\w.-]+\/)?[\w.-]+$/.test(name) && !name.startsWith('.') ? join(dir, 'node_modules', name) : undefined;
    if (!link || (existsSync(link) && lstatSync(link).isSymbolicLink())) continue;
    rmSync(link, { recursive: true, force: true });
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), folder), link, 'dir');
  }
}

/** Scans each repository's folders as `leaklint scan` does: each file in its nearest tsconfig, tests excluded. */
function scanTsCorpus(only: Set<string> | undefined): CorpusScan {
  const result: CorpusScan = { rows: [], sources: [], fileCount: 0, lines: 0, problems: 0, linesBySource: new Map() };
  for (const repo of TS_CORPUS) {
    if (only && !only.has(repo.name)) continue;
    const dir = materialise(repo);
    const source = repoKey(repo);
    result.sources.push(source);
    const linter = new Linter(RULES, { ...defaultConfig(), exclude: TS_EXCLUDE }, dir);
    const started = performance.now();
    let files = 0;
    let lines = 0;
    const scanned = scan(
      {
        paths: repo.scan.map((p) => join(dir, p)),
        onFile: (file) => {
          files++;
          lines += lineCount(file);
        },
      },
      linter,
    );
    for (const p of scanned.problems) console.log(`problem: ${repo.name} ${posix(relative(dir, p.file))}: ${p.message}`);
    for (const e of scanned.ruleErrors)
      console.log(`problem: ${repo.name} ${posix(relative(dir, e.file))}: rule ${e.ruleId}: ${e.message}`);
    result.problems += scanned.problems.length + scanned.ruleErrors.length;
    for (const finding of scanned.findings) result.rows.push({ source, file: posix(relative(dir, finding.file)), finding });
    result.fileCount += files;
    result.lines += lines;
    result.linesBySource.set(source, lines);
    const seconds = (performance.now() - started) / 1000;
    const count = scanned.findings.length;
    console.log(
      `${source.padEnd(36)} ${String(files).padStart(5)} files ${(lines / 1000).toFixed(1).padStart(6)} kLOC ` +
        `${String(count).padStart(4)} findings ${seconds.toFixed(1).padStart(6)} s (${scanned.projects.length} projects)`,
    );
  }
  return result;
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const findingsOut = option('--findings');
  const onlyList = option('--only');
  const only = onlyList ? new Set(onlyList.split(',')) : undefined;
  const ts = args.includes('--ts');
  if (ts && args.includes('--prepare')) {
    for (const repo of TS_CORPUS) if (!only || only.has(repo.name)) materialise(repo);
    return;
  }
  const triageFile = join(ROOT, ts ? 'test/corpus/ts-triage.json' : 'test/corpus/triage.json');
  const started = performance.now();
  const corpus = ts ? scanTsCorpus(only) : scanNpmCorpus(only);
  const seconds = (performance.now() - started) / 1000;
  report(
    corpus,
    triageFile,
    ts ? `${corpus.sources.length} repositories` : `${corpus.sources.length} packages`,
    seconds,
    findingsOut,
    ts ? 'repo' : 'package',
  );
}

/** Findings per rule and per kLOC against the triage; untriaged findings and stale triage entries fail the run. */
function report(
  corpus: CorpusScan,
  triageFile: string,
  what: string,
  seconds: number,
  findingsOut: string | undefined,
  sourceField: 'package' | 'repo',
): void {
  const { rows, lines, fileCount, problems } = corpus;
  const kloc = lines / 1000;
  const triage: TriageEntry[] = existsSync(triageFile) ? JSON.parse(readFileSync(triageFile, 'utf8')) : [];
  const sourceOf = (t: TriageEntry) => t.repo ?? t.package ?? '';
  const key = (source: string, file: string, line: number, rule: string) => `${source}|${file}|${line}|${rule}`;
  const verdicts = new Map(triage.map((t) => [key(sourceOf(t), t.file, t.line, t.rule), t.verdict]));
  const byRule = new Map<string, { total: number; tp: number; fp: number; untriaged: number }>();
  const untriaged: Row[] = [];
  for (const row of rows) {
    const counts = byRule.get(row.finding.ruleId) ?? { total: 0, tp: 0, fp: 0, untriaged: 0 };
    byRule.set(row.finding.ruleId, counts);
    counts.total++;
    const verdict = verdicts.get(key(row.source, row.file, row.finding.line, row.finding.ruleId));
    if (verdict) counts[verdict]++;
    else {
      counts.untriaged++;
      untriaged.push(row);
    }
  }
  const seen = new Set(rows.map((r) => key(r.source, r.file, r.finding.line, r.finding.ruleId)));
  const scannedSources = new Set(corpus.sources);
  const stale = triage.filter((t) => scannedSources.has(sourceOf(t)) && !seen.has(key(sourceOf(t), t.file, t.line, t.rule)));

  console.log(
    `corpus: ${what}, ${fileCount} files, ${kloc.toFixed(1)} kLOC scanned in ${seconds.toFixed(1)} s (${problems} files with problems)`,
  );
  const line = (label: string, c: { total: number; tp: number; fp: number; untriaged: number }, per: number) =>
    `${label.padEnd(36)} ${String(c.total).padStart(8)} ${(c.total / per).toFixed(3).padStart(9)} ` +
    `${String(c.tp).padStart(5)} ${String(c.fp).padStart(5)} ${String(c.untriaged).padStart(10)}`;
  console.log(`${'rule'.padEnd(36)} findings  per kLOC    tp    fp  untriaged`);
  const total = { total: 0, tp: 0, fp: 0, untriaged: 0 };
  for (const [rule, c] of [...byRule].sort()) {
    console.log(line(rule, c, kloc));
    for (const k of ['total', 'tp', 'fp', 'untriaged'] as const) total[k] += c[k];
  }
  console.log(line('all', total, kloc));
  if (corpus.sources.length > 1) {
    console.log(`${'per corpus entry'.padEnd(36)} findings  per kLOC    tp    fp  untriaged`);
    for (const source of corpus.sources) {
      const c = { total: 0, tp: 0, fp: 0, untriaged: 0 };
      for (const row of rows.filter((r) => r.source === source)) {
        c.total++;
        const verdict = verdicts.get(key(row.source, row.file, row.finding.line, row.finding.ruleId));
        c[verdict ?? 'untriaged']++;
      }
      console.log(line(source, c, (corpus.linesBySource.get(source) ?? 0) / 1000 || 1));
    }
  }
  const triaged = total.tp + total.fp;
  const precision = triaged ? (100 * total.tp) / triaged : 100;
  console.log(
    `precision ${precision.toFixed(1)}% (tp / triaged findings; target >= 85%); ` +
      `false positives: ${total.fp} = ${(total.fp / (kloc / 5)).toFixed(2)} per 5 kLOC (target <= 1)`,
  );
  for (const row of untriaged)
    console.log(`untriaged: ${row.source} ${row.file}:${row.finding.line} ${row.finding.ruleId}: ${row.finding.message}`);
  for (const t of stale) console.log(`stale triage entry (no such finding): ${sourceOf(t)} ${t.file}:${t.line} ${t.rule}`);
  if (findingsOut) {
    const out = rows.map((r) => ({
      [sourceField]: r.source,
      file: r.file,
      line: r.finding.line,
      rule: r.finding.ruleId,
      message: r.finding.message,
      related: r.finding.related.map((x) => `${x.line}: ${x.message}`),
    }));
    writeFileSync(findingsOut, `${JSON.stringify(out, null, 2)}\n`);
  }
  if (untriaged.length || stale.length) process.exitCode = 1;
}

main();
