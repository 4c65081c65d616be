// The rule tester. Fixtures live in test/fixtures/<rule-id>/*.ts (one program for all of them, from
// test/fixtures/tsconfig.json). A finding is expected with a marker line under the code line:
//
//     const s = fs.createWriteStream(p);
//     //        ^^^^^^^^^^^^^^^^^^^^^^^ unclosed-resource/neverReleased
//
// The first caret's column is the finding's start column on the nearest code line above; a run of carets is its
// exact span (a single caret: the finding may run on). After the slash: the finding's messageId. Files without
// markers must produce no findings. A `// leaklint-config: {…}` line gives a fixture sinks/teardownMethods settings.
// Every fix of every finding is applied, re-parsed and re-type-checked (no new errors), and the finding must be
// gone afterwards; the fixed text of every fix is pinned in `<fixture>.ts.fixes` beside the fixture (a unified diff
// per fix). `LEAKLINT_UPDATE_FIXTURES=1 npm test` rewrites the markers' spans and messageIds and the .fixes files
// from what the rules report; review the diff before committing it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import ts = require('typescript');
import { defaultConfig } from '../engine/config';
import { unifiedDiff } from '../engine/diff';
import { applyEdits } from '../engine/fix';
import { Linter } from '../engine/linter';
import { NO_OPTIONS } from '../engine/options';
import { Project } from '../engine/project';
import type { Finding, Fix, Rule, RuleMeta } from '../engine/rule';

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
  /** Set when the marker gives the exact span (a run of carets): the column just past the finding's end. */
  endColumn?: number;
  ruleId: string;
  messageId: string;
}

const MARKER = /^(\s*)\/\/(\s*)(\^+)\s+([\w-]+)\/(\w+)\s*$/;

export function expectedFindings(text: string): Expected[] {
  const lines = text.split('\n');
  const out: Expected[] = [];
  let lastCode = 0;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line) ?? STALE_MARKER.exec(line);
    if (!m) {
      lastCode = i + 1;
      return;
    }
    const column = line.indexOf('^') + 1;
    const carets = m[3].length;
    out.push({ line: lastCode, column, endColumn: carets > 1 ? column + carets : undefined, ruleId: m[4], messageId: m[5] ?? '' });
  });
  return out;
}

/** A marker without a messageId: only the update mode accepts it (it fills the messageId in). */
const STALE_MARKER = /^(\s*)\/\/(\s*)(\^+)\s+([\w-]+)()\s*$/;

const UPDATE = process.env.LEAKLINT_UPDATE_FIXTURES === '1';

/** The marker lines rewritten from the findings they stand for: carets over single-line spans, and the messageId. */
function updatedMarkers(text: string, findings: readonly Finding[]): string {
  const lines = text.split('\n');
  let lastCode = 0;
  return lines
    .map((line, i) => {
      const m = MARKER.exec(line) ?? STALE_MARKER.exec(line);
      if (!m) {
        lastCode = i + 1;
        return line;
      }
      const column = line.indexOf('^') + 1;
      const f = findings.find((x) => x.line === lastCode && x.column === column && x.ruleId === m[4]);
      if (!f) return line;
      const carets = f.endLine === f.line && f.endColumn > f.column ? '^'.repeat(f.endColumn - f.column) : '^';
      return `${line.slice(0, column - 1)}${carets} ${f.ruleId}/${f.messageId}`;
    })
    .join('\n');
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
    const left = after.map((f) => `${f.line}:${f.column} ${f.message}`).join('\n');
    assert.equal(after.length, before.length - 1, `fix "${fix.title}" should remove exactly its finding:\n${fixed}\n---\n${left}`);
    return fixed;
  } finally {
    project.removeOverlay(file);
  }
}

/** The fixed text of every fix of every finding, as one unified diff per fix: what `<fixture>.ts.fixes` pins. */
function fixSnapshot(text: string, fixed: { finding: Finding; fix: Fix; text: string }[]): string {
  return fixed
    .map(({ finding, fix, text: after }) => {
      const where = `${finding.line}:${finding.column} ${finding.ruleId}/${finding.messageId}`;
      const head = `## ${where}: ${fix.title}${fix.preferred ? ' (preferred)' : ''}`;
      return `${head}\n${unifiedDiff(text, after, 2)}`;
    })
    .join('\n');
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
      let text = ts.sys.readFile(file)!;
      assert.deepEqual(semanticErrors(project, file), [], 'fixtures must type-check');
      let findings = lintText(project, rule, file);
      if (UPDATE) {
        const updated = updatedMarkers(text, findings);
        if (updated !== text) {
          writeFileSync(file, (text = updated));
          // marker lines changed length: positions (and fixes) are of the new text
          findings = lintText(project, rule, file, text);
          project.removeOverlay(file);
        }
      }
      const expected = expectedFindings(text);
      const actual = findings.map((f) => `${f.line}:${f.column} ${f.ruleId}/${f.messageId}`).sort();
      const wanted = expected.map((e) => `${e.line}:${e.column} ${e.ruleId}/${e.messageId}`).sort();
      assert.deepEqual(actual, wanted, findings.map((f) => `${f.line}:${f.column} ${f.messageId}: ${f.message}`).join('\n'));
      for (const e of expected.filter((x) => x.endColumn !== undefined)) {
        const f = findings.find((x) => x.line === e.line && x.column === e.column && x.ruleId === e.ruleId)!;
        assert.deepEqual([f.endLine, f.endColumn], [e.line, e.endColumn], `the span of the finding at ${e.line}:${e.column}`);
      }
      const fixed: { finding: Finding; fix: Fix; text: string }[] = [];
      for (const f of findings) {
        assert.ok(f.fixes.filter((x) => x.preferred).length <= 1, 'at most one preferred fix');
        for (const fix of f.fixes) fixed.push({ finding: f, fix, text: checkFix(project, rule, file, text, findings, fix) });
      }
      const snapshotFile = `${file}.fixes`;
      const snapshot = fixed.length ? fixSnapshot(text, fixed) : undefined;
      if (UPDATE) {
        if (snapshot) writeFileSync(snapshotFile, snapshot);
        else rmSync(snapshotFile, { force: true });
      }
      const pinned = existsSync(snapshotFile) ? ts.sys.readFile(snapshotFile) : undefined;
      assert.equal(pinned, snapshot, `${snapshotFile} must pin every fix's output (LEAKLINT_UPDATE_FIXTURES=1 rewrites it)`);
    });
  }
}

/** The meta parts of a rule a test defines for itself: no options, and one message, `found`. */
export const TEST_RULE_META = { messages: { found: 'found' }, ...NO_OPTIONS } satisfies Pick<
  RuleMeta,
  'messages' | 'schema' | 'defaultOptions'
>;
