// The LeakLint extension (installed from the .vsix) driven through the real VS Code workbench (code-server at
// CS_URL) in chromium, on a copy of examples/leaky-service at WS. Each step saves a screenshot to SHOTS.
// The steps build on each other; after a failure the remaining ones are reported as failed, not skipped.
const fs = require('node:fs');
const path = require('node:path');
const { launch, log, report } = require('./browser');

const { CS_URL, WS, SHOTS, COUNTS } = process.env;
const METRICS = path.join(WS, 'src/metrics.ts');

let page;
let shotNo = 0;
async function shot(name) {
  const file = path.join(SHOTS, `ui-${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  log('screenshot', file);
}

const editor = () => page.locator('.editor-instance .monaco-editor').first();
const squiggles = () => editor().locator('.squiggly-warning');
const problemRows = () => page.locator('.markers-panel .monaco-list-row');

async function openFile(rel) {
  const name = path.basename(rel);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(rel);
  // the list first shows recently opened files: wait until the match is focused
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: 15_000 });
  await editor().locator('.view-lines').waitFor({ timeout: 15_000 });
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function toggleProblems(visible) {
  const panel = page.locator('.markers-panel');
  // Ctrl+Shift+M opens and focuses the Problems view; Ctrl+J hides the panel wherever the focus is
  if ((await panel.isVisible()) !== visible) await page.keyboard.press(visible ? 'Control+Shift+M' : 'Control+J');
  await panel.waitFor({ state: visible ? 'visible' : 'hidden', timeout: 10_000 });
}

/** The next problem from the top of the file (F8 also moves the cursor there); returns the peek's text. */
async function peekFirstProblem() {
  await editor().locator('.view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('F8');
  const peek = page.locator('.marker-widget').first();
  await peek.waitFor({ timeout: 10_000 });
  return peek.innerText();
}

/** Ctrl+. at the cursor, pick `title`, save, and wait for the file on disk to match `expected`. */
async function quickFix(title, expected, shotName) {
  const before = await squiggles().count();
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  await shot(`${shotName}-menu`);
  await item.click();
  await page.keyboard.press('Control+S');
  await waitUntil(`${path.basename(METRICS)} on disk to match ${expected}`, () => expected.test(fs.readFileSync(METRICS, 'utf8')));
  await waitUntil('one squiggle less', async () => (await squiggles().count()) < before);
  await page.keyboard.press('Escape'); // the F8 peek can come back after the edit, stale
  await shot(`${shotName}-applied`);
}

async function waitUntil(what, check, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

const steps = [
  [
    'the workbench opens the workspace',
    async () => {
      await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      await shot('workbench');
    },
  ],
  [
    'a leak gets a squiggle',
    async () => {
      await openFile('src/metrics.ts');
      await squiggles().first().waitFor({ state: 'attached', timeout: 90_000 });
      await shot('squiggles');
    },
  ],
  [
    'the Problems panel lists the leaks with their rule codes',
    async () => {
      await toggleProblems(true);
      for (const code of ['uncleared-timer', 'listener-leak']) {
        await problemRows().filter({ hasText: code }).filter({ hasText: 'leaklint' }).first().waitFor({ timeout: 30_000 });
      }
      log('problems:', JSON.stringify(await problemRows().allInnerTexts()));
      await shot('problems-panel');
      await toggleProblems(false);
    },
  ],
  [
    'F8 peeks the first problem with its message',
    async () => {
      const text = await peekFirstProblem();
      if (!text.includes('The interval stored in `this.timer` is never cleared')) throw new Error(`unexpected peek: ${text}`);
      await shot('f8-peek');
      await page.keyboard.press('Escape');
    },
  ],
  [
    'Ctrl+. applies the LeakLint fix: the file changes on disk and the squiggle goes',
    async () => {
      await quickFix('Clear the timer in dispose()', /this\.samples\.length = 0;\n {4}clearInterval\(this\.timer\);/, 'quickfix');
    },
  ],
  [
    '"LeakLint: Scan Workspace" shows progress and fills the Problems panel',
    async () => {
      // the progress toast can be up for well under a second: record every toast text as it appears
      await page.evaluate(() => {
        window.leaklintToasts = [];
        new MutationObserver(() => {
          for (const t of document.querySelectorAll('.notifications-toasts .notification-toast')) window.leaklintToasts.push(t.innerText);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const seen = (re) =>
        page.waitForFunction((src) => window.leaklintToasts.some((t) => new RegExp(src).test(t)), re.source, {
          polling: 'raf',
          timeout: 120_000,
        });
      const warnings = async () =>
        Number(/Warnings: (\d+)/.exec(await page.locator('[id="status.problems"]').first().getAttribute('aria-label'))?.[1] ?? 0);
      const before = await warnings();
      await runCommand('LeakLint: Scan Workspace');
      await seen(/LeakLint: scanning workspace/);
      await page.waitForTimeout(150); // let the toast finish fading in for the screenshot
      await shot('scan-progress');
      await seen(/LeakLint: \d+ problems? in \d+ files?/);
      log('toasts:', JSON.stringify([...new Set(await page.evaluate(() => window.leaklintToasts))]));
      await toggleProblems(true);
      await waitUntil('more warnings than the open file had', async () => (await warnings()) > before);
      await shot('scan-problems');
      // the list only renders the rows in view: filter it to each rule of a file that was never opened
      const filter = page.locator('[placeholder^="Filter (e.g."]').first();
      for (const [file, code] of [
        ['jobs.ts', 'unterminated-worker'],
        ['sessions.ts', 'object-keyed-cache'],
        ['ingest.ts', 'unbounded-fanout'],
      ]) {
        await filter.fill(code);
        await problemRows().filter({ hasText: file }).first().waitFor({ timeout: 30_000 });
        await problemRows().filter({ hasText: code }).filter({ hasText: 'leaklint' }).first().waitFor({ timeout: 30_000 });
      }
      await shot('scan-problems-filtered');
      await filter.fill('');
      await toggleProblems(false);
    },
  ],
  [
    '"Disable … for this line" inserts the suppression comment',
    async () => {
      await openFile('src/metrics.ts');
      const text = await peekFirstProblem();
      if (!text.includes("Listener for 'sample'")) throw new Error(`unexpected peek: ${text}`);
      await page.keyboard.press('Escape');
      await quickFix(
        'Disable listener-leak for this line',
        /\n {4}\/\/ leaklint-disable-next-line listener-leak\n {4}this\.source\.on\('sample'/,
        'disable-line',
      );
    },
  ],
];

(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await launch();
  const results = [];
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('pageerror', (e) => log('pageerror', String(e).slice(0, 200)));
    let failed;
    for (const [title, run] of steps) {
      if (failed) {
        results.push({ title, state: 'failed', error: `not run: "${failed}" failed before it` });
        continue;
      }
      log('step:', title);
      try {
        await run();
        results.push({ title, state: 'passed' });
      } catch (error) {
        failed = title;
        results.push({ title, state: 'failed', error: String(error.stack || error) });
        await shot('failure').catch(() => {});
      }
    }
  } finally {
    await browser.close();
  }
  process.exit(report('ui', results, COUNTS) ? 0 : 1);
})();
