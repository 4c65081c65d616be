// Projects analysed with the types the user's editor has: automatic @types as the workspace's TypeScript decides,
// project references from source, workspace packages from source, jsconfig projects, and a tsconfig whose base config
// is not installed. Each case is a small generated workspace outside the repository (so no TypeScript or @types of
// ours is found above it) with this repository's @types/node linked in.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultConfig } from '../engine/config';
import { Linter, planScan, scan } from '../engine/linter';
import { Project } from '../engine/project';
import { RULES } from '../rules';
import { leaklint } from './cli-harness';
import { LspClient, makeWorkspace, writeFile } from './lsp-client';
import { REPO } from './rule-tester';

const NODE_TYPES = join(REPO, 'node_modules/@types/node');

/** The example: a server created and never closed. */
const LEAKY_SERVER = `import { createServer } from "node:net";
export function f() {
  const s = createServer();
  s.listen(0);
}
`;
const PLAIN_TSCONFIG = JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true } });

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A temporary workspace with `files`, @types/node linked into its node_modules and, if given, a TypeScript version installed. */
function nodeWorkspace(files: Record<string, string>, typescriptVersion?: string): string {
  const root = makeWorkspace(files, 'leaklint-types-');
  roots.push(root);
  mkdirSync(join(root, 'node_modules/@types'), { recursive: true });
  symlinkSync(NODE_TYPES, join(root, 'node_modules/@types/node'), 'dir');
  // only its manifest: the engine reads the version and never loads the workspace's TypeScript
  if (typescriptVersion)
    writeFile(join(root, 'node_modules/typescript/package.json'), JSON.stringify({ name: 'typescript', version: typescriptVersion }));
  return root;
}

function link(root: string, from: string, to: string): void {
  mkdirSync(join(root, from, '..'), { recursive: true });
  symlinkSync(join(root, to), join(root, from), 'dir');
}

/** The engine's scan of the whole workspace, findings as `file:line rule` relative to it. */
function engineScan(root: string) {
  const result = scan({ paths: [root] }, new Linter(RULES, defaultConfig(), root));
  const findings = result.findings.map((f) => `${relative(root, f.file)}:${f.line} ${f.ruleId}`).sort();
  return { ...result, findings };
}

describe('automatic @types as the workspace TypeScript has them', () => {
  it('a plain Node project (no `types`, TypeScript absent) gets its finding through the engine and the CLI', () => {
    const root = nodeWorkspace({ 'tsconfig.json': PLAIN_TSCONFIG, 'index.ts': LEAKY_SERVER });
    const { findings, problems, projects } = engineScan(root);
    assert.deepEqual(findings, ['index.ts:3 unclosed-resource']);
    assert.deepEqual(problems, []);
    assert.deepEqual(projects, [join(root, 'tsconfig.json')]);
    const cli = leaklint(['scan', '.'], root);
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, /^index\.ts:3:13 {2}warning {2}`s` \(Server from createServer\(\)\) is never released.*unclosed-resource$/m);
  });

  it("the installed TypeScript's version decides: 4.x and 5.x load every @types package, 6.x none", () => {
    for (const [version, expected] of [
      ['4.9.5', 1],
      ['5.9.3', 1],
      ['6.0.3', 0],
      ['7.0.0-dev.20260101', 0],
    ] as const) {
      const root = nodeWorkspace({ 'tsconfig.json': PLAIN_TSCONFIG, 'src/index.ts': LEAKY_SERVER }, version);
      assert.equal(engineScan(root).findings.length, expected, `TypeScript ${version}`);
    }
  });

  it("a tsconfig's own `types` wins over the version: [] loads none under 5.x, ['node'] loads it under 6.x", () => {
    const none = nodeWorkspace(
      { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', types: [] } }), 'index.ts': LEAKY_SERVER },
      '5.9.3',
    );
    assert.deepEqual(engineScan(none).findings, []);
    const node = nodeWorkspace(
      { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', types: ['node'] } }), 'index.ts': LEAKY_SERVER },
      '6.0.3',
    );
    assert.deepEqual(engineScan(node).findings, ['index.ts:3 unclosed-resource']);
  });
});

/** A server factory in one package and its callers in another: by package name (linked) and by relative path. */
const FACTORY = `import { createServer, type Server } from "node:net";
export function openServer(): Server {
  return createServer();
}
`;
const FACTORY_DECLARATION = `import { type Server } from "node:net";
export declare function openServer(): Server;
`;
const BY_NAME = `import { openServer } from "@refs/a";
export function run() {
  const s = openServer();
  s.listen(0);
}
`;
const BY_PATH = `import { openServer } from "../../a/src/index.js";
export function run() {
  const t = openServer();
  t.listen(0);
}
`;

function referencesWorkspace(b: Record<string, unknown>, built: boolean): string {
  const options = { module: 'nodenext', strict: true, outDir: 'dist', rootDir: 'src' };
  const root = nodeWorkspace({
    'tsconfig.json': JSON.stringify({ files: [], references: [{ path: 'packages/a' }, { path: 'packages/b' }] }),
    'packages/a/package.json': JSON.stringify({ name: '@refs/a', types: './dist/index.d.ts', main: './dist/index.js' }),
    'packages/a/tsconfig.json': JSON.stringify({ compilerOptions: { ...options, composite: true } }),
    'packages/a/src/index.ts': FACTORY,
    ...(built ? { 'packages/a/dist/index.d.ts': FACTORY_DECLARATION, 'packages/a/dist/index.js': '' } : {}),
    'packages/b/tsconfig.json': JSON.stringify({ compilerOptions: { ...options, ...b }, references: [{ path: '../a' }] }),
    'packages/b/src/by-name.ts': BY_NAME,
    'packages/b/src/by-path.ts': BY_PATH,
  });
  link(root, 'node_modules/@refs/a', 'packages/a');
  return root;
}

describe('project references', () => {
  const expected = ['packages/b/src/by-name.ts:3 unclosed-resource', 'packages/b/src/by-path.ts:3 unclosed-resource'];

  it('without built outputs resolve to the referenced sources: the same findings as from the built declarations', () => {
    const fromSources = engineScan(referencesWorkspace({}, false));
    assert.deepEqual(fromSources.findings, expected);
    assert.deepEqual(fromSources.problems, []);
    // what TypeScript reads from the outputs when told not to use sources (this also once crashed on dispose)
    const fromOutputs = engineScan(referencesWorkspace({ disableSourceOfProjectReferenceRedirect: true }, true));
    assert.deepEqual(fromOutputs.findings, expected);
    assert.deepEqual(fromOutputs.problems, []);
  });

  it('a disposed project lets its program go (a scan keeps every project until the end)', async () => {
    const root = referencesWorkspace({}, false);
    // in a workspace the project keeps the compiler host TypeScript builds with (and patches for the source redirect)
    writeFile(join(root, 'package.json'), JSON.stringify({ private: true, workspaces: ['packages/*'] }));
    const project = Project.fromTsconfig(join(root, 'packages/b/tsconfig.json'));
    const program = new WeakRef(project.program());
    assert.ok(program.deref()?.getSourceFile(join(project.id, '../../a/src/index.ts')), 'the referenced source is in the program');
    project.dispose();
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    // a WeakRef holds its target until the turn that created it ends; a collection may also leave it for the next one
    for (let i = 0; i < 10 && program.deref(); i++) {
      await nextTurn();
      collectGarbage();
    }
    assert.equal(program.deref(), undefined);
  });

  it('the CLI reports them from a workspace never built', () => {
    const root = referencesWorkspace({}, false);
    const cli = leaklint(['scan', '.'], root);
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, /^packages\/b\/src\/by-name\.ts:3:13 .*`s` \(Server from openServer\(\)\)/m);
    assert.match(cli.out, /^packages\/b\/src\/by-path\.ts:3:13 .*`t` \(Server from openServer\(\)\)/m);
  });
});

const USES_PACKAGES = `import { openServer } from "@ws/a";
import { openFile } from "@ws/a/util";
import { missing } from "@elsewhere/pkg";
export function run() {
  const s = openServer();
  s.listen(0);
  const f = openFile("x");
  f.read();
  const m = missing();
  m.listen(0);
}
`;
const FILE_FACTORY = `import { createReadStream } from "node:fs";
export function openFile(p: string) {
  return createReadStream(p);
}
`;

describe('workspace packages', () => {
  const expected = ['packages/b/src/main.ts:5 unclosed-resource', 'packages/b/src/main.ts:7 unclosed-resource'];

  it('npm workspaces, not linked: imports resolve to the sources behind `exports` (tsconfig outDir → rootDir)', () => {
    const root = nodeWorkspace({
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
      'packages/a/package.json': JSON.stringify({
        name: '@ws/a',
        type: 'module',
        exports: { '.': { types: './out/index.d.ts', default: './out/index.js' }, './util': './out/util.js' },
      }),
      'packages/a/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', outDir: 'out', rootDir: 'source' } }),
      'packages/a/source/index.ts': FACTORY,
      'packages/a/source/util.ts': FILE_FACTORY,
      'packages/b/package.json': JSON.stringify({ name: '@ws/b', type: 'module' }),
      'packages/b/tsconfig.json': PLAIN_TSCONFIG,
      'packages/b/src/main.ts': USES_PACKAGES,
    });
    // an import of a package outside the workspace stays unresolved: no finding for `m`
    assert.deepEqual(engineScan(root).findings, expected);
  });

  it('pnpm workspaces, linked but not built: `main` in lib/ maps to src/ by convention', () => {
    const root = nodeWorkspace({
      'pnpm-workspace.yaml': "packages:\n  - 'libs/**'\n  - '!libs/ignored'\n",
      'libs/a/package.json': JSON.stringify({ name: '@ws/a', main: 'lib/index.js', types: 'lib/index.d.ts' }),
      'libs/a/src/index.ts': FACTORY,
      'libs/a/src/util.ts': FILE_FACTORY,
      'libs/ignored/package.json': JSON.stringify({ name: '@elsewhere/pkg', main: 'index.js' }),
      'libs/ignored/index.ts': FACTORY.replace('openServer', 'missing'),
      'packages/b/tsconfig.json': PLAIN_TSCONFIG,
      'packages/b/src/main.ts': USES_PACKAGES,
    });
    link(root, 'packages/b/node_modules/@ws/a', 'libs/a');
    assert.deepEqual(engineScan(root).findings, expected);
  });

  it("a linked, referenced package's sources are the program's: an interface's implementations there are found", () => {
    const root = nodeWorkspace({
      'pnpm-workspace.yaml': "packages:\n  - 'libs/*'\n",
      'libs/a/package.json': JSON.stringify({ name: '@ws/a', main: 'lib/index.js', types: 'lib/index.d.ts' }),
      'libs/a/tsconfig.json': JSON.stringify({ compilerOptions: { composite: true, outDir: 'lib', rootDir: 'src', strict: true } }),
      'libs/a/src/index.ts': `export interface Context {
  readonly path: string;
  dispose(): void;
}
export interface Manager {
  contextFor(id: string): Context | undefined;
  open(id: string): Context;
}
export class DocumentManager implements Manager {
  private readonly contexts = new Map<string, Context>();
  contextFor(id: string): Context | undefined {
    return this.contexts.get(id);
  }
  open(id: string): Context {
    return { path: id, dispose: () => undefined };
  }
}
`,
      'packages/b/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true }, references: [{ path: '../../libs/a' }] }),
      'packages/b/src/main.ts': `import type { Manager } from "@ws/a";
export function pathOf(manager: Manager, id: string): string {
  const looked = manager.contextFor(id);
  const opened = manager.open(id);
  return (looked?.path ?? "") + opened.path;
}
`,
    });
    link(root, 'packages/b/node_modules/@ws/a', 'libs/a');
    // the lookup borrows what the manager keeps; what `open` makes is the caller's
    assert.deepEqual(engineScan(root).findings, ['packages/b/src/main.ts:4 untracked-disposable']);
  });
});

/** A JavaScript project whose leak is seen only through its jsconfig's `paths`. */
const JS_PROJECT = {
  'jsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', paths: { '@lib/*': ['./lib/*'] } }, include: ['src', 'lib'] }),
  'lib/factory.js': `const net = require("node:net");
exports.openServer = function openServer() {
  return net.createServer();
};
`,
  'src/main.js': `const { openServer } = require("@lib/factory.js");
exports.run = function run() {
  const s = openServer();
  s.listen(0);
};
`,
};

describe('jsconfig.json projects', () => {
  it('are found like tsconfig ones, their options included', () => {
    const root = nodeWorkspace(JS_PROJECT);
    const linter = new Linter(RULES, defaultConfig(), root);
    assert.deepEqual(
      planScan({ paths: [root] }, linter).work.map((w) => w.project.id),
      [join(root, 'jsconfig.json')],
    );
    assert.deepEqual(engineScan(root).findings, ['src/main.js:3 unclosed-resource']);
    const cli = leaklint(['scan', 'src'], root);
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, /^src\/main\.js:3:13 .*unclosed-resource$/m);
  });

  it('the language server finds them too', async () => {
    const root = nodeWorkspace(JS_PROJECT);
    const client = new LspClient();
    try {
      await client.initialize([root]);
      const file = join(root, 'src/main.js');
      const uri = client.open(file, JS_PROJECT['src/main.js'], 'javascript');
      const diagnostics = await client.diagnostics(uri, (ds) => ds.length > 0);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.range.start.line]),
        [['unclosed-resource', 2]],
      );
    } finally {
      await client.shutdown().catch(() => client.kill());
    }
  });
});

const MISSING_BASE =
  'extends "@tsconfig/node22/tsconfig.json", but package @tsconfig/node22 is not installed: analysed with the rest of this tsconfig';

describe('a tsconfig extending a package that is not installed', () => {
  const files = {
    'tsconfig.json': JSON.stringify({
      extends: '@tsconfig/node22/tsconfig.json',
      compilerOptions: { module: 'nodenext', lib: ['es2022'] },
    }),
    'index.ts': LEAKY_SERVER,
  };

  it('is one warning naming the package; its files are analysed with the rest of it', () => {
    const root = nodeWorkspace(files);
    const linter = new Linter(RULES, defaultConfig(), root);
    const plan = planScan({ paths: [root] }, linter);
    assert.deepEqual(plan.problems, [
      {
        file: join(root, 'tsconfig.json'),
        message: MISSING_BASE,
        severity: 'warning',
      },
    ]);
    const [{ project }] = plan.work;
    assert.equal(project.id, join(root, 'tsconfig.json'));
    assert.deepEqual(project.options.lib, ['lib.es2022.d.ts']);
    for (const { project: p } of plan.work) p.dispose();
    assert.deepEqual(engineScan(root).findings, ['index.ts:3 unclosed-resource']);
  });

  it('the CLI prints that one line and exits by the findings, not with 2', () => {
    const root = nodeWorkspace(files);
    const cli = leaklint(['scan', '.'], root);
    assert.equal(cli.code, 0, cli.err);
    assert.deepEqual(
      cli.err
        .trim()
        .split('\n')
        .filter((l) => l.includes('tsconfig')),
      [`leaklint: ${join(root, 'tsconfig.json')}: ${MISSING_BASE}`],
    );
    assert.match(cli.out, /^index\.ts:3:13 .*unclosed-resource$/m);
    assert.equal(leaklint(['scan', '.', '--max-warnings', '0'], root).code, 1);
  });
});
