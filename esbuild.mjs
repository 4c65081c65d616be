// Bundles the extension client, the language server, the CLI and the ESLint plugin into dist/, and (with --tests) the
// tests into out/.
// TypeScript is not bundled: its compiler and lib.*.d.ts files are copied to dist/typescript/lib so the
// server and CLI always run our own pinned TypeScript, never the workspace's.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const withTests = process.argv.includes('--tests');
const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Rewrites `import ts from 'typescript'` in dist bundles to the copy shipped beside them. */
const bundledTypeScript = {
  name: 'bundled-typescript',
  setup(build) {
    build.onResolve({ filter: /^typescript$/ }, () => ({ path: './typescript/lib/typescript.js', external: true }));
  },
};

function copyTypeScript() {
  const from = join(root, 'node_modules/typescript/lib');
  const to = join(root, 'dist/typescript/lib');
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name === 'typescript.js' || (name.startsWith('lib.') && name.endsWith('.d.ts'))) cpSync(join(from, name), join(to, name));
  }
  cpSync(join(root, 'node_modules/typescript/package.json'), join(root, 'dist/typescript/package.json'));
}

function testEntries(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'fixtures' && name !== 'corpus' && name !== 'faults') out.push(...testEntries(path));
    } else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // `leaklint --version` and SARIF's tool version
  define: { LEAKLINT_VERSION: JSON.stringify(version) },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
copyTypeScript();
await Promise.all([
  esbuild.build({ ...common, entryPoints: { extension: 'client/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: { server: 'server/main.ts', cli: 'cli/main.ts' }, outdir: 'dist', plugins: [bundledTypeScript] }),
  // the ESLint plugin runs on the program typescript-eslint built, so it uses the project's own TypeScript
  esbuild.build({ ...common, entryPoints: { 'eslint-plugin': 'eslint-plugin/index.ts' }, outdir: 'dist', external: ['typescript'] }),
  // the snapshot's script carries TypeScript inside: a snapshot cannot load modules from disk
  esbuild.build({ ...common, sourcemap: false, entryPoints: { 'cli-snapshot': 'cli/snapshot.ts' }, outdir: 'dist' }),
]);
// the production build too: `node bin/leaklint.js` after `npm run package` starts as fast as after `npm run build`
// (the blob runs only on this node binary, so neither the npm package nor the .vsix ships it)
buildCliSnapshot();

/**
 * dist/cli.blob, the CLI's startup snapshot, for this node binary (bin/leaklint.js checks dist/cli.blob.json). A
 * blob runs only under the heap settings it was built with: a young generation that fits a parse's garbage and an
 * old generation that starts large enough for a program (fewer collections while it grows; ~5–10% of a scan).
 */
function buildCliSnapshot() {
  const script = join(root, 'dist/cli-snapshot.js');
  const blob = join(root, 'dist/cli.blob');
  const flags = ['--max-semi-space-size=32', '--initial-old-space-size=1024'];
  try {
    execFileSync(process.execPath, [...flags, '--snapshot-blob', blob, '--build-snapshot', script], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const built = { node: process.version, arch: process.arch, execPath: process.execPath, flags };
    writeFileSync(join(root, 'dist/cli.blob.json'), `${JSON.stringify(built, null, 2)}\n`);
  } catch (error) {
    // the CLI still runs, from dist/cli.js, only slower to start
    rmSync(blob, { force: true });
    console.warn(
      `esbuild.mjs: no CLI startup snapshot (${
        String(error.stderr ?? error.message)
          .trim()
          .split('\n')[0]
      })`,
    );
  } finally {
    rmSync(script, { force: true });
  }
}

if (withTests) {
  rmSync(join(root, 'out'), { recursive: true, force: true });
  const entries = testEntries(join(root, 'test'));
  await esbuild.build({
    ...common,
    entryPoints: entries.map((e) => ({ in: e, out: relative(root, e).replace(/\.ts$/, '') })),
    outdir: 'out',
    external: ['typescript', 'vscode', 'ajv', 'ajv-draft-04', 'eslint', 'typescript-eslint', '@typescript-eslint/*'],
  });
}
