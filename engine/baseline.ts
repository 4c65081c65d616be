// The baseline file: findings accepted as known debt, so CI on a large codebase fails only on new ones and the
// editor can hide them. Entries are keyed by file and fingerprint (engine/fingerprint.ts), so line shifts and
// reformatting keep them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compareTuples, rel } from './portable';
import type { Finding } from './rule';

export class BaselineError extends Error {}

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  /** Relative to the baseline file's folder, forward slashes. */
  file: string;
  message: string;
}

export interface Comparison {
  /** Findings the baseline already knows. */
  baselined: Set<Finding>;
  fresh: Finding[];
  /** Entries of scanned (or deleted) files that no finding matches any more. */
  fixed: BaselineEntry[];
  /** Entries the scan said nothing about (files outside a shard or --changed-since): kept on update. */
  untouched: BaselineEntry[];
}

/** A baseline file's entries, indexed by file and fingerprint. */
export class Baseline {
  /** The folder entries' paths are relative to. */
  readonly root: string;
  private readonly byKey = new Map<string, BaselineEntry[]>();

  constructor(
    readonly path: string,
    readonly entries: readonly BaselineEntry[],
  ) {
    this.root = dirname(resolve(path));
    for (const e of entries) {
      const key = entryKey(e.file, e.fingerprint);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), e]);
    }
  }

  /** The findings the baseline records and the entries they took: an entry stands for one finding (two, for two). */
  match(findings: readonly Finding[]): { baselined: Set<Finding>; taken: Set<BaselineEntry> } {
    const baselined = new Set<Finding>();
    const taken = new Set<BaselineEntry>();
    const used = new Map<string, number>();
    for (const f of findings) {
      const key = entryKey(rel(this.root, f.file), f.fingerprint);
      const n = used.get(key) ?? 0;
      const entry = this.byKey.get(key)?.[n];
      if (!entry) continue;
      used.set(key, n + 1);
      baselined.add(f);
      taken.add(entry);
    }
    return { baselined, taken };
  }
}

const entryKey = (file: string, fingerprint: string | undefined) => `${file}\n${fingerprint}`;

export function readBaseline(path: string, missingIsEmpty: boolean): Baseline {
  if (!existsSync(path)) {
    if (missingIsEmpty) return new Baseline(path, []);
    throw new BaselineError(`${path}: baseline not found (create it with --update-baseline)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BaselineError(`${path}: invalid JSON: ${(error as Error).message}`);
  }
  const findings = (data as { findings?: unknown })?.findings;
  const valid = (e: Partial<BaselineEntry>) =>
    typeof e?.fingerprint === 'string' && typeof e.file === 'string' && typeof e.rule === 'string';
  if (!Array.isArray(findings) || !findings.every(valid))
    throw new BaselineError(`${path}: not a LeakLint baseline (expected {"findings": [{fingerprint, rule, file, message}]})`);
  return new Baseline(path, findings as BaselineEntry[]);
}

/** Matches a scan's findings against the baseline; `scanned` holds the absolute paths the scan fully analysed. */
export function compareWithBaseline(baseline: Baseline, findings: readonly Finding[], scanned: ReadonlySet<string>): Comparison {
  const { baselined, taken } = baseline.match(findings);
  const unmatched = baseline.entries.filter((e) => !taken.has(e));
  const inScope = (e: BaselineEntry) => {
    const file = resolve(baseline.root, e.file);
    return scanned.has(file) || !existsSync(file);
  };
  return {
    baselined,
    fresh: findings.filter((f) => !baselined.has(f)),
    fixed: unmatched.filter(inScope),
    untouched: unmatched.filter((e) => !inScope(e)),
  };
}

/** Writes the current findings plus the untouched entries, sorted so that re-runs give the same bytes. */
export function writeBaseline(path: string, findings: readonly Finding[], untouched: readonly BaselineEntry[]): number {
  const root = dirname(resolve(path));
  const entries: BaselineEntry[] = [
    ...findings.map((f) => ({ fingerprint: f.fingerprint ?? '', rule: f.ruleId, file: rel(root, f.file), message: f.message })),
    ...untouched.map(({ fingerprint, rule, file, message }) => ({ fingerprint, rule, file, message })),
  ];
  const order = (e: BaselineEntry) => [e.file, e.rule, e.fingerprint, e.message];
  entries.sort((a, b) => compareTuples(order(a), order(b)));
  mkdirSync(root, { recursive: true });
  writeFileSync(path, JSON.stringify({ version: 1, findings: entries }, null, 2) + '\n');
  return entries.length;
}
