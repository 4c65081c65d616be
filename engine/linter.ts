// The engine's entry points: lint one file of a project, and scan paths (find projects, filter, lint each file).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import ts = require('typescript');
import { ConfigError, RECOMMENDED, findConfig, loadConfig, presetConfig, type LeakLintConfig } from './config';
import { Project, ProjectError, createRegistry, isSourceFile, listSourceFiles } from './project';
import { commentEdit, movedPast } from './comment-edit';
import { dependencyKey, type ResultCache } from './result-cache';
import { withDefaults } from './options';
import type { Finding, Rule } from './rule';
import { DEFAULT_FILE_BUDGET_MS, TOO_DEEP, runRules, type ActiveRule, type FileResult, type RuleError } from './runner';
import type { Timing } from './timing';
import type { DependentPrograms } from './types';
import { ScanDependents, inDependencyOrder } from './dependents';

export interface InputProblem {
  file: string;
  message: string;
  /**
   * Set for problems that leave every file analysed as the user's editor analyses it (a tsconfig's missing base
   * config: TypeScript uses the rest of it, as tsserver does): reported, but no input error.
   */
  severity?: 'warning';
}

/** Syntax errors of code that is legal sloppy-mode JavaScript: the parser built the whole tree. */
const STRICT_MODE_ONLY = new Set([1100, 1101, 1102, 1121, 1210, 1212, 1213, 1214, 1215, 1250, 1251, 1252, 1487, 1489]);

export class Linter {
  private readonly active: ActiveRule[];
  private readonly overrides: ((path: string) => boolean)[];
  /** Active rules per combination of matching overrides (keyed by their indices). */
  private readonly activeByOverrides = new Map<string, ActiveRule[]>();
  private readonly matchesInclude: (path: string) => boolean;
  private readonly matchesExclude: (path: string) => boolean;
  private readonly base: string;

  constructor(
    readonly rules: readonly Rule[],
    readonly config: LeakLintConfig,
    /** The folder include/exclude globs are relative to when there is no config file. */
    root = process.cwd(),
    private readonly options: { timing?: Timing; cache?: ResultCache } = {},
  ) {
    this.active = activate(rules, config);
    this.base = config.path ? dirname(config.path) : resolve(root);
    const opts = { dot: true };
    this.overrides = config.overrides.map((o) => picomatch(o.files, opts));
    this.matchesInclude = config.include.length ? picomatch(config.include, opts) : () => true;
    this.matchesExclude = config.exclude.length ? picomatch(config.exclude, opts) : () => false;
  }

  get activeRules(): readonly ActiveRule[] {
    return this.active;
  }

  /** The rules that run on `file`: the config's, with the overrides whose `files` match it applied in order. */
  activeRulesFor(file: string): readonly ActiveRule[] {
    if (!this.overrides.length) return this.active;
    const path = this.configRelative(file);
    const matching = this.config.overrides.filter((_, i) => this.overrides[i](path));
    if (!matching.length) return this.active;
    const key = matching.map((o) => this.config.overrides.indexOf(o)).join(',');
    let active = this.activeByOverrides.get(key);
    if (!active) {
      const rules = Object.assign({}, this.config.rules, ...matching.map((o) => o.rules));
      const ruleOptions = Object.assign({}, this.config.ruleOptions, ...matching.map((o) => o.ruleOptions));
      this.activeByOverrides.set(key, (active = activate(this.rules, { rules, ruleOptions })));
    }
    return active;
  }

  /** True when the config's include/exclude globs select the file. */
  selects(file: string): boolean {
    const path = this.configRelative(file);
    return this.matchesInclude(path) && !this.matchesExclude(path);
  }

  /** Globs are relative to the config's folder; files outside it are matched by their absolute path. */
  private configRelative(file: string): string {
    const inside = !relative(this.base, file).startsWith('..');
    return (inside ? relative(this.base, file) : file.slice(1)).split(sep).join('/');
  }

  /**
   * Lints one file of the project (its overlay text if it has one). Files with syntax errors are skipped with a note;
   * errors only strict mode makes (legacy octals, `with`) leave the tree whole and do not count.
   */
  lintFile(project: Project, fileName: string, budgetMs = DEFAULT_FILE_BUDGET_MS, dependents?: DependentPrograms): FileResult {
    const { timing, cache } = this.options;
    const moved = cache && !dependents && movedPastCommentEdit(project, fileName, cache);
    if (moved) return moved;
    const started = performance.now();
    const program = project.program();
    // creating the checker binds every file of the program: part of the build, not of the queries
    program.getTypeChecker();
    if (timing) timing.programMs += performance.now() - started;
    const file = program.getSourceFile(fileName);
    if (!file) return { findings: [], ruleErrors: [], skipped: 'not part of the project' };
    if (project.isSetAside(fileName)) return { findings: [], ruleErrors: [], skipped: TOO_DEEP };
    const tooLarge = project.tooLarge(fileName);
    if (tooLarge) return { findings: [], ruleErrors: [], skipped: tooLargeNote(tooLarge.length, tooLarge.limit) };
    const syntax = program.getSyntacticDiagnostics(file).find((d) => !STRICT_MODE_ONLY.has(d.code));
    if (syntax) {
      const { line, character } = file.getLineAndCharacterOfPosition(syntax.start ?? 0);
      return {
        findings: [],
        ruleErrors: [],
        skipped: `syntax error at ${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')} (file skipped)`,
      };
    }
    const key = cache && dependencyKey(project, program, file);
    const cached = key && cache.get(project, fileName, key, file);
    if (cached) return cached;
    const facts = cache?.facts.of(project, program, file);
    const options = { budgetMs, timing, dependents, facts, fileAlone: project.isFileAlone };
    const result = runRules(file, program, this.activeRulesFor(fileName), this.config, options);
    if (key) cache.set(project, fileName, key, result, file);
    return result;
  }
}

/**
 * The file's last result moved past an edit inside one of its comments (engine/comment-edit.ts), when that edit is
 * all that changed in the project since (or nothing did): no program update, no rules.
 */
function movedPastCommentEdit(project: Project, fileName: string, cache: ResultCache): FileResult | undefined {
  const last = cache.lastOf(project, fileName);
  if (!last || project.tooLarge(fileName)) return undefined;
  const text = project.textOf(fileName);
  if (text === undefined) return undefined;
  // the text of the last lint again (a rescan, a comment typed and deleted): its result as it is, still valid
  if (text === last.on.text) {
    cache.hits++;
    return { ...last.result, commentEdit: true };
  }
  const edit = commentEdit(last.on, text);
  const moved = edit && movedPast(last.result, fileName, edit);
  return moved ? { ...moved, commentEdit: true } : undefined;
}

/** A megabyte of text, in characters (as tsserver counts its 4 MB large-file limit). */
export const MB = 1024 * 1024;

export const TOO_LARGE = 'skipped: too large to analyse';

/** The note for a file over the project's size limit (`Project.setMaxFileLength`). */
function tooLargeNote(length: number, limit: number): string {
  const mb = (n: number) => `${(n / MB).toFixed(n < MB ? 2 : 1)} MB`;
  return `${TOO_LARGE} (${mb(length)}, over the limit of ${mb(limit)})`;
}

function activate(rules: readonly Rule[], config: Pick<LeakLintConfig, 'rules' | 'ruleOptions'>): ActiveRule[] {
  return rules
    .map((rule) => ({
      rule,
      severity: config.rules[rule.meta.id] ?? rule.meta.defaultSeverity,
      options: withDefaults(rule.meta.defaultOptions, config.ruleOptions[rule.meta.id]),
    }))
    .filter((r): r is ActiveRule => r.severity !== 'off');
}

/** Loads the config for a scan: an explicit path, else the nearest one at or above `start`, else the defaults. Throws ConfigError. */
export function resolveConfig(start: string, rules: readonly Rule[], explicit?: string): LeakLintConfig {
  if (explicit) {
    if (!existsSync(explicit)) throw new ConfigError(resolve(explicit), 1, 1, 'config file not found');
    return loadConfig(resolve(explicit), rules);
  }
  const found = findConfig(start);
  return found ? loadConfig(found, rules) : presetConfig(RECOMMENDED, rules)!;
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
  /** Where tsconfig projects are found and kept (the language server's, so a scan reuses them); else a new one. */
  locator?: ProjectLocator;
}

export interface ScanResult {
  findings: Finding[];
  problems: InputProblem[];
  ruleErrors: RuleError[];
  filesScanned: number;
  projects: string[];
}

/** The projects and files to scan for some paths: tsconfigs (references followed) or inferred projects. */
export function planScan(
  request: ScanRequest,
  linter: Linter,
): { work: { project: Project; files: string[] }[]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const locator = request.locator ?? new ProjectLocator(request.registry ?? createRegistry(), (p) => problems.push(p));
  const wanted = new Map<Project, Set<string>>();
  const claim = (file: string, owner: Project): void => {
    let set = wanted.get(owner);
    if (!set) wanted.set(owner, (set = new Set()));
    set.add(file);
  };

  const explicit = request.project ? locator.load(request.project) : undefined;
  if (request.project && !explicit?.length) return { work: [], problems };
  const ownerOf = (file: string): Project | undefined => (explicit ? explicit.find((p) => p.hasRootFile(file)) : locator.ownerOf(file));
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
    work.push({ project: Project.inferred(root, locator.registry, files), files: files.sort() });
  }
  return { work, problems };
}

/**
 * Finds the tsconfig project that owns a file: the nearest tsconfig or jsconfig at or above it (or one it references)
 * that includes it. Projects are loaded on first need and kept; the CLI scan and the language server share this.
 */
export class ProjectLocator {
  private readonly projects = new Map<string, Project>();
  private readonly configExists = new Map<string, boolean>();

  constructor(
    readonly registry: ts.DocumentRegistry,
    /** Called for a tsconfig that cannot be loaded (each time it is needed: it may have been fixed). */
    private readonly onProblem: (problem: InputProblem) => void,
  ) {}

  /** The project of a tsconfig followed by the projects it references, transitively. */
  load(configPath: string): Project[] {
    const out: Project[] = [];
    const visit = (path: string): void => {
      if (this.projects.has(path)) {
        out.push(this.projects.get(path)!);
        return;
      }
      try {
        const project = Project.fromTsconfig(path, this.registry);
        this.projects.set(path, project);
        out.push(project);
        for (const warning of project.warnings) this.onProblem({ ...warning, severity: 'warning' });
        for (const ref of project.referencedConfigs()) visit(ref);
      } catch (error) {
        if (!(error instanceof ProjectError)) throw error;
        const detail = error.message.startsWith(`${path}:`) ? error.message.slice(path.length + 1).trim() : error.message;
        this.onProblem({ file: path, message: `invalid tsconfig, its files are analysed without it: ${detail}` });
      }
    };
    visit(resolve(configPath));
    return out;
  }

  ownerOf(file: string): Project | undefined {
    for (const config of ancestorConfigs(file, this.configExists)) {
      const owner = this.load(config).find((p) => p.hasRootFile(file));
      if (owner) return owner;
    }
    return undefined;
  }

  /** Every project loaded so far. */
  loaded(): Project[] {
    return [...this.projects.values()];
  }
}

/** tsconfig.json and jsconfig.json files in the file's folder and every folder above it, nearest first (tsserver's order). */
function ancestorConfigs(file: string, existsCache: Map<string, boolean>): string[] {
  const out: string[] = [];
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      let exists = existsCache.get(candidate);
      if (exists === undefined) existsCache.set(candidate, (exists = existsSync(candidate)));
      if (exists) out.push(candidate);
    }
    if (dirname(dir) === dir) return out;
  }
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

export function scan(request: ScanRequest, linter: Linter): ScanResult {
  const { work, problems } = planScan(request, linter);
  const total = work.reduce((n, w) => n + w.files.length, 0);
  // the other projects of the scan say who else calls or instantiates what a project exports; dependencies first, so
  // the programs asked about are those still to come
  const dependents = new ScanDependents(work.map((w) => w.project));
  const results = new Map<Project, { file: string; result: FileResult }[]>();
  let done = 0;
  for (const { project, files } of inDependencyOrder(work)) {
    dependents.linting(project);
    const linted: { file: string; result: FileResult }[] = [];
    results.set(project, linted);
    for (const file of files) {
      if (request.isCancelled?.()) break;
      request.onProgress?.(done, total, file);
      let result: FileResult;
      try {
        result = linter.lintFile(project, file, undefined, dependents);
      } catch (error) {
        result = {
          findings: [],
          ruleErrors: [],
          skipped: `could not be analysed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      done++;
      linted.push({ file, result });
      request.onFile?.(file, result);
    }
    // a later project's question may need its program again: it is built anew then
    project.unload();
  }
  for (const { project } of work) project.dispose();
  // reported in the planned order
  const findings: Finding[] = [];
  const ruleErrors: RuleError[] = [];
  for (const { file, result } of work.flatMap((w) => results.get(w.project) ?? [])) {
    findings.push(...result.findings);
    ruleErrors.push(...result.ruleErrors);
    if (result.skipped) problems.push({ file, message: result.skipped });
  }
  return { findings, problems, ruleErrors, filesScanned: done, projects: work.map((w) => w.project.id) };
}
