// Where the lines of a file went in a later version of it, for scoring findings on the version after a fix
// (bench/leakbench.ts), from the engine's line diff (a longest common subsequence of the lines).
import { diffLines } from '../engine/diff';

/**
 * Where each before-line went in the after-file. A line the fix kept maps to its counterpart; a line the fix changed
 * or deleted maps to the whole run of after-lines that replaced its run of changed lines (for a pure deletion, the
 * empty run at the deletion point: the lines on either side of it). Returned as inclusive 1-based [first, last]
 * after-lines per before-line; last < first for an empty run.
 */
export function mapLines(before: string[], after: string[]): [number, number][] {
  const lines = diffLines(before, after);
  const out: [number, number][] = [];
  let afterLine = 0; // after-lines passed so far
  for (let i = 0; i < lines.length;) {
    if (lines[i].kind === ' ') {
      afterLine++;
      out.push([afterLine, afterLine]);
      i++;
      continue;
    }
    let removed = 0;
    let added = 0;
    for (; i < lines.length && lines[i].kind !== ' '; i++) {
      if (lines[i].kind === '-') removed++;
      else added++;
    }
    for (let k = 0; k < removed; k++) out.push([afterLine + 1, afterLine + added]);
    afterLine += added;
  }
  return out;
}
