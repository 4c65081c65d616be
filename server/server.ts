// The LeakLint language server: open documents → engine projects → diagnostics, code actions, workspace scans.
// Started by server/main.ts over stdio or node IPC; tests may also run it in-process over streams. It only ever
// uses its own bundled TypeScript and never loads code from the workspace.
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  ErrorCodes,
  FileChangeType,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type DidChangeWatchedFilesParams,
  type Diagnostic,
  type WorkDoneProgressReporter,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILE } from '../engine/config';
import { MB, TOO_LARGE } from '../engine/linter';
import { fixUntilStable } from '../engine/fix';
import { declarationSignature } from '../engine/file-signatures';
import { isSourceFile } from '../engine/project';
import type { Finding, Location, Rule } from '../engine/rule';
import type { FileResult } from '../engine/runner';
import { UNUSED_DIRECTIVE } from '../engine/suppressions';
import { RULES } from '../rules';
import { actionsFor, removeDirectiveAction, replaceTextEdit } from './actions';
import { configDiagnostic, problemCount, rangeOf, sameFinding, sameRange, showResult, SOURCE } from './diagnostics';
import { folderOf, isObject, makeFolder, parseSettings, type Folder } from './folders';
import { ProjectHost } from './projects';
import {
  DEFAULT_SETTINGS,
  FIX_ALL_KIND,
  ScanWorkspaceRequest,
  SETTINGS_SECTION,
  StatusNotification,
  type ScanSummary,
  type ScanWorkspaceParams,
  type StatusParams,
} from './protocol';
import { scanWorkspace } from './scan';
import { LintScheduler } from './scheduler';

/** How many distinct rule failures are remembered for log-once before the memory is reset. */
const MAX_LOGGED_KEYS = 1000;

/** How long dependents of an edited file wait for typing to pause (the edited file itself is linted at once). */
const DEBOUNCE_MS = 150;
/**
 * A change that follows another within this window waits this long: the JSON-RPC layer handles one message per
 * event-loop turn, so a burst (paste, replace-all, a storm) drains within it and costs one lint of the final
 * text, while a lone keystroke is linted at once.
 */
const BURST_MS = 15;
/** A lint cheaper than this (a comment edit's) is not worth waiting for: a burst of them is linted edit by edit. */
const CHEAP_LINT_MS = 2;
/**
 * After a first look (`ProjectHost.firstLookAt`) the whole program is built, which holds the server for seconds:
 * this long first, so that the first look's diagnostics are on their way to the client.
 */
const FIRST_LOOK_SENT_MS = 10;
const UNTITLED_EXTENSIONS: Record<string, string> = {
  typescript: '.ts',
  typescriptreact: '.tsx',
  javascript: '.js',
  javascriptreact: '.jsx',
};

interface Linted {
  version: number;
  /** All of the file's findings, the baseline's too. */
  findings: Finding[];
  /** The findings that have a diagnostic. */
  shown: Finding[];
  /** Suppression comments that suppress nothing. */
  unused: Location[];
  /** What the files importing it saw of it when it was linted (engine/file-signatures.ts declarationSignature). */
  signature?: string;
  /** True for a first look (the file alone, while its program is built): its project's analysis follows. */
  partial?: boolean;
}

const NOT_LINTED: FileResult = { findings: [], ruleErrors: [] };

/** Names the setting that decides a skip, where there is one. */
function settingFor(skipped: string): string {
  return skipped.startsWith(TOO_LARGE) ? ' (leaklint.maxFileSizeMB)' : '';
}

function invalidParams(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function fileOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined; // e.g. a UNC host on a platform without them
  }
}

export class LeakLintServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly host = new ProjectHost(
    (p) => this.logOnce(`tsconfig:${p.file}:${p.message}`, `${p.file}: ${p.message}`),
    (project) =>
      this.connection.console.log(
        `unloaded the program of ${project.id}, the least recently used of more than ${this.host.maxProjects} projects ` +
          '(leaklint.maxProjects); it is built again when one of its files is analysed',
      ),
  );
  private readonly scheduler = new LintScheduler(
    (uri) => this.lint(uri),
    () => this.sendStatus(),
  );
  private workspaceFolders: WorkspaceFolder[] = [];
  private folders: Folder[] = [];
  private loose: Folder = makeFolder(undefined, undefined, DEFAULT_SETTINGS);
  private readonly linted = new Map<string, Linted>();
  /** Open documents: file path → document URI. */
  private readonly openFiles = new Map<string, string>();
  /** Problems currently published (hints not counted), per URI with diagnostics (for the status item). */
  private readonly problemCounts = new Map<string, number>();
  private configProblemUris = new Set<string>();
  private readonly logged = new Set<string>();
  /** When each open document last changed (to tell a burst from a lone keystroke). */
  private readonly lastChangeAt = new Map<string, number>();
  /** How long each document's last lint took (`CHEAP_LINT_MS`). */
  private readonly lintMs = new Map<string, number>();
  /** Where untitled documents are analysed (fixed at startup so their paths never change). */
  private untitledRoot = tmpdir();
  private canPullSettings = false;
  /** Settings pushed with didChangeConfiguration, for clients that cannot be asked. */
  private pushedSettings: unknown;
  private ready = false;
  /** After `shutdown` requests are refused and nothing more is linted (the client sends `exit` next). */
  private shutDown = false;
  private readonly whenReady: Promise<void>;
  private markReady!: () => void;
  private scans = 0;
  private lastStatus = '';

  constructor(
    private readonly connection: Connection,
    /** The rules to run (all of them; tests may add their own). */
    private readonly rules: readonly Rule[] = RULES,
  ) {
    this.whenReady = new Promise((resolve) => (this.markReady = resolve));
  }

  listen(): void {
    const c = this.connection;
    let foldersSupported = false;
    c.onInitialize((params) => {
      this.workspaceFolders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: basename(params.rootUri) }] : []);
      this.untitledRoot = fileOfUri(this.workspaceFolders[0]?.uri ?? '') ?? tmpdir();
      this.canPullSettings = params.capabilities.workspace?.configuration === true;
      foldersSupported = params.capabilities.workspace?.workspaceFolders === true;
      return {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
          workspace: foldersSupported ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
        },
        serverInfo: { name: 'leaklint' },
      };
    });
    c.onInitialized(async () => {
      if (foldersSupported) {
        c.workspace.onDidChangeWorkspaceFolders((event) => {
          const removed = new Set(event.removed.map((f) => f.uri));
          this.workspaceFolders = [...this.workspaceFolders.filter((f) => !removed.has(f.uri)), ...event.added];
          void this.reload();
        });
      }
      await this.reloadFolders();
      this.ready = true;
      this.markReady();
      this.lintAllOpen(0);
    });
    c.onDidChangeConfiguration((params) => {
      this.pushedSettings = isObject(params?.settings) ? params.settings[SETTINGS_SECTION] : undefined;
      void this.reload();
    });
    c.onDidChangeWatchedFiles((params) => this.watchedFilesChanged(params));
    c.onShutdown(() => {
      this.shutDown = true;
    });
    c.onCodeAction((params) => this.codeActions(params));
    c.onRequest(ScanWorkspaceRequest, (params, token) => this.scan(params, token));

    this.documents.onDidChangeContent(({ document }) => this.changed(document));
    this.documents.onDidSave(({ document }) => {
      const file = this.fileOf(document);
      if (file && this.folderFor(file).settings.run === 'onSave') {
        this.scheduleEdited(document.uri);
        this.scheduleDependents(file);
      }
    });
    this.documents.onDidClose(({ document }) => this.closed(document));
    this.documents.listen(c);
    c.listen();
  }

  // ---- documents -------------------------------------------------------------------------------------------

  /** The file a document is analysed as: its path, or a virtual path in the first folder for an untitled one. */
  private fileOf(doc: { uri: string; languageId: string }): string | undefined {
    if (doc.uri.startsWith('untitled:')) {
      const ext = UNTITLED_EXTENSIONS[doc.languageId];
      const name = basename(decodeURIComponent(doc.uri.slice('untitled:'.length))).replace(/[^\w.-]/g, '_');
      return ext ? join(this.untitledRoot, `${name}${ext}`) : undefined;
    }
    const file = fileOfUri(doc.uri);
    return file && isSourceFile(file) ? file : undefined;
  }

  private readonly uriOf = (file: string): string => this.openFiles.get(file) ?? pathToFileURL(file).href;

  private folderFor(file: string): Folder {
    return folderOf(this.folders, file) ?? this.loose;
  }

  private changed(doc: TextDocument): void {
    const file = this.fileOf(doc);
    if (!file) return;
    const opened = !this.openFiles.has(file);
    this.openFiles.set(file, doc.uri);
    this.host.setText(file, doc.getText());
    if (opened) this.scheduler.schedule(doc.uri, 0);
    else if (this.folderFor(file).settings.run === 'onType') this.scheduleEdited(doc.uri);
  }

  private closed(doc: TextDocument): void {
    const file = this.fileOf(doc);
    if (!file || this.openFiles.get(file) !== doc.uri) return;
    this.scheduler.cancel(doc.uri);
    this.linted.delete(doc.uri);
    this.lastChangeAt.delete(doc.uri);
    this.lintMs.delete(doc.uri);
    this.publish(doc.uri, []);
    // dependents now see the file's text on disk again
    this.scheduleDependents(file);
    this.openFiles.delete(file);
    this.host.close(file);
  }

  /** Lints the edited document almost at once (a burst of changes coalesces into one lint). */
  private scheduleEdited(uri: string): void {
    const now = performance.now();
    const inBurst = now - (this.lastChangeAt.get(uri) ?? -Infinity) < BURST_MS;
    this.lastChangeAt.set(uri, now);
    const cheap = (this.lintMs.get(uri) ?? Infinity) < CHEAP_LINT_MS;
    this.scheduler.schedule(uri, inBurst && !cheap ? BURST_MS : 0);
  }

  /** Once typing pauses, lints the other open files of the file's project (they may depend on it). */
  private scheduleDependents(file: string): void {
    if (!this.ready) return;
    const folderOfFile = (f: string) => this.folderFor(f).path ?? dirname(f);
    const project = this.host.projectFor(file, folderOfFile(file));
    for (const [other, otherUri] of this.openFiles) {
      if (other !== file && this.host.projectFor(other, folderOfFile(other)) === project) this.scheduler.schedule(otherUri, DEBOUNCE_MS);
    }
  }

  private lintAllOpen(delayMs: number): void {
    for (const uri of this.openFiles.values()) this.scheduler.schedule(uri, delayMs);
  }

  // ---- linting ---------------------------------------------------------------------------------------------

  private lint(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc || !this.ready || this.shutDown) return; // not ready: everything open is linted once the settings are in
    try {
      this.lintDocument(doc);
    } catch (error) {
      this.logError(`linting ${uri}`, error);
    }
  }

  /**
   * Lints the document and publishes its diagnostics. Its dependents are linted again (later) only when what they
   * see of it changed: typing inside a function body leaves them as they are.
   */
  private lintDocument(doc: TextDocument): Linted {
    const started = performance.now();
    const file = this.fileOf(doc)!;
    const folder = this.folderFor(file);
    const enabled = folder.settings.enable && folder.linter.selects(file);
    const partial = enabled && !this.linted.get(doc.uri)?.partial ? this.firstLook(folder, file) : undefined;
    const result = partial ?? (enabled ? this.analyse(folder, file) : NOT_LINTED);
    const shown = this.show(folder, result);
    const before = this.linted.get(doc.uri)?.signature;
    // an edit inside a comment changes nothing importers see (and asking would update the program)
    const kept = result.commentEdit && before;
    const signature = folder.settings.enable && !partial ? kept || this.signatureOf(folder, file) : undefined;
    const linted = {
      version: doc.version,
      findings: result.findings,
      shown: shown.findings,
      unused: result.unusedDirectives ?? [],
      signature,
      partial: Boolean(partial),
    };
    if (partial) this.scheduler.schedule(doc.uri, FIRST_LOOK_SENT_MS);
    if (before !== undefined && before !== signature) this.scheduleDependents(file);
    this.linted.set(doc.uri, linted);
    this.publish(doc.uri, shown.diagnostics, doc.version);
    this.lintMs.set(doc.uri, performance.now() - started);
    return linted;
  }

  /** The findings for the document's current version, linting now when they are missing, stale or a first look. */
  private current(doc: TextDocument): Linted {
    const linted = this.linted.get(doc.uri);
    if ((linted?.version === doc.version && !linted.partial) || !this.ready)
      return linted ?? { version: doc.version, findings: [], shown: [], unused: [] };
    this.scheduler.cancel(doc.uri);
    return this.lintDocument(doc);
  }

  private analyse(folder: Folder, file: string): FileResult {
    const result = this.analyseQuietly(folder, file);
    this.reportProblems(file, result);
    return result;
  }

  /**
   * The file's result from its first look (the file alone), when its project holds no program and is big; undefined
   * when the project's own analysis comes at once. Unused-directive hints wait for the project's analysis.
   */
  private firstLook(folder: Folder, file: string): FileResult | undefined {
    try {
      const alone = this.host.firstLookAt(file, folder.path ?? dirname(file));
      const result = alone && folder.linter.lintFile(alone, file);
      return result && { ...result, unusedDirectives: [] };
    } catch (error) {
      this.logError(`a first look at ${file}`, error);
      return undefined;
    }
  }

  /** The file's result without logging its problems (for scratch texts such as fix-all's passes). */
  private analyseQuietly(folder: Folder, file: string): FileResult {
    try {
      const project = this.host.projectFor(file, folder.path ?? dirname(file));
      this.host.use(project);
      const result = folder.linter.lintFile(project, file);
      this.host.releaseRetired();
      return result;
    } catch (error) {
      return { findings: [], ruleErrors: [], skipped: `could not be analysed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private show(folder: Folder, result: FileResult) {
    return showResult(result, folder.settings, folder.baseline?.current(), this.uriOf);
  }

  private signatureOf(folder: Folder, file: string): string | undefined {
    try {
      const source = this.host
        .projectFor(file, folder.path ?? dirname(file))
        .program()
        .getSourceFile(file);
      return source && declarationSignature(source);
    } catch {
      return undefined; // the program could not be built: analyse() has said so
    }
  }

  private reportProblems(file: string, result: FileResult): void {
    for (const e of result.ruleErrors) this.logOnce(`rule:${e.ruleId}:${file}`, `rule ${e.ruleId} failed on ${file}: ${e.message}`);
    if (result.skipped) this.logOnce(`skipped:${file}:${result.skipped}`, `${file}: ${result.skipped}${settingFor(result.skipped)}`);
  }

  private publish(uri: string, diagnostics: Diagnostic[], version?: number): void {
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
    // kept while anything is published (hints too), so a later clean result clears it
    if (diagnostics.length) this.problemCounts.set(uri, problemCount(diagnostics));
    else this.problemCounts.delete(uri);
    this.sendStatus();
  }

  private sendStatus(): void {
    const problems = [...this.problemCounts.values()].reduce((a, b) => a + b, 0);
    const configError = [...this.folders, this.loose].find((f) => f.configError)?.configError;
    const status: StatusParams =
      this.scheduler.busy || this.scans > 0
        ? { state: 'analysing', problems }
        : configError
          ? { state: 'error', problems, message: configError.message }
          : { state: 'idle', problems };
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    void this.connection.sendNotification(StatusNotification, status);
  }

  // ---- settings, config and watched files ------------------------------------------------------------------

  private async reload(): Promise<void> {
    try {
      await this.reloadFolders();
      this.lintAllOpen(0);
    } catch (error) {
      this.logError('reloading the configuration', error);
    }
  }

  private async reloadFolders(): Promise<void> {
    const warn = (message: string) => this.logOnce(`settings:${message}`, message);
    const settingsFor = async (scopeUri: string | undefined) => {
      if (!this.canPullSettings) return parseSettings(this.pushedSettings, warn);
      try {
        return parseSettings(await this.connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION }), warn);
      } catch (error) {
        this.logError('reading the leaklint settings', error);
        return parseSettings(undefined, warn);
      }
    };
    const folders = await Promise.all(
      this.workspaceFolders.map(async (f) => makeFolder(f.uri, fileOfUri(f.uri), await settingsFor(f.uri), this.rules, warn)),
    );
    this.loose = makeFolder(undefined, undefined, await settingsFor(undefined), this.rules);
    // window-wide, as the projects are shared by the folders
    this.host.maxProjects = this.loose.settings.maxProjects;
    this.host.setMaxFileLength(this.loose.settings.maxFileSizeMB * MB);
    this.folders = folders;
    this.publishConfigProblems();
  }

  /** A broken leaklint.config.json gets a diagnostic on itself (the defaults are used meanwhile). */
  private publishConfigProblems(): void {
    const byUri = new Map<string, Diagnostic[]>();
    for (const { configError } of this.folders) {
      if (!configError) continue;
      const uri = this.uriOf(configError.file);
      if (!byUri.has(uri)) byUri.set(uri, [configDiagnostic(configError)]);
      this.logOnce(`config:${configError.message}`, `config error, using the defaults: ${configError.message}`);
    }
    for (const uri of this.configProblemUris) if (!byUri.has(uri)) this.publish(uri, []);
    for (const [uri, diagnostics] of byUri) this.publish(uri, diagnostics);
    this.configProblemUris = new Set(byUri.keys());
  }

  private watchedFilesChanged(params: DidChangeWatchedFilesParams): void {
    let reloadConfig = false;
    let resetProjects = false;
    let relint = false;
    const baselines = new Set(this.folders.map((f) => f.baseline?.path));
    for (const change of params?.changes ?? []) {
      const file = fileOfUri(change.uri);
      if (!file) continue;
      const name = basename(file);
      if (name === CONFIG_FILE) reloadConfig = true;
      // a baseline file is read again when the files are linted again
      else if (baselines.has(file)) relint = true;
      else if (/^[tj]sconfig.*\.json$/.test(name)) resetProjects = true;
      else if (isSourceFile(file) || /\.d\.[cm]?ts$/.test(file)) {
        // added or removed files (open or not) change tsconfig file lists and module resolution: reload the
        // projects; a change on disk matters only when no editor text overrides it
        if (change.type !== FileChangeType.Changed) resetProjects = true;
        else if (!this.openFiles.has(file)) {
          this.host.changedOnDisk(file);
          relint = true;
        }
      }
    }
    if (resetProjects) this.host.reset();
    if (reloadConfig) void this.reload();
    else if (resetProjects || relint) this.lintAllOpen(DEBOUNCE_MS);
  }

  // ---- code actions ----------------------------------------------------------------------------------------

  private codeActions(params: CodeActionParams): CodeAction[] {
    this.refuseAfterShutdown();
    const p: unknown = params;
    const valid =
      isObject(p) &&
      isObject(p.textDocument) &&
      typeof p.textDocument.uri === 'string' &&
      isObject(p.context) &&
      Array.isArray(p.context.diagnostics) &&
      p.context.diagnostics.every((d) => isObject(d) && isObject(d.range)) &&
      (p.context.only === undefined || (Array.isArray(p.context.only) && p.context.only.every((k) => typeof k === 'string')));
    if (!valid) throw invalidParams('textDocument/codeAction needs { textDocument: { uri }, range, context: { diagnostics, only? } }');
    const doc = this.documents.get(params.textDocument.uri);
    const file = doc && this.fileOf(doc);
    if (!doc || !file) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const linted = this.current(doc);
    const { settings } = this.folderFor(file);
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const d of params.context.diagnostics) {
        if (d.source !== SOURCE || typeof d.code !== 'string') continue;
        if (d.code === UNUSED_DIRECTIVE) {
          if (linted.unused.some((u) => sameRange(d.range, rangeOf(u)))) actions.push(removeDirectiveAction(doc, d));
          continue;
        }
        const finding = linted.shown.find((f) => sameFinding(d, f));
        actions.push(...actionsFor(doc, d, finding, linted.shown, settings.codeAction.disableRuleComment.location));
      }
    }
    // source actions are only computed when asked for (on save, or the Source Action menu)
    if (only && wants(FIX_ALL_KIND)) {
      const edits = this.fixAllEdits(doc, file, linted);
      if (edits.length)
        actions.push({ title: 'Fix all auto-fixable LeakLint problems', kind: FIX_ALL_KIND, edit: { changes: { [doc.uri]: edits } } });
    }
    return actions;
  }

  /**
   * The engine's fix loop (engine/fix.ts fixUntilStable) on the document's text: the preferred fixes, merged, pass
   * after pass, never a pass whose text the linter cannot analyse. The passes are linted on scratch overlays and
   * the document's own text is restored afterwards. `leaklint.codeActionsOnSave.mode`: `all` fixes what it can
   * (as `leaklint scan --fix`, baselined findings too); `problems` makes one pass over the problems shown.
   */
  private fixAllEdits(doc: TextDocument, file: string, linted: Linted) {
    const folder = this.folderFor(file);
    const original = doc.getText();
    let scratch = false;
    const lintOnce = (text: string) => {
      scratch = true;
      this.host.setText(file, text);
      const result = this.analyseQuietly(folder, file);
      return result.skipped ? undefined : result.findings;
    };
    try {
      const options =
        folder.settings.codeActionsOnSave.mode === 'problems' ? { findings: linted.shown, maxPasses: 1 } : { findings: linted.findings };
      return replaceTextEdit(doc, fixUntilStable(lintOnce, original, options).text);
    } finally {
      if (scratch) this.host.setText(file, original);
    }
  }

  // ---- workspace scan --------------------------------------------------------------------------------------

  private async scan(params: ScanWorkspaceParams, token: CancellationToken): Promise<ScanSummary> {
    this.refuseAfterShutdown();
    const p: unknown = params;
    if (!isObject(p) || (p.workDoneToken !== undefined && typeof p.workDoneToken !== 'string' && typeof p.workDoneToken !== 'number')) {
      throw invalidParams(`${ScanWorkspaceRequest.method} takes { workDoneToken?: string | number }`);
    }
    await this.whenReady;
    // the client's own token (cancelled through the request), else a server-created progress the user can cancel
    let progress: WorkDoneProgressReporter;
    let progressCancel: CancellationToken | undefined;
    if (params.workDoneToken !== undefined) progress = this.connection.window.attachWorkDoneProgress(params.workDoneToken);
    else {
      const created = await this.connection.window.createWorkDoneProgress();
      progress = created;
      progressCancel = created.token;
    }
    this.scans++;
    this.sendStatus();
    try {
      return await scanWorkspace(this.folders, this.host, progress, {
        isCancelled: () => token.isCancellationRequested || !!progressCancel?.isCancellationRequested,
        log: (message) => this.connection.console.log(message),
        onFile: (folder, file, result) => {
          this.reportProblems(file, result);
          const uri = pathToFileURL(file).href;
          const { diagnostics } = this.show(folder, result);
          // open files keep their live diagnostics; clean files need a publish only to clear an earlier one
          if (!this.openFiles.has(file) && (diagnostics.length || this.problemCounts.has(uri))) this.publish(uri, diagnostics);
          return problemCount(diagnostics);
        },
      });
    } finally {
      this.scans--;
      this.sendStatus();
    }
  }

  private refuseAfterShutdown(): void {
    if (this.shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is shutting down');
  }

  // ---- logging ---------------------------------------------------------------------------------------------

  private logOnce(key: string, message: string): void {
    if (this.logged.has(key)) return;
    // a long session sees many (rule, file) keys: forget them all now and then rather than grow forever
    if (this.logged.size >= MAX_LOGGED_KEYS) this.logged.clear();
    this.logged.add(key);
    this.connection.console.warn(message);
  }

  logError(what: string, error: unknown): void {
    this.connection.console.error(
      `LeakLint: error while ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
