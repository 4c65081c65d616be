// Precision on real code: installs a pinned corpus of popular npm packages that ship their JS/TS source into
// .bench-cache/corpus, scans each package's own source files (not its dependencies) with the engine, and prints
// findings per rule and per kLOC, checked against the triage in test/corpus/triage.json (every finding must be
// triaged; false-positive rates are computed from it). Run with `npm run bench:corpus`.
// Flags: --findings <file> writes every finding (with its message) as JSON, for triage.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../engine/config';
import { Linter } from '../engine/linter';
import { Project, createRegistry, isSourceFile } from '../engine/project';
import type { Finding } from '../engine/rule';
import { RULES } from '../rules';

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

const ROOT = resolve(__dirname, '../..');
const CACHE = join(ROOT, '.bench-cache/corpus');
const TRIAGE = join(ROOT, 'test/corpus/triage.json');

interface TriageEntry {
  package: string;
  file: string;
  line: number;
  rule: string;
  verdict: 'tp' | 'fp';
  reason: string;
}

/** Installs the pinned corpus unless every package is already there at its pinned version. */
function install(): void {
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

/** The package's own source files: its listed sources, without declarations, minified bundles or nested dependencies. */
function sourceFiles(pkg: CorpusPackage): string[] {
  const root = join(CACHE, 'node_modules', pkg.name);
  const out: string[] = [];
  const walk = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
    } else if (isSourceFile(path) && !/\.min\.[cm]?js$/.test(path)) out.push(path);
  };
  for (const s of pkg.sources) walk(join(root, s));
  return out;
}

function lineCount(file: string): number {
  const text = readFileSync(file, 'utf8');
  return text.length ? text.split('\n').length - (text.endsWith('\n') ? 1 : 0) : 0;
}

interface Row {
  pkg: string;
  file: string;
  finding: Finding;
}

function main(): void {
  const args = process.argv.slice(2);
  const findingsOut = args.includes('--findings') ? args[args.indexOf('--findings') + 1] : undefined;
  install();
  const linter = new Linter(RULES, defaultConfig(), ROOT);
  const registry = createRegistry();
  const rows: Row[] = [];
  let lines = 0;
  let fileCount = 0;
  let problems = 0;
  const started = performance.now();
  for (const pkg of CORPUS) {
    const root = join(CACHE, 'node_modules', pkg.name);
    const files = sourceFiles(pkg);
    const project = Project.inferred(root, registry, files);
    for (const file of files) {
      lines += lineCount(file);
      fileCount++;
      const result = linter.lintFile(project, file);
      if (result.skipped || result.ruleErrors.length) {
        problems++;
        console.log(
          `problem: ${pkg.name} ${relative(root, file)}: ${result.skipped ?? result.ruleErrors.map((e) => `${e.ruleId}: ${e.message}`).join('; ')}`,
        );
      }
      for (const finding of result.findings)
        rows.push({ pkg: `${pkg.name}@${pkg.version}`, file: relative(root, file).split('\\').join('/'), finding });
    }
    project.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const kloc = lines / 1000;

  const triage: TriageEntry[] = existsSync(TRIAGE) ? JSON.parse(readFileSync(TRIAGE, 'utf8')) : [];
  const key = (pkg: string, file: string, line: number, rule: string) => `${pkg}|${file}|${line}|${rule}`;
  const verdicts = new Map(triage.map((t) => [key(t.package, t.file, t.line, t.rule), t.verdict]));
  const byRule = new Map<string, { total: number; tp: number; fp: number; untriaged: number }>();
  const untriaged: Row[] = [];
  for (const row of rows) {
    const counts = byRule.get(row.finding.ruleId) ?? { total: 0, tp: 0, fp: 0, untriaged: 0 };
    byRule.set(row.finding.ruleId, counts);
    counts.total++;
    const verdict = verdicts.get(key(row.pkg, row.file, row.finding.line, row.finding.ruleId));
    if (verdict) counts[verdict]++;
    else {
      counts.untriaged++;
      untriaged.push(row);
    }
  }
  const seen = new Set(rows.map((r) => key(r.pkg, r.file, r.finding.line, r.finding.ruleId)));
  const stale = triage.filter((t) => !seen.has(key(t.package, t.file, t.line, t.rule)));

  console.log(
    `corpus: ${CORPUS.length} packages, ${fileCount} files, ${kloc.toFixed(1)} kLOC scanned in ${seconds.toFixed(1)} s (${problems} files with problems)`,
  );
  console.log('rule                       findings  per kLOC    tp    fp  untriaged');
  const total = { total: 0, tp: 0, fp: 0, untriaged: 0 };
  for (const [rule, c] of [...byRule].sort()) {
    console.log(
      `${rule.padEnd(26)} ${String(c.total).padStart(8)} ${(c.total / kloc).toFixed(3).padStart(9)} ${String(c.tp).padStart(5)} ${String(c.fp).padStart(5)} ${String(c.untriaged).padStart(10)}`,
    );
    for (const k of ['total', 'tp', 'fp', 'untriaged'] as const) total[k] += c[k];
  }
  console.log(
    `${'all'.padEnd(26)} ${String(total.total).padStart(8)} ${(total.total / kloc).toFixed(3).padStart(9)} ${String(total.tp).padStart(5)} ${String(total.fp).padStart(5)} ${String(total.untriaged).padStart(10)}`,
  );
  const fpShare = total.total ? (100 * total.fp) / total.total : 0;
  console.log(
    `false positives: ${total.fp} = ${(total.fp / (kloc / 5)).toFixed(2)} per 5 kLOC (target < 1), ${fpShare.toFixed(1)}% of findings (target < 20%)`,
  );
  for (const row of untriaged)
    console.log(`untriaged: ${row.pkg} ${row.file}:${row.finding.line} ${row.finding.ruleId}: ${row.finding.message}`);
  for (const t of stale) console.log(`stale triage entry (no such finding): ${t.package} ${t.file}:${t.line} ${t.rule}`);
  if (findingsOut) {
    const out = rows.map((r) => ({
      package: r.pkg,
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
