// Per workspace folder: leaklint.config.json (nearest to the folder) and the leaklint.* settings, merged into a Linter;
// and the folder's baseline file.
import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { BaselineError, readBaseline, type Baseline } from '../engine/baseline';
import { ConfigError, RECOMMENDED, presetConfig, type LeakLintConfig } from '../engine/config';
import { Linter, resolveConfig } from '../engine/linter';
import { ResultCache } from '../engine/result-cache';
import type { Rule, SeveritySetting } from '../engine/rule';
import { RULES, RULE_IDS, ruleById } from '../rules';
import { BASELINE_MODES, DEFAULT_SETTINGS, DISABLE_COMMENT_LOCATIONS, FIX_ALL_MODES, type Settings } from './protocol';

export interface Folder {
  /** undefined for the catch-all of files outside every workspace folder. */
  uri?: string;
  path?: string;
  settings: Settings;
  linter: Linter;
  /** Its linter's per-file results, reused while nothing a file depends on changes. */
  cache: ResultCache;
  /** The config file could not be used; the defaults are in effect. */
  configError?: ConfigError;
  /** Its baseline file (folders of files outside the workspace have none). */
  baseline?: BaselineFile;
}

/** A folder's baseline file, read again whenever its size or modification time changes (any name works unwatched). */
export class BaselineFile {
  private stamp: string | undefined;
  private baseline: Baseline | undefined;

  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The baseline as the file is now; undefined when there is none or it cannot be read (said once per version). */
  current(): Baseline | undefined {
    let stamp = 'missing';
    try {
      const stat = statSync(this.path);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      // no baseline file: nothing is baselined
    }
    if (stamp === this.stamp) return this.baseline;
    this.stamp = stamp;
    this.baseline = undefined;
    if (stamp === 'missing') return undefined;
    try {
      this.baseline = readBaseline(this.path, true);
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      this.warn(`baseline ignored: ${error.message}`);
    }
    return this.baseline;
  }
}

const SEVERITIES: readonly string[] = ['off', 'warn', 'error'];

/** Settings as the client sent them, checked field by field; bad fields fall back to the defaults with a warning. */
export function parseSettings(raw: unknown, warn: (message: string) => void): Settings {
  const settings: Settings = structuredClone(DEFAULT_SETTINGS);
  if (!isObject(raw)) return settings;
  if (typeof raw.enable === 'boolean') settings.enable = raw.enable;
  if (raw.run === 'onType' || raw.run === 'onSave') settings.run = raw.run;
  if (raw.rules && typeof raw.rules === 'object') {
    for (const [id, severity] of Object.entries(raw.rules)) {
      if (!ruleById(id)) warn(`leaklint.rules: unknown rule "${id}" ignored (valid rules: ${RULE_IDS.join(', ')})`);
      else if (typeof severity !== 'string' || !SEVERITIES.includes(severity)) warn(`leaklint.rules: "${id}" must be off, warn or error`);
      else settings.rules[id] = severity as SeveritySetting;
    }
  }
  if (raw.maxProjects !== undefined) {
    if (Number.isInteger(raw.maxProjects) && (raw.maxProjects as number) >= 1) settings.maxProjects = raw.maxProjects as number;
    else warn('leaklint.maxProjects must be a whole number of at least 1');
  }
  if (raw.maxFileSizeMB !== undefined) {
    if (typeof raw.maxFileSizeMB === 'number' && raw.maxFileSizeMB > 0) settings.maxFileSizeMB = raw.maxFileSizeMB;
    else warn('leaklint.maxFileSizeMB must be a positive number');
  }
  if (Array.isArray(raw.exclude)) settings.exclude = raw.exclude.filter((g): g is string => typeof g === 'string');
  const baseline = isObject(raw.baseline) ? raw.baseline : {};
  settings.baseline.mode = oneOf(baseline.mode, BASELINE_MODES, settings.baseline.mode);
  if (typeof baseline.file === 'string' && baseline.file.trim()) settings.baseline.file = baseline.file;
  if (typeof raw.reportUnusedDisableDirectives === 'boolean') settings.reportUnusedDisableDirectives = raw.reportUnusedDisableDirectives;
  const comment = isObject(raw.codeAction) && isObject(raw.codeAction.disableRuleComment) ? raw.codeAction.disableRuleComment : {};
  settings.codeAction.disableRuleComment.location = oneOf(
    comment.location,
    DISABLE_COMMENT_LOCATIONS,
    settings.codeAction.disableRuleComment.location,
  );
  if (isObject(raw.codeActionsOnSave))
    settings.codeActionsOnSave.mode = oneOf(raw.codeActionsOnSave.mode, FIX_ALL_MODES, settings.codeActionsOnSave.mode);
  return settings;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

export function makeFolder(
  uri: string | undefined,
  path: string | undefined,
  settings: Settings,
  rules: readonly Rule[] = RULES,
  warn: (message: string) => void = () => {},
): Folder {
  let config: LeakLintConfig = presetConfig(RECOMMENDED, rules)!;
  let configError: ConfigError | undefined;
  if (path) {
    try {
      config = resolveConfig(path, rules);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      configError = error;
    }
  }
  const merged: LeakLintConfig = {
    ...config,
    rules: { ...config.rules, ...settings.rules },
    exclude: [...config.exclude, ...settings.exclude],
  };
  const cache = new ResultCache();
  const baseline = path === undefined ? undefined : new BaselineFile(resolve(path, settings.baseline.file), warn);
  return { uri, path, settings, linter: new Linter(rules, merged, path ?? sep, { cache }), cache, configError, baseline };
}

/** The innermost folder containing the file. */
export function folderOf(folders: readonly Folder[], file: string): Folder | undefined {
  let best: Folder | undefined;
  for (const f of folders) {
    if (
      f.path &&
      (file === f.path || file.startsWith(f.path.endsWith(sep) ? f.path : f.path + sep)) &&
      f.path.length > (best?.path?.length ?? -1)
    )
      best = f;
  }
  return best;
}
