// Fix safety over every fixture and the example workspace: every fix the engine offers, and source.fixAll.leaklint
// through the real server, leaves code that parses, has no new type errors, and is not fixed again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts = require('typescript');
import { defaultConfig } from '../engine/config';
import { Linter } from '../engine/linter';
import { Project } from '../engine/project';
import { NO_OPTIONS } from '../engine/options';
import { defineRule } from '../engine/rule';
import { RULES } from '../rules';
import { FIX_ALL_KIND } from '../server/protocol';
import { checkFileFixes, emptyTally } from './fix-check';
import { applyTextEdits, LspClient, type CodeAction } from './lsp-client';
import { fixtureProject, FIXTURES, REPO, semanticErrors } from './rule-tester';

const EXAMPLES = join(REPO, 'examples/leaky-service');

describe('fix safety', { timeout: 600_000 }, () => {
  let examples: Project;
  const linter = new Linter(RULES, defaultConfig(), REPO);
  const corpus = (): { project: Project; files: string[] }[] => [
    { project: fixtureProject(), files: fixtureProject().sourceFiles() },
    { project: examples, files: examples.sourceFiles() },
  ];
  before(() => {
    examples = Project.fromTsconfig(join(EXAMPLES, 'tsconfig.json'));
  });
  after(() => examples.dispose());

  it('every fix the engine offers parses, adds no type error and is not offered again', () => {
    const tally = emptyTally();
    for (const { project, files } of corpus()) for (const file of files) checkFileFixes(project, linter, file, tally);
    assert.deepEqual(tally.problems, []);
    console.log(`fix safety: ${tally.files} files, ${tally.findings} findings, ${tally.fixes} fixes checked`);
    assert.ok(tally.fixes >= 20 && tally.files >= 30, JSON.stringify({ ...tally, problems: undefined }));
  });

  it('source.fixAll.leaklint through the server: parses, no new type errors, nothing left to fix-all', async () => {
    const client = new LspClient();
    try {
      await client.initialize([FIXTURES, EXAMPLES]);
      let fixedFiles = 0;
      for (const { project, files } of corpus()) {
        for (const file of files) {
          const text = readFileSync(file, 'utf8');
          const uri = client.open(file, text);
          await client.diagnostics(uri, () => true);
          const fixAll = () =>
            client.request<CodeAction[]>('textDocument/codeAction', {
              textDocument: { uri },
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              context: { diagnostics: [], only: [FIX_ALL_KIND] },
            });
          const [action] = await fixAll();
          if (action) {
            fixedFiles++;
            const fixed = applyTextEdits(text, action.edit!.changes![uri]);
            assert.notEqual(fixed, text, file);
            const baseline = new Set(semanticErrors(project, file));
            project.setOverlay(file, fixed, 1);
            try {
              assert.deepEqual(
                semanticErrors(project, file).filter((e) => !baseline.has(e)),
                [],
                `${file} after fix-all:\n${fixed}`,
              );
            } finally {
              project.removeOverlay(file);
            }
            const version = client.replace(uri, fixed);
            await client.diagnostics(uri, () => true, version);
            const [second] = await fixAll();
            assert.ok(!second || applyTextEdits(fixed, second.edit!.changes![uri]) === fixed, `${file}: fix-all offered again:\n${fixed}`);
          }
          client.notify('textDocument/didClose', { textDocument: { uri } });
        }
      }
      assert.ok(fixedFiles >= 10, `${fixedFiles} files had fix-all edits`);
    } finally {
      await client.shutdown().catch(() => client.kill());
    }
  });
});

describe('the fix checker', () => {
  it('catches fixes that break parsing, add type errors or are offered again', () => {
    const bad = defineRule({
      meta: {
        id: 'bad-fixes',
        description: 'offers broken fixes',
        defaultSeverity: 'warn',
        messages: { found: 'always', unparsable: 'unparsable', illTyped: 'ill-typed', endless: 'endless' },
        ...NO_OPTIONS,
        fixable: true,
      },
      create: (ctx) => ({
        [ts.SyntaxKind.VariableStatement]: (node: ts.VariableStatement) => {
          const at = node.getStart(ctx.file);
          ctx.report({
            node,
            messageId: 'found',
            fixes: [
              { messageId: 'unparsable', edits: [{ start: at, end: at, newText: '((( ' }] },
              { messageId: 'illTyped', edits: [{ start: at, end: at, newText: 'const n: number = "s"; ' }] },
              { messageId: 'endless', edits: [{ start: at, end: at, newText: '/* again */ ' }] },
            ],
          });
        },
      }),
    });
    const project = fixtureProject();
    const file = join(FIXTURES, 'unclosed-resource/clean.ts');
    const tally = emptyTally();
    checkFileFixes(project, new Linter([bad], defaultConfig(), REPO), file, tally);
    const kinds = new Set(tally.problems.map((p) => `${p.fix}: ${p.problem.replace(/:.*/, '')}`));
    assert.deepEqual([...kinds].sort(), [
      'endless: offered again after it was applied',
      'ill-typed: new type error',
      'ill-typed: offered again after it was applied',
      'unparsable: does not parse',
    ]);
  });
});
