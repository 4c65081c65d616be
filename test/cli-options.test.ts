// The command line's conventions (ESLint's and oxlint's): --version, --help, --quiet, --rule, CI formats, --fix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { BIN, LEAK, TIMER, leaklint, workspace } from './cli-harness';
import { REPO } from './rule-tester';

const LOOP = `export async function poll(step: () => Promise<void>): Promise<void> {
  while (true) {
    await step();
  }
}
`;

test('--version prints package.json version; -h/--help on every command prints its usage and exits 0', () => {
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  for (const flag of ['--version', '-v']) assert.equal(leaklint([flag]).out, `${version}\n`);
  for (const [command, shows] of [
    ['scan', /--fix-dry-run/],
    ['rules', /leaklint rules \[--format/],
    ['merge-sarif', /leaklint merge-sarif a\.sarif/],
  ] as const) {
    for (const flag of ['-h', '--help']) {
      const r = leaklint([command, flag]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, shows);
      assert.equal(r.err, '');
    }
  }
});

test('output to a reader that goes away ends quietly (no EPIPE stack)', () => {
  // `leaklint rules | head -1`, as a shell runs it
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" rules | head -1`], { encoding: 'utf8' });
  assert.equal(r.stdout.split('\n').length, 2);
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
  assert.equal(r.status, 0, r.stderr);
});

test('--quiet reports errors only; --rule sets one rule (repeatable) over the config and checks its value', () => {
  const dir = workspace({ 'a.ts': LEAK, 'b.ts': TIMER });
  const all = leaklint(['scan', dir]);
  assert.match(all.out, /unclosed-resource/);
  assert.match(all.out, /uncleared-timer/);
  const quiet = leaklint(['scan', dir, '--quiet', '--rule', 'uncleared-timer=error']);
  assert.equal(quiet.code, 1);
  assert.match(quiet.out, /b\.ts:2:3 {2}error .* uncleared-timer/);
  assert.doesNotMatch(quiet.out, /unclosed-resource/);
  const off = leaklint(['scan', dir, '--rule', 'uncleared-timer=off', '--rule', 'unclosed-resource=off']);
  assert.equal(off.code, 0);
  assert.match(off.out, /No leaks found/);
  for (const bad of ['uncleared-timr=off', 'uncleared-timer=loud', 'uncleared-timer']) {
    const r = leaklint(['scan', dir, '--rule', bad]);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`--rule ${bad}: `));
  }
});

test('--format github prints one workflow command per finding, its properties escaped', () => {
  const dir = workspace({ 'a.ts': LEAK, 'b,c.ts': TIMER });
  const r = leaklint(['scan', dir, '--format', 'github', '--rule', 'uncleared-timer=error'], dir);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 2, r.out);
  assert.match(lines[0], /^::warning file=a\.ts,line=3,col=15,endLine=3,endColumn=\d+,title=unclosed-resource::\S.*$/);
  assert.match(lines[1], /^::error file=b%2Cc\.ts,line=2,col=3,endLine=2,endColumn=\d+,title=uncleared-timer::/);
});

test('--format junit and checkstyle: one entry per finding, grouped by file, XML-escaped', () => {
  const dir = workspace({ 'a.ts': LEAK, 'b&c.ts': TIMER, 'd.ts': 'export const x = 1;\n' });
  const junit = leaklint(['scan', dir, '--format', 'junit'], dir).out;
  assert.match(junit, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<testsuites name="leaklint" tests="2" failures="2">/);
  assert.match(
    junit,
    /<testsuite name="a\.ts" tests="1" failures="1" errors="0">\n {4}<testcase name="unclosed-resource at 3:15" classname="a\.ts">/,
  );
  assert.match(junit, /<testsuite name="b&amp;c\.ts"/);
  assert.doesNotMatch(junit, /d\.ts/, 'a clean file has no entry');
  const checkstyle = leaklint(['scan', dir, '--format', 'checkstyle'], dir).out;
  assert.match(checkstyle, /<checkstyle version="4\.3">\n {2}<file name="a\.ts">\n {4}<error line="3" column="15" severity="warning" /);
  assert.match(checkstyle, /<error [^>]* message="[^"<>]+" source="leaklint\.unclosed-resource"\/>/);
  assert.equal(checkstyle.match(/<error /g)?.length, 2);
});

test('--fix-dry-run prints the diff and writes nothing; --fix writes it and reports what is left', () => {
  const dir = workspace({ 'a.ts': LEAK, 'b.ts': LOOP });
  const dry = leaklint(['scan', dir, '--fix-dry-run'], dir);
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /^--- a\/a\.ts\n\+\+\+ b\/a\.ts\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
  assert.match(dry.out, /^\+ {4}out\.close\(\);$/m);
  assert.match(dry.err, /would apply 1 fix in 1 file; 1 finding would be left/);
  assert.equal(readFileSync(join(dir, 'a.ts'), 'utf8'), LEAK, 'nothing written');

  const fixed = leaklint(['scan', dir, '--fix'], dir);
  assert.equal(fixed.code, 0, fixed.err);
  assert.match(fixed.err, /applied 1 fix in 1 file\n {2}a\.ts: 1/);
  assert.match(fixed.out, /b\.ts:2:3 .* orphan-async-loop/);
  assert.doesNotMatch(fixed.out, /unclosed-resource/);
  assert.match(readFileSync(join(dir, 'a.ts'), 'utf8'), /finally \{\n {4}out\.close\(\);/);
  assert.equal(leaklint(['scan', dir, '--fix-dry-run'], dir).out, '', 'nothing left to fix');
  assert.equal(leaklint(['scan', dir, '--fix', '--fix-dry-run']).code, 2);
});

test('--fix on examples/leaky-service leaves only findings without a preferred fix, and code tsc accepts', () => {
  const dir = workspace({});
  cpSync(join(REPO, 'examples/leaky-service'), dir, { recursive: true });
  const r = leaklint(['scan', dir, '--fix', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.err);
  const left = JSON.parse(r.out) as { ruleId: string; fixes: { preferred?: boolean }[] }[];
  assert.ok(left.length > 0);
  assert.ok(
    left.every((f) => !f.fixes.some((x) => x.preferred)),
    JSON.stringify(left.map((f) => f.ruleId)),
  );
  assert.match(r.err, /applied \d+ fixes in \d+ files/);
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout);
});

test('the file walk skips what .gitignore and .leaklintignore ignore (nested files, negation, folder-only patterns)', () => {
  const dir = workspace({
    '.gitignore': 'generated/\n*.gen.ts\n!keep.gen.ts\n/top.ts\n',
    '.leaklintignore': '# vendored code\nvendor\n',
    'src/a.ts': LEAK,
    'src/generated/b.ts': LEAK,
    'src/c.gen.ts': LEAK,
    'src/keep.gen.ts': LEAK,
    'src/top.ts': LEAK,
    'top.ts': LEAK,
    'vendor/d.ts': LEAK,
    'lib/.gitignore': 'e.ts\n',
    'lib/e.ts': LEAK,
    'lib/f.ts': LEAK,
  });
  const files = (JSON.parse(leaklint(['scan', dir, '--format', 'json'], dir).out) as { file: string }[]).map((f) => f.file).sort();
  assert.deepEqual(files, ['lib/f.ts', 'src/a.ts', 'src/keep.gen.ts', 'src/top.ts']);
  // a file named on the command line is scanned: it was asked for
  assert.match(leaklint(['scan', join(dir, 'src/c.gen.ts')], dir).out, /c\.gen\.ts:3:15/);
});

const findingsOf = (dir: string, args: string[] = []) =>
  (JSON.parse(leaklint(['scan', dir, '--format', 'json', ...args], dir).out) as { file: string; ruleId: string; severity: string }[]).map(
    (f) => `${f.file} ${f.ruleId} ${f.severity}`,
  );

test('presets: leaklint:recommended (the default) leaves test files out; leaklint:strict makes every rule an error', () => {
  const dir = workspace({
    'src/a.ts': LEAK,
    'src/a.test.ts': LEAK,
    'src/__tests__/b.ts': TIMER,
    'test/c.ts': LEAK,
    'src/tests/d.ts': TIMER,
  });
  assert.deepEqual(findingsOf(dir), ['src/a.ts unclosed-resource warn']);
  writeFileSync(join(dir, 'leaklint.config.json'), JSON.stringify({ extends: 'leaklint:recommended' }));
  assert.deepEqual(findingsOf(dir), ['src/a.ts unclosed-resource warn']);
  writeFileSync(join(dir, 'leaklint.config.json'), JSON.stringify({ extends: 'leaklint:strict', rules: { 'uncleared-timer': 'warn' } }));
  assert.deepEqual(findingsOf(dir), ['src/a.ts unclosed-resource error']);
  assert.equal(leaklint(['scan', dir], dir).code, 1);
  // no preset: the bare defaults, test files included
  writeFileSync(join(dir, 'leaklint.config.json'), JSON.stringify({ extends: [] }));
  assert.deepEqual(findingsOf(dir).sort(), [
    'src/__tests__/b.ts uncleared-timer warn',
    'src/a.test.ts unclosed-resource warn',
    'src/a.ts unclosed-resource warn',
    'src/tests/d.ts uncleared-timer warn',
    'test/c.ts unclosed-resource warn',
  ]);
  writeFileSync(join(dir, 'leaklint.config.json'), JSON.stringify({ extends: 'leaklint:lax' }));
  const r = leaklint(['scan', dir], dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /leaklint\.config\.json:1:12: unknown preset "leaklint:lax" \(presets: leaklint:recommended, leaklint:strict\)/);
});

test('a config extends a file (relative to it): its settings first, the own ones over them; a cycle is an error', () => {
  const dir = workspace({
    'src/a.ts': LEAK,
    'src/b.ts': TIMER,
    'shared/base.json': JSON.stringify({ extends: 'leaklint:strict', rules: { 'uncleared-timer': 'off' }, exclude: ['**/gen/**'] }),
    'src/gen/c.ts': LEAK,
  });
  writeFileSync(
    join(dir, 'leaklint.config.json'),
    JSON.stringify({ extends: './shared/base.json', rules: { 'unclosed-resource': 'warn' } }),
  );
  assert.deepEqual(findingsOf(dir), ['src/a.ts unclosed-resource warn']);
  writeFileSync(join(dir, 'shared/base.json'), JSON.stringify({ extends: '../leaklint.config.json' }));
  const r = leaklint(['scan', dir], dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /base\.json:1:12: "extends" cycle: .*leaklint\.config\.json → .*base\.json → .*leaklint\.config\.json/);
  writeFileSync(join(dir, 'leaklint.config.json'), JSON.stringify({ extends: './nope.json' }));
  assert.match(leaklint(['scan', dir], dir).err, /1:12: extended config not found: .*nope\.json/);
});

test('overrides: rule settings for the files their globs match, later blocks winning; mistakes are named', () => {
  const dir = workspace({ 'src/a.ts': LEAK, 'src/legacy/old.ts': LEAK, 'src/legacy/keep/k.ts': LEAK, 'src/b.ts': TIMER });
  writeFileSync(
    join(dir, 'leaklint.config.json'),
    JSON.stringify({
      rules: { 'unclosed-resource': 'error' },
      overrides: [
        { files: ['**/legacy/**'], rules: { 'unclosed-resource': 'off' } },
        { files: ['src/legacy/keep/**', 'src/b.ts'], rules: { 'unclosed-resource': 'warn', 'uncleared-timer': 'error' } },
      ],
    }),
  );
  assert.deepEqual(findingsOf(dir).sort(), [
    'src/a.ts unclosed-resource error',
    'src/b.ts uncleared-timer error',
    'src/legacy/keep/k.ts unclosed-resource warn',
  ]);
  writeFileSync(join(dir, 'leaklint.config.json'), '{ "overrides": [{ "files": ["x"], "rulez": {} }] }');
  assert.match(leaklint(['scan', dir], dir).err, /1:35: unknown key "rulez" in an override \(valid keys: files, rules\)/);
  writeFileSync(join(dir, 'leaklint.config.json'), '{ "overrides": [{ "rules": {} }] }');
  assert.match(leaklint(['scan', dir], dir).err, /1:17: an override needs "files"/);
});

test('--report-unused-disable-directives reports suppression comments that suppress nothing of the rules that ran', () => {
  const suppressedLeak = LEAK.replace('  const out', '  // leaklint-disable-next-line unclosed-resource -- used\n  const out');
  const dir = workspace({
    'a.ts': `// leaklint-disable-next-line unclosed-resource -- stale\n${suppressedLeak}`,
    'b.ts': `// leaklint-disable-next-line uncleared-timer -- stale\nexport const x = 1;\n/* leaklint-disable listener-leak */\n`,
  });
  const r = leaklint(['scan', dir, '--report-unused-disable-directives', '--rule', 'listener-leak=off'], dir);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n').filter((l) => l.includes('unused-disable-directive'));
  // a.ts: the comment above the import suppresses nothing, the one above the stream does; b.ts: the file-level comment
  // names a rule that did not run
  assert.deepEqual(
    lines.map((l) => l.split('  ')[0]),
    ['a.ts:1:1', 'b.ts:1:1'],
  );
  assert.doesNotMatch(r.out, /unclosed-resource$/m, 'the used comment still suppresses');
  assert.doesNotMatch(leaklint(['scan', dir], dir).out, /unused-disable-directive/, 'off by default');
});

interface SarifRule {
  id: string;
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  properties: { precision: string; tags: string[] };
}
interface SarifResult {
  ruleId: string;
  suppressions?: { kind: string }[];
}
interface SarifRun {
  tool: { driver: { rules: SarifRule[] } };
  columnKind: string;
  results: SarifResult[];
  invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
}

test('SARIF: rules carry GitHub code scanning fields; comment-suppressed findings and input problems are in the log', () => {
  const schema = JSON.parse(
    readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', { paths: [REPO] }), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
  const dir = workspace({
    'a.ts': LEAK.replace('  const out', '  // leaklint-disable-next-line unclosed-resource -- closed by the caller\n  const out'),
    'b.ts': TIMER,
    'broken.ts': 'export function (: {\n',
  });
  const r = leaklint(['scan', dir, '--format', 'sarif'], dir);
  assert.equal(r.code, 2, 'the syntax error is an input error');
  const log = JSON.parse(r.out);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run = (log as { runs: SarifRun[] }).runs[0];
  assert.equal(run.columnKind, 'utf16CodeUnits');
  // https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
  for (const rule of run.tool.driver.rules) {
    const page = readFileSync(join(REPO, 'docs/rules', `${rule.id}.md`), 'utf8');
    assert.equal(rule.help.markdown, page);
    assert.ok(rule.help.text.length > 0 && rule.fullDescription.text.length > 0);
    assert.ok(['very-high', 'high', 'medium', 'low'].includes(rule.properties.precision), rule.properties.precision);
    assert.ok(rule.properties.tags.length > 0 && rule.properties.tags.every((t) => typeof t === 'string'));
  }
  assert.deepEqual(
    run.results.map((x) => [x.ruleId, x.suppressions]),
    [
      ['uncleared-timer', undefined],
      ['unclosed-resource', [{ kind: 'inSource' }]],
    ],
  );
  const [invocation] = run.invocations;
  assert.equal(invocation.executionSuccessful, false);
  assert.deepEqual(
    invocation.toolExecutionNotifications.map((n) => [n.level, n.message.text.split(': ')[0]]),
    [['error', 'syntax error at 1:17']],
  );
});
