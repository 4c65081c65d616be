// The language server's entry point (dist/server.js): LSP over stdio (`--stdio`) or node IPC (the VS Code client).
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LeakLintServer } from './server';

// Memory (bench/perf.ts): each edit leaves the previous checker behind as garbage, and V8 by default lets the old
// generation grow to several times what is live before collecting it; collect at +20% instead. TurboFan compiling
// TypeScript's largest functions takes ~100 MB for a while; those stay in the baseline tiers (latency unchanged).
// Both flags are read at each collection and compile, so setting them here (whoever starts the server) takes effect.
setFlagsFromString('--heap-growing-percent=20');
setFlagsFromString('--max-optimized-bytecode-size=16384');

const server = new LeakLintServer(createConnection(ProposedFeatures.all));
// the server outlives bad input: anything that escapes a handler is logged, never fatal
process.on('uncaughtException', (error) => server.logError('handling a message', error));
process.on('unhandledRejection', (error) => server.logError('handling a message', error));
server.listen();
