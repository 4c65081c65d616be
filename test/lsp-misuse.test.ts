// Misbehaving clients: invalid notifications, unknown documents, a storm of edits, requests after shutdown. The
// built server (over stdio) must answer or ignore each correctly, never crash, and end with diagnostics that match
// a fresh lint of the final text. (Bad request params are covered in lsp.test.ts.)
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../engine/config';
import { Linter } from '../engine/linter';
import { Project } from '../engine/project';
import { RULES } from '../rules';
import { applyTextEdits, LspClient, makeWorkspace, tsconfigJson, uriOf, type Diagnostic } from './lsp-client';

const METHOD_NOT_FOUND = -32601;
const INVALID_REQUEST = -32600;
/** Settling 1,000 edits may take a while on a loaded machine: only a hang guard. */
const SETTLE_TIMEOUT_MS = 180_000;

const LEAKY = `import * as fs from 'node:fs';

export function log(p: string): void {
  const s = fs.createWriteStream(p);
  s.write('x');
}
`;
const FIXED = LEAKY.replace("  s.write('x');\n", "  s.write('x');\n  s.close();\n");
const TIMER = `export function poll(tick: () => void): void {\n  setInterval(tick, 1000);\n}\n`;

/** Diagnostics as comparable strings: range and rule. */
const shape = (ds: readonly Diagnostic[]) =>
  ds.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code}`).sort();

describe('language server misuse', { timeout: 300_000 }, () => {
  let root: string;
  let client: LspClient;
  const src = (name: string) => join(root, 'src', name);

  before(async () => {
    root = makeWorkspace({ 'tsconfig.json': tsconfigJson(), 'src/a.ts': LEAKY, 'src/storm.ts': LEAKY });
    client = new LspClient();
    await client.initialize([root]);
  });

  after(async () => {
    client.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('ignores malformed notifications and edits of unknown documents, rejects unknown methods, and keeps serving', async () => {
    const uri = client.open(src('a.ts'), LEAKY);
    await client.diagnostics(uri, (ds) => ds.length === 1);
    const end = { line: 99, character: 99 };
    // wrong shapes, unknown documents, an edit with an out-of-range position, a duplicate open, garbage settings
    client.notify('textDocument/didChange', { textDocument: { uri, version: 'two' }, contentChanges: 'nope' });
    client.notify('textDocument/didChange', { textDocument: { uri: 'file:///nowhere/x.ts', version: 2 }, contentChanges: [{ text: 'x' }] });
    client.notify('textDocument/didClose', { textDocument: { uri: 'file:///nowhere/x.ts' } });
    client.notify('textDocument/didClose', {});
    client.notify('textDocument/didSave', { textDocument: { uri: 'file:///nowhere/x.ts' } });
    client.notify('textDocument/didOpen', { textDocument: { uri: 'not a uri', languageId: 'typescript', version: 1, text: LEAKY } });
    client.notify('textDocument/didOpen', {
      textDocument: { uri: 'file:///no/where/y.ts', languageId: 'typescript', version: 1, text: 42 },
    });
    client.notify('workspace/didChangeWatchedFiles', { changes: 'all of them' });
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///nowhere/tsconfig.json', type: 2 }, { uri: 17 }] });
    client.notify('workspace/didChangeConfiguration', { settings: { leaklint: { rules: 5, exclude: 'x', enable: 'yes' } } });
    client.notify('$/unknownNotification', { x: 1 });
    client.writeRaw('Content-Length: 8\r\n\r\n{"broken');
    const unknown = await client.send('leaklint/noSuchRequest', {});
    assert.equal(unknown.error?.code, METHOD_NOT_FOUND);
    // an out-of-range edit is clamped to the end of the document, as editors do
    const version = client.change(uri, [{ range: { start: end, end }, newText: '\n// tail\n' }]);
    const diagnostics = await client.diagnostics(uri, (ds) => ds.length === 1, version);
    assert.equal(diagnostics[0].code, 'unclosed-resource');
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0].range,
      context: { diagnostics },
    });
    assert.ok(actions.some((a: { isPreferred?: boolean }) => a.isPreferred));
    assert.equal(client.exited, false);
    assert.doesNotMatch(client.stderr, /Error/);
  });

  it('after 1,000 changes in a burst, the final diagnostics match a fresh lint of the final text', async () => {
    const file = src('storm.ts');
    const uri = client.open(file, LEAKY);
    await client.diagnostics(uri, (ds) => ds.length === 1);
    let text = LEAKY;
    const added: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 0) {
        // now and then the whole text: leaky or fixed, with a timer leak in every third block
        text = (i % 20 === 0 ? FIXED : LEAKY) + (i % 30 === 0 ? TIMER : '') + added.join('');
        client.replace(uri, text);
      } else {
        const line = text.split('\n').length - 1;
        const edit = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `export const v${i} = ${i};\n` };
        added.push(edit.newText);
        text = applyTextEdits(text, [edit]);
        client.change(uri, [edit]);
      }
    }
    const final = await client.diagnostics(uri, () => true, client.version(uri), SETTLE_TIMEOUT_MS);

    // a fresh lint of the same text by the engine, in a project of its own
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    project.setOverlay(file, text, 1);
    const fresh = new Linter(RULES, defaultConfig(), root).lintFile(project, file);
    project.dispose();
    assert.equal(fresh.skipped, undefined);
    const expected = fresh.findings.map((f) => `${f.line - 1}:${f.column - 1}-${f.endLine - 1}:${f.endColumn - 1} ${f.ruleId}`).sort();
    assert.ok(expected.length > 0, 'the final text leaks');
    assert.deepEqual(shape(final), expected);
    assert.equal(client.exited, false);
  });

  it('after shutdown: requests are refused, notifications ignored, and exit ends the process', async () => {
    assert.equal(await client.request('shutdown'), null);
    const scan = await client.send('leaklint/scanWorkspace', {});
    assert.equal(scan.error?.code, INVALID_REQUEST);
    const action = await client.send('textDocument/codeAction', {
      textDocument: { uri: uriOf(src('a.ts')) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.equal(action.error?.code, INVALID_REQUEST);
    client.notify('textDocument/didOpen', {
      textDocument: { uri: uriOf(src('late.ts')), languageId: 'typescript', version: 1, text: LEAKY },
    });
    const exited = new Promise<void>((resolve) => {
      const poll = setInterval(() => client.exited && (clearInterval(poll), resolve()), 20);
    });
    client.notify('exit', undefined);
    await exited;
    assert.ok(!client.received.some((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uriOf(src('late.ts'))));
  });
});
