// The language server's first look at a file of a big project (`Project.fileAlone`: the file with its installed
// packages' declarations, no other file of the project), shown while the whole program is built, against the
// project's own analysis that replaces it. Over the TypeScript corpus's checkouts (.bench-cache/ts-corpus,
// `npm run bench:corpus -- --ts --prepare`): per repository, how many of the first look's findings the project's
// analysis drops (they would show for a few seconds, then go), how many it adds, and what a first look costs.
// `npm run bench:first-look [-- --only name,...] [--max-files N]` (N files per repository, evenly spaced).
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../engine/config';
import { Linter, planScan } from '../engine/linter';
import { createRegistry } from '../engine/project';
import type { Finding } from '../engine/rule';
import { RULES } from '../rules';
import { TS_CORPUS, TS_EXCLUDE } from './ts-corpus';

const { values: args } = parseArgs({ options: { only: { type: 'string' }, 'max-files': { type: 'string' } } });
const only = args.only ? new Set(args.only.split(',')) : undefined;
const maxFiles = Number(args['max-files'] ?? Infinity);
const CORPUS = join(__dirname, '../../.bench-cache/ts-corpus');

const keyOf = (f: Finding) => `${f.ruleId}:${f.line}:${f.column}`;

/** Every `step`-th of the files, so that a sample spreads over the whole repository. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]);
}

let totals = { files: 0, project: 0, firstLook: 0, dropped: 0, added: 0 };
for (const repo of TS_CORPUS) {
  const dir = join(CORPUS, repo.name);
  if ((only && !only.has(repo.name)) || !existsSync(join(dir, '.leaklint-corpus.json'))) continue;
  const linter = new Linter(RULES, { ...defaultConfig(), exclude: TS_EXCLUDE }, dir);
  const plan = planScan({ paths: repo.scan.map((p) => join(dir, p)), registry: createRegistry() }, linter);
  const work = plan.work.flatMap(({ project, files }) => files.map((file) => ({ project, file })));
  const row = { files: 0, project: 0, firstLook: 0, dropped: 0, added: 0 };
  const firstLookMs: number[] = [];
  const droppedAt: string[] = [];
  for (const { project, file } of spread(work, maxFiles)) {
    const full = linter.lintFile(project, file).findings;
    const alone = project.fileAlone(file);
    const started = performance.now();
    const first = linter.lintFile(alone, file).findings;
    firstLookMs.push(performance.now() - started);
    alone.dispose();
    const confirmed = new Set(full.map(keyOf));
    const seen = new Set(first.map(keyOf));
    const dropped = first.filter((f) => !confirmed.has(keyOf(f)));
    row.files++;
    row.project += full.length;
    row.firstLook += first.length;
    row.dropped += dropped.length;
    row.added += full.filter((f) => !seen.has(keyOf(f))).length;
    for (const f of dropped) droppedAt.push(`${relative(dir, f.file)}:${f.line} ${f.ruleId}`);
  }
  for (const { project } of plan.work) project.dispose();
  firstLookMs.sort((a, b) => a - b);
  const p95 = firstLookMs[Math.floor(firstLookMs.length * 0.95)] ?? 0;
  console.log(
    `${repo.name.padEnd(32)} ${String(row.files).padStart(5)} files  project ${String(row.project).padStart(3)} findings  ` +
      `first look ${String(row.firstLook).padStart(3)} (dropped ${row.dropped}, added later ${row.added})  ` +
      `first look after the program: p95 ${p95.toFixed(0)} ms`,
  );
  for (const at of droppedAt) console.log(`  dropped: ${at}`);
  totals = {
    files: totals.files + row.files,
    project: totals.project + row.project,
    firstLook: totals.firstLook + row.firstLook,
    dropped: totals.dropped + row.dropped,
    added: totals.added + row.added,
  };
}
console.log(
  `all: ${totals.files} files, project ${totals.project} findings, first look ${totals.firstLook} ` +
    `(${totals.dropped} dropped by the project's analysis, ${totals.added} added by it)`,
);
