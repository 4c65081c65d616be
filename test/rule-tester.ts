// The rule tester. Fixtures live in test/fixtures/<rule-id>/*.ts (one program for all of them, from
// test/fixtures/tsconfig.json). A finding is expected with a marker line under the code line:
//
//     const s = fs.createWriteStream(p);
//     //        ^ unclosed-resource
//
// The caret's column is the finding's start column on the nearest code line above. Files without markers must
// produce no findings. A `// leaklint-config: {…}` line gives a fixture sinks/teardownMethods settings. Every fix
// of every finding is applied, re-parsed and re-type-checked (no new errors), and the finding must be gone afterwards.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import ts = require('typescript');
import { defaultConfig } from '../engine/config';
import { applyEdits } from '../engine/fix';
import { Linter } from '../engine/linter';
import { Project } from '../engine/project';
import type { Finding, Fix, Rule } from '../engine/rule';

/** The repository root: above the bundled test (out/test/…), or the working directory for bundles built elsewhere. */
export const REPO = findRepo(__dirname) ?? findRepo(process.cwd()) ?? process.cwd();

function findRepo(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'test/fixtures/tsconfig.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
export const FIXTURES = join(REPO, 'test/fixtures');

let shared: Project | undefined;
/** One project for every fixture file; overlays let a test re-check fixed text without touching disk. */
export function fixtureProject(): Project {
  shared ??= Project.fromTsconfig(join(FIXTURES, 'tsconfig.json'));
  return shared;
}

export interface Expected {
  line: number;
  column: number;
  ruleId: string;
}

const MARKER = /^(\s*)\/\/(\s*)\^\s+([\w-]+)\s*$/;

export function expectedFindings(text: string): Expected[] {
  const lines = text.split('\n');
  const out: Expected[] = [];
  let lastCode = 0;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      lastCode = i + 1;
      return;
    }
    out.push({ line: lastCode, column: line.indexOf('^') + 1, ruleId: m[3] });
  });
  return out;
}

const SETTINGS = /^\/\/ leaklint-config: (\{.*\})$/m;

/** Settings a fixture asks for in a `// leaklint-config: {"sinks": […], "teardownMethods": […]}` line (as in leaklint.config.json). */
export function fixtureSettings(text: string): { sinks?: string[]; teardownMethods?: string[] } {
  const m = SETTINGS.exec(text);
  if (!m) return {};
  const { sinks, teardownMethods } = JSON.parse(m[1]) as { sinks?: string[]; teardownMethods?: string[] };
  return { ...(sinks && { sinks }), ...(teardownMethods && { teardownMethods }) };
}

export function lintText(project: Project, rule: Rule, file: string, text?: string): Finding[] {
  if (text !== undefined) project.setOverlay(file, text, Date.now() + Math.random());
  const linter = new Linter([rule], { ...defaultConfig(), exclude: [], ...fixtureSettings(text ?? ts.sys.readFile(file) ?? '') });
  const result = linter.lintFile(project, file);
  assert.equal(result.skipped, undefined, `${file} was skipped: ${result.skipped}`);
  assert.deepEqual(result.ruleErrors, [], `rule failed on ${file}`);
  return result.findings;
}

export function semanticErrors(project: Project, file: string): string[] {
  const program = project.program();
  const sf = program.getSourceFile(file)!;
  return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, ' '),
  );
}

/** Applies a fix and checks it: parses, no new type errors, this finding gone, no new findings. Returns the fixed text. */
export function checkFix(project: Project, rule: Rule, file: string, original: string, before: Finding[], fix: Fix): string {
  const fixed = applyEdits(original, fix.edits);
  assert.notEqual(fixed, original, `fix "${fix.title}" changes nothing`);
  try {
    const after = lintText(project, rule, file, fixed);
    const errors = semanticErrors(project, file);
    assert.deepEqual(errors, [], `fix "${fix.title}" leaves errors in ${file}:\n${errors.join('\n')}\n---\n${fixed}`);
    assert.equal(
      after.length,
      before.length - 1,
      `fix "${fix.title}" should remove exactly its finding:\n${fixed}\n---\n${after.map((f) => `${f.line}:${f.column} ${f.message}`).join('\n')}`,
    );
    return fixed;
  } finally {
    project.removeOverlay(file);
  }
}

/** Registers node:test tests for every fixture of a rule. */
export function testRuleFixtures(rule: Rule): void {
  const dir = join(FIXTURES, rule.meta.id);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  test(`${rule.meta.id}: has leaky and clean fixtures`, () => {
    assert.ok(
      files.some((f) => f.startsWith('leaky')),
      'a leaky*.ts fixture',
    );
    assert.ok(
      files.some((f) => f.startsWith('clean')),
      'a clean*.ts fixture',
    );
  });
  for (const name of files) {
    const file = join(dir, name);
    test(`${rule.meta.id}: ${name}`, () => {
      const project = fixtureProject();
      const text = ts.sys.readFile(file)!;
      assert.deepEqual(semanticErrors(project, file), [], 'fixtures must type-check');
      const findings = lintText(project, rule, file);
      const actual = findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`).sort();
      const expected = expectedFindings(text)
        .map((e) => `${e.line}:${e.column} ${e.ruleId}`)
        .sort();
      assert.deepEqual(actual, expected, findings.map((f) => `${f.line}:${f.column} ${f.message}`).join('\n'));
      for (const f of findings) {
        assert.ok(f.fixes.filter((x) => x.preferred).length <= 1, 'at most one preferred fix');
        for (const fix of f.fixes) checkFix(project, rule, file, text, findings, fix);
      }
    });
  }
}
