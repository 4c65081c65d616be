// Performance against the tools a user would compare LeakLint with: on a medium project (rxjs's own source, from
// the rxjs package in node_modules, with a node_modules folder of its own as every real project has), a large
// generated one (≥ 2,000 files) and real repositories (REAL_PROJECTS below): cold CLI scan vs `tsc --noEmit` and (on
// the first two) vs ESLint + typescript-eslint (no-floating-promises only, type-aware) and ESLint running LeakLint's
// rules through its plugin, peak memory, and edit → diagnostics latency and memory growth through the real language
// server. Run with `npm run bench`.
// Tools are installed into .bench-cache/tools (pinned); the built dist/ is snapshotted into .bench-cache/dist so a
// concurrent rebuild cannot change what is measured. The real repositories are entries of the TypeScript corpus of
// bench/corpus.ts, at its pinned commits with their dependencies installed: re-create them with
// `npm run bench:corpus -- --ts --prepare --only vscode-python,jupyterlab,angular-components` (mirrors from the
// `fetch` tool, see that file's header). Flags: --runs N (paired CLI runs, default 3), --edits N (edits of the
// memory-growth run, default 10000), --only <name,...> (medium, large, or a real project's name), --skip-cli,
// --skip-lsp, --dist <folder> (measure another build's dist/, e.g. main's for a before/after).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LspClient } from '../test/lsp-client';

const REPO = resolve(__dirname, '../..');
const CACHE = join(REPO, '.bench-cache');
const TOOLS = join(CACHE, 'tools');
const DIST = join(CACHE, 'dist');
const LEAKLINT = join(CACHE, 'bin/leaklint.js');
const PINNED = { eslint: '10.15.0', 'typescript-eslint': '8.73.0', '@typescript-eslint/parser': '8.73.0', typescript: '6.0.3' };
const TSC = join(REPO, 'node_modules/typescript/lib/tsc.js');
const ESLINT = join(TOOLS, 'node_modules/eslint/bin/eslint.js');
/** Preloaded into each measured CLI process: writes its peak RSS (VmHWM, kB) to BENCH_PEAK_FILE on exit. */
const PEAK_PRELOAD = join(CACHE, 'peak-rss.cjs');

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    edits: { type: 'string', default: '10000' },
    only: { type: 'string' },
    'skip-cli': { type: 'boolean' },
    'skip-lsp': { type: 'boolean' },
    dist: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const GROWTH_EDITS = Number(args.edits);
const LATENCY_EDITS = 60;

interface BenchProject {
  name: string;
  root: string;
  files: number;
  /** A mid-size file typed into. */
  editFile: string;
  /** A file many others import, and some of them (opened alongside it). */
  hubFile: string;
  hubDependents: string[];
  /** The most `leaklint scan` may take, as a share of `tsc --noEmit`'s time. */
  tscTarget: number;
}

// ---- setup -----------------------------------------------------------------------------------------------------

function ensureTools(): void {
  const installed = Object.entries(PINNED).every(([name, version]) => {
    const pkg = join(TOOLS, 'node_modules', name, 'package.json');
    return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).version === version;
  });
  if (installed) return;
  console.log('installing eslint, typescript-eslint into .bench-cache/tools …');
  mkdirSync(TOOLS, { recursive: true });
  const specs = Object.entries(PINNED).map(([name, version]) => `${name}@${version}`);
  execFileSync('npm', ['install', '--prefix', TOOLS, '--no-audit', '--no-fund', '--save-exact', ...specs], { stdio: 'inherit' });
}

function snapshotDist(): void {
  const built = resolve(args.dist ?? join(REPO, 'dist'));
  if (!existsSync(join(built, 'cli.js')) || !existsSync(join(built, 'server.js')))
    throw new Error(`${built} is not built: run \`node esbuild.mjs\``);
  rmSync(DIST, { recursive: true, force: true });
  cpSync(built, DIST, { recursive: true });
  // the command loads ../dist/cli.js: beside the snapshot, it runs the snapshot
  mkdirSync(join(CACHE, 'bin'), { recursive: true });
  cpSync(join(REPO, 'bin/leaklint.js'), LEAKLINT);
  writeFileSync(
    PEAK_PRELOAD,
    `// a process and the node processes it starts (bin/leaklint.js runs the CLI in one) keep the largest peak
process.on('exit', () => {
  const fs = require('fs');
  const peak = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const file = process.env.BENCH_PEAK_FILE;
  if (!file || !peak) return;
  const earlier = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
  fs.writeFileSync(file, String(Math.max(earlier, Number(peak[1]))));
});\n`,
  );
}

function writeProjectFile(root: string, rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** The same ESLint setup for every project: the type-aware parser on the project's tsconfig, one rule. */
function eslintConfig(): string {
  const tseslint = join(TOOLS, 'node_modules/typescript-eslint/dist/index.js');
  return `import tseslint from ${JSON.stringify(tseslint)};
export default [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
];
`;
}

/** ESLint with LeakLint's plugin (the snapshot of dist/eslint-plugin.js) and the same type-aware parser. */
function eslintLeakLintConfig(): string {
  const tseslint = join(TOOLS, 'node_modules/typescript-eslint/dist/index.js');
  return `import tseslint from ${JSON.stringify(tseslint)};
import leaklint from ${JSON.stringify(join(DIST, 'eslint-plugin.js'))};
export default [
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  { files: ['**/*.ts'], ...leaklint.configs.recommended },
];
`;
}

/** rxjs's own source (src/ of the rxjs package, ~250 files) with a self-contained tsconfig. */
function prepareMedium(): BenchProject {
  const root = join(CACHE, 'projects/rxjs');
  rmSync(root, { recursive: true, force: true });
  cpSync(join(REPO, 'node_modules/rxjs/src'), join(root, 'src'), {
    recursive: true,
    filter: (from) => !/[\\/](tsconfig[^\\/]*\.json|Rx\.global\.js)$/.test(from),
  });
  const compilerOptions = {
    strict: true,
    noImplicitReturns: true,
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['esnext', 'dom'],
    types: [],
    skipLibCheck: true,
    noEmit: true,
    paths: { rxjs: ['./src/index'], 'rxjs/*': ['./src/*/index'], 'rxjs/internal/*': ['./src/internal/*'] },
  };
  writeProjectFile(root, 'tsconfig.json', JSON.stringify({ compilerOptions, include: ['src/**/*.ts'] }, null, 2));
  writeProjectFile(root, 'eslint.config.mjs', eslintConfig());
  writeProjectFile(root, 'eslint-leaklint.config.mjs', eslintLeakLintConfig());
  // a node_modules folder, as every real project has (a missing one once hid a program build twice as slow)
  for (const name of ['@types/node', '@types/vscode', 'rxjs', 'typescript']) {
    mkdirSync(join(root, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', name), join(root, 'node_modules', name));
  }
  const files = countTs(root);
  const src = (p: string) => join(root, 'src/internal', p);
  return {
    name: 'medium (rxjs 7.8.2 src, with node_modules)',
    root,
    files,
    editFile: src('Subscriber.ts'),
    hubFile: src('types.ts'),
    hubDependents: [src('Observable.ts'), src('Subscriber.ts'), src('operators/map.ts')],
    // issue 17: with a node_modules folder, as on the real projects
    tscTarget: 0.4,
  };
}

const FOLDERS = 40;
const PER_FOLDER = 55;
const LEAVES = 5;

/**
 * A deterministic generated service codebase: a core module every file imports, 40 feature folders of 55 modules
 * each, every module importing its predecessor and (past the first LEAVES of its folder) one of the first LEAVES
 * modules of another folder, so import chains stay as deep as a folder (TypeScript, like every tool here, loads
 * imports recursively: a chain through all 2,200 modules overflows its stack); classes with fields, generics,
 * async methods, and a leak in some modules (uncleared timers, unclosed streams, growing maps, floating promises).
 */
function prepareLarge(): BenchProject {
  const root = join(CACHE, 'projects/large');
  rmSync(root, { recursive: true, force: true });
  const compilerOptions = {
    strict: true,
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['es2022'],
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules/@types')],
    skipLibCheck: true,
    noEmit: true,
  };
  writeProjectFile(root, 'tsconfig.json', JSON.stringify({ compilerOptions, include: ['src/**/*.ts'] }, null, 2));
  writeProjectFile(root, 'eslint.config.mjs', eslintConfig());
  writeProjectFile(root, 'eslint-leaklint.config.mjs', eslintLeakLintConfig());
  writeProjectFile(root, 'src/core/base.ts', CORE);
  for (let f = 0; f < FOLDERS; f++)
    for (let m = 0; m < PER_FOLDER; m++) writeProjectFile(root, `src/${folder(f)}/${moduleName(m)}.ts`, largeModule(f, m));
  const mod = (f: number, m: number) => join(root, 'src', folder(f), `${moduleName(m)}.ts`);
  return {
    name: `large (generated, ${FOLDERS * PER_FOLDER + 1} files)`,
    root,
    files: countTs(root),
    editFile: mod(20, 27),
    hubFile: join(root, 'src/core/base.ts'),
    hubDependents: [mod(0, 1), mod(20, 27), mod(39, 54)],
    tscTarget: 0.5,
  };
}

const folder = (f: number) => `feature${String(f).padStart(2, '0')}`;
const moduleName = (m: number) => `module${String(m).padStart(2, '0')}`;

const CORE = `import { EventEmitter } from 'node:events';

export type Id = string & { readonly __id: unique symbol };
export interface Entity { id: Id; createdAt: Date; tags: readonly string[] }
export type Result<T, E = Error> = { ok: true; value: T } | { ok: false; error: E };

export const bus = new EventEmitter();

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function fail<E extends Error>(error: E): Result<never, E> {
  return { ok: false, error };
}

export function log(scope: string, message: string, ...rest: unknown[]): void {
  if (process.env.DEBUG) console.log(\`[\${scope}] \${message}\`, ...rest);
}

export abstract class BaseService<T extends Entity> {
  protected readonly items = new Map<Id, T>();
  private disposed = false;

  constructor(readonly name: string) {}

  get size(): number {
    return this.items.size;
  }

  upsert(item: T): Result<T> {
    if (this.disposed) return fail(new Error(\`\${this.name} is disposed\`));
    this.items.set(item.id, item);
    if (this.items.size > 10_000) this.items.delete(this.items.keys().next().value!);
    return ok(item);
  }

  find(predicate: (item: T) => boolean): T[] {
    return [...this.items.values()].filter(predicate);
  }

  async load(fetcher: (id: Id) => Promise<T | undefined>, ids: readonly Id[]): Promise<T[]> {
    const out: T[] = [];
    for (const id of ids.slice(0, 100)) {
      const item = await fetcher(id);
      if (item) out.push(item);
    }
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.items.clear();
  }
}
`;

function largeModule(f: number, m: number): string {
  const n = f * PER_FOLDER + m;
  const prev = m > 0 ? moduleName(m - 1) : undefined;
  const other = m >= LEAVES ? ((f + 7) % FOLDERS) * PER_FOLDER + ((m + 13) % LEAVES) : undefined;
  const otherPath = other === undefined ? '' : `../${folder(Math.floor(other / PER_FOLDER))}/${moduleName(other % PER_FOLDER)}.js`;
  const name = `Service${n}`;
  const item = `Record${n}`;
  const leakTimer = n % 10 === 3;
  const leakStream = n % 15 === 4;
  const growing = n % 20 === 7;
  const floating = n % 6 === 1;
  return `import { createWriteStream } from 'node:fs';
import { BaseService, bus, log, ok, type Entity, type Id, type Result } from '../core/base.js';
${prev ? `import { type Record${n - 1}, Service${n - 1} } from './${prev}.js';\n` : ''}${
    other === undefined ? '' : `import { summarize${other} } from '${otherPath}';\n`
  }

export enum Status${n} {
  Draft = 'draft',
  Active = 'active',
  Archived = 'archived',
}

export interface ${item} extends Entity {
  status: Status${n};
  score: number;
  owner?: { name: string; email: string };
${prev ? `  parent?: Record${n - 1};\n` : ''}}

${growing ? `const seen${n} = new Map<string, ${item}>();\n` : ''}
export function summarize${n}(items: readonly ${item}[]): { count: number; mean: number; active: number } {
  const active = items.filter((i) => i.status === Status${n}.Active).length;
  const mean = items.length ? items.reduce((sum, i) => sum + i.score, 0) / items.length : 0;
  return { count: items.length, mean, active };
}

export function rank${n}<T extends { score: number }>(items: readonly T[], limit = 10): T[] {
  return [...items].sort((a, b) => b.score - a.score).slice(0, limit);
}

export class ${name} extends BaseService<${item}> {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly onTick = (count: number) => log('${name}', \`tick \${count}\`);
${prev ? `  private readonly upstream = new Service${n - 1}();\n` : ''}
  constructor() {
    super('${name}');
    bus.on('tick', this.onTick);
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.refresh(), intervalMs);
  }

  refresh(): Result<number> {
    const summary = summarize${n}([...this.items.values()]);
    log('${name}', 'refreshed', summary.count${other === undefined ? '' : `, summarize${other}([]).count`});
    return ok(summary.active);
  }

  async fetchOne(id: Id): Promise<${item} | undefined> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return this.items.get(id);
  }

  async sync(ids: readonly Id[]): Promise<number> {
    const loaded = await this.load((id) => this.fetchOne(id), ids);
    for (const item of loaded) this.upsert({ ...item, status: Status${n}.Active });
${floating ? '    this.fetchOne(ids[0]);\n' : ''}${
    growing ? `    for (const item of loaded) seen${n}.set(item.id, item);\n` : ''
  }    return loaded.length;
  }

  export(path: string): void {
    const out = createWriteStream(path);
${
  leakStream
    ? `    for (const item of this.items.values()) out.write(JSON.stringify(item) + '\\n');\n`
    : `    try {
      for (const item of this.items.values()) out.write(JSON.stringify(item) + '\\n');
    } finally {
      out.end();
    }\n`
}  }

  top(limit: number): ${item}[] {
    return rank${n}([...this.items.values()], limit);
  }

  override dispose(): void {
${leakTimer ? '' : '    clearInterval(this.timer);\n'}    bus.off('tick', this.onTick);
${prev ? '    this.upstream.dispose();\n' : ''}    super.dispose();
  }
}
`;
}

function countTs(root: string): number {
  const out = execFileSync('find', [join(root, 'src'), '-name', '*.ts'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).length;
}

/** A repository of bench/corpus.ts's TypeScript corpus, measured where that bench materialised it. */
interface RealProject {
  /** Its folder under .bench-cache/ts-corpus (the corpus entry's name). */
  name: string;
  about: string;
  /** What `tsc -p … --noEmit` checks: the program LeakLint builds for the scanned files. */
  tsconfig: string;
  /** The arguments of `leaklint scan`, run in the repository's root. */
  scan: string[];
  /** Files typed into through the language server (a 3,000+ line one and a mid-size one), in their own projects. */
  edits?: string[];
  /** Writes what tsc needs beside the repository's own files. */
  prepare?: (root: string) => void;
}

const TS_CORPUS = join(CACHE, 'ts-corpus');

/**
 * A tsconfig for tsc that holds what an editor's (and LeakLint's) program of `pkg` holds: its sources and, where they
 * import a referenced workspace package, that package's sources (tsserver's source redirect; tsc itself would read
 * the referenced projects' build output, which a checkout does not have, and `tsc -b` cannot skip emitting).
 */
const REFERENCES_AS_SOURCES = '.leaklint-bench.tsconfig.json';

function writeReferencesAsSources(root: string, pkg: string): void {
  const config = {
    extends: `./${pkg}/tsconfig.json`,
    compilerOptions: {
      composite: false,
      incremental: false,
      declaration: false,
      noEmit: true,
      rootDir: '.',
      ignoreDeprecations: '6.0',
      // the workspace's package folders are named as its packages (@jupyterlab/notebook: packages/notebook)
      paths: { '@jupyterlab/*': ['./packages/*/src'] },
    },
    include: [`${pkg}/src/**/*`],
  };
  writeFileSync(join(root, REFERENCES_AS_SOURCES), `${JSON.stringify(config, null, 2)}\n`);
}

const REAL_PROJECTS: RealProject[] = [
  {
    name: 'vscode-python',
    about: 'microsoft/vscode-python@757def8f844b, VS Code extension',
    tsconfig: 'tsconfig.json',
    scan: ['src/client'],
  },
  {
    name: 'jupyterlab',
    about: 'jupyterlab/jupyterlab@6ef5a17ad831, packages/notebook: project references',
    tsconfig: REFERENCES_AS_SOURCES,
    scan: ['packages/notebook/src'],
    edits: ['packages/notebook/src/actions.tsx', 'packages/notebook/src/notebooktools.ts'],
    prepare: (root) => writeReferencesAsSources(root, 'packages/notebook'),
  },
  {
    name: 'angular-components',
    about: 'angular/components@ef620d83d552, every package (the root tsconfig)',
    tsconfig: 'tsconfig.json',
    scan: ['src', '--project', 'tsconfig.json'],
  },
];

function realRoot(p: RealProject): string {
  const root = join(TS_CORPUS, p.name);
  if (!existsSync(join(root, '.leaklint-corpus.json')))
    throw new Error(`${p.name}: not in ${relative(REPO, TS_CORPUS)}: run \`npm run bench:corpus -- --ts --prepare --only ${p.name}\``);
  p.prepare?.(root);
  return root;
}

// ---- measuring -------------------------------------------------------------------------------------------------

interface CliRun {
  ms: number;
  peakKb: number;
  stderr: string;
}

/** Runs a node script in the project folder; wall time and peak RSS. */
function runNode(script: string, scriptArgs: string[], cwd: string, okStatus: number[]): CliRun {
  const peakFile = join(CACHE, 'peak.txt');
  rmSync(peakFile, { force: true });
  const start = performance.now();
  const r = spawnSync(process.execPath, ['-r', PEAK_PRELOAD, script, ...scriptArgs], {
    cwd,
    env: { ...process.env, BENCH_PEAK_FILE: peakFile },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - start;
  // a tool that crashed or could not parse has measured nothing (tsc and ESLint exit 1 or 2 for that, as for findings),
  // nor has a tsc that found an error in the compiler options (TS5xxx): it stops before type checking
  const broken = /Maximum call stack|RangeError|Parsing error|FATAL ERROR|error TS5\d{3}\b/.exec(`${r.stdout}\n${r.stderr}`);
  if (broken)
    throw new Error(`${relative(REPO, script)} ${scriptArgs.join(' ')} failed (${broken[0]}):\n${(r.stderr || r.stdout).slice(-3000)}`);
  if (r.status === null || !okStatus.includes(r.status)) {
    throw new Error(
      `${relative(REPO, script)} ${scriptArgs.join(' ')} exited ${r.status ?? r.signal}:\n${(r.stderr || r.stdout).slice(-3000)}`,
    );
  }
  return { ms, peakKb: Number(readFileSync(peakFile, 'utf8')), stderr: r.stderr };
}

interface Phases {
  program: number;
  checker: number;
  rules: number;
  files: number;
  asking: number;
}

function phasesOf(stderr: string): Phases {
  const total = /program build (\d+) ms, checker (\d+) ms .*rules (\d+) ms/.exec(stderr);
  const files = /files (\d+), asking the checker (\d+)/.exec(stderr);
  if (!total || !files) throw new Error(`no timing in leaklint's output:\n${stderr.slice(-2000)}`);
  return { program: +total[1], checker: +total[2], rules: +total[3], files: +files[1], asking: +files[2] };
}

interface CliResult {
  tsc: CliRun[];
  eslint: CliRun[];
  /** ESLint running LeakLint's rules through the plugin. */
  eslintPlugin: CliRun[];
  leaklint: CliRun[];
  phases: Phases[];
  findings: number;
}

function benchCli(p: BenchProject): CliResult {
  const result: CliResult = { tsc: [], eslint: [], eslintPlugin: [], leaklint: [], phases: [], findings: 0 };
  const report = join(CACHE, 'leaklint-report.json');
  for (let run = 1; run <= RUNS; run++) {
    console.log(`  run ${run}/${RUNS} (load ${loadavg()[0].toFixed(2)})`);
    result.tsc.push(runNode(TSC, ['-p', 'tsconfig.json', '--noEmit'], p.root, [0, 1, 2]));
    result.eslint.push(runNode(ESLINT, ['-c', 'eslint.config.mjs', 'src'], p.root, [0, 1]));
    result.eslintPlugin.push(runNode(ESLINT, ['-c', 'eslint-leaklint.config.mjs', 'src'], p.root, [0, 1]));
    result.leaklint.push(runNode(LEAKLINT, ['scan', 'src', '--format', 'json', '--output', report], p.root, [0, 1]));
    result.findings = (JSON.parse(readFileSync(report, 'utf8')) as unknown[]).length;
  }
  // the phase split from a run of its own: --timing reads the clock around every query (~3% of a scan)
  result.phases.push(
    phasesOf(runNode(LEAKLINT, ['scan', 'src', '--timing', '--format', 'json', '--output', report], p.root, [0, 1]).stderr),
  );
  return result;
}

interface RealCliResult {
  tsc: CliRun[];
  leaklint: CliRun[];
  phases: Phases;
  findings: number;
  files: number;
}

/** tsc and LeakLint back to back on a real repository (ESLint is left out: minutes per run on the larger ones). */
function benchRealCli(p: RealProject, root: string): RealCliResult {
  const report = join(CACHE, 'leaklint-report.json');
  const tsc: CliRun[] = [];
  const leaklint: CliRun[] = [];
  // exit 2: some file of a real repository is an input problem (reported, the rest scanned); tsc: type errors
  for (let run = 1; run <= RUNS; run++) {
    console.log(`  run ${run}/${RUNS} (load ${loadavg()[0].toFixed(2)})`);
    // TypeScript 6 deprecates options real projects still use (vscode-python's baseUrl), as an error that skips the checks
    tsc.push(runNode(TSC, ['-p', p.tsconfig, '--noEmit', '--ignoreDeprecations', '6.0'], root, [0, 1, 2]));
    leaklint.push(runNode(LEAKLINT, ['scan', ...p.scan, '--format', 'json', '--output', report], root, [0, 1, 2]));
  }
  const findings = (JSON.parse(readFileSync(report, 'utf8')) as unknown[]).length;
  const phases = phasesOf(
    runNode(LEAKLINT, ['scan', ...p.scan, '--timing', '--format', 'json', '--output', report], root, [0, 1, 2]).stderr,
  );
  return { tsc, leaklint, phases, findings, files: phases.files };
}

interface EditResult {
  file: string;
  lines: number;
  openMs: number;
  typing: number[];
}

/** Each file opened (the first open loads its project) and typed into, in one server; and the server's peak RSS. */
async function benchEdits(root: string, files: string[]): Promise<{ edits: EditResult[]; peakKb: number }> {
  const client = new LspClient(join(DIST, 'server.js'));
  try {
    await client.initialize([root]);
    const edits: EditResult[] = [];
    for (const rel of files) {
      const start = performance.now();
      const typist = new Typist(client, join(root, rel));
      await client.diagnostics(typist.uri, () => true, 1, 600_000);
      const openMs = performance.now() - start;
      for (let i = 0; i < 10; i++) await typist.keystroke();
      const typing: number[] = [];
      for (let i = 0; i < LATENCY_EDITS; i++) typing.push(await typist.keystroke());
      edits.push({ file: rel, lines: readFileSync(join(root, rel), 'utf8').split('\n').length, openMs, typing });
    }
    return { edits, peakKb: procStatus(client.pid!, 'VmHWM') };
  } finally {
    await client.shutdown().catch(() => client.kill());
  }
}

interface LspResult {
  coldOpenMs: number;
  typing: number[];
  hubTyping: number[];
  rssAfterWarmupKb?: number;
  rssAfterEditsKb?: number;
  peakKb: number;
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

/** A document being typed into: a comment line inserted before a top-level statement mid-file. */
class Typist {
  readonly uri: string;
  private readonly line: number;
  private typed = 0;

  constructor(
    private readonly client: LspClient,
    file: string,
  ) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const mid = Math.floor(lines.length / 2);
    const at = lines.findIndex((l, i) => i >= mid && /^export /.test(l));
    this.line = at >= 0 ? at : lines.length;
    lines.splice(this.line, 0, '// ');
    this.uri = client.open(file, lines.join('\n'));
  }

  /** One keystroke (every 40th clears the comment, like deleting a word); resolves when its diagnostics arrive. */
  async keystroke(): Promise<number> {
    const start = performance.now();
    const clear = this.typed === 40;
    const range = clear
      ? { start: { line: this.line, character: 3 }, end: { line: this.line, character: 3 + this.typed } }
      : { start: { line: this.line, character: 3 + this.typed }, end: { line: this.line, character: 3 + this.typed } };
    const version = this.client.change(this.uri, [{ range, newText: clear ? '' : String.fromCharCode(97 + (this.typed % 26)) }]);
    this.typed = clear ? 0 : this.typed + 1;
    await this.client.diagnostics(this.uri, () => true, version, 120_000);
    return performance.now() - start;
  }
}

async function benchLsp(p: BenchProject, growthEdits: number): Promise<LspResult> {
  const client = new LspClient(join(DIST, 'server.js'));
  try {
    await client.initialize([p.root]);
    const start = performance.now();
    const typist = new Typist(client, p.editFile);
    await client.diagnostics(typist.uri, () => true, 1, 300_000);
    const coldOpenMs = performance.now() - start;
    for (let i = 0; i < 10; i++) await typist.keystroke(); // warm the checker's lazily built state
    const typing: number[] = [];
    for (let i = 0; i < LATENCY_EDITS; i++) typing.push(await typist.keystroke());

    // an edit to a file many others import, with some of them open (they are re-linted after a pause)
    for (const d of p.hubDependents.filter((d) => d !== p.editFile)) {
      const uri = client.open(d, readFileSync(d, 'utf8'));
      await client.diagnostics(uri, () => true, 1, 300_000);
    }
    const hub = new Typist(client, p.hubFile);
    await client.diagnostics(hub.uri, () => true, 1, 300_000);
    const hubTyping: number[] = [];
    for (let i = 0; i < LATENCY_EDITS; i++) {
      hubTyping.push(await hub.keystroke());
      // every 10th keystroke pauses long enough for the dependents to be re-linted
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 400));
    }

    const pid = client.pid!;
    let rssAfterWarmupKb: number | undefined;
    let rssAfterEditsKb: number | undefined;
    if (growthEdits > 0) {
      for (let i = 0; i < 500; i++) await typist.keystroke();
      rssAfterWarmupKb = procStatus(pid, 'VmRSS');
      for (let i = 0; i < growthEdits; i++) {
        await typist.keystroke();
        if (i % 1000 === 999) process.stdout.write(`    ${i + 1} edits, RSS ${mb(procStatus(pid, 'VmRSS'))}\n`);
      }
      rssAfterEditsKb = procStatus(pid, 'VmRSS');
    }
    return { coldOpenMs, typing, hubTyping, rssAfterWarmupKb, rssAfterEditsKb, peakKb: procStatus(pid, 'VmHWM') };
  } finally {
    await client.shutdown().catch(() => client.kill());
  }
}

// ---- report ----------------------------------------------------------------------------------------------------

const median = (xs: number[]) => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const pass = (ok: boolean) => (ok ? 'ok' : 'MISSED');

function reportCli(p: BenchProject, r: CliResult): string[] {
  const t = median(r.tsc.map((x) => x.ms));
  const e = median(r.eslint.map((x) => x.ms));
  const l = median(r.leaklint.map((x) => x.ms));
  // ratios per paired run, then their median: each pair ran back to back under the same load
  const vsTsc = median(r.leaklint.map((x, i) => x.ms / r.tsc[i].ms));
  const vsEslint = median(r.leaklint.map((x, i) => x.ms / r.eslint[i].ms));
  const ph = (k: keyof Phases) => median(r.phases.map((x) => x[k]));
  return [
    `${p.name}: ${p.files} .ts files, ${r.findings} LeakLint findings; medians of ${r.tsc.length} paired runs`,
    `  tsc --noEmit             ${sec(t).padStart(9)}   peak RSS ${mb(median(r.tsc.map((x) => x.peakKb)))}`,
    `  eslint (floating-prom.)  ${sec(e).padStart(9)}   peak RSS ${mb(median(r.eslint.map((x) => x.peakKb)))}`,
    `  eslint + leaklint plugin ${sec(median(r.eslintPlugin.map((x) => x.ms))).padStart(9)}   ` +
      `peak RSS ${mb(median(r.eslintPlugin.map((x) => x.peakKb)))}`,
    `  leaklint scan            ${sec(l).padStart(9)}   peak RSS ${mb(median(r.leaklint.map((x) => x.peakKb)))}`,
    `  leaklint / tsc    ${ratio(vsTsc, 1)} (target ≤ ${p.tscTarget.toFixed(2)}×: ${pass(vsTsc <= p.tscTarget)})   ` +
      `leaklint / eslint ${ratio(vsEslint, 1)} (target ≤ 0.33×: ${pass(vsEslint <= 0.33)})`,
    `  leaklint phases (one more run, with --timing): program build ${sec(ph('program'))}, checker ${sec(ph('checker'))}, ` +
      `rules ${sec(ph('rules'))}; ${ph('asking')} of ${ph('files')} files asked the checker`,
  ];
}

function reportLsp(p: BenchProject, r: LspResult, tscPeakKb: number | undefined, target: number): string[] {
  const lat = (xs: number[]) =>
    `p50 ${median(xs).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
  const out = [
    `${p.name}: language server`,
    `  cold open → diagnostics                 ${sec(r.coldOpenMs)}`,
    `  keystroke → diagnostics (mid-size file) ${lat(r.typing)} (p95 target ≤ ${target} ms: ${pass(percentile(r.typing, 95) <= target)})`,
    `  keystroke → diagnostics (imported file) ${lat(r.hubTyping)} ` +
      `(p95 target ≤ ${target} ms: ${pass(percentile(r.hubTyping, 95) <= target)})`,
    `  server peak RSS ${mb(r.peakKb)}` +
      (tscPeakKb ? ` = ${ratio(r.peakKb, tscPeakKb)} tsc's ${mb(tscPeakKb)} (target ≤ 1.2×: ${pass(r.peakKb <= 1.2 * tscPeakKb)})` : ''),
  ];
  if (r.rssAfterWarmupKb && r.rssAfterEditsKb) {
    const growth = (r.rssAfterEditsKb / r.rssAfterWarmupKb - 1) * 100;
    out.push(
      `  RSS after warm-up ${mb(r.rssAfterWarmupKb)}, after ${GROWTH_EDITS} more edits ${mb(r.rssAfterEditsKb)}: ` +
        `${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% (target < 5%: ${pass(growth < 5)})`,
    );
  }
  return out;
}

const REAL_TARGET = 0.4;
const EDIT_TARGETS = { big: 80, mid: 40, openMs: 1500 };

function reportReal(p: RealProject, cli: RealCliResult | undefined, lsp: Awaited<ReturnType<typeof benchEdits>> | undefined): string[] {
  const out = [`${p.name} (${p.about})`];
  const tscPeakKb = cli && median(cli.tsc.map((x) => x.peakKb));
  if (cli) {
    const vsTsc = median(cli.leaklint.map((x, i) => x.ms / cli.tsc[i].ms));
    const ph = cli.phases;
    out.push(
      `  ${cli.files} files scanned, ${cli.findings} findings; medians of ${cli.tsc.length} paired runs`,
      `  tsc -p ${p.tsconfig} --noEmit ${sec(median(cli.tsc.map((x) => x.ms))).padStart(9)}   peak RSS ${mb(tscPeakKb!)}`,
      `  leaklint scan ${p.scan.join(' ')} ${sec(median(cli.leaklint.map((x) => x.ms))).padStart(9)}   ` +
        `peak RSS ${mb(median(cli.leaklint.map((x) => x.peakKb)))}`,
      `  leaklint / tsc    ${ratio(vsTsc, 1)} (target ≤ ${REAL_TARGET.toFixed(2)}×: ${pass(vsTsc <= REAL_TARGET)})`,
      `  leaklint phases (--timing): program build ${sec(ph.program)}, checker ${sec(ph.checker)}, rules ${sec(ph.rules)}; ` +
        `${ph.asking} of ${ph.files} files asked the checker`,
    );
  }
  if (lsp) {
    lsp.edits.forEach((e, i) => {
      const target = e.lines >= 3000 ? EDIT_TARGETS.big : EDIT_TARGETS.mid;
      const p95 = percentile(e.typing, 95);
      out.push(
        `  ${e.file} (${e.lines} lines): open → diagnostics ${sec(e.openMs)}${i === 0 ? ' (loads the project)' : ''}` +
          (i === 0 ? ` (target ≤ ${sec(EDIT_TARGETS.openMs)}: ${pass(e.openMs <= EDIT_TARGETS.openMs)})` : ''),
        `    keystroke → diagnostics p50 ${median(e.typing).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ` +
          `max ${Math.max(...e.typing).toFixed(1)} ms (p95 target ≤ ${target} ms: ${pass(p95 <= target)})`,
      );
    });
    out.push(
      `  server peak RSS ${mb(lsp.peakKb)}` +
        (tscPeakKb ? ` = ${ratio(lsp.peakKb, tscPeakKb)} tsc's (target ≤ 1.2×: ${pass(lsp.peakKb <= 1.2 * tscPeakKb)})` : ''),
    );
  }
  return out;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  ensureTools();
  snapshotDist();
  const lines: string[] = [
    `LeakLint performance, node ${process.version}, ${RUNS} paired runs; 1-minute load at start ${loadAtStart.toFixed(2)}`,
  ];
  const only = args.only?.split(',');
  const wanted = (name: string) => !only || only.includes(name);
  const projects: [string, () => BenchProject, number, number][] = [
    ['medium', prepareMedium, 50, GROWTH_EDITS],
    ['large', prepareLarge, 150, 0],
  ];
  for (const [name, prepare, target, growthEdits] of projects) {
    if (!wanted(name)) continue;
    const p = prepare();
    console.log(`${p.name}`);
    let tscPeakKb: number | undefined;
    if (!args['skip-cli']) {
      const cli = benchCli(p);
      tscPeakKb = median(cli.tsc.map((x) => x.peakKb));
      lines.push(...reportCli(p, cli));
    }
    if (!args['skip-lsp']) {
      console.log('  language server …');
      lines.push(...reportLsp(p, await benchLsp(p, growthEdits), tscPeakKb, target));
    }
  }
  for (const p of REAL_PROJECTS) {
    if (!wanted(p.name)) continue;
    const root = realRoot(p);
    console.log(`${p.name}`);
    const cli = args['skip-cli'] ? undefined : benchRealCli(p, root);
    let lsp: Awaited<ReturnType<typeof benchEdits>> | undefined;
    if (!args['skip-lsp'] && p.edits) {
      console.log('  language server …');
      lsp = await benchEdits(root, p.edits);
    }
    lines.push(...reportReal(p, cli, lsp));
  }
  lines.push(`1-minute load at end ${loadavg()[0].toFixed(2)}`);
  console.log(`\n${lines.join('\n')}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
