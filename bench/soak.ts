// A long editing session in one real server process (dist/server.js over stdio): 10,000 edits across a few open
// files and 100 workspace scans, printing the server's memory (VmRSS, VmHWM) and open file descriptors from /proc
// along the way. Flat figures after warm-up mean nothing accumulates per edit or per scan. Run `npm run bench:soak`.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LspClient, makeWorkspace, tsconfigJson } from '../test/lsp-client';

const FILES = 40;
const OPEN = 5;
const EDITS = 10_000;
const SCANS = 100;
const EDITS_PER_ROUND = EDITS / SCANS;

/** Module i: a class with a stream it may or may not close (the edited line), and a timer. */
function moduleText(i: number): string {
  return `import * as fs from 'node:fs';
${i > 0 ? `import { helper${i - 1} } from './mod${i - 1}.js';\n` : ''}
export function helper${i}(n: number): number {
  return ${i > 0 ? `helper${i - 1}(n) + 1` : 'n'};
}

export class Writer${i} {
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    this.timer = setInterval(() => helper${i}(${i}), 1000);
  }

  save(path: string, data: string): void {
    const out = fs.createWriteStream(path);
    out.write(data);
    // slot
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
`;
}

interface Sample {
  label: string;
  rssKb: number;
  hwmKb: number;
  fds: number;
}

function sample(pid: number, label: string): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { label, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), fds: readdirSync(`/proc/${pid}/fd`).length };
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const show = (s: Sample) =>
  console.log(`  ${s.label.padEnd(28)} RSS ${mb(s.rssKb).padStart(9)}   peak ${mb(s.hwmKb).padStart(9)}   fds ${s.fds}`);

async function main(): Promise<void> {
  const files: Record<string, string> = { 'tsconfig.json': tsconfigJson() };
  for (let i = 0; i < FILES; i++) files[`src/mod${i}.ts`] = moduleText(i);
  const root = makeWorkspace(files, 'leaklint-soak-');
  const client = new LspClient();
  const started = performance.now();
  try {
    await client.initialize([root]);
    const pid = client.pid!;
    const open = Array.from({ length: OPEN }, (_, k) => {
      const name = `src/mod${k * 7}.ts`;
      const text = files[name];
      const line = text.split('\n').findIndex((l) => l.trim() === '// slot');
      return { uri: client.open(join(root, name), text), line, current: '    // slot' };
    });
    for (const f of open) await client.diagnostics(f.uri, (ds) => ds.length === 1, 1, 120_000);
    await client.request('leaklint/scanWorkspace', {});
    const samples = [sample(pid, 'start (warm: opened, scanned)')];
    show(samples[0]);

    for (let round = 1; round <= SCANS; round++) {
      for (let k = 0; k < EDITS_PER_ROUND; k++) {
        const f = open[k % OPEN];
        // toggle the release of the stream: the diagnostics really change with every other edit of a file
        const next = f.current.includes('close') ? '    // slot' : '    out.close();';
        client.change(f.uri, [
          { range: { start: { line: f.line, character: 0 }, end: { line: f.line, character: f.current.length } }, newText: next },
        ]);
        f.current = next;
      }
      for (const f of open) {
        const expected = f.current.includes('close') ? 0 : 1;
        const ds = await client.diagnostics(f.uri, () => true, client.version(f.uri), 600_000);
        if (ds.length !== expected) throw new Error(`round ${round}: ${f.uri} has ${ds.length} diagnostics, expected ${expected}`);
      }
      const summary = await client.request('leaklint/scanWorkspace', {});
      if (summary.files !== FILES) throw new Error(`scan ${round}: ${summary.files} files`);
      if (round % 20 === 0) {
        const s = sample(pid, `after ${round * EDITS_PER_ROUND} edits, ${round} scans`);
        samples.push(s);
        show(s);
      }
    }
    const first = samples[0];
    const last = samples.at(-1)!;
    console.log(
      `LeakLint soak: ${EDITS} edits over ${OPEN} open files and ${SCANS} workspace scans of ${FILES} files ` +
        `in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
        `RSS ${mb(first.rssKb)} → ${mb(last.rssKb)} (${last.rssKb >= first.rssKb ? '+' : ''}${mb(last.rssKb - first.rssKb)}), ` +
        `peak ${mb(last.hwmKb)}, fds ${first.fds} → ${last.fds}`,
    );
  } finally {
    await client.shutdown().catch(() => client.kill());
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
