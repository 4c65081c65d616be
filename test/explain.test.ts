// Each finding explains itself: related locations carry a message and point into the file, and the findings whose
// release is missing point at where the local goes out of scope, at the loop's await, or at the handler that has no
// identity. Run over the leaky fixtures of every rule.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../engine/rule';
import { RULES } from '../rules';
import { FIXTURES, fixtureProject, lintText } from './rule-tester';

function leakyFindings(): Finding[] {
  const project = fixtureProject();
  return RULES.flatMap((rule) => {
    const dir = join(FIXTURES, rule.meta.id);
    return readdirSync(dir)
      .filter((f) => f.startsWith('leaky') && f.endsWith('.ts'))
      .flatMap((f) => lintText(project, rule, join(dir, f)));
  });
}

test('related locations have a message and a place in the finding’s file', () => {
  const findings = leakyFindings();
  assert.ok(findings.length > 20);
  for (const f of findings) {
    assert.ok(f.message.length > 20, f.message);
    for (const r of f.related) {
      assert.ok(r.message.length > 0 && r.line >= 1 && r.file === f.file, `${f.ruleId} ${f.line}: ${JSON.stringify(r)}`);
    }
  }
});

test('locals never released point at where they go out of scope', () => {
  const locals = leakyFindings().filter((f) => /^`\w+` .*never (released|passed to|disposed|killed|terminated)/.test(f.message));
  assert.ok(locals.length >= 4, `${locals.length} never-released locals in the fixtures`);
  for (const f of locals)
    assert.ok(
      f.related.some((r) => r.message.includes('goes out of scope here') && r.line >= f.line),
      `${f.ruleId} ${f.line}: ${f.message}`,
    );
});

test('endless loops point at their await, inline listeners at the handler', () => {
  const findings = leakyFindings();
  const loops = findings.filter((f) => f.ruleId === 'orphan-async-loop');
  const inline = findings.filter((f) => f.ruleId === 'listener-leak' && f.message.includes('inline function'));
  assert.ok(loops.length && inline.length);
  for (const f of [...loops, ...inline]) assert.ok(f.related.length > 0, `${f.ruleId} ${f.line}: ${f.message}`);
});
