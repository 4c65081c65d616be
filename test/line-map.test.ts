// The line map bench/leakbench.ts scores after-files with: kept lines map to their counterparts, changed or deleted
// lines to the run of lines that replaced them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapLines } from '../bench/line-map';

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
