// Opening a workspace must never run its code: no TypeScript from its node_modules, no tsserver plugins named in
// its tsconfig. Both are baited with code that writes a marker file when loaded; the CLI and the server scan the
// workspace and open a file, and the markers must not appear. A preloaded hook (NODE_OPTIONS) also records every
// file the process reads: all must be in the workspace, LeakLint's own files, or type declarations.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { leaklint } from './cli-harness';
import { LspClient, makeWorkspace, REPO, writeFile } from './lsp-client';

const LEAK = `import * as fs from 'node:fs';
export function f(p: string): void {
  const out = fs.createWriteStream(p);
  out.write('x');
}
`;

/** Records the paths read through fs (content and directory listings) and writes them out at exit. */
const READ_HOOK = `const fs = require('node:fs');
const { resolve } = require('node:path');
const reads = new Set();
const readLog = fs.readFileSync;
for (const name of ['readFileSync', 'openSync', 'readdirSync']) {
  const original = fs[name];
  fs[name] = function (path, ...rest) {
    if (typeof path === 'string') reads.add(resolve(path));
    return original.call(this, path, ...rest);
  };
}
// a process and the node processes it starts (bin/leaklint.js runs the CLI in one) share the log
process.on('exit', () => {
  const log = process.env.LEAKLINT_READS_LOG;
  let earlier = [];
  try {
    earlier = JSON.parse(readLog(log, 'utf8'));
  } catch {}
  fs.writeFileSync(log, JSON.stringify([...new Set([...earlier, ...reads])]));
});
`;

/** Code that writes a marker file when it is loaded. */
const bait = (marker: string) => `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'executed');\n`;

/** Runs `fn` with the read hook preloaded into the child processes it starts; returns the paths they read. */
async function recordingReads(hookDir: string, fn: () => Promise<void> | void): Promise<string[]> {
  const log = join(hookDir, `reads-${Date.now()}.json`);
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, LEAKLINT_READS_LOG: process.env.LEAKLINT_READS_LOG };
  process.env.NODE_OPTIONS = `--require ${join(hookDir, 'hook.js')}`;
  process.env.LEAKLINT_READS_LOG = log;
  try {
    await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return JSON.parse(readFileSync(log, 'utf8')) as string[];
}

describe('workspace code is never executed', { timeout: 300_000 }, () => {
  let ws: string;
  let hookDir: string;
  const markers = () => ['PLUGIN-LOADED', 'TYPESCRIPT-LOADED'].filter((m) => existsSync(join(ws, m)));
  /** Paths read outside the workspace that are neither LeakLint's own files nor type declarations. */
  const unexpected = (reads: string[]) =>
    reads.filter(
      (p) =>
        p !== ws &&
        !p.startsWith(ws + sep) &&
        !p.startsWith(hookDir + sep) &&
        ![join(REPO, 'dist'), join(REPO, 'bin')].some((own) => p.startsWith(own + sep)) &&
        p !== join(REPO, 'package.json') && // node reads it to learn bin/leaklint.js's module type
        !/\.d\.[cm]?ts$|[\\/]package\.json$/.test(p),
    );

  before(() => {
    ws = makeWorkspace({}, 'leaklint-security-');
    const code = (marker: string) => bait(join(ws, marker));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules/@types')],
          plugins: [{ name: 'evil-plugin' }],
        },
        include: ['src'],
      }),
      'src/a.ts': LEAK,
      'node_modules/evil-plugin/package.json': JSON.stringify({ name: 'evil-plugin', version: '1.0.0', main: 'index.js' }),
      'node_modules/evil-plugin/index.js': code('PLUGIN-LOADED'),
      'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '6.0.3', main: './lib/typescript.js' }),
      'node_modules/typescript/lib/typescript.js': code('TYPESCRIPT-LOADED'),
      'node_modules/typescript/lib/tsserver.js': code('TYPESCRIPT-LOADED'),
    };
    for (const [name, text] of Object.entries(files)) writeFile(join(ws, name), text);
    hookDir = mkdtempSync(join(tmpdir(), 'leaklint-hook-'));
    writeFileSync(join(hookDir, 'hook.js'), READ_HOOK);
  });
  after(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(hookDir, { recursive: true, force: true });
  });

  it('the bait works when it is loaded', () => {
    // guards the test itself: loading the baits does write the markers
    const probe = mkdtempSync(join(tmpdir(), 'leaklint-bait-'));
    try {
      writeFileSync(join(probe, 'bait.js'), bait(join(probe, 'LOADED')));
      require(join(probe, 'bait.js'));
      assert.ok(existsSync(join(probe, 'LOADED')));
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  });

  it('the CLI scans it without loading its TypeScript or plugins, reading only the workspace and type declarations', async () => {
    let result: ReturnType<typeof leaklint> | undefined;
    const reads = await recordingReads(hookDir, () => {
      result = leaklint(['scan', ws, '--format', 'json'], ws);
    });
    assert.equal(result!.code, 0, result!.err);
    assert.deepEqual(
      (JSON.parse(result!.out) as { ruleId: string }[]).map((f) => f.ruleId),
      ['unclosed-resource'],
    );
    assert.deepEqual(markers(), []);
    assert.ok(reads.includes(join(ws, 'src/a.ts')), 'the hook recorded the reads');
    assert.deepEqual(unexpected(reads), []);
  });

  it('the server opens a file and scans the workspace without loading its TypeScript or plugins', async () => {
    const reads = await recordingReads(hookDir, async () => {
      const client = new LspClient();
      try {
        await client.initialize([ws]);
        const uri = client.open(join(ws, 'src/a.ts'), LEAK);
        assert.deepEqual(
          (await client.diagnostics(uri, (ds) => ds.length > 0)).map((d) => d.code),
          ['unclosed-resource'],
        );
        assert.deepEqual(await client.request('leaklint/scanWorkspace', {}), { files: 1, findings: 1, unchanged: 1, cancelled: false });
      } finally {
        await client.shutdown().catch(() => client.kill());
      }
    });
    assert.deepEqual(markers(), []);
    assert.ok(reads.includes(join(REPO, 'dist/typescript/lib/typescript.js')), 'the server loads its own TypeScript');
    assert.deepEqual(unexpected(reads), []);
  });
});
