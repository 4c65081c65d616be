// A rule that throws must not cost the user the other rules' findings, and must be reported once per file, with
// the file: on the CLI's stderr and in the server's log. The CLI and the server are run in-process with one extra
// rule that throws (their `rules` parameter); everything else is the real product code.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import ts = require('typescript');
import {
  createConnection,
  createMessageConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { main } from '../cli/main';
import { defineRule, type Rule } from '../engine/rule';
import { TEST_RULE_META } from './rule-tester';
import { RULES } from '../rules';
import { LeakLintServer } from '../server/server';
import { workspace } from './cli-harness';
import { uriOf } from './lsp-client';

const LEAK = `import * as fs from 'node:fs';
export function f(p: string): void {
  const out = fs.createWriteStream(p);
  out.write('x');
}
`;

const crashing: Rule = defineRule({
  meta: {
    id: 'crashing',
    description: 'throws on every call expression',
    defaultSeverity: 'warn',
    ...TEST_RULE_META,
    fixable: false,
  },
  create: () => ({
    [ts.SyntaxKind.CallExpression]: () => {
      throw new Error('boom');
    },
  }),
});
const WITH_CRASHING = [...RULES, crashing];

describe('a crashing rule', () => {
  let dir: string;
  const a = () => join(dir, 'a.ts');
  const b = () => join(dir, 'b.ts');
  before(() => {
    dir = workspace({ 'a.ts': LEAK, 'b.ts': LEAK }, 'crash-');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('CLI: one stderr line per file naming rule and file; the other rules still report', () => {
    let out = '';
    let err = '';
    const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
    const code = main(
      ['scan', dir, '--format', 'json'],
      { out: sink((s) => (out += s)), err: sink((s) => (err += s)), cwd: dir },
      WITH_CRASHING,
    );
    assert.equal(code, 0, err);
    const findings = JSON.parse(out) as { file: string; ruleId: string }[];
    assert.deepEqual(findings.map((f) => `${f.file} ${f.ruleId}`).sort(), ['a.ts unclosed-resource', 'b.ts unclosed-resource']);
    const lines = err.trim().split('\n');
    assert.deepEqual(lines.sort(), [`leaklint: rule crashing failed on ${a()}: boom`, `leaklint: rule crashing failed on ${b()}: boom`]);
  });

  it('server: logged once per file on the connection console across edits and scans; diagnostics of the other rules arrive', async () => {
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const server = new LeakLintServer(
      createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(fromServer)),
      WITH_CRASHING,
    );
    server.listen();
    const client = createMessageConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    const logs: string[] = [];
    const published: { uri: string; version?: number; diagnostics: { code?: string }[] }[] = [];
    const waiters = new Set<() => void>();
    const settle = () => waiters.forEach((w) => w());
    client.onNotification('window/logMessage', (p: { message: string }) => {
      logs.push(p.message);
    });
    client.onNotification('textDocument/publishDiagnostics', (p: (typeof published)[number]) => {
      published.push(p);
      settle();
    });
    client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    client.onRequest('window/workDoneProgress/create', () => null);
    client.onRequest('client/registerCapability', () => null);
    client.listen();
    const diagnosticsOf = (uri: string, version: number) =>
      new Promise<string[]>((resolve) => {
        const check = () => {
          const p = published.find((x) => x.uri === uri && x.version === version);
          if (!p) return;
          waiters.delete(check);
          resolve(p.diagnostics.map((d) => String(d.code)));
        };
        waiters.add(check);
        check();
      });
    const crashLines = (file: string) => logs.filter((l) => l.includes('rule crashing failed on') && l.includes(file));
    try {
      // no processId: the server would otherwise poll it (and keep this process alive)
      await client.sendRequest('initialize', {
        processId: null,
        rootUri: uriOf(dir),
        workspaceFolders: [{ uri: uriOf(dir), name: 'crash' }],
        capabilities: { workspace: { configuration: true } },
      });
      await client.sendNotification('initialized', {});
      const uri = uriOf(a());
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: LEAK } });
      assert.deepEqual(await diagnosticsOf(uri, 1), ['unclosed-resource']);
      await client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: `${LEAK}// edited\n` }],
      });
      assert.deepEqual(await diagnosticsOf(uri, 2), ['unclosed-resource']);
      const summary = (await client.sendRequest('leaklint/scanWorkspace', {})) as { files: number; findings: number; cancelled: boolean };
      assert.deepEqual([summary.files, summary.findings, summary.cancelled], [2, 2, false]);
      assert.equal(crashLines(a()).length, 1, logs.join('\n'));
      assert.equal(crashLines(b()).length, 1, logs.join('\n'));
      assert.match(crashLines(a())[0], /boom/);
    } finally {
      client.dispose();
      toServer.end();
    }
  });
});
