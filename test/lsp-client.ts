// A small LSP client for the protocol tests and the latency benchmark: starts the BUILT server
// (`dist/server.js --stdio`) as a child process and speaks JSON-RPC over stdio with Content-Length framing,
// as an editor would. It records everything the server sends and answers the server's own requests.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root (tests and benchmarks are bundled into out/<dir>/). */
export const REPO = resolve(__dirname, '../..');
export const SERVER = join(REPO, 'dist/server.js');

export interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}
export interface Diagnostic {
  range: Range;
  severity?: number;
  tags?: number[];
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: { location: { uri: string; range: Range }; message: string }[];
}
export interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  edit?: { changes?: Record<string, TextEdit[]> };
  command?: { title: string; command: string; arguments?: unknown[] };
}
export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

const DEFAULT_TIMEOUT_MS = 20_000;

export class LspClient {
  /** Every message the server sent, in order (notifications, requests and responses). */
  readonly received: Message[] = [];
  /** What `workspace/configuration` answers for the `leaklint` section. */
  settings: Record<string, unknown> = {};
  /** Called with each request from the server just before it is answered. */
  beforeAnswer?: (request: Message) => void;
  /** The id of the last request sent. */
  lastId = 0;
  stderr = '';
  exited = false;
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number | string, (m: Message) => void>();
  private readonly waiters = new Set<{ match: (m: Message) => boolean; resolve: (m: Message) => void }>();
  private readonly versions = new Map<string, number>();

  /** `nodeArgs` go to node before the server's path (benchmarks profile the server with `--cpu-prof`). */
  constructor(serverPath = SERVER, nodeArgs: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, serverPath, '--stdio'], { stdio: 'pipe' });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', () => (this.exited = true));
  }

  async initialize(folders: string[], capabilities: Record<string, unknown> = {}): Promise<any> {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: folders[0] ? uriOf(folders[0]) : null,
      workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: f })),
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } },
        ...capabilities,
      },
    });
    this.notify('initialized', {});
    return result;
  }

  /** Sends a request and resolves with the whole response (result or error). */
  send(method: string, params?: unknown): Promise<Message> {
    const id = (this.lastId = this.nextId++);
    const response = new Promise<Message>((resolve) => this.pending.set(id, resolve));
    this.write({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    return response;
  }

  async request<T = any>(method: string, params?: unknown): Promise<T> {
    const response = await this.send(method, params);
    if (response.error) throw new Error(`${method} failed: ${response.error.code} ${response.error.message}`);
    return response.result as T;
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  open(file: string, text: string, languageId = 'typescript'): string {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Sends the edits as incremental changes (last first, so each range is still valid); returns the new version. */
  change(uri: string, edits: readonly TextEdit[]): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const contentChanges = [...edits]
      .sort((a, b) => compare(b.range.start, a.range.start))
      .map((e) => ({ range: e.range, text: e.newText }));
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    return version;
  }

  /** Replaces the whole text (full-document change); returns the new version. */
  replace(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** The server's process id (benchmarks read its memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** The next message (from now on) that matches. */
  waitFor(match: (m: Message) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Message> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver stderr:\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The first message, already received or still to come, that matches. */
  until(match: (m: Message) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Message> {
    const seen = this.received.find(match);
    return seen ? Promise.resolve(seen) : this.waitFor(match, what, timeoutMs);
  }

  /**
   * The first diagnostics published for the URI (already received or still to come) at or after a document
   * version that satisfy the predicate.
   */
  async diagnostics(
    uri: string,
    match: (d: Diagnostic[]) => boolean,
    minVersion = 0,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Diagnostic[]> {
    const ok = (m: Message) =>
      m.method === 'textDocument/publishDiagnostics' &&
      m.params.uri === uri &&
      (m.params.version ?? 0) >= minVersion &&
      match(m.params.diagnostics);
    const latest = this.received.filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri).at(-1);
    if (latest && ok(latest)) return latest.params.diagnostics;
    const m = await this.waitFor(ok, `diagnostics for ${uri} (version ≥ ${minVersion})`, timeoutMs);
    return m.params.diagnostics;
  }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request('shutdown');
    this.notify('exit', undefined);
    await exited;
  }

  kill(): void {
    if (!this.exited) this.child.kill();
  }

  private write(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(text: string): void {
    this.child.stdin.write(text);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    this.received.push(message);
    if (message.method === undefined && message.id !== undefined) {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    } else if (message.method !== undefined && message.id !== undefined) {
      this.beforeAnswer?.(message);
      this.write({ jsonrpc: '2.0', id: message.id, result: this.answer(message) });
    }
    for (const w of this.waiters) {
      if (w.match(message)) {
        this.waiters.delete(w);
        w.resolve(message);
      }
    }
  }

  /** Answers requests from the server. */
  private answer(message: Message): unknown {
    if (message.method === 'workspace/configuration') return message.params.items.map(() => this.settings);
    return null; // window/workDoneProgress/create, client/registerCapability, …
  }
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Applies LSP text edits (all relative to `text`) and returns the new text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: Position) => Math.min((lineStarts[p.line] ?? text.length) + p.character, text.length);
  let out = text;
  for (const e of [...edits].sort((a, b) => compare(b.range.start, a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

/** The code actions the server offers for the diagnostics (at the first one's range); `only` asks for kinds. */
export function codeActions(client: LspClient, uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics, ...(only ? { only } : {}) },
  });
}

/** Applies the action's edit to `text` locally and sends it to the server as incremental changes. */
export function apply(client: LspClient, uri: string, text: string, action: CodeAction): { text: string; version: number } {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits?.length, `"${action.title}" has edits for ${uri}`);
  return { text: applyTextEdits(text, edits), version: client.change(uri, edits) };
}

/** A temporary workspace folder with the given files (paths relative to it). */
export function makeWorkspace(files: Record<string, string>, prefix = 'leaklint-lsp-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) writeFile(join(root, rel), text);
  return root;
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A tsconfig for a temporary folder that resolves node's types from this repository. */
export function tsconfigJson(): string {
  return JSON.stringify(
    {
      compilerOptions: {
        target: 'es2022',
        lib: ['es2022', 'esnext.disposable'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(REPO, 'node_modules/@types')],
      },
      include: ['src'],
    },
    null,
    2,
  );
}
