// How the client launches the language server, from the settings. Apart from extension.ts so that a test can run
// it without VS Code (vscode-languageclient/node loads the `vscode` module, so the transport is passed in).
import type { NodeModule, ServerOptions } from 'vscode-languageclient/node';

/** Node flags of the debug launch: attach a debugger on port 6019. */
const DEBUG_EXEC_ARGV = ['--nolazy', '--inspect=6019'];

/** `leaklint.execArgv` as the user set it: its strings, in order (anything else is not a node flag). */
export function execArgvSetting(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((flag): flag is string => typeof flag === 'string' && flag.length > 0) : [];
}

/** The server as a node module, with `execArgv` (e.g. `--max-old-space-size=4096`) for its node process. */
export function serverOptions(module: string, transport: NodeModule['transport'], execArgv: readonly string[]): ServerOptions {
  return {
    run: { module, transport, options: { execArgv: [...execArgv] } },
    debug: { module, transport, options: { execArgv: [...execArgv, ...DEBUG_EXEC_ARGV] } },
  };
}
