// The ESLint plugin (leaklint/eslint-plugin): ESLint's RuleTester with typescript-eslint's parser runs every rule's
// fixtures (clean ones valid; leaky ones invalid with the markers' messageIds and positions, the preferred fixes'
// output and the other fixes as suggestions), and real ESLint with a flat config finds in examples/leaky-service
// what `leaklint scan` finds.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { applyEdits } from '../engine/fix';
import type { Finding } from '../engine/rule';
import plugin = require('../eslint-plugin');
import { RULES } from '../rules';
import { leaklint } from './cli-harness';
import { FIXTURES, REPO, expectedFindings, fixtureProject, lintText } from './rule-tester';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { project: join(FIXTURES, 'tsconfig.json'), tsconfigRootDir: FIXTURES },
  },
});

/**
 * The text after one pass of ESLint's fixer over the preferred fixes: each fix spans its edits, fixes are taken in
 * range order, and one that starts at or before the end of the last one taken waits (as ESLint's source-code-fixer).
 */
function oneFixPass(text: string, findings: readonly Finding[]): string | null {
  const fixes = findings
    .flatMap((f) => f.fixes.filter((x) => x.preferred))
    .map((fix) => ({ fix, start: Math.min(...fix.edits.map((e) => e.start)), end: Math.max(...fix.edits.map((e) => e.end)) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  if (!fixes.length) return null;
  let lastEnd = -Infinity;
  const taken = fixes.filter((f) => {
    if (lastEnd >= f.start) return false;
    lastEnd = f.end;
    return true;
  });
  return applyEdits(
    text,
    taken.flatMap((f) => f.fix.edits),
  );
}

for (const rule of RULES) {
  const id = rule.meta.id;
  const dir = join(FIXTURES, id);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const valid: RuleTester.ValidTestCase[] = [];
  const invalid: RuleTester.InvalidTestCase[] = [];
  for (const name of files) {
    const filename = join(dir, name);
    const code = readFileSync(filename, 'utf8');
    const expected = expectedFindings(code);
    // a fixture's `// leaklint-config:` settings are the plugin's `settings.leaklint`
    const configured = /^\/\/ leaklint-config: (\{.*\})$/m.exec(code);
    const settings = configured ? { leaklint: JSON.parse(configured[1]) } : {};
    if (!expected.length) {
      valid.push({ code, filename, settings });
      continue;
    }
    // the fixes as the engine offers them (their exact output is pinned by the rule tester's .fixes files)
    const findings = lintText(fixtureProject(), rule, filename);
    invalid.push({
      code,
      filename,
      settings,
      output: oneFixPass(code, findings),
      errors: expected
        .sort((a, b) => a.line - b.line || a.column - b.column)
        .map((e) => {
          const f = findings.find((x) => x.line === e.line && x.column === e.column)!;
          return {
            messageId: e.messageId,
            line: e.line,
            column: e.column,
            ...(e.endColumn !== undefined && { endLine: e.line, endColumn: e.endColumn }),
            suggestions: f.fixes.filter((x) => !x.preferred).map((x) => ({ desc: x.title, output: applyEdits(code, x.edits) })),
          };
        }),
    });
  }
  tester.run(`leaklint/${id}`, plugin.rules[id], { valid, invalid });
}

test('the plugin: meta, every rule with its docs URL, messages and schema, and the two configs', () => {
  assert.equal(plugin.meta.name, 'eslint-plugin-leaklint');
  assert.equal(plugin.meta.version, JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
  for (const rule of RULES) {
    const meta = plugin.rules[rule.meta.id].meta!;
    assert.equal(meta.docs?.url, `https://github.com/leaklint/leaklint/blob/main/docs/rules/${rule.meta.id}.md`);
    for (const [messageId, text] of Object.entries(rule.meta.messages)) assert.equal(meta.messages?.[messageId], text);
    assert.deepEqual(meta.schema, [rule.meta.schema]);
    assert.equal(plugin.configs.recommended.rules?.[`leaklint/${rule.meta.id}`], rule.meta.defaultSeverity);
    assert.equal(plugin.configs.strict.rules?.[`leaklint/${rule.meta.id}`], 'error');
  }
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.equal(manifest.exports['./eslint-plugin'], './dist/eslint-plugin.js');
});

/** Real ESLint with a flat config: typescript-eslint's parser (projectService) and the plugin's recommended config. */
function eslintOn(cwd: string): ESLint {
  return new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: cwd } },
      },
      plugin.configs.recommended,
    ],
  });
}

test('real ESLint with the plugin finds in examples/leaky-service what `leaklint scan` finds', async () => {
  const cwd = join(REPO, 'examples/leaky-service');
  const eslint = eslintOn(cwd);
  const fromEslint = (await eslint.lintFiles(['src/**/*.ts']))
    .flatMap((r) => r.messages.map((m) => `${r.filePath.slice(cwd.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`))
    .sort();
  const scan = leaklint(['scan', 'examples/leaky-service', '--format', 'json']);
  const fromScan = (JSON.parse(scan.out) as Finding[])
    .map((f) => `${f.file.replace('examples/leaky-service/', '')}:${f.line}:${f.column} leaklint/${f.ruleId} ${f.message}`)
    .sort();
  assert.ok(fromScan.length >= 12, scan.err);
  assert.deepEqual(fromEslint, fromScan);
});

test("ESLint suppression comments and LeakLint's own both silence a finding", async () => {
  const cwd = join(REPO, 'examples/leaky-service');
  const text = readFileSync(join(cwd, 'src/files.ts'), 'utf8');
  const lint = async (code: string) => {
    const eslint = eslintOn(cwd);
    const [result] = await eslint.lintText(code, { filePath: join(cwd, 'src/files.ts') });
    return result.messages.filter((m) => m.ruleId === 'leaklint/unclosed-resource').map((m) => m.line);
  };
  const before = await lint(text);
  assert.ok(before.length >= 2);
  const lines = text.split('\n');
  const at = before[0] - 1;
  const withComment = (comment: string) => [...lines.slice(0, at), comment, ...lines.slice(at)].join('\n');
  assert.equal((await lint(withComment('// eslint-disable-next-line leaklint/unclosed-resource'))).length, before.length - 1);
  assert.equal((await lint(withComment('// leaklint-disable-next-line unclosed-resource'))).length, before.length - 1);
});
