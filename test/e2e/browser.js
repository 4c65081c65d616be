// Shared by the e2e drivers: Debian chromium through playwright-core (from the e2e cache, via NODE_PATH), a
// timestamped log, and the pass/fail counts each suite writes for run.sh to add up.
const fs = require('node:fs');

const t0 = Date.now();
const log = (...args) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...args);

function launch() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Prints each result and writes {passed, failed} to `countsFile`. */
function report(suite, results, countsFile) {
  if (!results.length) results = [{ title: 'the suite ran', state: 'failed', error: 'no test reported a result' }];
  for (const r of results) log(`${r.state === 'passed' ? 'ok  ' : 'FAIL'} ${suite}: ${r.title}${r.error ? `\n${r.error}` : ''}`);
  const passed = results.filter((r) => r.state === 'passed').length;
  const failed = results.length - passed;
  fs.writeFileSync(countsFile, JSON.stringify({ passed, failed }));
  log(`${suite}: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

module.exports = { launch, log, report };
