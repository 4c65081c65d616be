// The VS Code client bundle holds the client (client/) and the shared protocol only: the engine, the rules, the server and
// TypeScript run in the server process. Read from the source map of the dist/extension.js that `npm test` builds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from './lsp-client';

test('the client bundle holds no server code', () => {
  const { sources } = JSON.parse(readFileSync(join(REPO, 'dist/extension.js.map'), 'utf8')) as { sources: string[] };
  const packageOf = (source: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  assert.deepEqual(sources.filter((s) => !packageOf(s)).sort(), [
    '../client/extension.ts',
    '../client/server-options.ts',
    '../server/protocol.ts',
  ]);
  const packages = new Set(sources.map(packageOf));
  for (const serverSide of ['typescript', 'vscode-languageserver', 'vscode-languageserver-textdocument', 'picomatch']) {
    assert.ok(!packages.has(serverSide), `${serverSide} is in the client bundle`);
  }
  assert.ok(packages.has('vscode-languageclient'), 'the source map lists the bundled packages');
});
