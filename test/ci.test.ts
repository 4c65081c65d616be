// LeakLint in CI: fingerprints, baselines, --changed-since, --shard and merge-sarif, through the built bin/leaklint.js.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { leaklint, workspace } from './cli-harness';
import { REPO } from './rule-tester';

interface JsonFinding {
  file: string;
  ruleId: string;
  line: number;
  fingerprint: string;
  baselined?: true;
}
const json = (args: string[], cwd = REPO): JsonFinding[] => {
  const r = leaklint([...args, '--format', 'json'], cwd);
  assert.ok((r.code === 0 || r.code === 1) && r.out, `exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out);
};
const base = (file: string) => file.split('/').pop();

const leak = (name: string) => `import * as fs from 'node:fs';
export function ${name}(p: string): void {
  const out = fs.createWriteStream(p);
  out.write('x');
}
`;
const TIMER = `export function g(tick: () => void): void {
  setInterval(tick, 10);
}
`;

test('fingerprints survive inserted lines and reformatting, change with the leaking code, and are unique per file', () => {
  const dir = workspace({ 'a.ts': leak('f') });
  const file = join(dir, 'a.ts');
  const [original] = json(['scan', dir]);
  assert.match(original.fingerprint, /^[0-9a-f]{32}$/);

  writeFileSync(
    file,
    [
      '// a header',
      '',
      "import * as fs from 'node:fs';",
      '',
      'export function f(p: string): void {',
      '  const out =',
      '    fs.createWriteStream(  /* where */ p',
      '    );',
      "  out.write('x');",
      '}',
      '',
    ].join('\n'),
  );
  const [shifted] = json(['scan', dir]);
  assert.equal(shifted.line, 7);
  assert.equal(shifted.fingerprint, original.fingerprint);

  writeFileSync(file, leak('f').replace('createWriteStream(p)', "createWriteStream(p + '.log')"));
  assert.notEqual(json(['scan', dir])[0].fingerprint, original.fingerprint, 'changed leaking code');
  writeFileSync(file, leak('h'));
  assert.notEqual(json(['scan', dir])[0].fingerprint, original.fingerprint, 'another enclosing declaration');

  writeFileSync(
    file,
    [
      "import * as fs from 'node:fs';",
      'export function twice(p: string): void {',
      '  const a = fs.createWriteStream(p);',
      "  a.write('x');",
      '  const b = fs.createWriteStream(p);',
      "  b.write('y');",
      '}',
      '',
    ].join('\n'),
  );
  const twins = json(['scan', dir]);
  assert.equal(twins.length, 2);
  assert.notEqual(twins[0].fingerprint, twins[1].fingerprint, 'same rule, declaration and code get an occurrence index');

  const sarif = JSON.parse(leaklint(['scan', dir, '--format', 'sarif']).out);
  assert.deepEqual(
    sarif.runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['leaklint/v1']),
    twins.map((f) => f.fingerprint),
  );
});

test('baseline round trip: write, re-run = 0 new, a new leak = 1 new, a fixed leak = 1 fixed', () => {
  const dir = workspace({ 'src/a.ts': leak('f'), 'src/b.ts': TIMER });
  const baseline = join(dir, 'leaklint-baseline.json');
  let r = leaklint(['scan', dir, '--baseline', baseline, '--update-baseline', '--max-warnings', '0']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /2 new, 0 baselined, 0 fixed/);
  const written = readFileSync(baseline, 'utf8');
  const entries = JSON.parse(written).findings as { file: string; rule: string; fingerprint: string; message: string }[];
  assert.deepEqual(
    entries.map((e) => [e.file, e.rule]),
    [
      ['src/a.ts', 'unclosed-resource'],
      ['src/b.ts', 'uncleared-timer'],
    ],
  );
  assert.ok(entries.every((e) => /^[0-9a-f]{32}$/.test(e.fingerprint) && e.message));
  leaklint(['scan', dir, '--baseline', baseline, '--update-baseline']);
  assert.equal(readFileSync(baseline, 'utf8'), written, 'the same scan writes the same bytes');

  appendFileSync(join(dir, 'src/a.ts'), '\n// unrelated edit\nexport const unrelated = 1;\n');
  r = leaklint(['scan', dir, '--baseline', baseline, '--max-warnings', '0']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.err, /0 new, 2 baselined, 0 fixed/);
  assert.doesNotMatch(r.out, /src\/[ab]\.ts/);
  const sarif = JSON.parse(leaklint(['scan', dir, '--baseline', baseline, '--format', 'sarif']).out);
  assert.ok(sarif.runs[0].results.every((x: { suppressions?: unknown }) => JSON.stringify(x.suppressions) === '[{"kind":"external"}]'));

  writeFileSync(join(dir, 'src/c.ts'), leak('k'));
  r = leaklint(['scan', dir, '--baseline', baseline, '--max-warnings', '0']);
  assert.equal(r.code, 1);
  assert.match(r.err, /1 new, 2 baselined, 0 fixed/);
  assert.match(r.out, /src\/c\.ts:3:15 {2}warning {2}.*unclosed-resource$/m);
  assert.doesNotMatch(r.out, /src\/[ab]\.ts/);
  assert.deepEqual(
    json(['scan', dir, '--baseline', baseline], dir).map((f) => [base(f.file), f.baselined ?? false]),
    [
      ['a.ts', true],
      ['b.ts', true],
      ['c.ts', false],
    ],
  );

  writeFileSync(join(dir, 'src/b.ts'), 'export const fixed = true;\n');
  r = leaklint(['scan', dir, '--baseline', baseline]);
  assert.match(r.err, /1 new, 1 baselined, 1 fixed/);
  r = leaklint(['scan', dir, '--baseline', baseline, '--update-baseline']);
  assert.match(r.err, /1 new, 1 baselined, 1 fixed/);
  assert.deepEqual(
    (JSON.parse(readFileSync(baseline, 'utf8')).findings as { file: string }[]).map((e) => e.file),
    ['src/a.ts', 'src/c.ts'],
  );
  assert.match(leaklint(['scan', dir, '--baseline', baseline, '--max-warnings', '0']).err, /0 new, 2 baselined, 0 fixed/);
});

test('a partial scan neither reports nor drops baseline entries of files it did not analyse', () => {
  const dir = workspace({ 'a.ts': leak('f'), 'b.ts': leak('g') });
  const baseline = join(dir, 'bl.json');
  leaklint(['scan', dir, '--baseline', baseline, '--update-baseline']);
  const r = leaklint(['scan', dir, '--baseline', baseline, '--update-baseline', '--shard', '1/2']);
  assert.match(r.err, /0 new, 1 baselined, 0 fixed/);
  assert.equal(JSON.parse(readFileSync(baseline, 'utf8')).findings.length, 2);
});

test('shards cover every file exactly once, and their merged SARIF equals the unsharded run', () => {
  const names = ['a.ts', 'b.ts', 'lib/c.ts', 'lib/d.ts', 'z/e.ts'];
  const dir = workspace(Object.fromEntries(names.map((n, i) => [n, leak(`f${i}`)])));
  const seen = [1, 2, 3].map((i) => json(['scan', dir, '--shard', `${i}/3`]).map((f) => f.file.slice(dir.length - REPO.length)));
  assert.ok(
    seen.every((files) => files.length >= 1),
    'every shard gets work',
  );
  assert.deepEqual(seen.flat().sort(), names.sort());
  assert.deepEqual(
    json(['scan', dir, '--shard', '2/3']).map((f) => f.file),
    json(['scan', dir, '--shard', '2/3']).map((f) => f.file),
    'deterministic',
  );

  const sarif = (args: string[], out: string) => {
    leaklint(['scan', dir, ...args, '--format', 'sarif', '--output', join(dir, out)]);
    return join(dir, out);
  };
  const shards = [1, 2, 3].map((i) => sarif(['--shard', `${i}/3`], `s${i}.sarif`));
  const full = sarif([], 'full.sarif');
  const merged = leaklint(['merge-sarif', ...shards]);
  assert.equal(merged.code, 0, merged.err);
  const log = JSON.parse(merged.out);
  assert.equal(log.runs.length, 1);
  const fullLog = JSON.parse(readFileSync(full, 'utf8'));
  assert.deepEqual(log.runs[0].tool.driver.rules, fullLog.runs[0].tool.driver.rules, 'rules deduplicated');
  assert.deepEqual(log.runs[0].results, JSON.parse(leaklint(['merge-sarif', full]).out).runs[0].results);
  const key = (r: {
    ruleId: string;
    partialFingerprints: Record<string, string>;
    locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
  }) => `${r.locations[0].physicalLocation.artifactLocation.uri} ${r.ruleId} ${r.partialFingerprints['leaklint/v1']}`;
  assert.deepEqual(log.runs[0].results.map(key), fullLog.runs[0].results.map(key).sort());
  assert.equal(leaklint(['scan', dir, '--shard', '4/3']).code, 2);
});

const CALLS_OPEN = `export function run(): void {\n  open('x');\n}\n`;

test('--changed-since analyses the changed and untracked files and the files importing them', () => {
  const dir = workspace({
    'lib.ts': leak('open'),
    // open() is called per call of run(), not once at top level (code that runs once may keep what it opens)
    'user.ts': `import { open } from './lib';\n${leak('use').replace("import * as fs from 'node:fs';\n", `$&${CALLS_OPEN}`)}`,
    'other.ts': leak('other'),
    'deep/far.ts': `import * as fs from 'node:fs';\nimport { open } from '../lib.js';\n${leak('far').split('\n').slice(1).join('\n')}`,
  });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'initial');
  let r = leaklint(['scan', '.', '--changed-since', 'HEAD'], dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /No leaks found/);

  appendFileSync(join(dir, 'lib.ts'), '// touched\n');
  writeFileSync(join(dir, 'fresh.ts'), leak('fresh'));
  assert.deepEqual(
    json(['scan', '.', '--changed-since', 'HEAD'], dir).map((f) => f.file),
    ['deep/far.ts', 'fresh.ts', 'lib.ts', 'user.ts'].sort(),
  );
  r = leaklint(['scan', '.', '--changed-since', 'no-such-ref'], dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /--changed-since no-such-ref: git diff failed/);
});
