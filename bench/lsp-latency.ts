// Latency of the language server as an editor sees it, through the BUILT server over stdio. Run with
// `npm run bench:lsp [-- --only generated|real|huge|tsconfigs] [--cpu-prof <dir>]`:
// - generated: open → diagnostics and edit → diagnostics on a generated 200-file project;
// - real: typing in a function body of a 3,641-line and of a 409-line file of JupyterLab's notebook package (19 project
//   references, their sources in the program), from .bench-cache/ts-corpus/jupyterlab at the commit pinned in
//   bench/corpus.ts (`npm run bench:corpus:ts -- --prepare` materialises it with its node_modules);
// - huge: a request about one file while a 5 MB file is opened, with and without leaklint.maxFileSizeMB's limit;
// - tsconfigs: the peak RSS of one workspace scan of 30 tsconfigs, with and without leaklint.maxProjects's bound.
// `--cpu-prof <dir>` writes the server's CPU profile there (node --cpu-prof) to see where the time goes; `--server
// <dist/server.js>` runs another build of the server.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LspClient, REPO, makeWorkspace, tsconfigJson, uriOf, writeFile, type Diagnostic, type Message } from '../test/lsp-client';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('--only');
const cpuProfileDir = flag('--cpu-prof');
const serverArgs = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
/** Another build of the server (e.g. main's, for a before/after comparison). */
const serverPath = flag('--server');

const FILES = 200;
const WARM_OPENS = 20;
const EDITS = 60;
const EDITED = 100;

/** Module i: a service class, helpers chained to module i-1, and a leak in every 5th (stream) and 7th (timer) file. */
function moduleText(i: number): string {
  const leakyTimer = i % 7 === 0;
  return `import * as fs from 'node:fs';
import { EventEmitter } from 'node:events';
${i > 0 ? `import { helper${i - 1} } from './mod${i - 1}.js';\n` : ''}
export const VERSION = 0;

export interface Item${i} {
  id: number;
  name: string;
  tags: string[];
}

export function helper${i}(n: number): number {
  return ${i > 0 ? `helper${i - 1}(n) + 1` : 'n'};
}

export class Service${i} {
  private readonly items = new Map<number, Item${i}>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly bus: EventEmitter) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
  }

  tick(): void {
    this.bus.emit('tick', this.items.size, helper${i}(${i}));
  }

  add(item: Item${i}): void {
    this.items.set(item.id, item);
    if (this.items.size > 1000) this.items.delete(this.items.keys().next().value!);
  }

  save(path: string): void {
    const out = fs.createWriteStream(path);
    try {
      for (const item of this.items.values()) out.write(JSON.stringify(item) + '\\n');
    } finally {
      out.close();
    }
  }

  dispose(): void {
    ${leakyTimer ? 'this.items.clear();' : 'clearInterval(this.timer);'}
  }
}
${
  i % 5 === 0
    ? `
export function appendLog${i}(path: string, line: string): void {
  const log = fs.createWriteStream(path, { flags: 'a' });
  log.write(line);
}
`
    : ''
}`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const summary = (values: number[]) =>
  `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))} (n=${values.length})`;

async function generatedProject(): Promise<void> {
  const files: Record<string, string> = { 'tsconfig.json': tsconfigJson() };
  for (let i = 0; i < FILES; i++) files[`src/mod${i}.ts`] = moduleText(i);
  const root = makeWorkspace(files, 'leaklint-bench-');
  const client = new LspClient(serverPath, serverArgs);
  try {
    await client.initialize([root]);
    const path = (i: number) => join(root, 'src', `mod${i}.ts`);

    const timeOpen = async (i: number): Promise<number> => {
      const start = performance.now();
      const uri = client.open(path(i), files[`src/mod${i}.ts`]);
      await client.diagnostics(uri, () => true, 1, 120_000);
      return performance.now() - start;
    };

    const cold = await timeOpen(EDITED);
    const opens: number[] = [];
    for (let k = 1; k <= WARM_OPENS; k++) opens.push(await timeOpen((EDITED + k * 7) % FILES));

    const uri = client.open(path(EDITED), files[`src/mod${EDITED}.ts`]);
    const versionLine = files[`src/mod${EDITED}.ts`].split('\n').findIndex((l) => l.startsWith('export const VERSION'));
    let current = 'export const VERSION = 0;';
    const edits: number[] = [];
    for (let k = 1; k <= EDITS; k++) {
      // alternate a plain edit with one that adds a leak, so diagnostics really change
      const next =
        k % 2
          ? `export const VERSION = ${k};`
          : `export const VERSION = ${k}; export function leak${k}(p: string): void { const s = fs.createWriteStream(p); s.write('x'); }`;
      const start = performance.now();
      const version = client.change(uri, [
        { range: { start: { line: versionLine, character: 0 }, end: { line: versionLine, character: current.length } }, newText: next },
      ]);
      const diagnostics = await client.diagnostics(uri, () => true, version, 60_000);
      edits.push(performance.now() - start);
      const leaks = diagnostics.filter((d) => d.code === 'unclosed-resource').length;
      if (leaks !== (k % 2 ? 1 : 2)) throw new Error(`edit ${k}: expected ${k % 2 ? 1 : 2} unclosed-resource findings, got ${leaks}`);
      current = next;
    }

    // a new file reloads the projects (tsconfig file lists change); parsed files are reused from the registry
    writeFile(join(root, 'src/extra.ts'), moduleText(FILES));
    const reloadStart = performance.now();
    const seen = client.received.length;
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(root, 'src/extra.ts')), type: 1 }] });
    await client.waitFor(
      (m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && client.received.indexOf(m) >= seen,
      'diagnostics after the reload',
      60_000,
    );
    const reload = performance.now() - reloadStart;

    const lines = Object.values(files).reduce((n, t) => n + t.split('\n').length, 0);
    console.log(`LeakLint LSP latency: ${FILES} generated files (${lines} lines), node ${process.version}`);
    console.log(`  cold open → diagnostics (loads the tsconfig, builds the program): ${ms(cold)}`);
    console.log(`  open → diagnostics (warm):                 ${summary(opens)}`);
    console.log(`  edit → diagnostics:                       ${summary(edits)}`);
    console.log(`  file created → project reloaded → diagnostics (incl. debounce): ${ms(reload)}`);
  } finally {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  }
}

const JUPYTERLAB = join(REPO, '.bench-cache/ts-corpus/jupyterlab');
const REAL_FILES = ['packages/notebook/src/actions.tsx', 'packages/notebook/src/history.ts'];
const WARM_KEYSTROKES = 10;
const KEYSTROKES = 60;

/**
 * A document typed into: a string statement inserted at the top of a function body mid-file, into which letters are
 * typed (every 40th keystroke clears it, like deleting a word). The code stays valid and the exports unchanged.
 */
class Typist {
  readonly uri: string;
  private readonly line: number;
  private readonly column: number;
  private typed = 0;

  constructor(
    private readonly client: LspClient,
    file: string,
  ) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l, i) => i >= lines.length / 2 && /^\s{2,}(const|let|if|return)\b/.test(l));
    if (at < 0) throw new Error(`${file}: no statement in a function body in its second half`);
    const indent = /^\s*/.exec(lines[at])![0];
    lines.splice(at, 0, `${indent}void '';`);
    this.line = at;
    this.column = indent.length + "void '".length;
    this.uri = client.open(file, lines.join('\n'), file.endsWith('x') ? 'typescriptreact' : 'typescript');
  }

  /** One keystroke; resolves with the time until its diagnostics arrive. */
  async keystroke(): Promise<number> {
    const start = performance.now();
    const clear = this.typed === 40;
    const from = { line: this.line, character: this.column + (clear ? 0 : this.typed) };
    const to = { line: this.line, character: this.column + this.typed };
    const version = this.client.change(this.uri, [
      { range: { start: from, end: to }, newText: clear ? '' : String.fromCharCode(97 + (this.typed % 26)) },
    ]);
    this.typed = clear ? 0 : this.typed + 1;
    await this.client.diagnostics(this.uri, () => true, version, 120_000);
    return performance.now() - start;
  }
}

async function realProject(): Promise<void> {
  if (!existsSync(join(JUPYTERLAB, 'node_modules'))) {
    console.log(`real: ${JUPYTERLAB} is missing; run \`npm run bench:corpus:ts -- --prepare\` first`);
    return;
  }
  const client = new LspClient(serverPath, serverArgs);
  try {
    await client.initialize([JUPYTERLAB]);
    console.log(`LeakLint LSP latency: JupyterLab (${JUPYTERLAB}), node ${process.version}`);
    for (const rel of REAL_FILES) {
      const file = join(JUPYTERLAB, rel);
      const start = performance.now();
      const typist = new Typist(client, file);
      const first = await client.diagnostics(typist.uri, () => true, 1, 300_000);
      const open = performance.now() - start;
      // the project's analysis of the file (after a first look, if there was one) has been published once the server is idle
      const published = client.received.map((m) => m.method).lastIndexOf('textDocument/publishDiagnostics');
      const after = (m: Message) => client.received.indexOf(m) > published;
      await client.until((m) => m.method === 'leaklint/status' && m.params.state === 'idle' && after(m), 'the project analysed', 300_000);
      const analysed = performance.now() - start;
      const final = (await client.diagnostics(typist.uri, () => true, 1)).map(diagnosticKey);
      const dropped = first.filter((d) => !final.includes(diagnosticKey(d))).length;
      for (let k = 0; k < WARM_KEYSTROKES; k++) await typist.keystroke();
      const keystrokes: number[] = [];
      for (let k = 0; k < KEYSTROKES; k++) keystrokes.push(await typist.keystroke());
      const lines = readFileSync(file, 'utf8').split('\n').length;
      console.log(
        `  ${rel} (${lines} lines): open → diagnostics ${ms(open)} (${first.length}), → the project's ${ms(analysed)} ` +
          `(${final.length}, ${dropped} of the first dropped); keystroke → diagnostics ${summary(keystrokes)}`,
      );
    }
    console.log(`  server peak RSS ${(procStatusKb(client.pid!, 'VmHWM') / 1024).toFixed(0)} MB`);
  } finally {
    await client.shutdown().catch(() => client.kill());
  }
}

const diagnosticKey = (d: Diagnostic) => `${d.code}:${d.range.start.line}:${d.range.start.character}`;

function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

const HUGE_BYTES = 5_000_000;

/**
 * A 5 MB generated file opened next to an ordinary one: how long a code action request for the ordinary file waits
 * while the server takes the huge file in, with the default leaklint.maxFileSizeMB (4: the file is set aside) and with
 * a limit above it (the file is analysed, as every file was before the limit).
 */
async function hugeFile(): Promise<void> {
  const lines = ["import * as fs from 'node:fs';"];
  for (let i = 0, size = 0; size < HUGE_BYTES; i++) {
    const line = `export function f${i}(p: string): number { const a = [1, 2, 3].map((x) => x * 2); return a.length + p.length; }`;
    lines.push(line);
    size += line.length + 1;
  }
  const huge = lines.join('\n');
  const files = { 'tsconfig.json': tsconfigJson(), 'src/huge.ts': huge, 'src/mod0.ts': moduleText(0) };
  const root = makeWorkspace(files, 'leaklint-bench-');
  console.log(`LeakLint LSP: a request about another file while a ${(huge.length / 1e6).toFixed(1)} MB file is opened`);
  try {
    for (const maxFileSizeMB of [4, 100]) {
      const client = new LspClient(serverPath, serverArgs);
      client.settings = { maxFileSizeMB };
      try {
        await client.initialize([root]);
        const other = client.open(join(root, 'src/mod0.ts'), files['src/mod0.ts']);
        const diagnostics = await client.diagnostics(other, (ds) => ds.length > 0, 1, 120_000);
        const opened = performance.now();
        const hugeUri = client.open(join(root, 'src/huge.ts'), huge);
        await new Promise((resolve) => setTimeout(resolve, 50)); // the server has started on the huge file
        const asked = performance.now();
        await client.request('textDocument/codeAction', {
          textDocument: { uri: other },
          range: diagnostics[0].range,
          context: { diagnostics },
        });
        const answered = performance.now() - asked;
        await client.diagnostics(hugeUri, () => true, 1, 300_000);
        const hugeDone = performance.now() - opened;
        console.log(
          `  leaklint.maxFileSizeMB ${maxFileSizeMB}: code action for the other file answered in ${ms(answered)}; ` +
            `huge file's diagnostics after ${ms(hugeDone)}`,
        );
      } finally {
        await client.shutdown().catch(() => client.kill());
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const PACKAGES = 30;
const PACKAGE_FILES = 40;

/**
 * A workspace of 30 tsconfigs (packages of 40 modules each) scanned once: the server's peak RSS with
 * leaklint.maxProjects at its default (8) and with no bound (every program kept, as before the setting).
 */
async function manyTsconfigs(): Promise<void> {
  const files: Record<string, string> = {};
  for (let p = 0; p < PACKAGES; p++) {
    files[`packages/p${p}/tsconfig.json`] = tsconfigJson();
    for (let i = 0; i < PACKAGE_FILES; i++) files[`packages/p${p}/src/mod${i}.ts`] = moduleText(i);
  }
  const root = makeWorkspace(files, 'leaklint-bench-');
  console.log(`LeakLint LSP: one workspace scan of ${PACKAGES} tsconfigs × ${PACKAGE_FILES} files`);
  try {
    for (const maxProjects of [8, 1000]) {
      const client = new LspClient(serverPath, serverArgs);
      client.settings = { maxProjects };
      try {
        await client.initialize([root]);
        const start = performance.now();
        const summary = await client.request('leaklint/scanWorkspace', {});
        const took = performance.now() - start;
        if (summary.files !== PACKAGES * PACKAGE_FILES) throw new Error(`scanned ${summary.files} files`);
        const peak = procStatusKb(client.pid!, 'VmHWM') / 1024;
        const rss = procStatusKb(client.pid!, 'VmRSS') / 1024;
        console.log(
          `  leaklint.maxProjects ${maxProjects}: scan ${ms(took)}, peak RSS ${peak.toFixed(0)} MB, RSS after ${rss.toFixed(0)} MB`,
        );
      } finally {
        await client.shutdown().catch(() => client.kill());
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!only || only === 'generated') await generatedProject();
  if (!only || only === 'real') await realProject();
  if (!only || only === 'huge') await hugeFile();
  if (!only || only === 'tsconfigs') await manyTsconfigs();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
