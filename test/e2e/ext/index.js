// The extension-host test entry in @vscode/test-electron's shape: VS Code loads this file (extensionTestsPath) in the
// extension host and awaits run(). Mocha comes from the e2e cache (LEAKLINT_E2E_MOCHA), not the repo's node_modules.
// Results also go to LEAKLINT_E2E_RESULT as JSON, so the runner can report them whatever happens to the console.
const fs = require('node:fs');
const path = require('node:path');

exports.run = async function run() {
  const Mocha = require(process.env.LEAKLINT_E2E_MOCHA || 'mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.e2e.js'));
  const results = [];
  await new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (process.env.LEAKLINT_E2E_RESULT) fs.writeFileSync(process.env.LEAKLINT_E2E_RESULT, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', error: String((err && err.stack) || err) }));
  });
};
