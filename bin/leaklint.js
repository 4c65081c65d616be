#!/usr/bin/env node
'use strict';
// The `leaklint` command. Built by `npm run build` (node esbuild.mjs): dist/cli.js, and dist/cli.blob, a V8 startup
// snapshot of the same CLI with TypeScript loaded and its default libraries parsed and bound (on rxjs's source a
// scan takes ~0.9 s instead of ~1.2 s). The blob only runs on the node binary that built it, with the V8 flags it was
// built with; with any other node (or LEAKLINT_SNAPSHOT=0) the CLI runs from dist/cli.js.
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '../dist');
const args = process.argv.slice(2);

/** The blob and the V8 flags it was built with, when this node binary built it. */
function snapshot() {
  if (process.env.LEAKLINT_SNAPSHOT === '0') return undefined;
  try {
    const built = JSON.parse(readFileSync(join(dist, 'cli.blob.json'), 'utf8'));
    const ours = built.execPath === process.execPath && built.node === process.version && built.arch === process.arch;
    return ours ? { blob: join(dist, 'cli.blob'), flags: built.flags ?? [] } : undefined;
  } catch {
    return undefined;
  }
}

const fromSnapshot = snapshot();
if (fromSnapshot) {
  const { blob, flags } = fromSnapshot;
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, '--snapshot-blob', blob, '--', ...args], { stdio: 'inherit' });
  if (child.error) throw child.error;
  if (child.signal) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 1;
} else {
  process.exitCode = require('../dist/cli.js').main(args);
}
