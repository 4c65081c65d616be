// The VS Code side of LeakLint: starts the bundled language server over IPC and adds the commands, the language
// status item and the output channel. All analysis happens in the server.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, WorkDoneProgress, type LanguageClientOptions } from 'vscode-languageclient/node';
import {
  DEFAULT_BASELINE_FILE,
  ScanWorkspaceRequest,
  SETTINGS_SECTION,
  SHOW_DOCS_COMMAND,
  StatusNotification,
  type StatusParams,
} from '../server/protocol';
import { execArgvSetting, serverOptions } from './server-options';

const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
const SELECTOR = LANGUAGES.flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('LeakLint', { log: true });
  const status = vscode.languages.createLanguageStatusItem('leaklint.status', SELECTOR);
  status.name = 'LeakLint';
  status.command = { title: 'Show Output', command: 'leaklint.showOutput' };
  context.subscriptions.push(output, status);

  const showStatus = (s: StatusParams): void => {
    status.busy = s.state === 'analysing';
    status.severity = s.state === 'error' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    status.text =
      s.state === 'analysing'
        ? 'LeakLint: analysing'
        : s.state === 'error'
          ? 'LeakLint: error'
          : `LeakLint: ${plural(s.problems, 'problem')}`;
    status.detail = s.message;
  };

  // a baseline under another name (leaklint.baseline.file) is re-read when a file is next analysed
  const globs = [
    '**/leaklint.config.json',
    `**/${DEFAULT_BASELINE_FILE}`,
    '**/{tsconfig,jsconfig}*.json',
    '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
  ];
  const watchers = globs.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(...watchers);

  const start = async (): Promise<void> => {
    try {
      client = createClient(context.asAbsolutePath('dist/server.js'), output, watchers);
      client.onNotification(StatusNotification, showStatus);
      await client.start();
    } catch (error) {
      showStatus({ state: 'error', problems: 0, message: String(error) });
      output.error(`the language server could not be started: ${String(error)}`);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('leaklint.scanWorkspace', () => scanWorkspace()),
    vscode.commands.registerCommand('leaklint.restartServer', async () => {
      await stopClient();
      await start();
    }),
    // node flags apply to a new process only
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(`${SETTINGS_SECTION}.execArgv`)) return;
      await stopClient();
      await start();
    }),
    vscode.commands.registerCommand('leaklint.showOutput', () => output.show()),
    vscode.commands.registerCommand(SHOW_DOCS_COMMAND, (url: unknown) => {
      // only web links: the argument comes from the server, which must not open arbitrary URIs
      if (typeof url === 'string' && /^https?:\/\//.test(url)) void vscode.env.openExternal(vscode.Uri.parse(url));
    }),
  );

  await start();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

/** Stops and forgets the client. One whose start failed is not running, and stop()/dispose() would throw on it. */
async function stopClient(): Promise<void> {
  const old = client;
  client = undefined;
  if (old?.needsStop()) await old.dispose();
}

function createClient(module: string, output: vscode.LogOutputChannel, watchers: vscode.FileSystemWatcher[]): LanguageClient {
  // `leaklint.execArgv` is machine-scoped: a workspace cannot set it (node flags such as --require run code)
  const execArgv = execArgvSetting(vscode.workspace.getConfiguration(SETTINGS_SECTION).get('execArgv'));
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    synchronize: {
      configurationSection: SETTINGS_SECTION,
      // config and tsconfig edits reload; source files changed outside the editor update the projects
      fileEvents: watchers,
    },
  };
  // the client id `leaklint` makes vscode-languageclient honour the `leaklint.trace.server` setting
  return new LanguageClient('leaklint', 'LeakLint', serverOptions(module, TransportKind.ipc, execArgv), clientOptions);
}

/** Runs the server's workspace scan in a cancellable notification that follows the server's progress. */
async function scanWorkspace(): Promise<void> {
  const running = client;
  if (!running?.isRunning()) {
    void vscode.window.showErrorMessage('LeakLint: the language server is not running (see "LeakLint: Show Output").');
    return;
  }
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'LeakLint: scanning workspace', cancellable: true },
    async (progress, cancel) => {
      const workDoneToken = randomUUID();
      let reported = 0;
      const listener = running.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const percentage = value.percentage ?? reported;
        progress.report({ message: value.message, increment: Math.max(0, percentage - reported) });
        reported = Math.max(reported, percentage);
      });
      try {
        return await running.sendRequest(ScanWorkspaceRequest, { workDoneToken }, cancel);
      } catch (error) {
        void vscode.window.showErrorMessage(
          `LeakLint: the workspace scan failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      } finally {
        listener.dispose();
      }
    },
  );
  if (!summary) return;
  const text = `LeakLint: ${plural(summary.findings, 'problem')} in ${plural(summary.files, 'file')}`;
  void vscode.window.showInformationMessage(summary.cancelled ? `${text} (scan cancelled)` : text);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
