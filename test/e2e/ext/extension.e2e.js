// LeakLint through the vscode API, inside a real extension host, on a copy of examples/leaky-service.
// The tests run in order and share the workspace: a fix applied in one is seen by the next.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'leaklint.leaklint';

function fileUri(rel) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

const codeOf = (d) => (typeof d.code === 'object' ? d.code.value : d.code);
const leaklint = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'leaklint');
const summary = (uri) =>
  leaklint(uri)
    .map((d) => `${codeOf(d)}@${d.range.start.line + 1}`)
    .sort();

/** Polls until `get()` returns a truthy value; fails with `what` and the last value seen. */
async function waitFor(what, get, timeout = 60_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await get();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Code actions at a range; right after a change the provider call can be cancelled, so it is retried. */
async function codeActions(uri, range) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range);
    } catch (error) {
      if (attempt >= 10 || !/cancel/i.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  await vscode.window.showTextDocument(doc);
  return doc;
}

describe('LeakLint in the extension host', () => {
  const metrics = () => fileUri('src/metrics.ts');

  // first, with no file open: the command alone must activate the extension (contributed commands activate it)
  it('"LeakLint: Scan Workspace" activates LeakLint and reports the leaks of files that are not open', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    assert.equal(ext.isActive, false, 'not active before the command');
    const jobs = fileUri('src/jobs.ts');
    const sessions = fileUri('src/sessions.ts');
    const isOpen = (uri) => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
    assert.ok(!isOpen(jobs) && !isOpen(sessions), 'jobs.ts and sessions.ts are not open');
    assert.deepEqual(summary(jobs), [], 'no diagnostics for jobs.ts before the scan');
    await vscode.commands.executeCommand('leaklint.scanWorkspace');
    await waitFor('diagnostics of jobs.ts', () => summary(jobs).length > 0, 10_000);
    assert.deepEqual(summary(jobs), ['orphan-async-loop@9', 'unterminated-worker@6']);
    await waitFor('diagnostics of sessions.ts', () => summary(sessions).length > 0, 10_000);
    assert.deepEqual(summary(sessions), ['object-keyed-cache@26', 'unbounded-collection@10']);
    assert.ok(!isOpen(jobs) && !isOpen(sessions), 'the scan did not open them');
  });

  it('reports the leaks of an opened file with rule codes and docs links', async () => {
    await open('src/metrics.ts');
    await waitFor('3 LeakLint diagnostics in metrics.ts', () => leaklint(metrics()).length === 3);
    assert.deepEqual(summary(metrics()), ['listener-leak@12', 'uncleared-timer@11', 'uncleared-timer@32']);
    for (const d of leaklint(metrics())) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(String(d.code.target), new RegExp(`${codeOf(d)}`), 'the code links to the rule documentation');
    }
  });

  it('offers the rule fix, suppressions and docs as code actions', async () => {
    const timer = leaklint(metrics()).find((d) => codeOf(d) === 'uncleared-timer' && d.range.start.line === 10);
    const titles = (await codeActions(metrics(), timer.range)).map((a) => a.title);
    for (const title of [
      'Clear the timer in dispose()',
      'Disable uncleared-timer for this line',
      'Disable uncleared-timer for this file',
      'Show documentation for uncleared-timer',
    ]) {
      assert.ok(titles.includes(title), `"${title}" in ${JSON.stringify(titles)}`);
    }
  });

  it('applying the fix edits the document and removes the diagnostic', async () => {
    const timer = leaklint(metrics()).find((d) => codeOf(d) === 'uncleared-timer' && d.range.start.line === 10);
    const fix = (await codeActions(metrics(), timer.range)).find((a) => a.title === 'Clear the timer in dispose()');
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
    const doc = await vscode.workspace.openTextDocument(metrics());
    assert.match(doc.getText(), /dispose\(\): void \{\n {4}this\.samples\.length = 0;\n {4}clearInterval\(this\.timer\);\n {2}\}/);
    await waitFor('the fixed diagnostic to go', () => !summary(metrics()).includes('uncleared-timer@11'));
    assert.deepEqual(summary(metrics()), ['listener-leak@12', 'uncleared-timer@33']);
    assert.ok(await doc.save(), 'saved');
    assert.match(fs.readFileSync(metrics().fsPath, 'utf8'), /clearInterval\(this\.timer\);/);
  });

  it('"LeakLint: Restart Server" brings up a server that analyses edits', async () => {
    await vscode.commands.executeCommand('leaklint.restartServer');
    const doc = await open('src/metrics.ts');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(
      doc.uri,
      doc.lineAt(doc.lineCount - 1).range.end,
      '\nexport function leakAgain(): void {\n  setInterval(() => undefined, 1000);\n}\n',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const line =
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('setInterval(() => undefined')) + 1;
    await waitFor(`uncleared-timer on the new line ${line}`, () => summary(metrics()).includes(`uncleared-timer@${line}`));
  });

  it('a rule set to "off" in leaklint.rules takes effect, and back on when the setting is removed', async () => {
    const config = () => vscode.workspace.getConfiguration('leaklint');
    assert.ok(summary(metrics()).includes('listener-leak@12'));
    await config().update('rules', { 'listener-leak': 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitFor('listener-leak to go', () => !summary(metrics()).some((s) => s.startsWith('listener-leak')));
    assert.ok(
      summary(metrics()).some((s) => s.startsWith('uncleared-timer')),
      'the other rules still report',
    );
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('listener-leak to come back', () => summary(metrics()).includes('listener-leak@12'));
  });

  it('the installed .vsix has the Marketplace icon its package.json names', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(ext.packageJSON.icon, 'images/icon.png');
    const png = fs.readFileSync(path.join(ext.extensionPath, ext.packageJSON.icon));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
  });

  it('leaklint.execArgv restarts the server with those node flags, and it analyses as before', async function () {
    if (process.platform !== 'linux') this.skip(); // reads the processes' command lines from /proc
    const flag = '--max-old-space-size=3071';
    const serverHasFlag = () =>
      fs
        .readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .some((pid) => {
          try {
            const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
            return argv.includes(flag) && argv.some((a) => a.endsWith(path.join('dist', 'server.js')));
          } catch {
            return false; // gone meanwhile
          }
        });
    assert.equal(serverHasFlag(), false);
    const config = () => vscode.workspace.getConfiguration('leaklint');
    await config().update('execArgv', [flag], vscode.ConfigurationTarget.Global);
    try {
      await waitFor(`a LeakLint server started with ${flag}`, serverHasFlag, 30_000);
      await open('src/metrics.ts');
      await waitFor('diagnostics from the restarted server', () => summary(metrics()).includes('listener-leak@12'));
    } finally {
      await config().update('execArgv', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the server restarted without the flag', () => !serverHasFlag(), 30_000);
  });

  // last: the file it writes must not steer the tests above
  it("VS Code checks and completes leaklint.config.json with the extension's schema (jsonValidation)", async () => {
    const uri = fileUri('schema-check/leaklint.config.json');
    const bad = '{\n  "rules": {\n    "no-such-rule": "warn",\n    "uncleared-timer": "loud"\n  }\n}\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(bad));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const schemaProblems = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'leaklint');
    const problems = await waitFor('JSON schema diagnostics on the unknown rule and the bad severity', () => {
      const ds = schemaProblems();
      return ds.some((d) => d.range.start.line === 2) && ds.some((d) => d.range.start.line === 3) && ds;
    });
    const onLine = (line) => problems.filter((d) => d.range.start.line === line).map((d) => d.message);
    assert.match(onLine(2).join(' '), /no-such-rule/, 'the unknown rule is named');
    assert.match(onLine(3).join(' '), /off|warn|error/, 'the valid severities are listed');

    // completion inside "rules": the rule ids, from the rules the schema was generated from
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), '{\n  "rules": {\n    \n  }\n}\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const labels = await waitFor('rule ids among the completions', async () => {
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, new vscode.Position(2, 4));
      const all = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
      return all.some((l) => l.includes('uncleared-timer')) && all;
    });
    for (const rule of ['unclosed-resource', 'listener-leak', 'uncleared-timer']) {
      assert.ok(
        labels.some((l) => l.includes(rule)),
        `${rule} in ${JSON.stringify(labels)}`,
      );
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true });
  });
});
