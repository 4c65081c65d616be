// Per-file results kept across lints (the language server: re-lints of open files, workspace scans). A file's
// findings depend on its own text, on the files it imports, transitively (types flow through them), and on the
// program's global declarations (scripts, ambient .d.ts, the default libraries): the key is the versions of all of
// those. A cache belongs to one linter (its rules and config) and keeps an entry per project object, so a project
// reloaded with other compiler options starts empty.
import { createHash } from 'node:crypto';
import ts = require('typescript');
import type { Project } from './project';
import type { FileResult } from './runner';

/** TypeScript's record of how each import of a file resolved, which the public API does not declare. */
interface ResolvedModules {
  forEachResolvedModule(callback: (resolution: { resolvedModule?: { resolvedFileName: string } }) => void, file: ts.SourceFile): void;
}

export class ResultCache {
  private readonly byProject = new WeakMap<Project, Map<string, { key: string; result: FileResult }>>();
  /** How many lookups found a result still valid. */
  hits = 0;

  /** The result stored for the file if nothing it depends on changed since; `key` is from `dependencyKey`. */
  get(project: Project, fileName: string, key: string): FileResult | undefined {
    const entry = this.byProject.get(project)?.get(fileName);
    if (entry?.key === key) {
      this.hits++;
      return entry.result;
    }
    return undefined;
  }

  set(project: Project, fileName: string, key: string, result: FileResult): void {
    // a skipped file (too slow, syntax error) is tried again next time
    if (result.skipped) return;
    let entries = this.byProject.get(project);
    if (!entries) this.byProject.set(project, (entries = new Map()));
    entries.set(fileName, { key, result });
  }
}

/** A hash of the versions of the file, of every file it imports (transitively) and of the program's global files. */
export function dependencyKey(project: Project, program: ts.Program, file: ts.SourceFile): string {
  const resolutions = program as unknown as ResolvedModules;
  // an explicit stack: import chains can be thousands of files deep
  const seen = new Set<ts.SourceFile>([file]);
  const pending = [file];
  for (let f = pending.pop(); f; f = pending.pop()) {
    resolutions.forEachResolvedModule((r) => {
      const target = r.resolvedModule && program.getSourceFile(r.resolvedModule.resolvedFileName);
      if (target && !seen.has(target)) {
        seen.add(target);
        pending.push(target);
      }
    }, f);
  }
  for (const f of program.getSourceFiles()) if (!ts.isExternalModule(f)) seen.add(f);
  const hash = createHash('sha1');
  for (const name of [...seen].map((f) => f.fileName).sort()) hash.update(`${name}\0${project.versionOf(name)}\0`);
  return hash.digest('hex');
}
