#!/usr/bin/env node
'use strict';
// The `leaklint` command. Built by `npm run build` (node esbuild.mjs): dist/cli.js, and dist/cli.blob, a V8 startup
// snapshot of the same CLI with TypeScript loaded and its default libraries parsed (a scan starts ~0.4 s sooner).
// The blob only runs on the node binary that built it; with any other node (or LEAKLINT_SNAPSHOT=0) the CLI runs
// from dist/cli.js.
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '../dist');
const args = process.argv.slice(2);

function snapshotBlob() {
  if (process.env.LEAKLINT_SNAPSHOT === '0') return undefined;
  try {
    const built = JSON.parse(readFileSync(join(dist, 'cli.blob.json'), 'utf8'));
    return built.execPath === process.execPath && built.node === process.version && built.arch === process.arch ? join(dist, 'cli.blob') : undefined;
  } catch {
    return undefined;
  }
}

const blob = snapshotBlob();
if (blob) {
  const child = spawnSync(process.execPath, [...process.execArgv, '--snapshot-blob', blob, '--', ...args], { stdio: 'inherit' });
  if (child.error) throw child.error;
  if (child.signal) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 1;
} else {
  process.exitCode = require('../dist/cli.js').main(args);
}
