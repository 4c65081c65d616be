// Lifetimes across the projects of one scan: a helper or a class exported by one package and used by another
// package's plugin is judged by the plugin's calls too (engine/dependents.ts), and a package scanned alone keeps the
// findings it had. Each case is a small generated workspace of tsconfig projects joined by project references.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultConfig } from '../engine/config';
import { Linter, scan } from '../engine/linter';
import { RULES } from '../rules';
import { makeWorkspace } from './lsp-client';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const tsconfig = (references: string[]) =>
  JSON.stringify({
    compilerOptions: { composite: true, strict: true, module: 'nodenext', rootDir: 'src', outDir: 'lib' },
    include: ['src'],
    references: references.map((path) => ({ path })),
  });

/** The shared package: a helper that registers commands, and a widget whose set-up does. */
const CORE = `export interface Disposable {
  dispose(): void;
}
export interface Commands {
  addCommand(id: string, run: () => void): Disposable;
}
export function addPanelCommands(commands: Commands): void {
  commands.addCommand('panel:open', () => console.log('open'));
}
export class StatusWidget {
  constructor(commands: Commands) {
    commands.addCommand('status:refresh', () => this.refresh());
  }
  refresh(): void {}
}
`;

/** A plugin package whose activation, which its host runs once, calls the helper and builds the widget. */
const PLUGIN = `import { addPanelCommands, StatusWidget, type Commands } from '../../core/src/index.js';
function activate(app: { commands: Commands; widgets: object[] }): void {
  addPanelCommands(app.commands);
  app.widgets.push(new StatusWidget(app.commands));
}
export const panelPlugin = { id: 'demo:panel', autoStart: true, activate };
`;

/** A package that calls the helper for every viewer it opens. */
const VIEWER = `import { addPanelCommands, type Commands } from '../../core/src/index.js';
export function openViewer(commands: Commands): void {
  addPanelCommands(commands);
}
`;

/** A shared package's provider that listens on the document it is given, and removes nothing. */
const PROVIDER = `export interface Emitter {
  on(event: string, listener: () => void): void;
  off(event: string, listener: () => void): void;
}
export class SyncProvider {
  private readonly doc: Emitter;
  constructor(doc: Emitter) {
    this.doc = doc;
    this.doc.on('update', this.push.bind(this));
  }
  private push(): void {}
}
`;

/** A session package that makes a document for each session and the session's provider on it. */
const SESSION = `import { SyncProvider, type Emitter } from '../../core/src/index.js';
class Doc implements Emitter {
  on(): void {}
  off(): void {}
}
export class Session {
  private readonly doc = new Doc();
  readonly provider = new SyncProvider(this.doc);
}
`;

/** A package that makes a provider on one document for every connection. */
const SHARED_DOC = `import { SyncProvider, type Emitter } from '../../core/src/index.js';
declare const doc: Emitter;
export function connect(): SyncProvider {
  return new SyncProvider(doc);
}
`;

function workspace(packages: Record<string, { source: string; references: string[] }>): string {
  const files: Record<string, string> = {};
  for (const [name, { source, references }] of Object.entries(packages)) {
    files[`packages/${name}/tsconfig.json`] = tsconfig(references);
    files[`packages/${name}/src/index.ts`] = source;
  }
  const root = makeWorkspace(files, 'leaklint-dependents-');
  roots.push(root);
  return root;
}

/** The findings of `leaklint scan <paths…>`, as `file:line rule` relative to the workspace. */
function findings(root: string, ...paths: string[]): string[] {
  const result = scan({ paths: paths.map((p) => join(root, p)) }, new Linter(RULES, defaultConfig(), root));
  return result.findings.map((f) => `${relative(root, f.file)}:${f.line} ${f.ruleId}`).sort();
}

const BOTH_FINDINGS = ['packages/core/src/index.ts:12 untracked-disposable', 'packages/core/src/index.ts:8 untracked-disposable'];

describe('lifetimes across the projects of a scan', () => {
  it("what only another package's plugin activation calls or instantiates runs once", () => {
    const root = workspace({ core: { source: CORE, references: [] }, plugin: { source: PLUGIN, references: ['../core'] } });
    assert.deepEqual(findings(root, 'packages'), []);
  });

  it('a package scanned alone keeps its findings', () => {
    const root = workspace({ core: { source: CORE, references: [] }, plugin: { source: PLUGIN, references: ['../core'] } });
    assert.deepEqual(findings(root, 'packages/core'), BOTH_FINDINGS);
  });

  it("a class only another package makes, on sources that package's instance owns, is handed them", () => {
    const root = workspace({ core: { source: PROVIDER, references: [] }, session: { source: SESSION, references: ['../core'] } });
    assert.deepEqual(findings(root, 'packages'), []);
    assert.deepEqual(findings(root, 'packages/core'), ['packages/core/src/index.ts:9 listener-leak']);
  });

  it('a class another package makes on a shared source keeps its registration reported', () => {
    const root = workspace({
      core: { source: PROVIDER, references: [] },
      session: { source: SESSION, references: ['../core'] },
      shared: { source: SHARED_DOC, references: ['../core'] },
    });
    assert.deepEqual(findings(root, 'packages'), ['packages/core/src/index.ts:9 listener-leak']);
  });

  it('a call from another package that runs again keeps the helper reported', () => {
    const root = workspace({
      core: { source: CORE, references: [] },
      plugin: { source: PLUGIN, references: ['../core'] },
      viewer: { source: VIEWER, references: ['../core'] },
    });
    assert.deepEqual(findings(root, 'packages'), [BOTH_FINDINGS[1]]);
  });
});
