// Recall on real leak fixes: leakbench-dev (../shared/leakbench-dev, or $LEAKBENCH_DIR) holds upstream commits that fix
// a leak in one TS/JS file, with the leak's lines in the parent version. Every before- and after-file is scanned
//   file: on its own, copied into .bench-cache/leakbench/files/<id>/{before,after}/ as an inferred project;
//   repo: inside its repository at the parent and the fix commit, archived from a local mirror into
//         .bench-cache/leakbench/repos/<id>/{before,after}/ (source and JSON files only), in the nearest
//         tsconfig.json/jsconfig.json that includes it (references followed), else an inferred project.
// A case is recalled when a finding starts within 2 lines of one of its leak lines; a recalled case is silent after
// the fix when no finding on the after-file starts within 2 lines of where those leak lines went (bench/line-map.ts).
// Dependencies: in file mode, and in repo mode for repositories outside the TypeScript corpus, imports resolve only
// to what the folders above hold, which is this repository's own node_modules (@types/node, @types/vscode, rxjs,
// typescript, vscode-languageclient…); types from anything else are unresolved, and the rules stay silent on them.
// In repo mode a repository that is in the TypeScript corpus (bench/ts-corpus.ts) gets the third-party packages
// that corpus checkout has installed (`npm run bench:corpus -- --ts --prepare`), linked into its install folders:
// another commit's versions, as a user's node_modules would give close enough types; its workspace packages are
// not lent, so the case's own sources are read. `--no-deps` scans without them.
//
//   npm run bench:leakbench -- [--set cases|reserve] [--mode file|repo|both] [--only <id-substring>,…] [--json <file>]
//                              [--no-deps]
//
// --set reserve scans the held-out reserve.json and prints only aggregate figures (no per-case lines, no file
// content, no problem details); --json then also writes only the aggregates. Tune on cases.json only.
// Re-creating the inputs: the files/ folder ships with the data set. Mirrors are bare git repositories at
// $MIRRORS/<owner>+<name>/repo (default: .mirror beside the main worktree's folder, e.g. /work/.mirror), made with
// the `fetch` tool (github:<owner>/<name>) or `git clone --mirror https://github.com/<owner>/<name>`; the set's
// README lists the 16 repositories. A second set from other repositories, bench/leakbench-extra/cases.json, is
// written by bench/leakbench-extra/materialise.sh into .bench-cache/leakbench-extra, which LEAKBENCH_DIR then names.
// A case whose mirror is missing is scored file by file in repo mode too ("no repo"). Archives are cached by case
// and commit (a `<side>.done` marker); delete .bench-cache/leakbench to redo them.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../engine/config';
import { Linter, ProjectLocator } from '../engine/linter';
import { Project, createRegistry } from '../engine/project';
import type { Finding } from '../engine/rule';
import { RULES } from '../rules';
import { mapLines } from './line-map';
import { TS_CORPUS } from './ts-corpus';
import ts = require('typescript');

interface LeakCase {
  id: string;
  repo: string;
  fix_commit: string;
  parent_commit: string;
  path: string;
  category: string;
  leak_lines: number[];
  description: string;
}

type Side = 'before' | 'after';
type Mode = 'file' | 'repo';

/** One scan of one side of a case. */
interface SideScan {
  findings: Finding[];
  /** The tsconfig it was analysed in (relative to the archive), or "inferred". */
  project: string;
  /** Why the file was not (fully) analysed, or a tsconfig that could not be loaded. */
  problems: string[];
  /** What else the reader should know (files a partial mirror lacks). */
  notes: string[];
  /** Module specifiers of the file and how many resolve (dependencies are not installed). */
  imports: { resolved: number; total: number };
}

interface CaseResult {
  id: string;
  category: string;
  mode: Mode;
  /** Both sides' notes, and "no repo" when repo mode had no mirror and scanned the files on their own. */
  notes: string[];
  project: string;
  hit: boolean;
  hitRules: string[];
  /** Recalled leak lines. */
  hitLines: number[];
  /** For a recalled case: no after-file finding near where the recalled leak lines went. */
  silentAfter?: boolean;
  /** After-file findings near the mapped leak lines (rule@line). */
  afterNear: string[];
  findingsBefore: number;
  findingsAfter: number;
  /** Resolved/total module specifiers of the before-file. */
  imports: string;
  problems: string[];
  /** Every finding of each side, for rule work (written with --json, never for the reserve set). */
  findings: Record<Side, { line: number; rule: string; message: string }[]>;
}

/** A finding counts for a leak line when it starts within this many lines of it. */
const NEAR = 2;
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

const ROOT = resolve(__dirname, '../..');
const CACHE = join(ROOT, '.bench-cache/leakbench');
const TS_CORPUS_CACHE = join(ROOT, '.bench-cache/ts-corpus');
/** Written into a node_modules folder the bench lent (see lendDependencies), so that only such folders are removed. */
const LENT_MARKER = '.leakbench-lent';

/**
 * The folder that holds the main worktree (this checkout may be a linked worktree elsewhere): the data set and the
 * mirrors are found beside it.
 */
function workspaceBase(): string {
  const here = dirname(ROOT);
  if (existsSync(join(here, 'shared/leakbench-dev'))) return here;
  try {
    const commonGitDir = execFileSync('git', ['-C', ROOT, 'rev-parse', '--path-format=absolute', '--git-common-dir'], {
      encoding: 'utf8',
    }).trim();
    return dirname(dirname(commonGitDir));
  } catch {
    return here;
  }
}

const BASE = workspaceBase();
const DATA = resolve(process.env.LEAKBENCH_DIR ?? join(BASE, 'shared/leakbench-dev'));
const MIRRORS = resolve(process.env.MIRRORS ?? join(BASE, '.mirror'));

/** The mirror's git dir, in the layouts extract.sh accepts. */
function findMirror(repo: string): string | undefined {
  const [owner, name] = repo.split('/');
  for (const dir of [
    join(MIRRORS, `${owner}+${name}`, 'repo'),
    join(MIRRORS, `${owner}+${name}`),
    join(MIRRORS, owner, name),
    join(MIRRORS, name),
  ]) {
    if (!existsSync(dir)) continue;
    try {
      return execFileSync('git', ['-C', dir, 'rev-parse', '--absolute-git-dir'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      // not a git repository
    }
  }
  return undefined;
}

const sideCommit = (c: LeakCase, side: Side) => (side === 'before' ? c.parent_commit : c.fix_commit);

/**
 * Writes the source and JSON files of the side's commit into its cache folder (once), read with one
 * `git cat-file --batch` rather than `git archive`, which stops at the first blob a partial mirror lacks. Returns
 * the folder and how many of those files the mirror lacked.
 */
function archive(c: LeakCase, side: Side, gitDir: string): { root: string; missing: number } {
  const root = join(CACHE, 'repos', c.id, side);
  const done = `${root}.done`;
  const commit = sideCommit(c, side);
  const marker = existsSync(done) ? readFileSync(done, 'utf8').split(' ') : [];
  if (marker[0] === commit) return { root, missing: Number(marker[1]) };
  rmSync(root, { recursive: true, force: true });
  const tree = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
  const blobs = tree
    .split('\0')
    .map((entry) => entry.match(/^100\d{3} blob ([0-9a-f]+)\t(.*)$/s))
    .filter((m): m is RegExpMatchArray => m !== null && SOURCE_EXTENSIONS.includes(extname(m[2])))
    .map((m) => ({ oid: m[1], path: m[2] }));
  const out = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: blobs.map((b) => `${b.oid}\n`).join(''),
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 2 ** 31,
  });
  let at = 0;
  let missing = 0;
  for (const blob of blobs) {
    const headerEnd = out.indexOf(10, at);
    const header = out.toString('utf8', at, headerEnd).split(' ');
    at = headerEnd + 1;
    if (header[1] !== 'blob') {
      missing++;
      continue;
    }
    const size = Number(header[2]);
    const file = join(root, blob.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, out.subarray(at, at + size));
    at += size + 1;
  }
  writeFileSync(done, `${commit} ${missing}`);
  return { root, missing };
}

type Scanned = Pick<SideScan, 'findings' | 'problems' | 'imports'>;

function lint(linter: Linter, project: Project, file: string): Scanned {
  try {
    const result = linter.lintFile(project, file);
    const problems = [...(result.skipped ? [result.skipped] : []), ...result.ruleErrors.map((e) => `${e.ruleId} threw: ${e.message}`)];
    return { findings: result.findings, problems, imports: importsResolved(project.program(), file) };
  } catch (error) {
    const problems = [`could not be analysed: ${error instanceof Error ? error.message : String(error)}`];
    return { findings: [], problems, imports: { resolved: 0, total: 0 } };
  } finally {
    project.dispose();
  }
}

/** How many of the file's module specifiers (import, export from, require, import()) the checker resolves to a module. */
function importsResolved(program: ts.Program, fileName: string): SideScan['imports'] {
  const file = program.getSourceFile(fileName);
  const checker = program.getTypeChecker();
  const counts = { resolved: 0, total: 0 };
  const visit = (node: ts.Node): void => {
    const specifier =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
        ? node.moduleSpecifier
        : ts.isExternalModuleReference(node)
          ? node.expression
          : ts.isCallExpression(node) &&
              (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
                (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
            ? node.arguments[0]
            : undefined;
    if (specifier && ts.isStringLiteralLike(specifier)) {
      counts.total++;
      if (checker.getSymbolAtLocation(specifier)) counts.resolved++;
    }
    ts.forEachChild(node, visit);
  };
  if (file) visit(file);
  return counts;
}

/** The file on its own: a copy under its own name in an empty folder, an inferred project of just that file. */
function scanAlone(linter: Linter, registry: ReturnType<typeof createRegistry>, c: LeakCase, side: Side): SideScan {
  const source = join(DATA, 'files', side, `${c.id}${extname(c.path)}`);
  const dir = join(CACHE, 'files', c.id, side);
  const file = join(dir, basename(c.path));
  mkdirSync(dir, { recursive: true });
  copyFileSync(source, file);
  return { ...lint(linter, Project.inferred(dir, registry, [file]), file), project: 'inferred', notes: [] };
}

/** The file in its repository: the nearest tsconfig/jsconfig inside the archive that includes it, else inferred. */
function scanInRepo(
  linter: Linter,
  registry: ReturnType<typeof createRegistry>,
  c: LeakCase,
  side: Side,
  gitDir: string,
  deps: boolean,
): SideScan {
  const { root, missing } = archive(c, side, gitDir);
  const file = join(root, c.path);
  const problems: string[] = [];
  const notes = missing ? [`${missing} source/JSON files absent from the mirror`] : [];
  const lender = lendDependencies(c, root, deps);
  if (lender) notes.push(`dependencies of ${lender}`);
  if (!existsSync(file)) {
    notes.push('the case file is absent from the mirror: taken from the data set');
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(join(DATA, 'files', side, `${c.id}${extname(c.path)}`), file);
  }
  const locator = new ProjectLocator(registry, (p) => problems.push(`${relative(root, p.file)}: ${p.message}`));
  for (let dir = dirname(file); !relative(root, dir).startsWith('..'); dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const config = join(dir, name);
      if (!existsSync(config)) continue;
      const projects = locator.load(config);
      const owner = projects.find((p) => p.hasRootFile(file));
      for (const p of projects) if (p !== owner) p.dispose();
      if (owner) {
        const scan = lint(linter, owner, file);
        return { ...scan, problems: [...problems, ...scan.problems], notes, project: relative(root, owner.id) };
      }
    }
    if (dir === root) break;
  }
  const scan = lint(linter, Project.inferred(dirname(file), registry, [file]), file);
  return { ...scan, problems: [...problems, ...scan.problems], notes, project: 'inferred' };
}

/**
 * Links the third-party packages of the case's TypeScript corpus checkout into the archive's install folders (or,
 * without `deps`, takes them away again); the checkout's name and pin when lent. Workspace packages, links into
 * the checkout's own sources, are not lent.
 */
function lendDependencies(c: LeakCase, root: string, deps: boolean): string | undefined {
  const repo = TS_CORPUS.find((r) => r.github.toLowerCase() === c.repo.toLowerCase());
  if (!repo) return undefined;
  const checkout = join(TS_CORPUS_CACHE, repo.name);
  let lent = false;
  for (const dir of repo.install) {
    const from = join(checkout, dir, 'node_modules');
    const to = join(root, dir, 'node_modules');
    const marker = join(to, LENT_MARKER);
    // a node_modules the commit itself holds is its own; a lent one holds only links, so removing it spares the checkout
    if (existsSync(to) && !existsSync(marker)) continue;
    rmSync(to, { recursive: true, force: true });
    if (!deps || !existsSync(from)) continue;
    mkdirSync(to, { recursive: true });
    writeFileSync(marker, `${repo.name}@${repo.commit}\n`);
    for (const entry of readdirSync(from)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@') ? readdirSync(join(from, entry)).map((n) => join(entry, n)) : [entry];
      for (const name of names) {
        const source = join(from, name);
        if (lstatSync(source).isSymbolicLink() && !realpathSync(source).includes('/node_modules/')) continue;
        mkdirSync(dirname(join(to, name)), { recursive: true });
        symlinkSync(source, join(to, name));
        lent = true;
      }
    }
  }
  return lent ? `${repo.name}@${repo.commit.slice(0, 12)}` : undefined;
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error instanceof Error ? error.message : String(error))).split('\n')[0];
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split(/\r?\n/);
}

const brief = (f: Finding) => ({ line: f.line, rule: f.ruleId, message: f.message });

function score(c: LeakCase, mode: Mode, before: SideScan, after: SideScan, noRepo: boolean): CaseResult {
  const near = (f: Finding, line: number) => Math.abs(f.line - line) <= NEAR;
  const hitLines = c.leak_lines.filter((line) => before.findings.some((f) => near(f, line)));
  const hitRules = [...new Set(before.findings.filter((f) => hitLines.some((line) => near(f, line))).map((f) => f.ruleId))].sort();
  const ext = extname(c.path);
  const mapping = mapLines(readLines(join(DATA, 'files/before', c.id + ext)), readLines(join(DATA, 'files/after', c.id + ext)));
  const afterNear = after.findings.filter((f) =>
    hitLines.some((line) => {
      const [first, last] = mapping[Math.min(line, mapping.length) - 1];
      return f.line >= first - NEAR && f.line <= Math.max(first, last) + NEAR;
    }),
  );
  return {
    id: c.id,
    category: c.category,
    mode,
    notes: [...new Set([...(noRepo ? ['no repo'] : []), ...before.notes, ...after.notes])],
    project: before.project === after.project ? before.project : `${before.project} → ${after.project}`,
    hit: hitLines.length > 0,
    hitRules,
    hitLines,
    silentAfter: hitLines.length ? afterNear.length === 0 : undefined,
    afterNear: afterNear.map((f) => `${f.ruleId}@${f.line}`),
    findingsBefore: before.findings.length,
    findingsAfter: after.findings.length,
    imports: `${before.imports.resolved}/${before.imports.total}`,
    problems: [...before.problems.map((p) => `before: ${p}`), ...after.problems.map((p) => `after: ${p}`)],
    findings: { before: before.findings.map(brief), after: after.findings.map(brief) },
  };
}

interface Aggregate {
  cases: number;
  recalled: number;
  silentAfter: number;
  findingsBefore: number;
  findingsAfter: number;
  withProblems: number;
  fallbacks: number;
  byCategory: Record<string, { cases: number; recalled: number; silentAfter: number }>;
}

function aggregate(results: CaseResult[]): Aggregate {
  const agg: Aggregate = {
    cases: 0,
    recalled: 0,
    silentAfter: 0,
    findingsBefore: 0,
    findingsAfter: 0,
    withProblems: 0,
    fallbacks: 0,
    byCategory: {},
  };
  for (const r of results) {
    const cat = (agg.byCategory[r.category] ??= { cases: 0, recalled: 0, silentAfter: 0 });
    agg.cases++;
    cat.cases++;
    if (r.hit) {
      agg.recalled++;
      cat.recalled++;
    }
    if (r.silentAfter) {
      agg.silentAfter++;
      cat.silentAfter++;
    }
    agg.findingsBefore += r.findingsBefore;
    agg.findingsAfter += r.findingsAfter;
    if (r.problems.length) agg.withProblems++;
    if (r.notes.includes('no repo')) agg.fallbacks++;
  }
  return agg;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)}%` : '-');

/** One table row: each cell padded to its column's width, text left-aligned and numbers right-aligned. */
function row(cells: (string | number)[], widths: number[]): string {
  const padded = cells.map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i]) : cell.padEnd(widths[i] ?? 0)));
  return `  ${padded.join(' ')}`.trimEnd();
}

function printAggregate(mode: Mode, agg: Aggregate, seconds: number): void {
  const noRepo = mode === 'repo' ? `, ${agg.fallbacks} without a repository (scored file by file)` : '';
  console.log(`\n${mode} mode (${seconds.toFixed(0)} s)`);
  console.log(`  recall: ${agg.recalled}/${agg.cases} = ${pct(agg.recalled, agg.cases)}`);
  console.log(`  silent after the fix: ${agg.silentAfter}/${agg.recalled} = ${pct(agg.silentAfter, agg.recalled)} of recalled`);
  console.log(`  findings: ${agg.findingsBefore} on before-files, ${agg.findingsAfter} on after-files`);
  console.log(`  ${agg.withProblems} case(s) with problems${noRepo}`);
  const widths = [22, 5, 8, 6, 12];
  console.log(row(['category', 'cases', 'recalled', 'recall', 'silent-after'], widths));
  for (const [category, c] of Object.entries(agg.byCategory).sort())
    console.log(
      row([category, c.cases, c.recalled, pct(c.recalled, c.cases).padStart(6), `${c.silentAfter}/${c.recalled}`.padStart(12)], widths),
    );
}

function printCases(results: CaseResult[]): void {
  const widths = [28, 22, 4, 6, 6, 5, 7];
  console.log(row(['case', 'category', 'hit', 'silent', 'before', 'after', 'imports', 'rules that hit / project / notes'], widths));
  for (const r of results) {
    const silent = r.silentAfter === undefined ? '-' : r.silentAfter ? 'yes' : 'no';
    const stillFound = r.afterNear.length ? [`after the fix: ${r.afterNear.join(', ')}`] : [];
    const notes = [r.hitRules.join(',') || '-', r.project, ...stillFound, ...r.notes, ...r.problems].join(' / ');
    console.log(
      row([r.id, r.category, r.hit ? 'hit' : 'miss', silent, r.findingsBefore, r.findingsAfter, r.imports.padStart(7), notes], widths),
    );
  }
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function main(): void {
  const args = process.argv.slice(2);
  const set = option(args, '--set') ?? 'cases';
  const modeArg = option(args, '--mode') ?? 'both';
  const only = option(args, '--only');
  const jsonOut = option(args, '--json');
  const deps = !args.includes('--no-deps');
  if (set !== 'cases' && set !== 'reserve') throw new Error('--set is cases or reserve');
  if (!['file', 'repo', 'both'].includes(modeArg)) throw new Error('--mode is file, repo or both');
  const modes: Mode[] = modeArg === 'both' ? ['file', 'repo'] : [modeArg as Mode];
  const held = set === 'reserve';
  if (held && only) throw new Error('--only would show single reserve cases: the reserve set is scored only as a whole');
  const setFile = join(DATA, `${set}.json`);
  if (!existsSync(setFile)) throw new Error(`${setFile} not found (set LEAKBENCH_DIR)`);
  const cases = (JSON.parse(readFileSync(setFile, 'utf8')) as LeakCase[]).filter(
    (c) => !only || only.split(',').some((id) => c.id.includes(id)),
  );

  const mirrors = new Map<string, string | undefined>();
  for (const repo of new Set(cases.map((c) => c.repo))) mirrors.set(repo, findMirror(repo));
  const missing = [...mirrors].filter(([, dir]) => !dir).map(([repo]) => repo);
  console.log(`leakbench ${set}: ${cases.length} cases from ${mirrors.size} repositories in ${DATA}`);
  if (modes.includes('repo')) {
    const absent = missing.length ? `, missing: ${missing.join(', ')}` : '';
    const lent = deps ? "TypeScript corpus repositories get its checkouts' dependencies" : 'no dependencies (--no-deps)';
    console.log(`mirrors in ${MIRRORS}: ${mirrors.size - missing.length} found${absent}; ${lent}`);
  }

  const linter = new Linter(RULES, defaultConfig(), ROOT);
  const registry = createRegistry();
  const output: Record<string, unknown> = { set };
  for (const mode of modes) {
    const started = performance.now();
    const results: CaseResult[] = [];
    for (const c of cases) {
      const gitDir = mirrors.get(c.repo);
      const scanSide = (side: Side): SideScan => {
        if (mode === 'file' || !gitDir) return scanAlone(linter, registry, c, side);
        try {
          return scanInRepo(linter, registry, c, side, gitDir, deps);
        } catch (error) {
          const alone = scanAlone(linter, registry, c, side);
          return { ...alone, notes: [`could not be read from the mirror, scanned on its own: ${firstLine(error)}`] };
        }
      };
      results.push(score(c, mode, scanSide('before'), scanSide('after'), mode === 'repo' && !gitDir));
      if (!held) process.stderr.write(`\r${mode}: ${results.length}/${cases.length} ${c.id.padEnd(40)}`);
    }
    if (!held) process.stderr.write(`\r${' '.repeat(60)}\r`);
    const agg = aggregate(results);
    printAggregate(mode, agg, (performance.now() - started) / 1000);
    if (!held) printCases(results);
    output[mode] = held ? agg : { ...agg, results };
  }
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(output, null, 2)}\n`);
}

main();
