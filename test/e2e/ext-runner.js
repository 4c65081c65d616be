// Runs the extension-host suite (test/e2e/ext) the way @vscode/test-electron does: extensionDevelopmentPath +
// extensionTestsPath. E2E_HOST=electron uses runTests (downloads VS Code; needs a display). Otherwise (the default;
// VS Code cannot be downloaded on these machines) it runs in code-server at CS_URL, started by run.sh with
// `--vscode-option enable-smoke-test-driver`: the workbench opened with a `payload` runs the suite in its Node
// extension host and reports the exit code through window.codeAutomationExit.
// Env: DEV_EXT (extension folder), WS (workspace), RESULT (per-test JSON written by the suite), COUNTS, SHOTS, MOCHA,
// VSCODE_CACHE (where runTests keeps downloaded VS Code builds).
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const { DEV_EXT, WS, RESULT, COUNTS, SHOTS } = process.env;
const TESTS = path.join(__dirname, 'ext', 'index.js');
const TIMEOUT_MS = Number(process.env.EXT_TIMEOUT_MS || 300_000);

async function inElectron() {
  const { runTests } = require('@vscode/test-electron');
  return runTests({
    extensionDevelopmentPath: DEV_EXT,
    extensionTestsPath: TESTS,
    launchArgs: [
      WS,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      path.join(path.dirname(RESULT), 'electron-user-data'),
    ],
    extensionTestsEnv: { LEAKLINT_E2E_MOCHA: process.env.MOCHA, LEAKLINT_E2E_RESULT: RESULT },
    cachePath: process.env.VSCODE_CACHE,
  });
}

async function inCodeServer() {
  const { launch, log } = require('./browser');
  const base = process.env.CS_URL;
  const authority = new URL(base).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${DEV_EXT}`],
    ['extensionTestsPath', `vscode-remote://${authority}${TESTS}`],
  ];
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    // both must be exposed before the workbench loads, or the smoke-test driver never sees them
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = util.format(...(args || []));
      // the workbench's failed extension-gallery lookups (no marketplace here) are noise
      if (!/gallery|open-vsx|marketplace/i.test(text)) console.log('[ext host]', text);
    });
    await page.goto(`${base}/?folder=${encodeURIComponent(WS)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    await page.screenshot({ path: path.join(SHOTS, 'ext-suite-end.png') }).catch(() => {});
    if (code === 'timeout') throw new Error(`the extension-host suite did not finish within ${TIMEOUT_MS / 1000} s`);
    log('extension host exit code', code);
    return code;
  } finally {
    await browser.close();
  }
}

(async () => {
  const { report } = require('./browser');
  const results = () => (fs.existsSync(RESULT) ? JSON.parse(fs.readFileSync(RESULT, 'utf8')) : []);
  let outcome;
  try {
    fs.rmSync(RESULT, { force: true });
    const code = await (process.env.E2E_HOST === 'electron' ? inElectron() : inCodeServer());
    outcome = results();
    if (code !== 0 && !outcome.some((r) => r.state === 'failed'))
      outcome.push({ title: 'extension-host suite ran', state: 'failed', error: `the extension host exited with code ${code}` });
  } catch (error) {
    // runTests rejects when a test failed: the suite's own results say which
    outcome = results();
    if (!outcome.some((r) => r.state === 'failed'))
      outcome.push({ title: 'extension-host suite ran', state: 'failed', error: String(error.stack || error) });
  }
  process.exit(report('ext', outcome, COUNTS) ? 0 : 1);
})();
