// Engine units: suppression comments, config validation, include/exclude, rule isolation, the file budget and the
// result cache's keys.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ts = require('typescript');
import { ConfigError, defaultConfig, parseConfig } from '../engine/config';
import { unifiedDiff } from '../engine/diff';
import { Linter } from '../engine/linter';
import { Project } from '../engine/project';
import { declarationSignature } from '../engine/file-signatures';
import { dependencyKey } from '../engine/result-cache';
import { TypeFacts } from '../engine/type-facts';
import { checkerQueries } from '../engine/types';
import { createdDisposable, longLivedContainer } from '../engine/analysis';
import { deepestNodeAt } from '../engine/analysis/walk';
import { defineRule, type Rule } from '../engine/rule';
import { runRules } from '../engine/runner';
import { keepingUnchanged } from '../engine/registry';
import { parseSuppressions } from '../engine/suppressions';
import { RULES } from '../rules';
import unclosedResource from '../rules/unclosed-resource';
import { fixtureProject, FIXTURES, lintText, TEST_RULE_META } from './rule-tester';

/** Runs `body` in a temporary folder whose tsconfig takes its *.ts files, strictly; the folder is removed after. */
function inStrictFolder(body: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'leaklint-engine-'));
  try {
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true }, include: ['*.ts'] }));
    body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const source = (text: string) => ts.createSourceFile('/x.ts', text, ts.ScriptTarget.ES2022, true);

test('suppressions: next-line with and without rule lists, reasons, file-level', () => {
  const s = parseSuppressions(
    source(
      [
        '// leaklint-disable-next-line unclosed-resource, listener-leak -- closed elsewhere',
        'a();', // line 2
        '// leaklint-disable-next-line',
        'b();', // line 4
        'c();', // line 5
      ].join('\n'),
    ),
  );
  assert.equal(s.isSuppressed('unclosed-resource', 2), true);
  assert.equal(s.isSuppressed('listener-leak', 2), true);
  assert.equal(s.isSuppressed('uncleared-timer', 2), false);
  assert.equal(s.isSuppressed('closed', 2), false, 'the reason is not a rule list');
  assert.equal(s.isSuppressed('uncleared-timer', 4), true);
  assert.equal(s.isSuppressed('uncleared-timer', 5), false);
  const file = parseSuppressions(source('/* leaklint-disable uncleared-timer */\nx();\n'));
  assert.equal(file.isSuppressed('uncleared-timer', 2), true);
  assert.equal(file.isSuppressed('listener-leak', 2), false);
});

test('suppressions: a same-line comment covers its own line only; a block comment with it is not file-wide', () => {
  const s = parseSuppressions(
    source(['a(); // leaklint-disable-line uncleared-timer -- polled once', 'b();', 'c(); /* leaklint-disable-line */'].join('\r\n')),
  );
  assert.equal(s.isSuppressed('uncleared-timer', 1), true);
  assert.equal(s.isSuppressed('listener-leak', 1), false);
  assert.equal(s.isSuppressed('uncleared-timer', 2), false);
  assert.equal(s.isSuppressed('uncleared-timer', 3), false, 'line comments only; and no file-wide `leaklint-disable`');
  const [unused] = parseSuppressions(source('x(); // leaklint-disable-line listener-leak\r\ny();\r\n')).unused(new Set(['listener-leak']));
  assert.deepEqual([unused.start, unused.end], [5, 43], 'the comment up to, not including, the \\r');
});

test('config: valid config parsed; each kind of mistake named with its position', () => {
  const c = parseConfig(
    '/c.json',
    '{"rules":{"listener-leak":"error"},"exclude":["gen/**"],"sinks":["track"],"teardownMethods":["halt"]}',
    RULES,
  );
  assert.equal(c.rules['listener-leak'], 'error');
  assert.deepEqual(c.sinks, ['track']);
  assert.deepEqual(c.teardownMethods, ['halt']);
  assert.ok(c.exclude.includes('gen/**') && c.exclude.includes('**/node_modules/**'));
  const fails = (text: string, pattern: RegExp) =>
    assert.throws(
      () => parseConfig('/c.json', text, RULES),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
    );
  fails('[]', /must be a JSON object/);
  fails('{"include": "src"}', /^\/c\.json:1:13: "include" must be an array of strings/);
  fails('{"include": [1]}', /1:14: "include" must be an array of strings/);
  fails('{\n "rules": {"nope": "warn"}}', /^\/c\.json:2:12: unknown rule "nope" in "rules" \(valid rules: /);
  fails('{"rules": {"listener-leak": 2}}', /severity must be one of off, warn, error/);
  fails('{"rules": }', /invalid JSON/);
});

test("config: rule options are checked against the rule's schema and merged over its defaults", () => {
  const text = '{"rules": {"subscription-leak": ["error", {"completingOperators": ["untilDestroyed"], "teardownMethods": ["halt"]}]}}';
  const c = parseConfig('/c.json', text, RULES);
  assert.equal(c.rules['subscription-leak'], 'error');
  const active = new Linter(RULES, c).activeRules.find((r) => r.rule.meta.id === 'subscription-leak')!;
  assert.deepEqual(active.options, { completingOperators: ['untilDestroyed'], teardownMethods: ['halt'] });
  const defaults = new Linter(RULES, defaultConfig()).activeRules.find((r) => r.rule.meta.id === 'uncleared-timer')!;
  assert.deepEqual(defaults.options, { teardownMethods: [] });
  const fails = (text: string, pattern: RegExp) =>
    assert.throws(
      () => parseConfig('/c.json', text, RULES),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
    );
  fails(
    '{"rules": {"subscription-leak": ["warn", {"nope": 1}]}}',
    /^\/c\.json:1:43: unknown option "nope" in rule "subscription-leak" options/,
  );
  fails('{"rules": {"subscription-leak": ["warn", {"completingOperators": "take"}]}}', /1:66: .*completingOperators must be an array/);
  fails('{"rules": {"subscription-leak": ["warn", {"completingOperators": [1]}]}}', /1:67: .*completingOperators\[0\] must be a string/);
  fails('{"rules": {"unclosed-resource": ["warn", {"x": true}]}}', /unknown option "x" .*it has no options/);
  fails('{"rules": {"unclosed-resource": ["loud"]}}', /1:34: rule "unclosed-resource": severity must be one of/);
  fails('{"rules": {"unclosed-resource": ["warn", {}, 3]}}', /expected \["severity", \{ …options \}\]/);
});

test('a rule option changes what the rule reports: completingOperators', () => {
  const project = fixtureProject();
  const file = join(FIXTURES, 'subscription-leak/leaky.ts');
  const subscriptionLeak = RULES.find((r) => r.meta.id === 'subscription-leak')!;
  const lint = (options: object) => {
    const config = { ...defaultConfig(), exclude: [], ruleOptions: { 'subscription-leak': options } };
    return new Linter([subscriptionLeak], config).lintFile(project, file).findings.length;
  };
  const withDefaults = lint({});
  assert.ok(withDefaults > 0);
  // the fixture pipes one stream through map(): declared completing, that subscription is no longer reported
  assert.equal(lint({ completingOperators: ['map'] }), withDefaults - 1);
});

test('include/exclude globs are relative to the config file', () => {
  const linter = new Linter(RULES, {
    ...defaultConfig(),
    include: ['src/**'],
    exclude: [...defaultConfig().exclude, '**/gen/**'],
    path: '/repo/leaklint.config.json',
  });
  assert.equal(linter.selects('/repo/src/a.ts'), true);
  assert.equal(linter.selects('/repo/src/gen/a.ts'), false);
  assert.equal(linter.selects('/repo/test/a.ts'), false);
  assert.equal(linter.selects('/repo/src/node_modules/x/a.ts'), false);
});

test('severity overrides and "off" apply to the active rules', () => {
  const linter = new Linter(RULES, { ...defaultConfig(), rules: { 'listener-leak': 'off', 'unclosed-resource': 'error' } });
  assert.equal(
    linter.activeRules.find((r) => r.rule.meta.id === 'listener-leak'),
    undefined,
  );
  assert.equal(linter.activeRules.find((r) => r.rule.meta.id === 'unclosed-resource')?.severity, 'error');
});

const throwing: Rule = defineRule({
  meta: { id: 'throws', description: 'fails on every call', defaultSeverity: 'warn', ...TEST_RULE_META, fixable: false },
  create: () => ({
    [ts.SyntaxKind.CallExpression]: () => {
      throw new Error('boom');
    },
  }),
});

test('a rule that throws is reported once and every other rule still reports for that file', () => {
  const project = fixtureProject();
  const file = join(FIXTURES, 'unclosed-resource/leaky.ts');
  const program = project.program();
  const expected = lintText(project, unclosedResource, file).length;
  const result = runRules(
    program.getSourceFile(file)!,
    program,
    [
      { rule: throwing, severity: 'warn', options: {} },
      { rule: unclosedResource, severity: 'warn', options: {} },
    ],
    defaultConfig(),
  );
  assert.equal(result.ruleErrors.length, 1);
  assert.equal(result.ruleErrors[0].ruleId, 'throws');
  assert.match(result.ruleErrors[0].message, /boom/);
  assert.equal(result.findings.length, expected);
  assert.ok(expected > 0);
});

test('the rule walk skips types unless a rule listens inside them, and enters the code of `extends mixin(Base)`', () => {
  const listening = (kind: ts.SyntaxKind) => {
    const texts: string[] = [];
    const rule = defineRule({
      meta: {
        id: `sees-${ts.SyntaxKind[kind]}`,
        description: 'records what it is shown',
        defaultSeverity: 'warn',
        ...TEST_RULE_META,
        fixable: false,
      },
      create: () => ({ [kind]: (node: ts.Node) => void texts.push(node.getText()) }),
    });
    return { rule, texts };
  };
  const text = `type Shape = { make(): ReturnType<typeof Date.now> };
interface Box { open(): Shape }
function mixin<T extends new () => object>(base: T): T { return base; }
class Base {}
export class Thing extends mixin(Base) implements Box { open(): Shape { return { make: () => Date.now() }; } }
export const boxes: Array<Map<string, Box>> = [];
`;
  const project = fixtureProject();
  const file = join(FIXTURES, 'listener-leak/clean.ts');
  try {
    const calls = listening(ts.SyntaxKind.CallExpression);
    lintText(project, calls.rule, file, text);
    assert.deepEqual(calls.texts, ['mixin(Base)', 'Date.now()']);
    const references = listening(ts.SyntaxKind.TypeReference);
    lintText(project, references.rule, file, text);
    assert.deepEqual(references.texts, [
      'ReturnType<typeof Date.now>',
      'Shape',
      'T',
      'T',
      'Shape',
      'Array<Map<string, Box>>',
      'Map<string, Box>',
      'Box',
    ]);
  } finally {
    project.removeOverlay(file);
  }
});

test('a file past its time budget is skipped with a note instead of hanging', () => {
  const slow: Rule = defineRule({
    meta: { id: 'slow', description: 'busy-waits', defaultSeverity: 'warn', ...TEST_RULE_META, fixable: false },
    create: () => ({
      [ts.SyntaxKind.Identifier]: () => {
        const until = performance.now() + 1;
        while (performance.now() < until);
      },
    }),
  });
  const program = fixtureProject().program();
  const file = program.getSourceFile(join(FIXTURES, 'unclosed-resource/leaky.ts'))!;
  const result = runRules(file, program, [{ rule: slow, severity: 'warn', options: {} }], defaultConfig(), { budgetMs: 20 });
  assert.match(result.skipped ?? '', /skipped: too slow \(over 20 ms\)/);
});

test('unified diffs: one hunk per change with its context, removals before additions, nothing for equal texts', () => {
  const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
  const after = ['a', 'B', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n');
  assert.equal(unifiedDiff(before, before), '');
  assert.equal(unifiedDiff(before, after, 1), ['@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c', '@@ -10,1 +10,2 @@', ' j', '+k', ''].join('\n'));
  assert.equal(unifiedDiff('x\ny', 'x\nz\ny', 0), ['@@ -2,0 +2,1 @@', '+z', ''].join('\n'));
});

test('what runs once is judged per program: a new call in another file makes an exported helper per-instance', () => {
  const project = fixtureProject();
  const helpers = join(FIXTURES, 'untracked-disposable/leaky-run-once-helpers.ts');
  const caller = join(FIXTURES, 'untracked-disposable/clean-run-once.ts');
  const rule = RULES.find((r) => r.meta.id === 'untracked-disposable')!;
  const linter = new Linter([rule], { ...defaultConfig(), exclude: [] });
  const reportedLines = () => linter.lintFile(project, helpers).findings.map((f) => f.line);
  const before = reportedLines();
  // the helpers file is unchanged (the next program reuses it); a panel in the caller now runs the helper per instance
  const text = ts.sys.readFile(caller)!;
  project.setOverlay(
    caller,
    `${text}\nexport class EditorPanel {\n  constructor(app: Application) {\n    addEditorCommands(app.commands);\n  }\n}\n`,
    1,
  );
  try {
    const after = reportedLines();
    assert.equal(after.length, before.length + 1);
  } finally {
    project.removeOverlay(caller);
  }
  assert.deepEqual(reportedLines(), before);
});

test('a declaration signature ignores comments and spaces between nodes, not what a parser reads in them', () => {
  const signature = (text: string, name = '/x.ts') => declarationSignature(ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true));
  const same = (a: string, b: string, name?: string) => signature(a, name) === signature(b, name);
  const code = 'export const a = 1;\nexport class C {\n  n = 1;\n  m() {\n    return a;\n  }\n}\n';
  assert.ok(same(code, code.replace('export class', '/** A class. */\nexport class')), 'a comment between statements');
  assert.ok(same(code, code.replace('  m()', '  // note\n  m()')), 'a comment between members');
  assert.ok(same(code, code.replace('return a;', 'return /* the one */ a;')), 'a comment inside an expression');
  assert.ok(same(code, code.replace('= 1;', '=    1;')), 'more spaces');
  assert.ok(same(code, `${code}// the end\n`), 'a comment at the end');
  assert.ok(!same(code, code.replace('return a;', 'return\n    a;')), 'a line break that ends the return (ASI)');
  assert.ok(!same(code, code.replace('return a;', 'return /* \n */ a;')), 'a comment with a line break ends it too');
  assert.ok(!same('export const t = typeof a;\n', 'export const t = typeofa;\n'), 'tokens run together');
  assert.ok(!same(`/** @jsx h */\n${code}`, `/** @jsx k */\n${code}`), 'the comments before the first token (pragmas)');
  assert.ok(!same('export const e = <b>{1}  x</b>;\n', 'export const e = <b>{1} x</b>;\n', '/x.tsx'), "JSX text's spaces");
  assert.ok(!same(code, code.replace('  m()', '  /** @type {number} */\n  m()'), '/x.js'), 'JSDoc types JavaScript');
});

test('an edit of comments keeps the answers outside it, also at nodes the parser made anew; code outside bodies keeps none', () => {
  inStrictFolder((root) => {
    const file = join(root, 'a.ts');
    const text =
      'export function run(n: number): number {\n  return n + 1;\n}\nexport const total = run(2);\n// note\nexport const more = run(3);\n';
    writeFileSync(file, text);
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const facts = new TypeFacts();
    let version = 0;
    let computed: string[] = [];
    /** Sets the text as the open document's and asks an answer at each call; the calls asked anew. */
    const lint = (next: string): ts.CallExpression[] => {
      project.setOverlay(file, next, ++version);
      const program = project.program();
      const source = program.getSourceFile(file)!;
      const nodeFacts = facts.of(project, program, source);
      const calls: ts.CallExpression[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) calls.push(n);
        n.forEachChild(visit);
      };
      source.forEachChild(visit);
      computed = [];
      for (const call of calls) nodeFacts.get(call, 'text', () => computed.push(call.getText()));
      return calls;
    };
    const [total] = lint(text);
    assert.deepEqual(computed, ['run(2)', 'run(3)']);
    const [totalAfterComment] = lint(text.replace('// note', '// a note'));
    assert.notEqual(totalAfterComment, total, 'the parser made the call before the comment anew');
    assert.deepEqual(computed, [], 'every answer kept');
    lint(text.replace('// note', '/* a note */'));
    assert.deepEqual(computed, []);
    lint(text.replace('run(2)', 'run(4)'));
    assert.deepEqual(computed, ['run(4)', 'run(3)'], 'code outside a type-free body changes every answer');
    project.dispose();
  });
});

test("a body edit keeps the answers at other files' nodes and the members a receiver's class declares", () => {
  inStrictFolder((root) => {
    const widget = join(root, 'widget.ts');
    writeFileSync(
      widget,
      'export class Handle {\n  close(): number {\n    return 1;\n  }\n}\n' +
        'export class Base<T> {\n  item!: T;\n}\n' +
        'export class Widget extends Base<Handle> {\n  model: Handle | null = null;\n  handles: Handle[] = [];\n}\n' +
        'export class Pipe extends Handle {}\nexport class Socket extends Handle {}\nexport type Channel = Pipe | Socket;\n' +
        'export interface Registry {\n  get<T>(id: string): T;\n}\n' +
        'export declare function open(path: string): Handle;\nexport declare function open(fd: number): Handle;\n' +
        'export const made = new Widget();\n',
    );
    const file = join(root, 'a.ts');
    const text =
      "import { Channel, Handle, Registry, Widget, open } from './widget';\n" +
      'export function run(w: Widget, c: Channel, r: Registry): void {\n  w.item.close();\n  r.get<Handle>("h");\n' +
      '  w.model?.close();\n  for (const h of w.handles) h.close();\n  c.close();\n' +
      '  open(1).close();\n  const k = open("k");\n  k.close();\n}\n';
    writeFileSync(file, text);
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const facts = new TypeFacts();
    let version = 0;
    let elsewhere = 0;
    /** Lints the text as the open document's: the members `close` resolves to, their return types, the lookups made. */
    const lint = (next: string) => {
      project.setOverlay(file, next, ++version);
      const program = project.program();
      const checker = program.getTypeChecker();
      let lookups = 0;
      const getPropertyOfType = checker.getPropertyOfType.bind(checker);
      checker.getPropertyOfType = (type, name) => (lookups++, getPropertyOfType(type, name));
      // the checker's own lookup of a call's member (the whole expression checked, flow analysis included)
      let checked = 0;
      const getSymbolAtLocation = checker.getSymbolAtLocation.bind(checker);
      checker.getSymbolAtLocation = (node) => {
        if (ts.isIdentifier(node) && node.text === 'close' && node.getSourceFile().fileName === file) checked++;
        return getSymbolAtLocation(node);
      };
      // and its inference of the loop variable's and the call result's types (from the flow-narrowed type of what the
      // loop iterates, from the overload the call resolves to)
      const getTypeOfSymbol = checker.getTypeOfSymbol.bind(checker);
      checker.getTypeOfSymbol = (symbol) => {
        if (symbol.name === 'h' || symbol.name === 'k') checked++;
        return getTypeOfSymbol(symbol);
      };
      const getTypeAtLocation = checker.getTypeAtLocation.bind(checker);
      checker.getTypeAtLocation = (node) => {
        if (ts.isCallExpression(node) && node.getSourceFile().fileName === file) checked++;
        return getTypeAtLocation(node);
      };
      const source = program.getSourceFile(file)!;
      const nodeFacts = facts.of(project, program, source);
      const types = checkerQueries(program, undefined, nodeFacts);
      const made = program.getSourceFile(widget)!.statements.at(-1)!;
      nodeFacts.get(made, 'asked', () => elsewhere++);
      const calls = [...source.text.matchAll(/close\(/g)].map((m) => deepestNodeAt(source, m.index).parent.parent as ts.CallExpression);
      const members = calls.map((call) => {
        const name = (call.expression as ts.PropertyAccessExpression).name;
        const declaration = types.symbolAt(name)?.valueDeclaration;
        const returns = types.declaredReturnTypes(call)?.map((t) => types.typeName(t));
        return `${declaration?.parent && ts.isClassDeclaration(declaration.parent) ? declaration.parent.name?.text : '?'}: ${returns}`;
      });
      const get = deepestNodeAt(source, source.text.indexOf('get<')).parent.parent as ts.CallExpression;
      const got = types.declaredReturnTypes(get)?.map((t) => types.typeName(t));
      return { members, lookups, checked, got };
    };
    const first = lint(text);
    // a generic base's member, a nullable one, a loop's element, a union's members sharing one declaration, a call's
    // result and a variable holding one
    assert.deepEqual(first.members, Array(6).fill('Handle: number'));
    assert.equal(first.checked, 0, 'every member found from declared types');
    assert.deepEqual(first.got, ['Handle'], 'a type parameter returned is the type argument given');
    const bodyEdit = lint(text.replace('w.model?.close();', 'w.model?.close();\n  void 0;'));
    assert.deepEqual(bodyEdit.members, first.members, 'the same members as a new checker finds');
    assert.ok(bodyEdit.lookups < first.lookups, `${bodyEdit.lookups} lookups of members after the edit, ${first.lookups} before`);
    assert.equal(elsewhere, 1, "the answer at the other file's node is kept");
    lint(text.replace('void {', 'number | void {'));
    assert.equal(elsewhere, 2, 'a changed signature keeps nothing');
    project.dispose();
  });
});

test("a scan's references to an export are found file by file as far as they are read, the declaration's file first", () => {
  inStrictFolder((root) => {
    for (const name of ['b', 'c', 'd']) {
      writeFileSync(join(root, `${name}.ts`), `import { run } from './z';\nrun();\nexport const stop = { stop() {} };\nstop.stop();\n`);
    }
    writeFileSync(join(root, 'z.ts'), 'export function run(): void {}\nrun();\nexport class Z {\n  private stop(): void {}\n}\n');
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const program = project.program();
    const checker = program.getTypeChecker();
    const asked = new Set<string>();
    const getSymbolAtLocation = checker.getSymbolAtLocation.bind(checker);
    checker.getSymbolAtLocation = (node) => {
      asked.add(node.getSourceFile().fileName.slice(root.length + 1));
      return getSymbolAtLocation(node);
    };
    const types = checkerQueries(program);
    const declaring = program.getSourceFile(join(root, 'z.ts'))!;
    const name = (declaring.statements[0] as ts.FunctionDeclaration).name!;
    const [first, second] = types.eachDeclarationReference(name);
    assert.deepEqual(
      [first, second].map((ref) => ref.getSourceFile().fileName.slice(root.length + 1)),
      ['z.ts', 'z.ts'],
    );
    assert.deepEqual([...asked], ['z.ts'], 'no other file searched');
    // the declaration, its call, and an import and a call in each other file
    assert.equal([...types.eachDeclarationReference(name)].length, 8, 'every reference when all are read');
    asked.clear();
    const stop = (declaring.statements[2] as ts.ClassDeclaration).members[0].name!;
    assert.deepEqual([...types.eachProgramReference(types.symbolAt(stop)!)], [stop]);
    assert.deepEqual([...asked], ['z.ts'], "a private member's name is not resolved in other files");
    project.dispose();
  });
});

test('calls are typed by the signatures they may resolve to, and collections by what creates them, before the checker infers', () => {
  inStrictFolder((root) => {
    const file = join(root, 'a.ts');
    writeFileSync(
      file,
      'export class Subscription {\n  dispose(): void {}\n}\n' +
        'export declare class Stream<T> {\n  map<U>(f: (t: T) => U): Stream<U>;\n  subscribe(f: (t: T) => void): Subscription;\n}\n' +
        'declare function from<T>(value: T): Stream<T>;\ndeclare function later<T>(): Promise<T>;\n' +
        'declare function open(path: string): Subscription;\ndeclare function open(fd: number): Subscription;\n' +
        'declare function build<T>(make: () => T): T;\n' +
        'const cache = build(() => new Map<string, number>());\nconst seen = new Set<string>();\n' +
        'export async function run(): Promise<void> {\n  open(1);\n  await later();\n' +
        '  from(1).map((n) => `${n}`).subscribe(() => {});\n  seen.add(String(cache.size));\n}\n',
    );
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const program = project.program();
    const checker = program.getTypeChecker();
    // the checker's own typing of a call (overloads chosen, type arguments inferred) or of a collection's variable
    const typed: string[] = [];
    const getTypeAtLocation = checker.getTypeAtLocation.bind(checker);
    checker.getTypeAtLocation = (node) => {
      if (ts.isCallExpression(node) || (ts.isIdentifier(node) && /^(cache|seen)$/.test(node.text))) typed.push(node.getText());
      return getTypeAtLocation(node);
    };
    const types = checkerQueries(program);
    const source = program.getSourceFile(file)!;
    const at = (text: string) => deepestNodeAt(source, source.text.indexOf(text));
    const callOf = (text: string) => ts.findAncestor(at(text), ts.isCallExpression)!;
    assert.equal(createdDisposable(types, callOf('open(1)'))?.typeName, 'Subscription', 'the overloads agree on what they return');
    assert.equal(createdDisposable(types, callOf('later()')), undefined, "an awaited promise's value is no Disposable the call returns");
    const subscribe = at('subscribe(() =>');
    assert.equal(types.symbolAt(subscribe)?.valueDeclaration?.parent.getText().startsWith('export declare class Stream'), true);
    assert.deepEqual(
      types.declaredReturnTypes(subscribe.parent.parent as ts.CallExpression)?.map((t) => types.typeName(t)),
      ['Subscription'],
      "a member of the generic type a call returns, from the type's declaration",
    );
    const mapped = (subscribe.parent as ts.PropertyAccessExpression).expression;
    assert.match(types.typeName(types.receiverTypeAt(mapped)), /^Stream</, 'what a call returns, for its members');
    const declarationOf = (name: string) => at(`${name} =`).parent as ts.VariableDeclaration;
    assert.equal(longLivedContainer(types, declarationOf('cache')), undefined, 'not created here as a collection');
    assert.equal(longLivedContainer(types, declarationOf('seen'))?.kind, 'set');
    assert.deepEqual(typed, ['seen'], 'only the fresh collection is typed by the checker');
    project.dispose();
  });
});

test("a member of a property declared `any` is `any` without the checker's flow analysis, unless a guard narrows it", () => {
  inStrictFolder((root) => {
    const file = join(root, 'a.ts');
    writeFileSync(
      file,
      'export class Handle {\n  dispose(): void {}\n}\nexport declare class Factory {\n  make(): Handle;\n}\n' +
        "interface Cell {\n  kind: 'code' | 'text';\n  shared: any;\n}\ndeclare const cells: Cell[];\n" +
        "export function run(): void {\n  for (const cell of cells) {\n    if (cell.kind === 'code') cell.shared.transact();\n  }\n" +
        '}\nexport function guarded(): void {\n  for (const cell of cells) {\n' +
        '    if (cell.shared instanceof Factory) cell.shared.make();\n  }\n}\n' +
        // a guard on the receiver: a subclass may declare the property's type
        'export declare class Base {\n  p: any;\n}\nexport declare class Derived extends Base {\n  p: Factory;\n}\n' +
        'declare const bases: Base[];\nexport function derived(): void {\n  for (const b of bases) {\n' +
        '    if (b instanceof Derived) b.p.make();\n  }\n}\n',
    );
    // in JavaScript a field is typed by its assignments, which the constructor follows
    writeFileSync(
      join(root, 'holder.js'),
      'class Handle {\n  dispose() {}\n}\nclass Made {\n  make() {\n    return new Handle();\n  }\n}\n' +
        'export class Holder {\n  constructor(given) {\n    this.s = given;\n    if (!given) {\n' +
        '      this.s = new Made();\n      this.s.make();\n    }\n  }\n}\n',
    );
    const options = { strict: true, allowJs: true, checkJs: true };
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['*.ts', '*.js'] }));
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const program = project.program();
    const checker = program.getTypeChecker();
    // what the checker is asked about the member chains: each answer is the flow-narrowed type of the loop variable
    const asked: string[] = [];
    const inChain = (node: ts.Node) => !!ts.findAncestor(node, (n) => ts.isPropertyAccessExpression(n) && n.name.text === 'transact');
    const getTypeAtLocation = checker.getTypeAtLocation.bind(checker);
    checker.getTypeAtLocation = (node) => {
      if (inChain(node)) asked.push(node.getText());
      return getTypeAtLocation(node);
    };
    const getSymbolAtLocation = checker.getSymbolAtLocation.bind(checker);
    checker.getSymbolAtLocation = (node) => {
      if (inChain(node) && node.getText() !== 'cell') asked.push(node.getText());
      return getSymbolAtLocation(node);
    };
    const types = checkerQueries(program);
    const source = program.getSourceFile(file)!;
    const at = (text: string) => deepestNodeAt(source, source.text.indexOf(text));
    const callOf = (text: string) => ts.findAncestor(at(text), ts.isCallExpression)!;
    assert.equal(createdDisposable(types, callOf('transact()')), undefined);
    assert.equal(types.symbolAt(at('transact()')), undefined, 'a member of `any` has no symbol');
    assert.deepEqual(
      types.declaredReturnTypes(callOf('transact()'))?.map((t) => types.typeName(t)),
      ['any'],
    );
    assert.deepEqual(asked, [], 'nothing asked of the checker about the chain');
    assert.equal(createdDisposable(types, callOf('shared.make()'))?.typeName, 'Handle', 'narrowed by instanceof: the checker says');
    assert.equal(createdDisposable(types, callOf('p.make()'))?.typeName, 'Handle', 'the receiver narrowed to a subclass');
    const holder = program.getSourceFile(join(root, 'holder.js'))!;
    const made = ts.findAncestor(deepestNodeAt(holder, holder.text.indexOf('s.make()')), ts.isCallExpression)!;
    assert.equal(createdDisposable(types, made)?.typeName, 'Handle', 'a field typed by its assignments');
    project.dispose();
  });
});

test("a program update takes the registry's unchanged files without asking it again", () => {
  const texts = new Map([
    ['/p/a.ts', 'export const a = 1;\n'],
    ['/p/b.ts', "import { a } from './a';\nexport const b = a;\n"],
    ['/p/c.ts', "import { b } from './b';\nexport const c = b;\n"],
  ]);
  const versions = new Map([...texts.keys()].map((f) => [f, 1]));
  const inner = ts.createDocumentRegistry();
  const updated: string[] = [];
  const counting: ts.DocumentRegistry = {
    ...inner,
    updateDocumentWithKey(fileName, ...rest) {
      updated.push(fileName);
      return inner.updateDocumentWithKey(fileName, ...rest);
    },
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ noLib: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
    getScriptFileNames: () => [...texts.keys()],
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => (texts.has(f) ? ts.ScriptSnapshot.fromString(texts.get(f)!) : undefined),
    getCurrentDirectory: () => '/p',
    getDefaultLibFileName: () => '/lib.d.ts',
    fileExists: (f) => texts.has(f),
    readFile: (f) => texts.get(f),
  };
  const service = ts.createLanguageService(host, keepingUnchanged(counting));
  const first = service.getProgram()!;
  texts.set('/p/b.ts', "import { a } from './a';\nexport const b = a + 1;\n");
  versions.set('/p/b.ts', 2);
  const second = service.getProgram()!;
  assert.deepEqual(updated, ['/p/b.ts'], 'only the edited file reaches the registry');
  assert.equal(second.getSourceFile('/p/a.ts'), first.getSourceFile('/p/a.ts'), 'an unchanged file is the same parsed file');
  assert.match(second.getSourceFile('/p/b.ts')!.text, /a \+ 1/);
  service.dispose();
});

test("a file's result key follows what its imports declare, also after its own imports change", () => {
  inStrictFolder((root) => {
    const file = (name: string) => join(root, name);
    writeFileSync(file('a.ts'), "import { b } from './b';\nexport const a = b();\n");
    writeFileSync(file('b.ts'), 'export function b(): number {\n  return 1;\n}\n');
    writeFileSync(file('c.ts'), 'export function b(): number {\n  return 1;\n}\n');
    const project = Project.fromTsconfig(file('tsconfig.json'));
    let version = 0;
    const key = () => {
      const program = project.program();
      return dependencyKey(project, program, program.getSourceFile(file('a.ts'))!);
    };
    const first = key();
    assert.equal(key(), first);
    // a body with a declared return type: what importers see is the same
    project.setOverlay(file('b.ts'), 'export function b(): number {\n  return 2;\n}\n', ++version);
    assert.equal(key(), first);
    project.setOverlay(file('b.ts'), 'export function b(): string {\n  return "2";\n}\n', ++version);
    const changedImport = key();
    assert.notEqual(changedImport, first);
    // a.ts imports c.ts now: its key must follow c.ts's declarations, no longer b.ts's
    project.setOverlay(file('a.ts'), "import { b } from './c';\nexport const a = b();\n", ++version);
    const fromC = key();
    project.setOverlay(file('b.ts'), 'export function b(): boolean {\n  return true;\n}\n', ++version);
    assert.equal(key(), fromC);
    project.setOverlay(file('c.ts'), 'export function b(): bigint {\n  return 1n;\n}\n', ++version);
    assert.notEqual(key(), fromC);
    project.dispose();
  });
});

test("a factory is found by every name a call may reach it by: its own, a renamed import's, a renamed export's", () => {
  inStrictFolder((root) => {
    writeFileSync(
      join(root, 'cursors.ts'),
      'export class Cursor {\n  next(): number {\n    return 1;\n  }\n  close(): void {}\n}\n' +
        'export function cursorFor(query: string): Cursor {\n  return new Cursor();\n}\n' +
        'class Scanner {\n  make = (query: string) => (new Cursor()) as Cursor;\n}\n' +
        'export const scanner = new Scanner();\nexport { cursorFor as scan };\n',
    );
    const file = join(root, 'reads.ts');
    writeFileSync(
      file,
      "import { cursorFor as query, scan, scanner } from './cursors';\n" +
        'export function byOwnName(q: string): number {\n  const c = scanner.make(q);\n  return c.next();\n}\n' +
        'export function byImport(q: string): number {\n  const c = query(q);\n  return c.next();\n}\n' +
        'export function byExport(q: string): number {\n  const c = scan(q);\n  return c.next();\n}\n',
    );
    const project = Project.fromTsconfig(join(root, 'tsconfig.json'));
    const linter = new Linter([unclosedResource], { ...defaultConfig(), exclude: [] });
    const lines = linter.lintFile(project, file).findings.map((f) => `${f.ruleId} ${f.line}`);
    project.dispose();
    assert.deepEqual(lines, ['unclosed-resource 3', 'unclosed-resource 7', 'unclosed-resource 11']);
  });
});
