// Per workspace folder: leaklint.config.json (nearest to the folder) and the leaklint.* settings, merged into a Linter.
import { sep } from 'node:path';
import { ConfigError, RECOMMENDED, presetConfig, type LeakLintConfig } from '../engine/config';
import { Linter, resolveConfig } from '../engine/linter';
import { ResultCache } from '../engine/result-cache';
import type { Rule, SeveritySetting } from '../engine/rule';
import { RULES, RULE_IDS, ruleById } from '../rules';
import { DEFAULT_SETTINGS, type Settings } from './protocol';

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
}

const SEVERITIES: readonly string[] = ['off', 'warn', 'error'];

/** Settings as the client sent them, checked field by field; bad fields fall back to the defaults with a warning. */
export function parseSettings(raw: unknown, warn: (message: string) => void): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS, rules: {}, exclude: [] };
  if (!raw || typeof raw !== 'object') return settings;
  const r = raw as Record<string, unknown>;
  if (typeof r.enable === 'boolean') settings.enable = r.enable;
  if (r.run === 'onType' || r.run === 'onSave') settings.run = r.run;
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, severity] of Object.entries(r.rules)) {
      if (!ruleById(id)) warn(`leaklint.rules: unknown rule "${id}" ignored (valid rules: ${RULE_IDS.join(', ')})`);
      else if (typeof severity !== 'string' || !SEVERITIES.includes(severity)) warn(`leaklint.rules: "${id}" must be off, warn or error`);
      else settings.rules[id] = severity as SeveritySetting;
    }
  }
  if (Array.isArray(r.exclude)) settings.exclude = r.exclude.filter((g): g is string => typeof g === 'string');
  return settings;
}

export function makeFolder(uri: string | undefined, path: string | undefined, settings: Settings, rules: readonly Rule[] = RULES): Folder {
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
  return { uri, path, settings, linter: new Linter(rules, merged, path ?? sep, { cache }), cache, configError };
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
