// The editor's conventions over real LSP (the built server as a child process, as lsp.test.ts): the baseline in the
// editor (leaklint.baseline.*), unused suppression comments, where "Disable … for this line" writes its comment,
// and what source.fixAll.leaklint fixes (leaklint.codeActionsOnSave.mode).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { leaklint } from './cli-harness';
import { apply, codeActions, LspClient, makeWorkspace, tsconfigJson, uriOf, writeFile, type Diagnostic } from './lsp-client';

const WARNING = 2;
const HINT = 4;
const UNNECESSARY = 1;

const LEAKY = `import * as fs from 'node:fs';

export function log(p: string): void {
  const s = fs.createWriteStream(p);
  s.write('x');
}
`;

/** Two streams in one function: their try/finally fixes overlap, so one pass fixes only the first. */
const TWO_IN_ONE = `import * as fs from 'node:fs';

export function copy(p: string, q: string): void {
  const s = fs.createWriteStream(p);
  const t = fs.createWriteStream(q);
  s.write('x');
  t.write('y');
}
`;

const ofRule = (rule: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === rule);
const none = (ds: Diagnostic[]) => ds.length === 0;

/**
 * A server on a fresh workspace of `files`, started with these `leaklint` settings (a settings change is applied
 * asynchronously: a test that cannot wait for its effect on diagnostics starts its server with the settings).
 */
function serve(files: Record<string, string>, settings: Record<string, unknown> = {}) {
  const state = { root: '', client: undefined as unknown as LspClient };
  before(async () => {
    state.root = makeWorkspace({ 'tsconfig.json': tsconfigJson(), ...files });
    state.client = new LspClient();
    state.client.settings = settings;
    await state.client.initialize([state.root]);
  });
  after(async () => {
    await state.client.shutdown().catch(() => state.client.kill());
    rmSync(state.root, { recursive: true, force: true });
  });
  return state;
}

function configure(client: LspClient, settings: Record<string, unknown>): void {
  client.settings = settings;
  client.notify('workspace/didChangeConfiguration', { settings: {} });
}

describe('the baseline in the editor', () => {
  const ws = serve({ 'src/old.ts': LEAKY });
  let old: string;
  let fresh: string;

  before(() => {
    // the baseline the CLI writes (docs/ci.md), at the default path the editor looks for
    const r = leaklint(['scan', ws.root, '--baseline', join(ws.root, 'leaklint-baseline.json'), '--update-baseline']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /wrote .*leaklint-baseline\.json \(1 finding\)/);
    writeFile(join(ws.root, 'src/new.ts'), LEAKY);
    ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(ws.root, 'src/new.ts')), type: 1 }] });
  });

  it('hides the findings the baseline records by default and shows the new ones', async () => {
    old = ws.client.open(join(ws.root, 'src/old.ts'), LEAKY);
    fresh = ws.client.open(join(ws.root, 'src/new.ts'), LEAKY);
    const [d] = await ws.client.diagnostics(fresh, ofRule('unclosed-resource'));
    assert.equal(d.severity, WARNING);
    assert.deepEqual(await ws.client.diagnostics(old, () => true), []);
    // a line shift keeps the match: baselines are keyed by fingerprint, not position
    const version = ws.client.replace(old, `// moved down\n${LEAKY}`);
    await ws.client.diagnostics(old, none, version);
  });

  it('leaklint.baseline.mode: hint shows them as hints, show like any other finding', async () => {
    configure(ws.client, { baseline: { mode: 'hint' } });
    const [hint] = await ws.client.diagnostics(old, (ds) => ds.length === 1 && ds[0].severity === HINT);
    assert.equal(hint.code, 'unclosed-resource');
    const [still] = await ws.client.diagnostics(fresh, ofRule('unclosed-resource'));
    assert.equal(still.severity, WARNING, 'only the baselined finding is lowered');
    // a hint keeps its quick fixes
    assert.ok((await codeActions(ws.client, old, [hint])).some((a) => a.isPreferred));

    configure(ws.client, { baseline: { mode: 'show' } });
    await ws.client.diagnostics(old, (ds) => ds.length === 1 && ds[0].severity === WARNING);
  });

  it('re-reads the baseline when it changes, and leaklint.baseline.file points at another one', async () => {
    configure(ws.client, {});
    await ws.client.diagnostics(old, none);
    writeFile(join(ws.root, 'leaklint-baseline.json'), '{ "version": 1, "findings": [] }\n');
    ws.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(ws.root, 'leaklint-baseline.json')), type: 2 }] });
    await ws.client.diagnostics(old, ofRule('unclosed-resource'));

    const r = leaklint(['scan', join(ws.root, 'src/new.ts'), '--baseline', join(ws.root, 'ci/known.json'), '--update-baseline']);
    assert.equal(r.code, 0, r.err);
    configure(ws.client, { baseline: { file: 'ci/known.json' } });
    await ws.client.diagnostics(fresh, none);
    await ws.client.diagnostics(old, ofRule('unclosed-resource'));
  });
});

describe('unused suppression comments', () => {
  const UNUSED = `import * as fs from 'node:fs';

export function log(p: string): void {
  // leaklint-disable-next-line unclosed-resource -- closed by the caller
  const s = fs.createWriteStream(p);
  s.write('x');
  // leaklint-disable-next-line unclosed-resource
  s.write('y');
  const n = 1; // leaklint-disable-line uncleared-timer
  return void n;
}
`;
  const ws = serve({ 'src/unused.ts': UNUSED, 'src/again.ts': UNUSED });

  it('are hints with the Unnecessary tag, each with a quick fix that removes it', async () => {
    const uri = ws.client.open(join(ws.root, 'src/unused.ts'), UNUSED);
    const unused = await ws.client.diagnostics(uri, (ds) => ds.length === 2);
    assert.deepEqual(
      unused.map((d) => [d.code, d.severity, d.tags, d.range.start.line]),
      [
        ['unused-disable-directive', HINT, [UNNECESSARY], 6],
        ['unused-disable-directive', HINT, [UNNECESSARY], 8],
      ],
    );
    const [ownLine, trailing] = unused;
    const [remove] = await codeActions(ws.client, uri, [ownLine]);
    assert.equal(remove.title, 'Remove unused leaklint-disable directive');
    const first = apply(ws.client, uri, UNUSED, remove);
    assert.equal(first.text, UNUSED.replace('  // leaklint-disable-next-line unclosed-resource\n', ''));
    const [left] = await ws.client.diagnostics(uri, (ds) => ds.length === 1, first.version);
    assert.equal(left.range.start.line, trailing.range.start.line - 1);

    const second = apply(ws.client, uri, first.text, (await codeActions(ws.client, uri, [left]))[0]);
    assert.match(second.text, /\n {2}const n = 1;\n/, 'a trailing comment goes with the blanks before it');
    await ws.client.diagnostics(uri, none, second.version);
  });

  it('leaklint.reportUnusedDisableDirectives: false leaves them alone', async () => {
    const uri = ws.client.open(join(ws.root, 'src/again.ts'), UNUSED);
    await ws.client.diagnostics(uri, (ds) => ds.length === 2);
    configure(ws.client, { reportUnusedDisableDirectives: false });
    await ws.client.diagnostics(uri, none);
    configure(ws.client, {});
  });
});

const SAME_LINE_OTHER = LEAKY.replace(
  'createWriteStream(p);',
  'createWriteStream(p); // leaklint-disable-line listener-leak -- not this one',
);

describe('"Disable … for this line" with leaklint.codeAction.disableRuleComment.location: sameLine', () => {
  const ws = serve(
    { 'src/same.ts': LEAKY, 'src/more.ts': SAME_LINE_OTHER },
    { codeAction: { disableRuleComment: { location: 'sameLine' } } },
  );

  it('writes `// leaklint-disable-line <rule>` at the end of the line, which suppresses the finding', async () => {
    const uri = ws.client.open(join(ws.root, 'src/same.ts'), LEAKY);
    const diagnostics = await ws.client.diagnostics(uri, ofRule('unclosed-resource'));
    const disable = (await codeActions(ws.client, uri, diagnostics)).find((a) => a.title === 'Disable unclosed-resource for this line')!;
    const result = apply(ws.client, uri, LEAKY, disable);
    assert.match(result.text, /\n {2}const s = fs\.createWriteStream\(p\); \/\/ leaklint-disable-line unclosed-resource\n/);
    await ws.client.diagnostics(uri, none, result.version);
  });

  it('adds the rule to a same-line comment already there, before its reason', async () => {
    const text = SAME_LINE_OTHER;
    const uri = ws.client.open(join(ws.root, 'src/more.ts'), text);
    const diagnostics = await ws.client.diagnostics(uri, ofRule('unclosed-resource'));
    const disable = (await codeActions(ws.client, uri, diagnostics)).find((a) => a.title === 'Disable unclosed-resource for this line')!;
    const result = apply(ws.client, uri, text, disable);
    assert.match(result.text, /createWriteStream\(p\); \/\/ leaklint-disable-line listener-leak unclosed-resource -- not this one\n/);
    await ws.client.diagnostics(uri, none, result.version);
  });
});

describe('source.fixAll.leaklint with leaklint.codeActionsOnSave.mode', () => {
  const fixAll = async (ws: { root: string; client: LspClient }) => {
    const uri = ws.client.open(join(ws.root, 'src/copy.ts'), TWO_IN_ONE);
    await ws.client.diagnostics(uri, (ds) => ds.length === 2);
    const [action] = await codeActions(ws.client, uri, [], ['source.fixAll.leaklint']);
    const fixed = apply(ws.client, uri, TWO_IN_ONE, action);
    return ws.client.diagnostics(uri, () => true, fixed.version);
  };

  describe('all (the default)', () => {
    const ws = serve({ 'src/copy.ts': TWO_IN_ONE });
    it('fixes everything fixable, pass after pass', async () => {
      assert.deepEqual(await fixAll(ws), []);
    });
  });

  describe('problems', () => {
    const ws = serve({ 'src/copy.ts': TWO_IN_ONE }, { codeActionsOnSave: { mode: 'problems' } });
    it('fixes the problems shown now, in one pass', async () => {
      const left = await fixAll(ws);
      assert.deepEqual(
        left.map((d) => [d.code, d.range.start.line]),
        [['unclosed-resource', 5]],
        'the second stream, whose fix overlapped the first',
      );
    });
  });
});
