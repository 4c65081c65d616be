// Typing in a file: the built server keeps what the rules asked of types from one lint of a document to the next
// (engine/type-facts.ts) and searches only the edited body again for references. After every edit its diagnostics
// must be what a fresh lint of the same text finds. Run `node esbuild.mjs --tests` first.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Linter, resolveConfig } from '../engine/linter';
import { Project } from '../engine/project';
import type { Finding } from '../engine/rule';
import { RULES } from '../rules';
import { LspClient, makeWorkspace, tsconfigJson, type Diagnostic } from './lsp-client';

/**
 * An exported helper that registers a command (no finding while only top-level code calls it), a class that owns a
 * watcher its dispose() forgets, a listener nothing removes, a call that drops what a function lends it (borrowed:
 * no finding), and a function with a closure over an outer variable.
 */
const SERVICE = `import { EventEmitter } from 'node:events';

export interface Registration {
  dispose(): void;
}

export interface CommandRegistry {
  addCommand(id: string, options: { label: string; execute: () => void }): Registration;
  watch(pattern: string): Registration;
}

declare const registry: CommandRegistry;
const bus = new EventEmitter();
let current: string | undefined;

export function addCommands(commands: CommandRegistry): void {
  commands.addCommand('open', { label: 'Open', execute: () => console.log('open') });
}

addCommands(registry);

export class Panel {
  private readonly watcher = registry.watch('**/*.md');

  constructor(private readonly commands: CommandRegistry) {}

  show(): void {
    bus.on('data', () => this.render());
  }

  render(): void {
    void this.commands;
  }

  refresh(holder: { registration: Registration }): void {
    registrationOf(holder);
  }

  dispose(): void {
    void 'teardown';
  }
}

export function registrationOf(holder: { registration: Registration }): Registration {
  return holder.registration;
}

export function label(): string {
  if (current) {
    const read = (): number => current!.length;
    return String(read());
  }
  return '';
}
`;

const key = (rule: string, line: number, column: number, endLine: number, endColumn: number, message: string) =>
  `${rule} ${line}:${column}-${endLine}:${endColumn} ${message}`;
const ofDiagnostic = (d: Diagnostic) =>
  key(String(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message);
const ofFinding = (f: Finding) => key(f.ruleId, f.line - 1, f.column - 1, f.endLine - 1, f.endColumn - 1, f.message);

describe('language server edits', () => {
  let root: string;
  let client: LspClient;
  let fresh: (text: string) => Finding[];
  const file = () => join(root, 'src/service.ts');

  before(async () => {
    root = makeWorkspace({ 'tsconfig.json': tsconfigJson(), 'src/service.ts': SERVICE });
    // the same text linted anew each time: a project of its own and a linter without the server's caches
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const linter = new Linter(RULES, resolveConfig(root, RULES), root);
    let version = 0;
    fresh = (text) => {
      project.setOverlay(file(), text, ++version);
      return linter.lintFile(project, file()).findings;
    };
    client = new LspClient();
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  it('shows after every edit inside a body or of a comment what a fresh lint of the text finds', async () => {
    const uri = client.open(file(), SERVICE);
    let text = SERVICE;
    const shown = async (version: number) => (await client.diagnostics(uri, () => true, version)).map(ofDiagnostic).sort();
    assert.deepEqual(await shown(1), fresh(text).map(ofFinding).sort());
    /** Replaces the first `from` with `to`, as an editor sends it, and compares the diagnostics with a fresh lint. */
    const edit = async (from: string, to: string): Promise<string[]> => {
      const at = text.indexOf(from);
      assert.ok(at >= 0, `${from} is in the text`);
      const position = (offset: number) => {
        const lines = text.slice(0, offset).split('\n');
        return { line: lines.length - 1, character: lines.at(-1)!.length };
      };
      const version = client.change(uri, [{ range: { start: position(at), end: position(at + from.length) }, newText: to }]);
      text = text.slice(0, at) + to + text.slice(at + from.length);
      const expected = fresh(text);
      assert.deepEqual(await shown(version), expected.map(ofFinding).sort(), `after ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
      return expected.map((f) => `${f.ruleId}/${f.messageId}`).sort();
    };
    const initially = ['listener-leak/inlineHandler', 'untracked-disposable/fieldNeverDisposed'];
    assert.deepEqual(await edit("'teardown'", "'teardown, typed'"), initially);
    // the teardown's body decides a finding at the field, outside it
    assert.deepEqual(await edit("void 'teardown, typed';", 'this.watcher.dispose();'), ['listener-leak/inlineHandler']);
    // a call from a method that runs again: the helper's registration, in another function, now leaks
    const calls = 'void this.commands;\n    addCommands(this.commands);';
    assert.deepEqual(await edit('void this.commands;', calls), ['listener-leak/inlineHandler', 'untracked-disposable/dropped']);
    assert.deepEqual(await edit(calls, 'void this.commands;'), ['listener-leak/inlineHandler']);
    // inside the edited body the answers are asked again: the same call, kept by the parser, on another receiver
    const watches = "const source = this.commands;\n    source.watch('*.ts');";
    assert.deepEqual(await edit('void this.commands;', watches), ['listener-leak/inlineHandler', 'untracked-disposable/dropped']);
    const retyped = 'const source = this.commands as unknown as { watch(pattern: string): number };';
    assert.deepEqual(await edit('const source = this.commands;', retyped), ['listener-leak/inlineHandler']);
    await edit(`${retyped}\n    source.watch('*.ts');`, 'void this.commands;');
    // an assignment to an outer variable (it ends the narrowing in the closure), then a signature that follows its body
    await edit('    return String(read());', '    current = undefined;\n    return String(read());');
    await edit('render(): void {', 'render() {');
    assert.deepEqual(await edit('this.watcher.dispose();', "void 'teardown';"), initially);
    // a function summary read from the edited body decides a call outside it: borrowed, then made there, then borrowed
    const made = "return registry.watch('*.json');";
    const dropped = ['listener-leak/inlineHandler', 'untracked-disposable/dropped', 'untracked-disposable/fieldNeverDisposed'];
    assert.deepEqual(await edit('return holder.registration;', made), dropped);
    assert.deepEqual(await edit(made, 'return holder.registration;'), initially);
    // comments typed a character at a time, between statements and between members (the answers outside are kept)
    await edit('export class Panel {', '//\nexport class Panel {');
    const typed = ['//', '// T', '// The', '// The panel'];
    for (let i = 1; i < typed.length; i++) await edit(`${typed[i - 1]}\nexport class`, `${typed[i]}\nexport class`);
    await edit('  show(): void {', '  /** Shows it. */\n  show(): void {');
    // after comments, code: the teardown now disposes of the field (a finding outside the edited body goes)
    assert.deepEqual(await edit("void 'teardown';", 'this.watcher.dispose();'), ['listener-leak/inlineHandler']);
    await edit('// The panel\n', '');
    // a comment that turns code off, and on again: no longer trivia
    await edit('addCommands(registry);', '// addCommands(registry);');
    await edit('// addCommands(registry);', 'addCommands(registry);');
    assert.deepEqual(await edit('this.watcher.dispose();', "void 'teardown';"), initially);
  });
});
