// The language server's entry point (dist/server.js): LSP over stdio (`--stdio`) or node IPC (the VS Code client).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LeakLintServer } from './server';

const server = new LeakLintServer(createConnection(ProposedFeatures.all));
// the server outlives bad input: anything that escapes a handler is logged, never fatal
process.on('uncaughtException', (error) => server.logError('handling a message', error));
process.on('unhandledRejection', (error) => server.logError('handling a message', error));
server.listen();
