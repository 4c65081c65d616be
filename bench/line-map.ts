// Where the lines of a file went in a later version of it, for scoring findings on the version after a fix
// (bench/leakbench.ts): a line diff (Myers' shortest edit script, as `git diff` computes it without heuristics).
/**
 * Where each before-line went in the after-file, from a Myers line diff (the shortest edit script, as `git diff`
 * computes it without heuristics). A line the fix kept maps to its counterpart; a line the fix changed or deleted
 * maps to the whole run of after-lines that replaced its hunk (for a pure deletion, the empty run at the deletion
 * point: the lines on either side of it). Returned as inclusive 1-based [first, last] after-lines per before-line;
 * last < first for an empty run.
 */
export function mapLines(before: string[], after: string[]): [number, number][] {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  const a = before.slice(prefix, before.length - suffix);
  const b = after.slice(prefix, after.length - suffix);
  const matchOf = myersMatches(a, b);
  const out: [number, number][] = [];
  for (let i = 0; i < prefix; i++) out.push([i + 1, i + 1]);
  // lines between two kept lines map to the after-lines between their counterparts
  let i = 0;
  let lastKeptAfter = -1; // index into b of the last kept line
  while (i < a.length) {
    if (matchOf[i] >= 0) {
      lastKeptAfter = matchOf[i];
      out.push([prefix + matchOf[i] + 1, prefix + matchOf[i] + 1]);
      i++;
      continue;
    }
    let end = i;
    while (end < a.length && matchOf[end] < 0) end++;
    const nextKeptAfter = end < a.length ? matchOf[end] : b.length;
    for (; i < end; i++) out.push([prefix + lastKeptAfter + 2, prefix + nextKeptAfter]);
  }
  const shift = after.length - before.length;
  for (let k = before.length - suffix; k < before.length; k++) out.push([k + shift + 1, k + shift + 1]);
  return out;
}

/** For each line of a, the index of the line of b it is kept as, or -1 (Myers' greedy shortest edit script). */
export function myersMatches(a: string[], b: string[]): Int32Array {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= n + m; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const match = new Int32Array(n).fill(-1);
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const t = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && t[offset + k - 1] < t[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = t[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      match[x] = y;
    }
    x = prevX;
    y = prevY;
  }
  return match;
}
