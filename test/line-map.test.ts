// The line diff bench/leakbench.ts scores after-files with: the kept lines form a longest common subsequence, and
// changed or deleted lines map to the run of lines that replaced them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapLines, myersMatches } from '../bench/line-map';

/** Length of a longest common subsequence, by dynamic programming. */
function lcsLength(a: string[], b: string[]): number {
  let row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const next = [0];
    for (let j = 0; j < b.length; j++) next.push(x === b[j] ? row[j] + 1 : Math.max(row[j + 1], next[j]));
    row = next;
  }
  return row[b.length];
}

test('myersMatches keeps a longest common subsequence of equal lines, in order', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: Math.floor(random() * 12) }, () => 'abcd'[Math.floor(random() * 4)]);
    const b = Array.from({ length: Math.floor(random() * 12) }, () => 'abcd'[Math.floor(random() * 4)]);
    const match = myersMatches(a, b);
    let last = -1;
    let kept = 0;
    for (let i = 0; i < a.length; i++) {
      if (match[i] < 0) continue;
      assert.equal(a[i], b[match[i]], `${a} / ${b}`);
      assert.ok(match[i] > last, `${a} / ${b}: matches out of order`);
      last = match[i];
      kept++;
    }
    assert.equal(kept, lcsLength(a, b), `${a} / ${b}`);
  }
});

test('mapLines: kept lines map to their counterparts, a changed line to its replacement, a deletion to its point', () => {
  const before = ['import', 'class A {', '  start() {', '    on(x);', '  }', '  tmp();', '}'];
  const after = ['import', 'class A {', '  start() {', '    on(x, { signal });', '    more();', '  }', '}', 'tail'];
  const map = mapLines(before, after);
  assert.deepEqual(map[0], [1, 1]);
  assert.deepEqual(map[2], [3, 3]);
  assert.deepEqual(map[3], [4, 5], 'the changed line went to the two lines that replaced it');
  assert.deepEqual(map[4], [6, 6]);
  assert.deepEqual(map[5], [7, 6], 'a deleted line maps to the empty run before line 7');
  assert.deepEqual(map[6], [7, 7]);
  assert.equal(map.length, before.length);
});

test('mapLines: lines after an insertion shift by its size', () => {
  const before = ['a', 'b', 'c'];
  const after = ['a', 'x', 'y', 'b', 'c'];
  assert.deepEqual(mapLines(before, after), [
    [1, 1],
    [4, 4],
    [5, 5],
  ]);
});
