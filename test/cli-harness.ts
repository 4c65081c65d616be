// Running the built `leaklint` command in scratch workspaces, shared by the CLI test files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './rule-tester';

export const BIN = join(REPO, 'bin/leaklint.js');

export function leaklint(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A scratch workspace inside the repo (so node_modules/@types resolves), with the given files. */
export function workspace(files: Record<string, string>, prefix = 'ws-'): string {
  mkdirSync(join(REPO, '.scratch'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.scratch', prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A file with one leak (a write stream never closed) and one with another (an interval never cleared). */
export const LEAK = `import * as fs from 'node:fs';
export function f(p: string): void {
  const out = fs.createWriteStream(p);
  out.write('x');
}
`;
export const TIMER = `export function g(tick: () => void): void {
  setInterval(tick, 10);
}
`;
