// No rule's cost grows faster than the number of its candidates: a file with 10× the candidates of every rule costs
// every rule at most ~10× the checker queries (counted, not timed: the count does not depend on the machine). Two
// layouts, since whole-file and whole-class searches per candidate are the usual ways to go quadratic: the
// candidates in classes of their own, and all of them in one class.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultConfig } from '../engine/config';
import { Linter } from '../engine/linter';
import { Project } from '../engine/project';
import { Timing } from '../engine/timing';
import { RULES } from '../rules';
import { REPO, makeWorkspace } from './lsp-client';

/** Per rule, one candidate (a finding in the recommended config): members of a class, and module-level code. */
const CANDIDATES: Record<string, (i: number) => { members: string; top?: string }> = {
  'unclosed-resource': (i) => ({ members: `save${i}(p: string): void { const s = fs.createWriteStream(p); s.write('${i}'); }` }),
  'untracked-disposable': (i) => ({ members: `watch${i}(): void { vscode.workspace.onDidChangeConfiguration(() => this.count++); }` }),
  'listener-leak': (i) => ({ members: `listen${i}(socket: net.Socket): void { socket.on('data', (chunk: Buffer) => this.count++); }` }),
  'subscription-leak': (i) => ({ members: `follow${i}(): void { interval(${i + 1}).subscribe(() => this.count++); }` }),
  'uncleared-timer': (i) => ({ members: `poll${i}(): void { setInterval(() => this.count++, ${i + 1}); }` }),
  'orphan-async-loop': (i) => ({ members: `async loop${i}(): Promise<void> { while (true) { await sleep(${i + 1}); this.count++; } }` }),
  'unterminated-worker': (i) => ({ members: `work${i}(): void { const w = new Worker('./w${i}.js'); w.postMessage(${i}); }` }),
  'unconsumed-response-body': (i) => ({
    members: `async status${i}(url: string): Promise<number> { const res = await fetch(url); return res.status + ${i}; }`,
  }),
  'unbounded-fanout': (i) => ({
    members: `async fetchAll${i}(urls: string[]): Promise<Response[]> { return Promise.all(urls.map((u) => fetch(u + ${i}))); }`,
  }),
  'unbounded-buffer': (i) => ({
    top: `let input${i} = '';\nprocess.stdin.on('data', (chunk) => {\n  input${i} += chunk;\n});`,
    members: '',
  }),
  'unbounded-collection': (i) => ({
    top: `const history${i}: string[] = [];\nexport function record${i}(m: string): void { history${i}.push(m); }`,
    members: '',
  }),
  'object-keyed-cache': (i) => ({
    top: `const sizes${i} = new Map<object, number>();
export function size${i}(key: object): number {
  let size = sizes${i}.get(key);
  if (size === undefined) sizes${i}.set(key, (size = ${i}));
  return size;
}`,
    members: '',
  }),
};

const PREAMBLE = `import * as fs from 'node:fs';
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { interval } from 'rxjs';
import * as vscode from 'vscode';
`;

const classOf = (name: string, members: string[]) =>
  `export class ${name} {\n  count = 0;\n  ${members.join('\n  ')}\n  dispose(): void {\n    this.count = 0;\n  }\n}\n`;

/** Every rule's candidates n times: in n classes (one candidate of each rule per class), or all in one class. */
function generated(n: number, layout: 'class each' | 'one class'): string {
  const units = Array.from({ length: n }, (_, i) => Object.values(CANDIDATES).map((candidate) => candidate(i)));
  const tops = units.flatMap((u) => u.map((c) => c.top).filter((t) => t !== undefined));
  const members = (u: { members: string }[]) => u.map((c) => c.members).filter(Boolean);
  const classes = layout === 'one class' ? [classOf('All', units.flatMap(members))] : units.map((u, i) => classOf(`Unit${i}`, members(u)));
  return [PREAMBLE, ...tops, ...classes].join('\n');
}

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'es2022',
    lib: ['es2022', 'esnext.disposable', 'dom'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node', 'vscode'],
    typeRoots: [join(REPO, 'node_modules/@types')],
    paths: { rxjs: [join(REPO, 'node_modules/rxjs/dist/types/index.d.ts')] },
  },
  include: ['src'],
});

interface RuleCost {
  queries: number;
  findings: number;
}

function costs(n: number, layout: 'class each' | 'one class'): Map<string, RuleCost> {
  return costsOf(generated(n, layout));
}

function costsOf(text: string): Map<string, RuleCost> {
  const root = makeWorkspace({ 'tsconfig.json': TSCONFIG, 'src/generated.ts': text });
  try {
    const timing = new Timing();
    const linter = new Linter(RULES, { ...defaultConfig(), exclude: [] }, root, { timing });
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const { findings } = linter.lintFile(project, join(root, 'src/generated.ts'));
    project.dispose();
    const out = new Map<string, RuleCost>();
    for (const id of Object.keys(CANDIDATES)) {
      out.set(id, { queries: timing.byRule.get(id)?.queries ?? 0, findings: findings.filter((f) => f.ruleId === id).length });
    }
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const N = 4;

for (const layout of ['class each', 'one class'] as const) {
  test(`10× the candidates cost every rule at most ~10× the checker queries (${layout})`, () => {
    const small = costs(N, layout);
    const large = costs(10 * N, layout);
    for (const [id, cost] of small) {
      const big = large.get(id)!;
      // the candidates are real: each is a finding at both sizes
      assert.equal(cost.findings, N, `${id}: ${cost.findings} findings of ${N} candidates`);
      assert.equal(big.findings, 10 * N, `${id}: ${big.findings} findings of ${10 * N} candidates`);
      assert.ok(cost.queries > 0, `${id} asked the checker nothing`);
      assert.ok(big.queries <= 12 * cost.queries, `${id}: ${cost.queries} queries for ${N} candidates, ${big.queries} for ${10 * N}`);
    }
  });
}

test("code that only looks like a candidate asks no checker: an async hook ending in the base class's same hook", () => {
  const hook = (i: number) =>
    `export class Page${i} extends Base {\n  async init(): Promise<void> {\n    await sleep(${i});\n    super.init();\n  }\n}\n`;
  const text = `${PREAMBLE}class Base {\n  async init(): Promise<void> {}\n}\n${Array.from({ length: N }, (_, i) => hook(i)).join('')}`;
  const cost = costsOf(text).get('orphan-async-loop')!;
  // `super.init()` is no call of the method itself: settled by the syntax, before who calls `init` is searched for
  assert.deepEqual(cost, { queries: 0, findings: 0 });
});

test('a call made into a chain costs unclosed-resource nothing when no factory of the program has its name', () => {
  const chained = (times: number) =>
    `${PREAMBLE}function label(i: number): string {\n  return \`#\${i}\`;\n}\n` +
    `export function show(): void {\n${Array.from({ length: times }, (_, i) => `  console.log(label(${i}).trim());\n`).join('')}}\n`;
  // `label(i)` is the receiver of `.trim()`: a resource made for one call would be dropped there, but no body by that
  // name returns a new object, so its type is not asked
  assert.deepEqual(costsOf(chained(10 * N)).get('unclosed-resource'), costsOf(chained(N)).get('unclosed-resource'));
});

test('a one-shot timeout whose handle is dropped costs the same however often its method is called', () => {
  const unit = (i: number) => `export class Tip${i} {\n  count = 0;\n  show(): void {\n    setTimeout(() => this.count++, ${i});\n  }\n}\n`;
  const classes = Array.from({ length: N }, (_, i) => unit(i)).join('');
  const calledTimes = (times: number) => {
    const calls = Array.from({ length: N }, (_, i) => `new Tip${i}().show();\n`.repeat(times)).join('');
    return costsOf(`${PREAMBLE}${classes}${calls}`).get('uncleared-timer')!;
  };
  const once = calledTimes(1);
  // not a finding in any code, so who calls `show()` (a search of the program's references) is not asked
  assert.deepEqual(calledTimes(10), once);
  assert.equal(once.findings, 0);
});

test('a subscription its class completes on teardown costs the same however often its method is called', () => {
  const unit = (i: number) =>
    `export class Feed${i} {\n  private readonly destroyed = new Subject<void>();\n  count = 0;\n` +
    `  follow(): void {\n    interval(${i + 1}).pipe(takeUntil(this.destroyed)).subscribe(() => this.count++);\n  }\n` +
    `  dispose(): void {\n    this.destroyed.next();\n  }\n}\n`;
  const classes = Array.from({ length: N }, (_, i) => unit(i)).join('');
  const calledTimes = (times: number) => {
    const calls = Array.from({ length: N }, (_, i) => `new Feed${i}().follow();\n`.repeat(times)).join('');
    return costsOf(`${PREAMBLE}import { Subject, takeUntil } from 'rxjs';\n${classes}${calls}`).get('subscription-leak')!;
  };
  const once = calledTimes(1);
  assert.deepEqual(calledTimes(10), once, 'who calls `follow()` is not asked');
  assert.equal(once.findings, 0);
});
