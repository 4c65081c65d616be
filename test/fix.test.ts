// Fix application in the engine (engine/fix.ts): applying edits, merging the fixes of many findings, and the fix
// loop that source.fixAll (and the CLI's --fix) run until nothing changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, fixUntilStable, mergeFixes, preferredFixes } from '../engine/fix';
import type { Finding, Fix } from '../engine/rule';

const FILE = '/toy.ts';

const edit = (start: number, end: number, newText: string, file = FILE) => ({ file, start, end, newText });
const fix = (title: string, edits: Fix['edits'], preferred = true): Fix => ({ title, edits, preferred });

function finding(ruleId: string, start: number, end: number, fixes: Fix[]): Finding {
  return {
    file: FILE,
    ruleId,
    messageId: 'found',
    data: {},
    start,
    end,
    line: 1,
    column: start + 1,
    endLine: 1,
    endColumn: end + 1,
    severity: 'warn',
    message: ruleId,
    related: [],
    fixes,
  };
}

/**
 * A toy linter over a line-based language (one statement at the end of each line), to drive the loop through passes:
 * - `open(x)` with no `close(x)` anywhere: the preferred fix appends `close(x)` at the end of the text (so all such
 *   fixes touch and only one applies per pass); a second, non-preferred fix deletes the line;
 * - `todo(x)`: the fix turns it into `open(x)`, which the next pass finds unclosed;
 * - `noisy`: the fix inserts a comment before it and the finding stays (a fix that does not remove its finding);
 * - `same`: the fix rewrites it to itself;
 * - `broken`: the fix turns it into `(((`, text this linter cannot analyse (it returns undefined);
 * - `elsewhere`: the fix edits another file.
 */
function toyLint(text: string): Finding[] | undefined {
  if (text.includes('(((')) return undefined;
  const out: Finding[] = [];
  for (const m of text.matchAll(/(?<=^|\s)(\w+)(?:\((\w+)\))?$/gm)) {
    const [whole, word, name] = m;
    const start = m.index;
    const end = start + whole.length;
    const lineEnd = Math.min(end + 1, text.length);
    if (word === 'open' && !text.includes(`close(${name})`)) {
      const append = fix(`close ${name}`, [edit(text.length, text.length, `close(${name})\n`)]);
      out.push(finding('toy-unclosed', start, end, [fix(`delete open(${name})`, [edit(start, lineEnd, '')], false), append]));
    } else if (word === 'todo') out.push(finding('toy-todo', start, end, [fix(`open ${name}`, [edit(start, end, `open(${name})`)])]));
    else if (word === 'noisy') out.push(finding('toy-noisy', start, end, [fix('mark noisy', [edit(start, start, '/* ! */ ')])]));
    else if (word === 'same') out.push(finding('toy-same', start, end, [fix('rewrite same', [edit(start, end, 'same')])]));
    else if (word === 'broken') out.push(finding('toy-broken', start, end, [fix('break', [edit(start, end, '(((')])]));
    else if (word === 'elsewhere') out.push(finding('toy-elsewhere', start, end, [fix('edit other', [edit(0, 0, 'x', '/other.ts')])]));
  }
  return out;
}

/** toyLint, counting its calls. */
function countingLint(): { lint: (text: string) => Finding[] | undefined; calls: () => number } {
  let calls = 0;
  return {
    lint: (text) => {
      calls++;
      return toyLint(text);
    },
    calls: () => calls,
  };
}

describe('applyEdits', () => {
  it('applies edits given in any order against the original offsets', () => {
    assert.equal(applyEdits('abcdef', [edit(4, 5, 'E'), edit(0, 1, 'A'), edit(2, 2, '-')]), 'Ab-cdEf');
    assert.equal(applyEdits('abc', []), 'abc');
  });

  it('lets edits meet at an offset and applies insertions at one offset in the order given', () => {
    assert.equal(applyEdits('abcde', [edit(1, 3, 'X'), edit(3, 3, 'Y'), edit(3, 4, 'Z')]), 'aXYZe');
    assert.equal(applyEdits('ab', [edit(1, 1, '1'), edit(1, 1, '2')]), 'a12b');
    assert.equal(applyEdits('ab', [edit(1, 1, '2'), edit(1, 1, '1')]), 'a21b');
  });

  it('throws on overlapping edits and on edits outside the text', () => {
    assert.throws(() => applyEdits('abcdef', [edit(0, 3, 'x'), edit(2, 4, 'y')]), /overlaps/);
    assert.throws(() => applyEdits('abcdef', [edit(2, 2, 'inside'), edit(0, 4, 'x')]), /overlaps/);
    assert.throws(() => applyEdits('abcde', [edit(5, 7, 'x')]), /outside the text/);
    assert.throws(() => applyEdits('abcde', [edit(3, 2, 'x')]), /outside the text/);
    assert.throws(() => applyEdits('abcde', [edit(-1, 0, 'x')]), /outside the text/);
  });
});

describe('mergeFixes', () => {
  it('takes fixes in position order and leaves out any that overlaps or touches one taken', () => {
    const late = fix('late', [edit(20, 22, 'L')]);
    const first = fix('first', [edit(0, 3, 'F')]);
    const overlapping = fix('overlapping', [edit(2, 5, 'O')]);
    const touching = fix('touching', [edit(3, 3, 'T')]);
    const between = fix('between', [edit(6, 7, 'B')]);
    assert.deepEqual(
      mergeFixes([late, overlapping, touching, between, first]).map((f) => f.title),
      ['first', 'between', 'late'],
    );
  });

  it('keeps or leaves out a fix with all its edits', () => {
    const first = fix('first', [edit(0, 3, 'F')]);
    const split = fix('split', [edit(30, 31, 'S'), edit(1, 2, 's')]);
    const pair = fix('pair', [edit(40, 41, 'P'), edit(10, 11, 'p')]);
    const merged = mergeFixes([split, pair, first]);
    assert.deepEqual(
      merged.map((f) => f.title),
      ['first', 'pair'],
    );
    const text = 'x'.repeat(50);
    assert.equal(
      applyEdits(
        text,
        merged.flatMap((f) => f.edits),
      ),
      `F${'x'.repeat(7)}p${'x'.repeat(29)}P${'x'.repeat(9)}`,
    );
  });

  it('leaves out fixes without edits or whose own edits overlap; edits in different files never clash', () => {
    const selfOverlap = fix('self-overlap', [edit(10, 14, 'a'), edit(12, 16, 'b')]);
    const empty = fix('empty', []);
    const here = fix('here', [edit(0, 5, 'H')]);
    const there = fix('there', [edit(0, 5, 'T', '/other.ts')]);
    assert.deepEqual(
      mergeFixes([selfOverlap, empty, here, there]).map((f) => f.title),
      ['here', 'there'],
    );
  });
});

describe('preferredFixes', () => {
  it('takes the preferred fix of each finding and nothing from findings without one', () => {
    const findings = toyLint('open(a)\nplain\ntodo(b)\n')!;
    assert.deepEqual(
      preferredFixes(findings).map((f) => f.title),
      ['close a', 'open b'],
    );
  });
});

describe('fixUntilStable', () => {
  it('gives fixes that touched an applied one their turn in later passes, then stops', () => {
    const counted = countingLint();
    const result = fixUntilStable(counted.lint, 'open(a)\nopen(b)\nopen(c)\n');
    assert.equal(result.text, 'open(a)\nopen(b)\nopen(c)\nclose(a)\nclose(b)\nclose(c)\n');
    assert.equal(result.passes, 3);
    assert.deepEqual(
      result.applied.map((f) => f.title),
      ['close a', 'close b', 'close c'],
    );
    assert.deepEqual(result.findings, []);
    assert.equal(counted.calls(), 4, 'the text, then once after each pass');
  });

  it('applies the fixes a pass enables', () => {
    const result = fixUntilStable(toyLint, 'todo(a)\nopen(b)\n');
    assert.equal(result.text, 'open(a)\nopen(b)\nclose(b)\nclose(a)\n');
    assert.equal(result.passes, 2);
    assert.deepEqual(
      result.applied.map((f) => f.title),
      ['open a', 'close b', 'close a'],
    );
    assert.deepEqual(result.findings, []);
  });

  it('stops at once when no fix applies or the fixes change nothing, and uses findings it is given', () => {
    const clean = countingLint();
    assert.deepEqual(fixUntilStable(clean.lint, 'plain\n'), { text: 'plain\n', passes: 0, applied: [], findings: [] });
    assert.equal(clean.calls(), 1);

    const noop = countingLint();
    const unchanged = fixUntilStable(noop.lint, 'same\n');
    assert.equal(unchanged.text, 'same\n');
    assert.equal(unchanged.passes, 0);
    assert.deepEqual(
      unchanged.findings.map((f) => f.ruleId),
      ['toy-same'],
    );
    assert.equal(noop.calls(), 1);

    const given = countingLint();
    const text = 'open(a)\n';
    const result = fixUntilStable(given.lint, text, { findings: toyLint(text) });
    assert.equal(result.text, 'open(a)\nclose(a)\n');
    assert.equal(given.calls(), 1, 'only the fixed text is linted');
  });

  it('runs at most maxPasses passes and returns the findings left', () => {
    const counted = countingLint();
    const result = fixUntilStable(counted.lint, 'open(a)\nopen(b)\nopen(c)\nopen(d)\n', { maxPasses: 2 });
    assert.equal(result.passes, 2);
    assert.equal(result.text, 'open(a)\nopen(b)\nopen(c)\nopen(d)\nclose(a)\nclose(b)\n');
    assert.deepEqual(
      result.findings.map((f) => f.fixes.find((x) => x.preferred)!.title),
      ['close c', 'close d'],
    );
    assert.equal(counted.calls(), 3);
  });

  it('applies a fix that does not remove its finding once, and goes on with the others', () => {
    const result = fixUntilStable(toyLint, 'noisy\ntodo(a)\n');
    assert.equal(result.text, '/* ! */ noisy\nopen(a)\nclose(a)\n');
    assert.equal(result.passes, 2);
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      ['toy-noisy'],
    );
  });

  it('undoes a pass whose text cannot be analysed and stops', () => {
    const text = 'open(a)\nbroken\n';
    const result = fixUntilStable(toyLint, text);
    assert.equal(result.text, text);
    assert.equal(result.passes, 0);
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      ['toy-unclosed', 'toy-broken'],
    );
    assert.deepEqual(fixUntilStable(toyLint, '(((\n'), { text: '(((\n', passes: 0, applied: [], findings: [] });
  });

  it('applies neither fixes that are not preferred nor fixes that edit another file', () => {
    const result = fixUntilStable(toyLint, 'elsewhere\nopen(a)\n');
    assert.equal(result.text, 'elsewhere\nopen(a)\nclose(a)\n');
    assert.deepEqual(
      result.applied.map((f) => f.title),
      ['close a'],
    );
  });
});
