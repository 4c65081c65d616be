// Line diffs of a text before and after fixes, as unified-diff hunks: what a fix changes, for people to read
// (fix snapshots in tests, a dry run of the fixes).

/** A line of a diff: kept, removed from the old text, or added in the new one. */
type DiffLine = { kind: ' ' | '-' | '+'; text: string };

/**
 * The lines of the two texts aligned: the common prefix and suffix are skipped first (fixes change little of a
 * file), then the middle is aligned by a longest common subsequence.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  // lcs[i][j]: the longest common subsequence of a[start+i..endA) and b[start+j..endB)
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[start + i] === b[start + j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ kind: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ kind: ' ', text: a[start + i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push({ kind: '-', text: a[start + i++] });
    } else {
      out.push({ kind: '+', text: b[start + j++] });
    }
  }
  for (const text of a.slice(endA)) out.push({ kind: ' ', text });
  return out;
}

/** The unified-diff hunks (`@@ -l,n +l,n @@` and their lines) that turn `before` into `after`; empty when they are equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const lines = diffLines(before.split(/\r?\n/), after.split(/\r?\n/));
  const changed = lines.map((l, i) => (l.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (!changed.length) return '';
  // group changes whose context windows touch into one hunk
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const last = hunks.at(-1);
    if (last && i - last[1] <= 2 * context) last[1] = i;
    else hunks.push([i, i]);
  }
  const out: string[] = [];
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - context);
    const to = Math.min(lines.length - 1, last + context);
    const oldStart = lines.slice(0, from).filter((l) => l.kind !== '+').length + 1;
    const newStart = lines.slice(0, from).filter((l) => l.kind !== '-').length + 1;
    const body = lines.slice(from, to + 1);
    const oldCount = body.filter((l) => l.kind !== '+').length;
    const newCount = body.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...body.map((l) => `${l.kind}${l.text}`));
  }
  return `${out.join('\n')}\n`;
}
