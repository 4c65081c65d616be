// The `leaklint` command as a user runs it: the built bin/leaklint.js in a child process.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { RULE_IDS } from '../rules';
import { LEAK, TIMER, leaklint, workspace } from './cli-harness';
import { REPO } from './rule-tester';

const EXAMPLES = join(REPO, 'examples/leaky-service');

test('scanning the examples prints findings of every rule family and exits 0 (warnings only)', () => {
  const r = leaklint(['scan', EXAMPLES]);
  assert.equal(r.code, 0, r.err);
  for (const id of ['unclosed-resource', 'uncleared-timer', 'listener-leak']) assert.match(r.out, new RegExp(`  ${id}$`, 'm'));
  assert.match(r.out, /^examples\/leaky-service\/src\/\S+\.ts:\d+:\d+ {2}warning {2}/m);
  assert.match(r.out, /\d+ problems \(0 errors, \d+ warnings\)/);
});

test('the command starts from its startup snapshot (default libraries prepared) and finds exactly what the plain bundle finds', () => {
  const taken = (err: string) => Number(/default libraries taken prepared (\d+)/.exec(err)?.[1]);
  const fromSnapshot = leaklint(['scan', EXAMPLES, '--format', 'json', '--timing']);
  const plain = leaklint(['scan', EXAMPLES, '--format', 'json', '--timing'], REPO, { ...process.env, LEAKLINT_SNAPSHOT: '0' });
  assert.equal(fromSnapshot.code, 0, fromSnapshot.err);
  assert.ok(taken(fromSnapshot.err) > 0, fromSnapshot.err);
  assert.equal(taken(plain.err), 0, plain.err);
  assert.ok(JSON.parse(plain.out).length > 0);
  assert.deepEqual(JSON.parse(fromSnapshot.out), JSON.parse(plain.out));
});

test('--max-warnings 0 turns warnings into exit 1', () => {
  const dir = workspace({ 'a.ts': LEAK });
  assert.equal(leaklint(['scan', dir, '--max-warnings', '0']).code, 1);
  assert.equal(leaklint(['scan', dir, '--max-warnings', '1']).code, 0);
});

test('a clean project exits 0 and says so', () => {
  const dir = workspace({ 'a.ts': 'export const x = 1;\n' });
  const r = leaklint(['scan', dir]);
  assert.equal(r.code, 0);
  assert.match(r.out, /No leaks found/);
});

test('config: severities, off, include/exclude; found from the scanned folder upward', () => {
  const dir = workspace({ 'src/a.ts': LEAK, 'src/b.ts': TIMER, 'src/gen/c.ts': LEAK });
  writeFileSync(
    join(dir, 'leaklint.config.json'),
    JSON.stringify({ rules: { 'unclosed-resource': 'error', 'uncleared-timer': 'off' }, exclude: ['src/gen/**'] }),
  );
  const r = leaklint(['scan', join(dir, 'src')]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /src\/a\.ts:3:15 {2}error {2}.*unclosed-resource/);
  assert.doesNotMatch(r.out, /uncleared-timer/);
  assert.doesNotMatch(r.out, /gen\/c\.ts/);
});

test('config errors name the file, line, column and bad key, and exit 2', () => {
  const dir = workspace({ 'a.ts': LEAK });
  const config = join(dir, 'leaklint.config.json');
  writeFileSync(config, '{\n  "rules": {\n    "unclosed-resourc": "warn"\n  }\n}\n');
  let r = leaklint(['scan', dir]);
  assert.equal(r.code, 2);
  assert.match(r.err, /leaklint\.config\.json:3:5: unknown rule "unclosed-resourc"/);
  assert.match(r.err, new RegExp(`valid rules: ${RULE_IDS.join(', ')}`));
  writeFileSync(config, '{ "rules": { "listener-leak": "loud" } }');
  r = leaklint(['scan', dir]);
  assert.equal(r.code, 2);
  assert.match(r.err, /1:31: rule "listener-leak": severity must be one of off, warn, error/);
  writeFileSync(config, '{ "rulez": {} }');
  assert.match(leaklint(['scan', dir]).err, /1:3: unknown key "rulez"/);
  writeFileSync(config, '{ "rules": { ');
  r = leaklint(['scan', dir]);
  assert.equal(r.code, 2);
  assert.match(r.err, /invalid JSON/);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
});

test('input errors: a missing path and a file with syntax errors get one line each; the rest is still scanned; exit 2', () => {
  const dir = workspace({ 'good.ts': LEAK, 'broken.ts': 'export function (: {\n' });
  const r = leaklint(['scan', dir, join(dir, 'missing')]);
  assert.equal(r.code, 2);
  assert.match(r.out, /good\.ts:3:15 {2}warning/);
  assert.match(r.err, /missing: path not found/);
  assert.match(r.err, /broken\.ts: syntax error at 1:17: .*\(file skipped\)/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('usage errors exit 2 with the usage text', () => {
  const r = leaklint(['scan', '--frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.err, /Unknown option '--frobnicate'/);
  assert.match(r.err, /Usage:/);
  assert.equal(leaklint(['scan', '--format', 'xml', EXAMPLES]).code, 2);
  assert.equal(leaklint(['launch']).code, 2);
});

test('a folder without tsconfig is an inferred project (JavaScript included)', () => {
  const dir = workspace({
    'lib/app.js': [
      "const fs = require('node:fs');",
      'function f(p) {',
      '  const out = fs.createWriteStream(p);',
      "  out.write('x');",
      '}',
      'module.exports = { f };',
      '',
    ].join('\n'),
  });
  const r = leaklint(['scan', dir, '--format', 'json']);
  const findings = JSON.parse(r.out) as { file: string; ruleId: string; line: number }[];
  assert.deepEqual(
    findings.map((f) => [f.file.split('/').pop(), f.ruleId, f.line]),
    [['app.js', 'unclosed-resource', 3]],
  );
});

test('sloppy-mode JavaScript (a legacy octal, a `with` block) is analysed, not skipped as a syntax error', () => {
  const dir = workspace({
    'lib/store.js': [
      "var fs = require('fs');",
      'function save(p, text) {',
      '  var out = fs.createWriteStream(p, { mode: 0666 });',
      '  with (out) write(text);',
      '}',
      'module.exports = { save: save };',
      '',
    ].join('\n'),
  });
  const r = leaklint(['scan', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  const findings = JSON.parse(r.out) as { ruleId: string; line: number }[];
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.line]),
    [['unclosed-resource', 3]],
  );
});

test('--project uses the given tsconfig and follows project references', () => {
  const dir = workspace({
    'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './pkg' }] }),
    'pkg/tsconfig.json': JSON.stringify({
      compilerOptions: { composite: true, strict: true, types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')] },
      include: ['*.ts'],
    }),
    'pkg/a.ts': LEAK,
  });
  const r = leaklint(['scan', dir, '--project', join(dir, 'tsconfig.json'), '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    (JSON.parse(r.out) as { ruleId: string }[]).map((f) => f.ruleId),
    ['unclosed-resource'],
  );
});

test('JSON output carries findings with fixes as edits', () => {
  const dir = workspace({ 'a.ts': LEAK });
  const [f] = JSON.parse(leaklint(['scan', dir, '--format', 'json']).out);
  assert.equal(f.ruleId, 'unclosed-resource');
  assert.equal(f.file, `${dir.slice(REPO.length + 1)}/a.ts`);
  assert.ok(f.fixes[0].edits[0].newText.includes('finally'));
});

interface SarifRun {
  tool: { driver: { rules: { id: string; helpUri: string }[] } };
  results: { fixes?: unknown[]; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
}

test('SARIF output validates against the SARIF 2.1.0 schema', () => {
  const schema = JSON.parse(
    readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', { paths: [REPO] }), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
  const r = leaklint(['scan', EXAMPLES, '--format', 'sarif']);
  const log = JSON.parse(r.out);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run = (JSON.parse(r.out) as { runs: SarifRun[] }).runs[0];
  assert.deepEqual(
    run.tool.driver.rules.map((x) => x.id),
    RULE_IDS,
  );
  assert.ok(run.tool.driver.rules.every((x) => /docs\/rules\/[\w-]+\.md$/.test(x.helpUri)));
  assert.ok(run.results.length > 0);
  assert.ok(
    run.results.some((x) => x.fixes?.length),
    'some result carries a SARIF fix',
  );
  assert.ok(run.results.every((x) => x.locations[0].physicalLocation.region.startLine > 0));
});

test('`leaklint rules` lists every rule', () => {
  const r = leaklint(['rules']);
  assert.equal(r.code, 0);
  for (const id of RULE_IDS) assert.match(r.out, new RegExp(`^${id}\\s`, 'm'));
  assert.deepEqual(
    (JSON.parse(leaklint(['rules', '--format', 'json']).out) as { id: string }[]).map((m) => m.id),
    RULE_IDS,
  );
});
