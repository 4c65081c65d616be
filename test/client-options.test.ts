// How the VS Code client launches the server (client/server-options.ts, the function client/extension.ts calls
// with the `leaklint.execArgv` setting), and the setting's declaration in package.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { NodeModule } from 'vscode-languageclient/node';
import { execArgvSetting, serverOptions } from '../client/server-options';
import { REPO } from './lsp-client';

/** vscode-languageclient's TransportKind.ipc (its module loads `vscode`, so the value is written out here). */
const IPC = 1;

test('leaklint.execArgv becomes the node flags of the server process, in both launches', () => {
  const flags = execArgvSetting(['--max-old-space-size=4096', 42, '', '--stack-size=2000']);
  assert.deepEqual(flags, ['--max-old-space-size=4096', '--stack-size=2000'], 'strings only, in order');
  const { run, debug } = serverOptions('/ext/dist/server.js', IPC, flags) as { run: NodeModule; debug: NodeModule };
  assert.deepEqual([run.module, run.transport, run.options?.execArgv], ['/ext/dist/server.js', IPC, flags]);
  assert.deepEqual(debug.options?.execArgv?.slice(0, 2), flags, "the user's flags, then the debugger's");
  assert.ok(debug.options?.execArgv?.some((f) => f.startsWith('--inspect')));
  for (const unset of [undefined, null, '--max-old-space-size=4096', { flag: 1 }]) {
    const options = serverOptions('/s.js', IPC, execArgvSetting(unset)) as { run: NodeModule };
    assert.deepEqual(options.run.options?.execArgv, [], JSON.stringify(unset));
  }
});

test('package.json declares leaklint.execArgv as an array of strings a workspace cannot set', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const setting = manifest.contributes.configuration.properties['leaklint.execArgv'];
  assert.deepEqual([setting.type, setting.items, setting.default], ['array', { type: 'string' }, []]);
  // node flags such as --require run code: an untrusted workspace's settings must not reach them
  assert.equal(setting.scope, 'machine');
  assert.match(setting.markdownDescription, /--max-old-space-size/);
});
