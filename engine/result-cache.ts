// Per-file results kept across lints (the language server: re-lints of open files, workspace scans). A file's
// findings depend on its own text, on the files it imports, transitively (types flow through them), and on the
// program's global declarations (scripts, ambient .d.ts, the default libraries): the key is the file's own version
// and, of the files it depends on, what importers can see of them (`declarationSignature`). A cache belongs to one
// linter (its rules and config) and keeps an entry per project object, so a project reloaded with other compiler
// options starts empty.
import { createHash } from 'node:crypto';
import ts = require('typescript');
import type { Project } from './project';
import { declarationSignature, fileIdsOf, idOf, isJavaScriptFile, sameOtherFiles } from './file-signatures';
import type { FileResult } from './runner';
import { TypeFacts } from './type-facts';

/** TypeScript's record of how each import of a file resolved, which the public API does not declare. */
interface ResolvedModules {
  forEachResolvedModule(callback: (resolution: { resolvedModule?: { resolvedFileName: string } }) => void, file: ts.SourceFile): void;
}

export class ResultCache {
  private readonly byProject = new WeakMap<Project, Map<string, Entry>>();
  /** How many lookups found a result still valid. */
  hits = 0;
  /** What the rules asked of types in each file's last lint, for the next lint of an edit (engine/type-facts.ts). */
  readonly facts = new TypeFacts();

  /**
   * The result stored for the file if nothing it depends on changed since; `key` is from `dependencyKey`. A result
   * found is then the result of `on` as well.
   */
  get(project: Project, fileName: string, key: string, on: ts.SourceFile): FileResult | undefined {
    const entry = this.byProject.get(project)?.get(fileName);
    if (entry?.key !== key) return undefined;
    this.hits++;
    entry.on = new WeakRef(on);
    entry.stateVersion = project.stateVersion;
    return entry.result;
  }

  /** Stores the file's result, computed on `on` (the file's tree in the project's program as it is now). */
  set(project: Project, fileName: string, key: string, result: FileResult, on: ts.SourceFile): void {
    // a skipped file (too slow, syntax error) is tried again next time
    if (result.skipped) return;
    let entries = this.byProject.get(project);
    if (!entries) this.byProject.set(project, (entries = new Map()));
    entries.set(fileName, { key, result, on: new WeakRef(on), stateVersion: project.stateVersion });
  }

  /**
   * The file's last result and the tree it was computed on, when nothing but the file's text changed in the project
   * since (`Project.onlyTextChangedSince`) and the tree is still alive.
   */
  lastOf(project: Project, fileName: string): { result: FileResult; on: ts.SourceFile } | undefined {
    const entry = this.byProject.get(project)?.get(fileName);
    const on = entry && project.onlyTextChangedSince(fileName, entry.stateVersion) ? entry.on.deref() : undefined;
    return on && { result: entry!.result, on };
  }
}

interface Entry {
  key: string;
  result: FileResult;
  /** The tree the result is of: held weakly, so a project that lets its program go lets its trees go too. */
  on: WeakRef<ts.SourceFile>;
  /** The project's `stateVersion` when the result was of `on`. */
  stateVersion: number;
}

/** A project's last key part for the files each of its files depends on (`dependencyKey`). */
const dependencyParts = new WeakMap<Project, Map<string, DependencyPart>>();

interface DependencyPart {
  /** The program's files (`fileIdsOf`) and the project's set of files (`Project.filesVersion`: the resolutions). */
  files: readonly number[];
  filesVersion: number;
  /** Where the file's own imports resolved to. */
  imports: string;
  hash: string;
}

/**
 * A hash of the file's version and of the signatures of every file it imports (transitively) and of the program's
 * global files. The part for the other files is computed again only when one of them or the file's own imports changed
 * (typing in a file of a big program: 1,200 files walked, sorted and hashed at every keystroke before).
 */
export function dependencyKey(project: Project, program: ts.Program, file: ts.SourceFile): string {
  const resolutions = program as unknown as ResolvedModules;
  const imports: string[] = [];
  resolutions.forEachResolvedModule((r) => {
    if (r.resolvedModule) imports.push(r.resolvedModule.resolvedFileName);
  }, file);
  let parts = dependencyParts.get(project);
  if (!parts) dependencyParts.set(project, (parts = new Map()));
  const files = fileIdsOf(program);
  const before = parts.get(file.fileName);
  const own = imports.join('\0');
  const { filesVersion } = project;
  const same = before?.imports === own && before.filesVersion === filesVersion && sameOtherFiles(before.files, files, idOf(file));
  const hash = same ? before.hash : dependenciesHash(project, program, file);
  parts.set(file.fileName, { files, filesVersion, imports: own, hash });
  return createHash('sha1')
    .update(`${file.fileName}\0${project.versionOf(file.fileName)}\0${hash}`)
    .digest('hex');
}

/** The signatures of the files the file imports (transitively) and of the program's global files, hashed. */
function dependenciesHash(project: Project, program: ts.Program, file: ts.SourceFile): string {
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
  seen.delete(file);
  for (const f of [...seen].sort((a, b) => (a.fileName < b.fileName ? -1 : 1))) {
    hash.update(`${f.fileName}\0${signatureIsText(f) ? project.versionOf(f.fileName) : declarationSignature(f)}\0`);
  }
  return hash.digest('hex');
}

/** Declaration and JavaScript files count by their whole text (`declarationSignature` says why). */
function signatureIsText(file: ts.SourceFile): boolean {
  return file.isDeclarationFile || isJavaScriptFile(file);
}
