// The CLI as a V8 startup snapshot (`node --snapshot-blob dist/cli.blob`, started by bin/leaklint.js): the heap after
// loading TypeScript and parsing and binding its default libraries is saved at build time, so a scan starts with
// all three done.
import { dirname, join, resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
import ts = require('typescript');
import { prepareLibs } from '../engine/project';
import { main } from './main';

/** Where TypeScript's files live beside the blob (dist/typescript/lib), as they do beside dist/cli.js. */
function pointTypeScriptAt(distDir: string): string {
  const executing = join(distDir, 'typescript/lib/typescript.js');
  ts.sys.getExecutingFilePath = () => executing;
  return dirname(executing);
}

// at build time (`node --snapshot-blob dist/cli.blob --build-snapshot dist/cli-snapshot.js`) the blob is written
// beside this script
prepareLibs(pointTypeScriptAt(__dirname));

startupSnapshot.setDeserializeMainFunction(() => {
  const blob = process.execArgv[process.execArgv.indexOf('--snapshot-blob') + 1];
  pointTypeScriptAt(dirname(resolve(blob)));
  // argv: [node, ...arguments] (the bin passes `--` before them)
  process.exitCode = main(process.argv.slice(1));
});
