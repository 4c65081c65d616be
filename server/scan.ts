// The workspace scan: every project of every workspace folder, linted file by file with progress, yielding to
// the event loop between files so editor requests are served meanwhile. tsconfig projects are the server's own (one
// program and checker for the open documents and the scan, results cached across scans, the least recently used
// unloaded beyond leaklint.maxProjects); inferred projects made for the scan are disposed once their files are done.
import { relative } from 'node:path';
import type { WorkDoneProgressReporter } from 'vscode-languageserver';
import type { Project } from '../engine/project';
import type { FileResult } from '../engine/runner';
import type { Folder } from './folders';
import type { ProjectHost } from './projects';
import type { ScanSummary } from './protocol';

export interface ScanHooks {
  /** Called with each file's result; returns how many problems the editor shows for it. */
  onFile(folder: Folder, file: string, result: FileResult): number;
  log(message: string): void;
  isCancelled(): boolean;
}

const REPORT_INTERVAL_MS = 100;

export async function scanWorkspace(
  folders: readonly Folder[],
  host: ProjectHost,
  progress: WorkDoneProgressReporter,
  hooks: ScanHooks,
): Promise<ScanSummary> {
  progress.begin('LeakLint: scanning workspace', 0, 'finding projects', true);
  const jobs: { folder: Folder; project: Project; files: string[] }[] = [];
  const seen = new Set<string>(); // nested workspace folders share files
  let files = 0;
  let findings = 0;
  let cancelled = false;
  let unchanged = 0;
  /** The scan's own inferred projects not yet disposed. */
  const temporary = new Set<Project>();
  try {
    for (const folder of folders) {
      if (!folder.path || !folder.settings.enable) continue;
      const { work, problems } = host.planScan(folder.path, folder.linter);
      for (const p of problems) hooks.log(`scan: ${p.file}: ${p.message}`);
      for (const { project, files } of work) {
        jobs.push({ folder, project, files: files.filter((f) => !seen.has(f) && seen.add(f)) });
      }
    }
    const total = jobs.reduce((n, j) => n + j.files.length, 0);
    let lastPercent = -1;
    let lastReport = 0;
    const kept = new Set(host.projects());
    for (const { project } of jobs) if (!kept.has(project)) temporary.add(project);
    outer: for (const { folder, project, files: batch } of jobs) {
      for (const file of batch) {
        if (hooks.isCancelled()) {
          cancelled = true;
          break outer;
        }
        const percent = Math.floor((files / total) * 100);
        if (percent !== lastPercent || Date.now() - lastReport > REPORT_INTERVAL_MS) {
          progress.report(percent, relative(folder.path!, file));
          lastPercent = percent;
          lastReport = Date.now();
        }
        let result: FileResult;
        host.use(project); // per file: editor requests served between files use projects too
        try {
          const hits = folder.cache.hits;
          result = folder.linter.lintFile(project, file);
          if (folder.cache.hits > hits) unchanged++;
        } catch (error) {
          result = {
            findings: [],
            ruleErrors: [],
            skipped: `could not be analysed: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
        files++;
        findings += hooks.onFile(folder, file, result);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (temporary.delete(project)) disposeTemporary(host, project);
    }
  } finally {
    for (const project of temporary) disposeTemporary(host, project);
    progress.done();
  }
  return { files, findings, unchanged, cancelled };
}

function disposeTemporary(host: ProjectHost, project: Project): void {
  host.forget(project);
  project.dispose();
}
