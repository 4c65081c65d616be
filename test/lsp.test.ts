// Protocol tests: the built language server (dist/server.js) driven over stdio like an editor would.
// Run `node esbuild.mjs --tests` first, then `node --test out/test/lsp.test.js`.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts = require('typescript');
import { RULE_IDS, rulesSetting } from '../rules';
import { DEFAULT_SETTINGS } from '../server/protocol';
import {
  apply,
  codeActions,
  LspClient,
  REPO,
  makeWorkspace,
  tsconfigJson,
  uriOf,
  writeFile,
  type Diagnostic,
  type Message,
} from './lsp-client';

const WARNING = 2;
const ERROR = 1;
const INVALID_PARAMS = -32602;

const LEAKY = `import * as fs from 'node:fs';

export function log(p: string): void {
  const s = fs.createWriteStream(p);
  s.write('x');
}
`;

const SUPPRESSED_OTHER = LEAKY.replace('  const s', '  // leaklint-disable-next-line listener-leak -- not this one\n  const s');

const TWO_LEAKS = `import * as fs from 'node:fs';

export function first(p: string): void {
  const s = fs.createWriteStream(p);
  s.write('x');
}

export function second(p: string): number {
  const t = fs.createWriteStream(p);
  t.write('y');
  return 1;
}
`;

const TIMER = `export class Poller {
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
  }

  tick(): void {}

  dispose(): void {}
}
`;

const FACTORY = `import * as fs from 'node:fs';

export function openLog(p: string) {
  return fs.createWriteStream(p);
}
`;

const USES_FACTORY = `import { openLog } from './factory.js';

export function run(p: string): void {
  const s = openLog(p);
  s.write('x');
}
`;

/** Type errors of `text` as the file `file` of the workspace's tsconfig (the other files as on disk). */
function typeErrors(root: string, file: string, text: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, text, lang) : getSourceFile.call(host, name, lang, ...rest);
  const program = ts.createProgram({ rootNames: [file], options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

const ofRule = (rule: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === rule);
const none = (ds: Diagnostic[]) => ds.length === 0;

describe('language server', () => {
  let root: string;
  let client: LspClient;
  const src = (name: string) => join(root, 'src', name);

  before(async () => {
    root = makeWorkspace({
      'tsconfig.json': tsconfigJson(),
      'src/leaky.ts': LEAKY,
      'src/suppress.ts': LEAKY,
      'src/suppress-file.ts': LEAKY,
      'src/suppress-more.ts': SUPPRESSED_OTHER,
      'src/two.ts': TWO_LEAKS,
      'src/factory.ts': FACTORY,
      'src/uses-factory.ts': USES_FACTORY,
      'src/timer.ts': TIMER,
      'src/clean.ts': 'export const answer = 42;\n',
    });
    client = new LspClient();
    const init = await client.initialize([root]);
    assert.ok(init.capabilities.codeActionProvider.codeActionKinds.includes('source.fixAll.leaklint'));
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes diagnostics with rule code, docs link and related information on open', async () => {
    const uri = client.open(src('leaky.ts'), LEAKY);
    const [d, ...rest] = await client.diagnostics(uri, ofRule('unclosed-resource'));
    assert.equal(rest.length, 0);
    assert.equal(d.source, 'leaklint');
    assert.equal(d.code, 'unclosed-resource');
    assert.match(d.codeDescription!.href, /docs\/rules\/unclosed-resource\.md$/);
    assert.equal(d.severity, WARNING);
    assert.deepEqual(d.range, { start: { line: 3, character: 12 }, end: { line: 3, character: 32 } }); // the callee, `fs.createWriteStream`
    assert.match(d.message, /`s`.*never released/);

    const timerUri = client.open(src('timer.ts'), TIMER);
    const [timer] = await client.diagnostics(timerUri, ofRule('uncleared-timer'));
    assert.equal(timer.relatedInformation?.[0].location.uri, timerUri);
    assert.match(timer.relatedInformation![0].message, /clearInterval/);

    // the status item: busy while linting, then the problem count
    const status = (m: Message) => m.method === 'leaklint/status';
    await client.until((m) => status(m) && m.params.state === 'analysing', 'an analysing status');
    await client.until((m) => status(m) && m.params.state === 'idle' && m.params.problems === 2, 'an idle status with 2 problems');
  });

  it('lints untitled documents', async () => {
    const uri = 'untitled:Untitled-1';
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: TIMER } });
    const [d] = await client.diagnostics(uri, ofRule('uncleared-timer'));
    assert.equal(d.range.start.line, 4);
    client.notify('textDocument/didClose', { textDocument: { uri } });
    await client.diagnostics(uri, none);
  });

  it("applies a rule's quick fix: the diagnostic goes and the fixed code type-checks", async () => {
    const uri = uriOf(src('leaky.ts'));
    const diagnostics = await client.diagnostics(uri, ofRule('unclosed-resource'));
    const actions = await codeActions(client, uri, diagnostics);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Disable unclosed-resource for this line'), titles.join(', '));
    assert.ok(titles.includes('Disable unclosed-resource for this file'));
    const docs = actions.find((a) => a.title === 'Show documentation for unclosed-resource');
    assert.equal(docs?.command?.command, 'leaklint.showDocs');
    assert.equal(docs?.command?.arguments?.[0], diagnostics[0].codeDescription!.href);

    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, `a preferred fix among: ${titles.join(', ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(typeErrors(root, src('leaky.ts'), LEAKY), []);
    const fixed = apply(client, uri, LEAKY, fix);
    assert.match(fixed.text, /finally \{\s+s\.close\(\);/);
    await client.diagnostics(uri, none, fixed.version);
    assert.deepEqual(typeErrors(root, src('leaky.ts'), fixed.text), []);
  });

  it('"Disable for this line" inserts a suppression comment with the same indentation', async () => {
    const uri = client.open(src('suppress.ts'), LEAKY);
    const diagnostics = await client.diagnostics(uri, ofRule('unclosed-resource'));
    const disable = (await codeActions(client, uri, diagnostics)).find((a) => a.title === 'Disable unclosed-resource for this line')!;
    const result = apply(client, uri, LEAKY, disable);
    assert.match(result.text, /\n {2}\/\/ leaklint-disable-next-line unclosed-resource\n {2}const s = /);
    await client.diagnostics(uri, none, result.version);

    // a suppression comment already above the line gets the rule added to its list
    const more = client.open(src('suppress-more.ts'), SUPPRESSED_OTHER);
    const moreDiagnostics = await client.diagnostics(more, ofRule('unclosed-resource'));
    const extend = (await codeActions(client, more, moreDiagnostics)).find((a) => a.title === 'Disable unclosed-resource for this line')!;
    const extended = apply(client, more, SUPPRESSED_OTHER, extend);
    assert.match(extended.text, /\n {2}\/\/ leaklint-disable-next-line listener-leak unclosed-resource -- not this one\n {2}const s = /);
    await client.diagnostics(more, none, extended.version);
  });

  it('"Disable for this file" inserts a file-level suppression at the top', async () => {
    const uri = client.open(src('suppress-file.ts'), LEAKY);
    const diagnostics = await client.diagnostics(uri, ofRule('unclosed-resource'));
    const disable = (await codeActions(client, uri, diagnostics)).find((a) => a.title === 'Disable unclosed-resource for this file')!;
    const result = apply(client, uri, LEAKY, disable);
    assert.equal(result.text, `/* leaklint-disable unclosed-resource */\n${LEAKY}`);
    await client.diagnostics(uri, none, result.version);
  });

  it('source.fixAll.leaklint applies every preferred fix', async () => {
    const uri = client.open(src('two.ts'), TWO_LEAKS);
    const diagnostics = await client.diagnostics(uri, (ds) => ds.length === 2);
    const quick = await codeActions(client, uri, diagnostics.slice(0, 1));
    assert.ok(quick.some((a) => a.title === 'Fix all unclosed-resource problems in this file'));
    assert.ok(!quick.some((a) => a.kind === 'source.fixAll.leaklint'), 'source actions only when asked for');

    const actions = await codeActions(client, uri, [], ['source.fixAll.leaklint']);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.leaklint');
    const fixed = apply(client, uri, TWO_LEAKS, actions[0]);
    assert.match(fixed.text, /s\.close\(\);[\s\S]*t\.close\(\);/);
    await client.diagnostics(uri, none, fixed.version);
    assert.deepEqual(typeErrors(root, src('two.ts'), fixed.text), []);
  });

  it('re-checks open dependents when a dependency changes', async () => {
    const user = client.open(src('uses-factory.ts'), USES_FACTORY);
    await client.diagnostics(user, ofRule('unclosed-resource'));
    const factory = client.open(src('factory.ts'), FACTORY);
    // the factory now returns something without close/destroy/dispose: nothing left to release
    client.replace(factory, `export function openLog(_p: string) {\n  return { write(_s: string): void {} };\n}\n`);
    await client.diagnostics(user, none);
  });

  it('scans the workspace with work-done progress and publishes diagnostics for unopened files', async () => {
    const from = client.received.length;
    const summary = await client.request('leaklint/scanWorkspace', {});
    const messages = client.received.slice(from);
    const create = messages.find((m) => m.method === 'window/workDoneProgress/create');
    assert.ok(create, 'the server created a progress');
    const progress = messages
      .filter((m: Message) => m.method === '$/progress' && m.params.token === create.params.token)
      .map((m) => m.params.value);
    assert.equal(progress[0].kind, 'begin');
    assert.equal(progress[0].cancellable, true);
    const reports = progress.filter((v) => v.kind === 'report');
    assert.ok(reports.length > 0 && reports.every((r) => typeof r.percentage === 'number' && r.percentage >= 0 && r.percentage <= 100));
    assert.ok(
      reports.some((r) => /\.ts$/.test(r.message ?? '')),
      'reports name the current file',
    );
    assert.equal(progress.at(-1).kind, 'end');

    const timer = uriOf(src('timer.ts'));
    const clean = uriOf(src('clean.ts'));
    // timer.ts is open: its diagnostics stay the live ones; the unopened copy below must be published by the scan
    writeFile(src('unopened-timer.ts'), TIMER);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(src('unopened-timer.ts')), type: 1 }] });
    const second = await client.request('leaklint/scanWorkspace', {});
    const unopened = await client.diagnostics(uriOf(src('unopened-timer.ts')), ofRule('uncleared-timer'));
    assert.equal(unopened.length, 1);
    // open files are scanned with their unsaved (by now fixed) text: only the two timers are left
    assert.deepEqual([summary.files, summary.findings, summary.cancelled], [9, 1, false]);
    assert.deepEqual([second.files, second.findings, second.cancelled], [10, 2, false]);
    assert.ok(
      !client.received.some((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === clean),
      'clean files are not published',
    );
    assert.ok(client.received.some((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === timer));
  });

  it('cancels a workspace scan when the request is cancelled', async () => {
    // cancel while the server waits for its progress to be created: deterministic, before any file is scanned
    client.beforeAnswer = (m) => {
      if (m.method === 'window/workDoneProgress/create') client.notify('$/cancelRequest', { id: scanId });
    };
    const response = client.send('leaklint/scanWorkspace', {});
    const scanId = client.lastId;
    const summary = (await response).result;
    client.beforeAnswer = undefined;
    assert.deepEqual(summary, { files: 0, findings: 0, unchanged: 0, cancelled: true });
  });

  it('answers bad params with InvalidParams and keeps serving', async () => {
    const badAction = await client.send('textDocument/codeAction', { textDocument: 5 });
    assert.equal(badAction.error?.code, INVALID_PARAMS);
    const badScan = await client.send('leaklint/scanWorkspace', 42);
    assert.equal(badScan.error?.code, INVALID_PARAMS);
    const noScanParams = await client.send('leaklint/scanWorkspace');
    assert.equal(noScanParams.error?.code, INVALID_PARAMS);
    const badToken = await client.send('leaklint/scanWorkspace', { workDoneToken: { nested: true } });
    assert.equal(badToken.error?.code, INVALID_PARAMS);
    // malformed notifications and unknown documents are ignored
    client.notify('textDocument/didOpen', { nonsense: true });
    client.notify('textDocument/didChange', { textDocument: { uri: 'file:///nowhere.ts', version: 3 }, contentChanges: [{ text: 'x' }] });
    const unknown = await client.request('textDocument/codeAction', {
      textDocument: { uri: 'file:///nowhere.ts' },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(unknown, []);

    // a file created after the tsconfig was loaded joins its project once the watcher reports it
    writeFile(src('late.ts'), LEAKY);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(src('late.ts')), type: 1 }] });
    const uri = client.open(src('late.ts'), LEAKY);
    const diagnostics = await client.diagnostics(uri, ofRule('unclosed-resource'));
    assert.ok((await codeActions(client, uri, diagnostics)).some((a) => a.isPreferred));
    assert.equal(client.exited, false);
  });
});

describe('language server result cache', () => {
  let root: string;
  let client: LspClient;
  const src = (name: string) => join(root, 'src', name);
  const OPENS = `import * as fs from 'node:fs';\nexport function openLog(p: string) {\n  return fs.createWriteStream(p);\n}\n`;
  const USES = [
    "import { openLog } from './factory.js';",
    'export function f(p: string): void {',
    '  const s = openLog(p);',
    "  s.write('x');",
    '}',
    '',
  ].join('\n');

  before(async () => {
    root = makeWorkspace({
      'tsconfig.json': tsconfigJson(),
      'src/factory.ts': OPENS,
      'src/uses-factory.ts': USES,
      'src/leaf.ts': 'export const n = 1;\n',
      'src/other.ts': LEAKY,
    });
    client = new LspClient();
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  const changeOnDisk = (file: string, text: string) => {
    writeFile(file, text);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 2 }] });
  };

  it('re-analyses only the files whose text or dependencies changed since the last scan', async () => {
    const first = await client.request('leaklint/scanWorkspace', {});
    assert.deepEqual(first, { files: 4, findings: 2, unchanged: 0, cancelled: false });
    const again = await client.request('leaklint/scanWorkspace', {});
    assert.deepEqual(again, { files: 4, findings: 2, unchanged: 4, cancelled: false });

    // a file nothing imports: only it is analysed again
    changeOnDisk(src('leaf.ts'), 'export const n = 2;\n');
    assert.deepEqual(await client.request('leaklint/scanWorkspace', {}), { files: 4, findings: 2, unchanged: 3, cancelled: false });

    // a file another imports: both are, and the importer's finding follows the new return type
    changeOnDisk(src('factory.ts'), `export function openLog(_p: string) {\n  return { write(_s: string): void {} };\n}\n`);
    assert.deepEqual(await client.request('leaklint/scanWorkspace', {}), { files: 4, findings: 1, unchanged: 2, cancelled: false });
    await client.diagnostics(uriOf(src('uses-factory.ts')), none);
  });

  it('an open document counts with its unsaved text for its importers', async () => {
    const uri = client.open(src('factory.ts'), OPENS);
    await client.diagnostics(uri, none);
    const scan = await client.request('leaklint/scanWorkspace', {});
    // factory.ts was analysed when it opened (its text differs from the disk's); of the rest only its importer changed
    assert.deepEqual([scan.findings, scan.unchanged], [2, 3]);
    await client.diagnostics(uriOf(src('uses-factory.ts')), ofRule('unclosed-resource'));
  });
});

describe('language server dependents', () => {
  let root: string;
  let client: LspClient;
  const src = (name: string) => join(root, 'src', name);
  const LOGS = `import * as fs from 'node:fs';

export function openLog(p: string): fs.WriteStream {
  return fs.createWriteStream(p);
}
`;
  const USES_LOGS = USES_FACTORY.replace('./factory.js', './logs.js');

  before(async () => {
    root = makeWorkspace({ 'tsconfig.json': tsconfigJson(), 'src/logs.ts': LOGS, 'src/uses-logs.ts': USES_LOGS });
    client = new LspClient();
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  /**
   * Every diagnostics publish for `uri` from message `from` on, once the server has gone idle after publishing `edited`
   * at `version` (an idle status ends the busy spell that edit began, delayed lints of dependents included).
   */
  const publishedUntilIdle = async (from: number, uri: string, edited: string, version: number) => {
    await client.diagnostics(edited, () => true, version);
    const publishedAt = client.received.reduce(
      (last, m, i) => (m.method === 'textDocument/publishDiagnostics' && m.params.uri === edited ? i : last),
      -1,
    );
    const idle = (m: Message) => client.received.indexOf(m) > publishedAt && m.method === 'leaklint/status' && m.params.state === 'idle';
    await client.until(idle, 'idle');
    return client.received.slice(from).filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri);
  };

  it('lints open dependents again only when what they see of the edited file changes', async () => {
    const user = client.open(src('uses-logs.ts'), USES_LOGS);
    await client.diagnostics(user, ofRule('unclosed-resource'));
    const logs = client.open(src('logs.ts'), LOGS);
    await client.diagnostics(logs, none);

    // typing in a body under a declared return type: the edited file is linted, its importer is left alone
    const typing = client.received.length;
    const body = { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } };
    const version = client.change(logs, [{ range: body, newText: '  void p;\n' }]);
    assert.deepEqual(await publishedUntilIdle(typing, user, logs, version), []);

    // the export's type changes: the importer is linted again and its finding goes
    const retyped = client.received.length;
    const retypedVersion = client.replace(
      logs,
      `export function openLog(_p: string): { write(s: string): void } {\n  return { write() {} };\n}\n`,
    );
    assert.deepEqual(
      (await publishedUntilIdle(retyped, user, logs, retypedVersion)).map((m) => m.params.diagnostics),
      [[]],
    );
  });
});

describe('language server memory bound', () => {
  let root: string;
  let client: LspClient;
  const PROJECTS = ['a', 'b', 'c'];

  before(async () => {
    const files: Record<string, string> = {};
    for (const p of PROJECTS) Object.assign(files, { [`${p}/tsconfig.json`]: tsconfigJson(), [`${p}/src/leaky.ts`]: LEAKY });
    root = makeWorkspace(files);
    client = new LspClient();
    client.settings = { maxProjects: 2 };
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  const unloaded = (from: number) =>
    client.received
      .slice(from)
      .filter((m) => m.method === 'window/logMessage' && /unloaded the program of/.test(m.params.message))
      .map((m) => /of (\S+tsconfig\.json)/.exec(m.params.message)?.[1]);

  it('keeps at most leaklint.maxProjects programs, and still answers for every project', async () => {
    const uris = PROJECTS.map((p) => client.open(join(root, p, 'src/leaky.ts'), LEAKY));
    for (const uri of uris) await client.diagnostics(uri, ofRule('unclosed-resource'));
    assert.deepEqual(unloaded(0), [join(root, 'a/tsconfig.json')]);

    // the unloaded project is built again for its file's next edit and code actions, and the oldest other one goes
    const from = client.received.length;
    const version = client.change(uris[0], [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '\n' },
    ]);
    const diagnostics = await client.diagnostics(uris[0], ofRule('unclosed-resource'), version);
    assert.ok((await codeActions(client, uris[0], diagnostics)).some((a) => a.isPreferred));
    assert.deepEqual(unloaded(from), [join(root, 'b/tsconfig.json')]);
    const scan = await client.request('leaklint/scanWorkspace', {});
    assert.deepEqual([scan.files, scan.findings], [3, 3]);
  });
});

describe('language server first look', () => {
  let root: string;
  let client: LspClient;
  const src = (name: string) => join(root, 'src', name);
  // a leak the file shows alone (node's types are an installed package), and one that needs another file of the project
  const MAIN = `import { openLog } from './open.js';

export function collect(stream: NodeJS.ReadableStream): void {
  let body = '';
  stream.on('data', (chunk: string) => {
    body += chunk;
  });
}

export function throughImport(p: string): void {
  const s = openLog(p);
  s.write('x');
}
`;
  const OTHER =
    "import { openLog } from './open.js';\n\nexport function other(p: string): void {\n  const s = openLog(p);\n  s.write('x');\n}\n";

  before(async () => {
    // past the source files of a program that builds in well under a second
    const files: Record<string, string> = { 'tsconfig.json': tsconfigJson(), 'src/main.ts': MAIN, 'src/other.ts': OTHER };
    files['src/open.ts'] = "import * as fs from 'node:fs';\n\nexport function openLog(p: string) {\n  return fs.createWriteStream(p);\n}\n";
    for (let i = 0; i < 300; i++) files[`src/filler${i}.ts`] = `export const value${i} = ${i};\n`;
    root = makeWorkspace(files);
    client = new LspClient();
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  const found = (ds: Diagnostic[]) => ds.map((d) => `${d.code}:${d.range.start.line}`).sort();

  it("shows the file alone's findings while a big project's program is built, then the project's", async () => {
    const uri = client.open(src('main.ts'), MAIN);
    const first = await client.diagnostics(uri, () => true, 1);
    // who calls the exported functions is not known yet: only what does not depend on it
    assert.deepEqual(found(first), ['unbounded-buffer:5']);
    const analysed = await client.diagnostics(uri, (ds) => ds.length > first.length, 1);
    assert.deepEqual(found(analysed), ['listener-leak:4', 'unbounded-buffer:5', 'unclosed-resource:10']);
    // a code action asked for now comes from the project's analysis
    assert.ok((await codeActions(client, uri, analysed)).some((a) => a.isPreferred));

    // with the program built, another file's first diagnostics are its project's
    const other = client.open(src('other.ts'), OTHER);
    const otherFirst = await client.diagnostics(other, () => true, 1);
    assert.deepEqual(found(otherFirst), ['unclosed-resource:3']);
  });
});

describe('language server large files', () => {
  let root: string;
  let client: LspClient;
  const src = (name: string) => join(root, 'src', name);
  // a generated file, 40 KB: over the limit of 0.02 MB set below (the default is 4 MB)
  const HUGE = `${LEAKY}\n${Array.from({ length: 800 }, (_, i) => `export const value${i} = { id: ${i}, name: 'v${i}' };`).join('\n')}\n`;

  before(async () => {
    root = makeWorkspace({ 'tsconfig.json': tsconfigJson(), 'src/huge.ts': HUGE, 'src/leaky.ts': LEAKY });
    client = new LspClient();
    client.settings = { maxFileSizeMB: 0.02 };
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  it('skips a file over leaklint.maxFileSizeMB with a message, and goes on with the others', async () => {
    const huge = client.open(src('huge.ts'), HUGE);
    const leaky = client.open(src('leaky.ts'), LEAKY);
    const diagnostics = await client.diagnostics(leaky, ofRule('unclosed-resource'));
    assert.ok((await codeActions(client, leaky, diagnostics)).some((a) => a.isPreferred));
    const note = await client.until(
      (m) => m.method === 'window/logMessage' && m.params.message.includes('huge.ts'),
      'a message about huge.ts',
    );
    assert.match(note.params.message, /too large to analyse \(0\.04 MB, over the limit of 0\.02 MB\) \(leaklint\.maxFileSizeMB\)/);
    assert.deepEqual(await client.diagnostics(huge, () => true), []);

    // under a higher limit it is analysed
    client.settings = { maxFileSizeMB: 1 };
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.diagnostics(huge, ofRule('unclosed-resource'));
  });
});

describe('language server configuration', () => {
  let root: string;
  let client: LspClient;

  before(async () => {
    root = makeWorkspace({
      'tsconfig.json': tsconfigJson(),
      'leaklint.config.json': '{\n  "rules": {\n    "unclosed-resource": "loud"\n  }\n}\n',
      'src/leaky.ts': LEAKY,
    });
    client = new LspClient();
    await client.initialize([root]);
  });

  after(async () => {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  });

  it('reports a broken leaklint.config.json on the file and lints with the defaults', async () => {
    const config = uriOf(join(root, 'leaklint.config.json'));
    const [problem] = await client.diagnostics(config, (ds) => ds.length === 1);
    assert.equal(problem.source, 'leaklint');
    assert.equal(problem.severity, ERROR);
    assert.equal(problem.range.start.line, 2);
    assert.match(problem.message, /severity must be one of off, warn, error/);

    const uri = client.open(join(root, 'src/leaky.ts'), LEAKY);
    const [d] = await client.diagnostics(uri, ofRule('unclosed-resource'));
    assert.equal(d.severity, WARNING, 'the default severity');
  });

  it('reloads the config file when it changes and applies the leaklint.rules setting over it', async () => {
    const config = join(root, 'leaklint.config.json');
    const uri = uriOf(join(root, 'src/leaky.ts'));
    writeFile(config, '{ "rules": { "unclosed-resource": "error" } }\n');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
    await client.diagnostics(uriOf(config), none);
    await client.diagnostics(uri, (ds) => ds.length === 1 && ds[0].severity === ERROR);

    client.settings = { rules: { 'unclosed-resource': 'off' } };
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.diagnostics(uri, none);

    client.settings = {};
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.diagnostics(uri, (ds) => ds.length === 1 && ds[0].severity === ERROR);

    client.settings = { exclude: ['**/leaky.ts'] };
    client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.diagnostics(uri, none);
  });
});

describe('extension manifest', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties;

  it('declares the settings the server reads, with its defaults', () => {
    // nested settings are dotted keys in the manifest (baseline.mode → leaklint.baseline.mode); `rules` is one object
    const keys = (value: object, prefix: string): [string, unknown][] =>
      Object.entries(value).flatMap(([key, v]): [string, unknown][] =>
        v && typeof v === 'object' && !Array.isArray(v) && key !== 'rules' ? keys(v, `${prefix}${key}.`) : [[`${prefix}${key}`, v]],
      );
    const read = keys(DEFAULT_SETTINGS, 'leaklint.');
    assert.ok(read.some(([key]) => key === 'leaklint.codeAction.disableRuleComment.location'));
    for (const [key, value] of read) {
      assert.deepEqual(properties[key]?.default, value, key);
      assert.ok(properties[key].description || properties[key].markdownDescription);
    }
    const documented = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const key of Object.keys(properties)) assert.ok(documented.includes(`\`${key}\``), `README.md documents ${key}`);
    assert.deepEqual(properties['leaklint.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  it('describes every rule in the leaklint.rules setting, as generated from the rule list', () => {
    assert.deepEqual(Object.keys(properties['leaklint.rules'].properties).sort(), [...RULE_IDS].sort());
    // package.json is written by hand: this keeps it equal to what the rule list says (ids, descriptions, severities)
    assert.deepEqual(properties['leaklint.rules'], rulesSetting());
  });

  it('contributes the commands and activates on the four languages', () => {
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of ['leaklint.scanWorkspace', 'leaklint.restartServer', 'leaklint.showOutput', 'leaklint.showDocs'])
      assert.ok(commands.includes(id), id);
    for (const language of ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'])
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`));
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(manifest.dependencies, undefined, 'everything is bundled');
  });
});
