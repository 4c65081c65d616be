// Typing inside a comment: the linter with a result cache (the language server's) moves the file's last result past
// the edit instead of updating the program and running the rules (engine/comment-edit.ts). Every result must be what
// a fresh lint of the same text finds, and an edit a comment can change findings with must be linted anew.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts = require('typescript');
import { commentEdit, movedPast } from '../engine/comment-edit';
import { Linter, resolveConfig } from '../engine/linter';
import { Project } from '../engine/project';
import { ResultCache } from '../engine/result-cache';
import type { FileResult } from '../engine/runner';
import { RULES } from '../rules';
import { makeWorkspace, tsconfigJson } from './lsp-client';

/**
 * A field nothing disposes of (a finding with a related location and a fix), with comments around it on its line, and
 * a template whose text looks like a comment.
 */
const PANEL = `export interface Registration {
  dispose(): void;
}

declare const registry: { watch(pattern: string): Registration };

// a panel
export class Panel {
  // the watcher of markdown files
  /* the watcher */ private readonly watcher = registry.watch('**/*.md'); // markdown

  /** Disposes of the panel. */
  dispose(): void {
    // nothing yet
  }
}

export const glob = (dir: string) => \`\${dir} // \${dir}\`;
`;

describe('typing in a comment', () => {
  let root: string;
  let project: Project;
  let linter: Linter;
  let fresh: (text: string) => FileResult;
  let text: string;
  let version = 0;
  let builds = 0;
  const file = () => join(root, 'src/panel.ts');

  before(() => {
    root = makeWorkspace({ 'tsconfig.json': tsconfigJson(), 'src/panel.ts': PANEL, 'src/other.ts': 'export const other = 1;\n' });
    project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const program = project.program.bind(project);
    project.program = () => (builds++, program());
    linter = new Linter(RULES, resolveConfig(root, RULES), root, { cache: new ResultCache() });
    const alone = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const uncached = new Linter(RULES, resolveConfig(root, RULES), root);
    fresh = (t) => {
      alone.setOverlay(file(), t, ++version);
      return uncached.lintFile(alone, file());
    };
    text = PANEL;
    project.setOverlay(file(), text, ++version);
    assert.equal(linter.lintFile(project, file()).findings.length, 1);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** Replaces the first `from` with `to` and lints: the result, and whether the program was asked for. */
  const edit = (from: string, to: string) => {
    const at = text.indexOf(from);
    assert.ok(at >= 0, `${from} is in the text`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
    project.setOverlay(file(), text, ++version);
    const built = builds;
    const { commentEdit: moved, ...result } = linter.lintFile(project, file());
    assert.deepEqual(result, fresh(text), `after ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
    return { moved: moved === true, programAsked: builds > built, findings: result.findings };
  };

  it('moves the last result past the edit, without asking for the program', () => {
    // before the finding on its line (its columns move), after it, above it, and inside the body its fix replaces; the
    // first keystroke in another comment is linted anew (the edit since the last lint spans both comments)
    for (const [comment, typed, more] of [
      ['/* the watcher */', '/* the watcher, */', '/* the watcher, typed */'],
      ['// markdown', '// markdown ', '// markdown files'],
      ['// a panel', '// a panel ', '// a panel of'],
      ['// nothing yet', '// nothing yet,', '// nothing yet, typed'],
      ['// nothing yet, typed', '// nothing', '// n'],
    ]) {
      edit(comment, typed);
      const { moved, programAsked, findings } = edit(typed, more);
      assert.deepEqual({ moved, programAsked }, { moved: true, programAsked: false }, `${typed} → ${more}`);
      assert.equal(findings.length, 1);
      // and back to the text the result is of (a comment typed and deleted)
      const back = edit(more, typed);
      assert.deepEqual({ moved: back.moved, programAsked: back.programAsked }, { moved: true, programAsked: false });
      edit(typed, more);
    }
  });

  it('lints anew what a comment can change or what is no comment', () => {
    const linted = (from: string, to: string) => {
      // the last result is of the text as it is (another file's change makes the next lint a full one)
      project.setOverlay(join(root, 'src/other.ts'), 'export const other = 1;\n', ++version);
      linter.lintFile(project, file());
      const { moved, programAsked, findings } = edit(from, to);
      assert.equal(moved, false, `${from} → ${to} is linted anew`);
      assert.equal(programAsked, true);
      return findings.length;
    };
    // a directive silences the finding below it
    assert.equal(linted('// the watcher of', '// leaklint-disable-next-line -- the watcher of'), 0);
    assert.equal(linted('// leaklint-disable-next-line -- the watcher of', '// the watcher of'), 1);
    // a line break, a string that looks like a comment, JSDoc, a pragma-like tag
    linted('// a panel of', '// a panel\n// of');
    linted("'**/*.md'", "'**/*.mdx'");
    linted('/** Disposes of the panel. */', '/** Disposes of the whole panel. */');
    linted('// markdown files', '// markdown files @ts-ignore');
    linted('// markdown files @ts-ignore', '// markdown files');
    linted('// ${dir}`', '// x${dir}`');
    // a comment's end typed: what follows is code again (here the dispose the finding asks for)
    linted('/* the watcher, typed */', '/* the watcher */ /* typed */');
    linted('    // n\n  }', '    /* this.watcher.dispose(); */\n  }');
    assert.equal(linted('/* this.watcher.dispose(); */', '/* */ this.watcher.dispose(); /* */'), 0);
    assert.equal(linted('/* */ this.watcher.dispose(); /* */', '//'), 1);
    // a line break in a block comment moves every line below
    linted('/* the watcher */', '/* the\nwatcher */');
  });

  it('lints anew when another file of the project changed since', () => {
    project.setOverlay(join(root, 'src/other.ts'), 'export const other = 2;\n', ++version);
    assert.deepEqual(edit('// a panel', '// a panel, once more').moved, false);
    assert.equal(edit('// a panel, once more', '// a panel').moved, true);
  });
});

describe('a result moved past a comment edit', () => {
  const text = 'const a = 1; /* by id */ const b = 2;\n';
  const file = ts.createSourceFile('/x.ts', text, ts.ScriptTarget.Latest, true);
  const at = text.indexOf('by id');
  const span = (start: number, end: number) => {
    const columns = { column: start + 1, endColumn: end + 1 };
    return { file: '/x.ts', start, end, line: 1, endLine: 1, ...columns };
  };
  const finding = (message: string) => ({
    ...span(text.indexOf('b ='), text.indexOf('b =') + 1),
    ruleId: 'r',
    messageId: 'm',
    data: {},
    severity: 'warn' as const,
    message,
    related: [],
    fixes: [],
  });

  it('moves what follows the comment on its line and keeps a finding that shows other code', () => {
    const edit = commentEdit(file, `${text.slice(0, at)}all ${text.slice(at)}`)!;
    const moved = movedPast({ findings: [finding('`b` is set')], ruleErrors: [] }, '/x.ts', edit)!;
    assert.deepEqual(moved.findings[0], { ...finding('`b` is set'), ...span(text.indexOf('b =') + 4, text.indexOf('b =') + 5) });
  });

  it('gives nothing when a message shows the comment, or a position lies inside it', () => {
    const edit = commentEdit(file, `${text.slice(0, at)}all ${text.slice(at)}`)!;
    assert.equal(movedPast({ findings: [finding('`1; /* by id */ const` is set')], ruleErrors: [] }, '/x.ts', edit), undefined);
    const inside = { ...finding('`b` is set'), ...span(at, at + 2) };
    assert.equal(movedPast({ findings: [inside], ruleErrors: [] }, '/x.ts', edit), undefined);
  });

  it('finds the comment that ends the file, where typing appends', () => {
    const last = 'const a = 1;\n// the end';
    const edit = commentEdit(ts.createSourceFile('/e.ts', last, ts.ScriptTarget.Latest, true), `${last}s`);
    assert.deepEqual(edit?.comment, { pos: last.indexOf('//'), end: last.length });
  });

  it('finds no comment in JSX text, and the one in a JSX expression', () => {
    const view = 'export const v = <a>see http://x {/* c */}</a>;\n';
    const tsx = ts.createSourceFile('/v.tsx', view, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const typed = (after: string) => commentEdit(tsx, view.replace(after, `${after}y`));
    assert.equal(typed('http://x'), undefined);
    assert.deepEqual(typed('/* c')?.comment, { pos: view.indexOf('/* c'), end: view.indexOf('*/}') + 2 });
  });
});
