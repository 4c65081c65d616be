// The engine's entry points: lint one file of a project, and scan paths (find projects, filter, lint each file).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import ts from 'typescript';
import { ConfigError, findConfig, loadConfig, defaultConfig, type LeakLintConfig } from './config';
import { Project, ProjectError, isSourceFile, listSourceFiles } from './project';
import type { Finding, Rule } from './rule';
import { DEFAULT_FILE_BUDGET_MS, runRules, type ActiveRule, type FileResult, type RuleError } from './runner';

export interface InputProblem {
  file: string;
  message: string;
}

export class Linter {
  private readonly active: ActiveRule[];
  private readonly matchesInclude: (path: string) => boolean;
  private readonly matchesExclude: (path: string) => boolean;
  private readonly base: string;

  constructor(
    readonly rules: readonly Rule[],
    readonly config: LeakLintConfig,
    /** The folder include/exclude globs are relative to when there is no config file. */
    root = process.cwd(),
  ) {
    this.active = rules
      .map((rule) => ({ rule, severity: config.rules[rule.meta.id] ?? rule.meta.defaultSeverity }))
      .filter((r): r is ActiveRule => r.severity !== 'off');
    this.base = config.path ? dirname(config.path) : resolve(root);
    const opts = { dot: true };
    this.matchesInclude = config.include.length ? picomatch(config.include, opts) : () => true;
    this.matchesExclude = config.exclude.length ? picomatch(config.exclude, opts) : () => false;
  }

  get activeRules(): readonly ActiveRule[] {
    return this.active;
  }

  /** True when the config's include/exclude globs select the file. */
  selects(file: string): boolean {
    const rel = relative(this.base, file).split(sep).join('/');
    return this.matchesInclude(rel) && !this.matchesExclude(rel) && !this.matchesExclude(file.split(sep).join('/'));
  }

  /** Lints one file of the project (its overlay text if it has one). Files with syntax errors are skipped with a note. */
  lintFile(project: Project, fileName: string, budgetMs = DEFAULT_FILE_BUDGET_MS): FileResult {
    const program = project.program();
    const file = program.getSourceFile(fileName);
    if (!file) return { findings: [], ruleErrors: [], skipped: 'not part of the project' };
    const syntax = program.getSyntacticDiagnostics(file)[0];
    if (syntax) {
      const { line, character } = file.getLineAndCharacterOfPosition(syntax.start ?? 0);
      return { findings: [], ruleErrors: [], skipped: `syntax error at ${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')} (file skipped)` };
    }
    return runRules(file, program.getTypeChecker(), this.active, this.config, { budgetMs });
  }
}

/** Loads the config for a scan: an explicit path, else the nearest one at or above `start`, else the defaults. Throws ConfigError. */
export function resolveConfig(start: string, ruleIds: readonly string[], explicit?: string): LeakLintConfig {
  if (explicit) {
    if (!existsSync(explicit)) throw new ConfigError(resolve(explicit), 1, 1, 'config file not found');
    return loadConfig(resolve(explicit), ruleIds);
  }
  const found = findConfig(start);
  return found ? loadConfig(found, ruleIds) : defaultConfig();
}

export interface ScanRequest {
  paths: string[];
  /** A tsconfig to use for every path instead of discovering one. */
  project?: string;
  onProgress?: (done: number, total: number, file: string) => void;
  /** Called per file as results arrive (streaming consumers). */
  onFile?: (file: string, result: FileResult) => void;
  /** Restricts the scan to these files (absolute paths) when given. */
  only?: ReadonlySet<string>;
  isCancelled?: () => boolean;
  registry?: ts.DocumentRegistry;
}

export interface ScanResult {
  findings: Finding[];
  problems: InputProblem[];
  ruleErrors: RuleError[];
  filesScanned: number;
  projects: string[];
}

/** The projects and files to scan for some paths: tsconfigs (references followed) or inferred projects. */
export function planScan(request: ScanRequest, linter: Linter): { work: { project: Project; files: string[] }[]; problems: InputProblem[] } {
  const registry = request.registry ?? ts.createDocumentRegistry();
  const problems: InputProblem[] = [];
  const projects = new Map<string, Project>();
  const wanted = new Map<Project, Set<string>>();
  const loadConfigProject = (configPath: string): Project[] => {
    const out: Project[] = [];
    const visit = (path: string): void => {
      if (projects.has(path)) {
        out.push(projects.get(path)!);
        return;
      }
      try {
        const project = Project.fromTsconfig(path, registry);
        projects.set(path, project);
        out.push(project);
        for (const ref of project.referencedConfigs()) visit(ref);
      } catch (error) {
        if (!(error instanceof ProjectError)) throw error;
        problems.push({ file: path, message: `${error.message}` });
      }
    };
    visit(resolve(configPath));
    return out;
  };
  const tsconfigExists = new Map<string, boolean>();
  const claim = (file: string, owner: Project): void => {
    let set = wanted.get(owner);
    if (!set) wanted.set(owner, (set = new Set()));
    set.add(file);
  };
  // the nearest tsconfig (or one it references) that includes the file; configs are loaded on first need
  const ownerOf = (file: string): Project | undefined => {
    if (explicit) return explicit.find((p) => p.hasRootFile(file));
    for (const config of ancestorTsconfigs(file, tsconfigExists)) {
      const owner = loadConfigProject(config).find((p) => p.hasRootFile(file));
      if (owner) return owner;
    }
    return undefined;
  };

  const explicit = request.project ? loadConfigProject(request.project) : undefined;
  if (request.project && !explicit?.length) return { work: [], problems };
  const unclaimed = new Map<string, string[]>(); // inferred root → files

  for (const raw of request.paths) {
    const path = resolve(raw);
    if (!existsSync(path)) {
      problems.push({ file: raw, message: 'path not found' });
      continue;
    }
    const isDir = statSync(path).isDirectory();
    if (!isDir && !isSourceFile(path)) {
      problems.push({ file: raw, message: 'not a TypeScript or JavaScript source file' });
      continue;
    }
    const files = (isDir ? listSourceFiles(path) : [path]).filter((f) => linter.selects(f) && (!request.only || request.only.has(f)));
    for (const file of files) {
      const owner = ownerOf(file);
      if (owner) claim(file, owner);
      else {
        const root = isDir ? path : dirname(path);
        unclaimed.set(root, [...(unclaimed.get(root) ?? []), file]);
      }
    }
  }
  const work = [...wanted].map(([project, files]) => ({ project, files: [...files].sort() }));
  for (const [root, files] of unclaimed) {
    work.push({ project: Project.inferred(root, registry, files), files: files.sort() });
  }
  return { work, problems };
}

/** tsconfig.json files in the file's folder and every folder above it, nearest first. */
function ancestorTsconfigs(file: string, tsconfigCache: Map<string, boolean>): string[] {
  const out: string[] = [];
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    let exists = tsconfigCache.get(candidate);
    if (exists === undefined) tsconfigCache.set(candidate, (exists = existsSync(candidate)));
    if (exists) out.push(candidate);
    if (dirname(dir) === dir) return out;
  }
}

export function scan(request: ScanRequest, linter: Linter): ScanResult {
  const { work, problems } = planScan(request, linter);
  const findings: Finding[] = [];
  const ruleErrors: RuleError[] = [];
  const total = work.reduce((n, w) => n + w.files.length, 0);
  let done = 0;
  for (const { project, files } of work) {
    for (const file of files) {
      if (request.isCancelled?.()) break;
      request.onProgress?.(done, total, file);
      let result: FileResult;
      try {
        result = linter.lintFile(project, file);
      } catch (error) {
        result = { findings: [], ruleErrors: [], skipped: `could not be analysed: ${error instanceof Error ? error.message : String(error)}` };
      }
      done++;
      findings.push(...result.findings);
      ruleErrors.push(...result.ruleErrors);
      if (result.skipped) problems.push({ file, message: result.skipped });
      request.onFile?.(file, result);
    }
    project.dispose();
  }
  return { findings, problems, ruleErrors, filesScanned: done, projects: work.map((w) => w.project.id) };
}
