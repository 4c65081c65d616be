// The baseline file: findings accepted as known debt, so CI on a large codebase fails only on new ones.
// Entries are keyed by file and fingerprint (engine/fingerprint.ts), so line shifts and reformatting keep them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Finding } from '../engine/rule';
import { compareTuples, rel } from './formats';

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

export function readBaseline(path: string, missingIsEmpty: boolean): BaselineEntry[] {
  if (!existsSync(path)) {
    if (missingIsEmpty) return [];
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
  return findings as BaselineEntry[];
}

/** Matches findings against entries; `scanned` holds the absolute paths the scan fully analysed. */
export function compareWithBaseline(
  path: string,
  entries: readonly BaselineEntry[],
  findings: readonly Finding[],
  scanned: ReadonlySet<string>,
): Comparison {
  const root = dirname(resolve(path));
  const key = (file: string, fingerprint: string | undefined) => `${file}\n${fingerprint}`;
  // a multiset: two identical entries stand for two findings
  const open = new Map<string, BaselineEntry[]>();
  for (const e of entries) open.set(key(e.file, e.fingerprint), [...(open.get(key(e.file, e.fingerprint)) ?? []), e]);
  const baselined = new Set<Finding>();
  const fresh: Finding[] = [];
  for (const f of findings) {
    const matches = open.get(key(rel(root, f.file), f.fingerprint));
    if (matches?.length) {
      matches.pop();
      baselined.add(f);
    } else fresh.push(f);
  }
  const unmatched = [...open.values()].flat();
  const inScope = (e: BaselineEntry) => {
    const file = resolve(root, e.file);
    return scanned.has(file) || !existsSync(file);
  };
  return { baselined, fresh, fixed: unmatched.filter(inScope), untouched: unmatched.filter((e) => !inScope(e)) };
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
  writeFileSync(path, JSON.stringify({ version: 1, findings: entries }, null, 2) + '\n');
  return entries.length;
}
