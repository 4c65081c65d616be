// Opt-in phase timing for benchmarks and `leaklint scan --timing`: where a scan spends its time (building the
// program, checker queries, the rules' own work) and how many files needed the checker at all.
import type { TypeQueries } from './types';

export class Timing {
  /** Building or updating the TypeScript program (parsing, binding, module resolution). */
  programMs = 0;
  /** Inside checker queries made by the rules (type checking on demand). */
  checkerMs = 0;
  /** The traversal and the rules, checker queries excluded. */
  rulesMs = 0;
  files = 0;
  /** Files on which some rule asked the checker at least once. */
  filesQueryingChecker = 0;
  checkerQueries = 0;
  /** Default libraries the programs took parsed and bound ahead of time (from the CLI's startup snapshot). */
  preparedLibs = 0;
  /** Per rule: time in its visitors (checker queries included) and the checker queries they made. */
  readonly byRule = new Map<string, { ms: number; queries: number }>();

  addRule(id: string, ms: number, queries: number): void {
    const sum = this.byRule.get(id) ?? { ms: 0, queries: 0 };
    this.byRule.set(id, { ms: sum.ms + ms, queries: sum.queries + queries });
  }

  /** The queries with each call timed into checkerMs; `used()` says whether any was made since the wrap. */
  wrap(types: TypeQueries): { types: TypeQueries; used: () => boolean } {
    const before = this.checkerQueries;
    const timed = {} as Record<string, unknown>;
    // a query made by another query (through `this`) is counted, and its time is the outer one's
    let depth = 0;
    for (const [name, fn] of Object.entries(types) as [string, (...args: unknown[]) => unknown][]) {
      // a kept answer is no query (the queries that compute one are timed themselves), nor is a property
      if (name === 'typeFact' || name === 'programWide' || typeof fn !== 'function') {
        timed[name] = fn;
        continue;
      }
      timed[name] = (...args: unknown[]) => {
        const start = performance.now();
        depth++;
        try {
          // as a method of the timed object: queries that call other queries through `this` stay counted
          return fn.apply(timed, args);
        } finally {
          if (--depth === 0) this.checkerMs += performance.now() - start;
          this.checkerQueries++;
        }
      };
    }
    return { types: timed as unknown as TypeQueries, used: () => this.checkerQueries > before };
  }

  /** A human-readable summary (the CLI prints it to stderr). */
  format(totalMs: number): string {
    const ms = (n: number) => `${Math.round(n)} ms`;
    const rules = [...this.byRule]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([id, t]) => `    ${id.padEnd(26)} ${ms(t.ms).padStart(8)}, ${t.queries} queries`);
    return [
      `timing: total ${ms(totalMs)}; program build ${ms(this.programMs)}, ` +
        `checker ${ms(this.checkerMs)} (${this.checkerQueries} queries), rules ${ms(this.rulesMs)}`,
      `  files ${this.files}, asking the checker ${this.filesQueryingChecker}; default libraries taken prepared ${this.preparedLibs}`,
      '  per rule (checker included):',
      ...rules,
    ].join('\n');
  }
}
