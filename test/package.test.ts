// The npm package as a user gets it: `npm pack`, installed into an empty project, run with `npx leaklint`; and the
// .vsix's Marketplace icon (the e2e suite checks the installed extension has it).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
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

/** The chunks of a PNG file, each checked against its CRC. */
function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `the CRC of ${type}`);
    chunks.push({ type, data });
    at += 12 + length;
  }
  return chunks;
}

test('the Marketplace icon: a 128x128 PNG that package.json names and the .vsix ships', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.equal(manifest.icon, 'images/icon.png');
  assert.match(readFileSync(join(REPO, '.vscodeignore'), 'utf8'), /^!images\/icon\.png$/m);
  const chunks = pngChunks(readFileSync(join(REPO, manifest.icon)));
  const header = chunks.find((c) => c.type === 'IHDR')!.data;
  assert.deepEqual([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]], [128, 128, 8, 6], '128x128, 8-bit RGBA');
  const rows = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  assert.equal(rows.length, 128 * (1 + 128 * 4));
  assert.equal(chunks.at(-1)!.type, 'IEND');
  // a drawing, not a blank: unfiltered rows (as scripts/make-icon.mjs writes them) with many colours
  for (let y = 0; y < 128; y++) assert.equal(rows[y * 513], 0, `row ${y} is unfiltered`);
  const colours = new Set<number>();
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) colours.add(rows.readUInt32BE(y * 513 + 1 + x * 4));
  assert.ok(colours.size > 50, `${colours.size} colours`);
});
