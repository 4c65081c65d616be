// The npm package as a user gets it: `npm pack`, installed into an empty project, run with `npx leaklint`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO } from './rule-tester';

const scratch = mkdtempSync(join(tmpdir(), 'leaklint-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// under `npm test`, npm exports npm_config_* (prefix, user agent…): they would steer the nested npm
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env });

test('the packed package installs into an empty project and `npx leaklint scan` runs there', () => {
  const tarball = join(scratch, npm(['pack', '--pack-destination', scratch], REPO).trim().split('\n').pop()!);
  const project = join(scratch, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  writeFileSync(join(project, 'poll.ts'), 'export function start(tick: () => void): void {\n  setInterval(tick, 10);\n}\n');
  npm(['install', '--offline', tarball], project);
  const installed = join(project, 'node_modules/leaklint');
  assert.ok(existsSync(join(installed, 'leaklint.schema.json')), 'the config schema ships');
  assert.ok(!existsSync(join(installed, 'test')) && !existsSync(join(installed, 'dist/cli.blob')), 'only what runs ships');

  const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'leaklint', ...args], { cwd: project, encoding: 'utf8', env });
  const version = npx(['--version']);
  assert.equal(version.stdout, `${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`, version.stderr);
  const r = npx(['scan']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^poll\.ts:2:3 {2}warning {2}.* {2}uncleared-timer$/m);
});
