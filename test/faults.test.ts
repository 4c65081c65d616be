// The fault corpus: bad input the CLI and the server must survive with a clear message while still analysing every
// other file. The corpus is generated at test time in a scratch folder (REPO/.scratch, git-ignored).
import assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts = require('typescript');
import { defaultConfig } from '../engine/config';
import { defineRule, type Rule, type RuleListeners } from '../engine/rule';
import { runRules, TOO_DEEP } from '../engine/runner';
import unclosedResource from '../rules/unclosed-resource';
import { leaklint, workspace } from './cli-harness';
import { LspClient, REPO, uriOf, type Diagnostic } from './lsp-client';
import { fixtureProject, FIXTURES, TEST_RULE_META } from './rule-tester';

const LEAK = `import * as fs from 'node:fs';
export function f(p: string): void {
  const out = fs.createWriteStream(p);
  out.write('x');
}
`;
const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'] },
  include: ['src'],
  exclude: ['src/excluded.ts'],
});
const DEPTH = 10_000;
const BIG_BYTES = 5_000_000;

/** Files with a leak each: every one must still be reported whatever the faults around it. */
const LEAKY_FILES = ['leak.ts', 'latin1.js', 'tsc/src/in.ts', 'tsc/src/excluded.ts', 'broken-tsconfig/src/leak.ts'];

/** Each fault file and the one line it must get (undefined: analysed without a note). */
const NOTES: Record<string, RegExp | undefined> = {
  'syntax.ts': /syntax error at 1:17: .*\(file skipped\)/,
  'binary.ts': /syntax error at 1:1: File appears to be binary\. \(file skipped\)/,
  'deep-parens.ts': /skipped: too deeply nested to analyse/,
  'deep-members.ts': /skipped: too deeply nested to analyse/,
  'broken-tsconfig/tsconfig.json': /invalid tsconfig, its files are analysed without it: 1:\d+: \S/,
  'empty.ts': undefined,
  'latin1.js': undefined,
};

function bigFile(): string {
  const lines = [LEAK.split('\n')[0]];
  for (let i = 0, size = 0; size < BIG_BYTES; i++) {
    const line = `export function f${i}(p: string): number { const a = [1, 2, 3].map((x) => x * 2); return a.length + p.length; }`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

/** The corpus: a loose folder (inferred project) with a tsconfig'd and a broken-tsconfig folder inside. */
function faultCorpus(): string {
  const dir = workspace(
    {
      'leak.ts': LEAK,
      'syntax.ts': 'export function (: {\n',
      'empty.ts': '',
      // parsing recurses: 10,000 nested parentheses overflow TypeScript's parser
      'deep-parens.ts': `export const x = ${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)};\n`,
      // a member chain parses in a loop but overflows the binder and checker
      'deep-members.ts': `declare const o: any;\nexport const x = o${'.a'.repeat(DEPTH)};\n`,
      'big.ts': bigFile(),
      'tsc/tsconfig.json': TSCONFIG,
      'tsc/src/in.ts': LEAK,
      'tsc/src/excluded.ts': LEAK,
      'broken-tsconfig/tsconfig.json': '{{ "compilerOptions": ',
      'broken-tsconfig/src/leak.ts': LEAK,
    },
    'faults-',
  );
  writeFileSync(join(dir, 'binary.ts'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)));
  // Latin-1, not UTF-8: é in a comment and in a string
  const js = [
    `// caf\xe9`,
    `const fs = require('node:fs');`,
    `function g(p) {`,
    `  const out = fs.createWriteStream(p + '\xe9');`,
    `  out.write('x');`,
    `}`,
    `module.exports = { g };`,
    ``,
  ].join('\n');
  writeFileSync(join(dir, 'latin1.js'), Buffer.from(js, 'latin1'));
  // symlink loops, in a walked folder and inside a tsconfig's include
  symlinkSync('..', join(dir, 'tsc/up'));
  symlinkSync('.', join(dir, 'tsc/src/self'));
  return dir;
}

describe('stack overflow inside a rule', () => {
  const recurse = (n: number): number => recurse(n + 1) + 1;
  const overflowing = (where: 'visit' | 'fileEnd'): Rule =>
    defineRule({
      meta: {
        id: `overflow-${where}`,
        description: 'recurses without end',
        defaultSeverity: 'warn',
        ...TEST_RULE_META,
        fixable: false,
      },
      create: () => {
        const listeners: RuleListeners = {};
        if (where === 'visit') listeners[ts.SyntaxKind.CallExpression] = () => recurse(0);
        else listeners.fileEnd = () => recurse(0);
        return listeners;
      },
    });
  const run = (rule: Rule) => {
    const program = fixtureProject().program();
    const file = program.getSourceFile(join(FIXTURES, 'unclosed-resource/leaky.ts'))!;
    return runRules(
      file,
      program,
      [
        { rule, severity: 'warn', options: {} },
        { rule: unclosedResource, severity: 'warn', options: {} },
      ],
      defaultConfig(),
    );
  };

  it('during the traversal skips the file with a note instead of crashing', () => {
    const result = run(overflowing('visit'));
    assert.equal(result.skipped, TOO_DEEP);
    assert.deepEqual(result.findings, []);
  });

  it("at file end is that rule's error; the other rules keep their findings", () => {
    const result = run(overflowing('fileEnd'));
    assert.equal(result.skipped, undefined);
    assert.deepEqual(
      result.ruleErrors.map((e) => e.ruleId),
      ['overflow-fileEnd'],
    );
    assert.match(result.ruleErrors[0].message, /Maximum call stack size exceeded/);
    assert.ok(result.findings.length > 0 && result.findings.every((f) => f.ruleId === 'unclosed-resource'));
  });
});

describe('fault corpus', { timeout: 600_000 }, () => {
  let dir: string;
  before(() => {
    dir = faultCorpus();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the CLI gives each fault one clear line, no stack trace, analyses every other file and exits 2', () => {
    const r = leaklint(['scan', dir, '--format', 'json']);
    assert.equal(r.code, 2, r.err);
    const findings = JSON.parse(r.out) as { file: string; ruleId: string; line: number }[];
    // each leaky file exactly once: the symlink loops neither hang the walk nor duplicate files
    assert.deepEqual(
      findings.map((f) => `${relative(dir, resolve(REPO, f.file))} ${f.ruleId}`).sort(),
      LEAKY_FILES.map((f) => `${f} unclosed-resource`).sort(),
    );
    const lines = r.err.trim().split('\n');
    for (const [name, note] of Object.entries(NOTES)) {
      const mine = lines.filter((l) => l.startsWith(`leaklint: ${join(dir, name)}: `));
      if (note) {
        assert.equal(mine.length, 1, `one line for ${name}:\n${r.err}`);
        assert.match(mine[0], note);
      } else assert.deepEqual(mine, [], `${name} is analysed without a note`);
    }
    // the 5 MB file is analysed, or skipped past the per-file budget on a slow machine
    const big = lines.filter((l) => l.includes('big.ts'));
    assert.ok(big.length === 0 || (big.length === 1 && /skipped: too slow/.test(big[0])), big.join('\n'));
    assert.equal(lines.length, Object.values(NOTES).filter(Boolean).length + big.length, r.err);
    assert.doesNotMatch(r.err, /\n\s+at |RangeError|internal error/);
  });

  it('the server publishes for every fault file, logs each note, recovers when the file is fixed and keeps serving', async () => {
    const client = new LspClient();
    try {
      await client.initialize([dir]);
      const logs = (): string[] => client.received.filter((m) => m.method === 'window/logMessage').map((m) => m.params.message as string);
      const published = async (name: string): Promise<Diagnostic[]> => {
        const file = join(dir, name);
        const uri = client.open(file, readFileSync(file, 'utf8'), name.endsWith('.js') ? 'javascript' : 'typescript');
        return client.diagnostics(uri, () => true);
      };
      for (const name of ['syntax.ts', 'binary.ts', 'deep-parens.ts', 'deep-members.ts', 'empty.ts']) {
        assert.deepEqual(await published(name), [], name);
      }
      for (const name of LEAKY_FILES) {
        const diagnostics = await published(name);
        assert.deepEqual(
          diagnostics.map((d) => d.code),
          ['unclosed-resource'],
          name,
        );
      }
      for (const [name, note] of Object.entries(NOTES)) {
        const mine = logs().filter((l) => l.startsWith(`${join(dir, name)}: `));
        if (note) assert.ok(mine.length === 1 && note.test(mine[0]), `one log line for ${name}:\n${logs().join('\n')}`);
        else assert.deepEqual(mine, []);
      }

      // the deep file, edited into ordinary code, is analysed again
      const deep = uriOf(join(dir, 'deep-parens.ts'));
      const version = client.replace(deep, LEAK);
      assert.deepEqual(
        (await client.diagnostics(deep, (ds) => ds.length > 0, version)).map((d) => d.code),
        ['unclosed-resource'],
      );

      const summary = await client.request('leaklint/scanWorkspace', {});
      assert.equal(summary.cancelled, false);
      // every source file once (open ones with their editor text: deep-parens.ts now leaks too)
      assert.equal(summary.files, 11);
      assert.equal(summary.findings, LEAKY_FILES.length + 1);
      assert.equal(client.exited, false);
      assert.ok(!logs().some((l) => /RangeError|error while/.test(l)), logs().join('\n'));
      assert.doesNotMatch(client.stderr, /RangeError|Error:/);
    } finally {
      await client.shutdown().catch(() => client.kill());
    }
  });
});
