#!/usr/bin/env node
'use strict';
// The `leaklint` command: the CLI bundle built by `npm run build` (node esbuild.mjs).
process.exitCode = require('../dist/cli.js').main(process.argv.slice(2));
