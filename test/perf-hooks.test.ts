// The engine's opt-in phase timing and the server's lint scheduling (immediate when idle, coalesced bursts,
// debounced dependents). Speed itself is measured by `npm run bench`, not asserted here.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { defaultConfig } from '../engine/config';
import { Linter } from '../engine/linter';
import { Project } from '../engine/project';
import { Timing } from '../engine/timing';
import { RULES } from '../rules';
import { LintScheduler } from '../server/scheduler';
import { makeWorkspace, tsconfigJson } from './lsp-client';

test('timing: phases are accounted and only files with candidates ask the checker', () => {
  const root = makeWorkspace({
    'tsconfig.json': tsconfigJson(),
    'src/types.ts': 'export type Name = string;\nexport interface Point { x: number; y: number }\n',
    'src/log.ts':
      "import * as fs from 'node:fs';\nexport function log(p: string): void {\n  const s = fs.createWriteStream(p);\n  s.write('x');\n}\n",
  });
  try {
    const timing = new Timing();
    const linter = new Linter(RULES, { ...defaultConfig(), exclude: [] }, root, { timing });
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    assert.deepEqual(linter.lintFile(project, join(root, 'src/types.ts')).findings, []);
    const findings = linter.lintFile(project, join(root, 'src/log.ts')).findings;
    project.dispose();
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['unclosed-resource'],
    );
    assert.equal(timing.files, 2);
    assert.equal(timing.filesQueryingChecker, 1);
    assert.ok(timing.checkerQueries > 0);
    assert.ok(timing.programMs > 0 && timing.checkerMs > 0);
    assert.ok(timing.byRule.has('unclosed-resource'));
    assert.match(timing.format(1), /files 2, asking the checker 1/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('timing: a query made by another query is counted, its time once', () => {
  const timing = new Timing();
  let now = 0;
  const clock = mock.method(performance, 'now', () => now);
  try {
    const queries = {
      symbolAt() {
        now += 10;
        return undefined;
      },
      declarationReferences() {
        now += 5;
        (this as { symbolAt(): unknown }).symbolAt();
        return [];
      },
    };
    const { types, used } = timing.wrap(queries as unknown as Parameters<Timing['wrap']>[0]);
    types.declarationReferences(undefined as never);
    assert.equal(timing.checkerQueries, 2);
    assert.equal(timing.checkerMs, 15);
    assert.ok(used());
  } finally {
    clock.mock.restore();
  }
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('scheduler: lints at once when idle, coalesces a burst, debounces delayed work', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const linted: string[] = [];
    const busy: boolean[] = [];
    const scheduler = new LintScheduler(
      (uri) => linted.push(uri),
      (b) => busy.push(b),
    );
    scheduler.schedule('edited', 0);
    scheduler.schedule('edited', 0); // a burst of changes before the server gets to it: one lint
    scheduler.schedule('dependent', 150);
    await tick();
    await tick();
    assert.deepEqual(linted, ['edited']); // no timer had to elapse
    mock.timers.tick(100);
    scheduler.schedule('dependent', 150); // typing goes on: the dependent waits again
    mock.timers.tick(100);
    await tick();
    assert.deepEqual(linted, ['edited']);
    mock.timers.tick(50);
    await tick();
    await tick();
    assert.deepEqual(linted, ['edited', 'dependent']);
    assert.deepEqual(busy, [true, false]);
  } finally {
    mock.timers.reset();
  }
});

test('scheduler: delayed work that comes due waits behind the file being typed in', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const linted: string[] = [];
    const scheduler = new LintScheduler(
      (uri) => {
        linted.push(uri);
        // each lint of the edited file takes long enough for the dependents' delay to run out, and typing goes on
        if (uri === 'edited' && linted.length < 2) {
          mock.timers.tick(150);
          scheduler.schedule('edited', 0);
        }
      },
      () => {},
    );
    scheduler.schedule('dependent', 150);
    scheduler.schedule('other', 150);
    scheduler.schedule('edited', 0);
    for (let i = 0; i < 8; i++) await tick();
    assert.deepEqual(linted, ['edited', 'edited', 'dependent', 'other']);
    // a file due now stays due now when a delayed lint of it is asked for
    scheduler.schedule('edited', 0);
    scheduler.schedule('edited', 150);
    for (let i = 0; i < 3; i++) await tick();
    assert.deepEqual(linted.slice(4), ['edited']);
  } finally {
    mock.timers.reset();
  }
});
