// leaklint.config.json: found from the scanned folder upward, validated with exact positions.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import ts = require('typescript');
import { OptionError, readOption } from './options';
import type { Rule, RuleSettings, SeveritySetting } from './rule';

export const CONFIG_FILE = 'leaklint.config.json';

export interface LeakLintConfig extends RuleSettings {
  /** Per-rule severity overrides; rules not listed use their default severity. */
  rules: Record<string, SeveritySetting>;
  /** Per-rule options (`"rule-id": ["warn", { … }]`), checked against each rule's schema. */
  ruleOptions: Record<string, object>;
  include: string[];
  exclude: string[];
  /** Rule settings for some files (ESLint's `files` blocks, oxlint's overrides); later blocks win. */
  overrides: ConfigOverride[];
  /** The file this came from; undefined for the defaults. */
  path?: string;
}

export interface ConfigOverride {
  /** Globs relative to the config's folder. */
  files: string[];
  rules: Record<string, SeveritySetting>;
  ruleOptions: Record<string, object>;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}

/** Build output folders are skipped when folders are walked; these also apply to files a tsconfig lists. */
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/*.d.ts'];

/** The engine's bare defaults (benchmarks and tests that want every file); configs start from a preset. */
export function defaultConfig(): LeakLintConfig {
  return { rules: {}, ruleOptions: {}, include: [], exclude: [...DEFAULT_EXCLUDE], overrides: [], sinks: [], teardownMethods: [] };
}

/** Test files: their fixtures leak on purpose and their lifetimes end with the test run. */
export const TEST_FILES = ['**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/__mocks__/**', '**/test/**', '**/tests/**'];

export const RECOMMENDED = 'leaklint:recommended';
export const STRICT = 'leaklint:strict';
export const PRESETS = [RECOMMENDED, STRICT];

/** `leaklint:recommended` (what a project without a config, or a config without `extends`, gets) and `leaklint:strict`. */
export function presetConfig(name: string, rules: readonly Rule[]): LeakLintConfig | undefined {
  const recommended = { ...defaultConfig(), exclude: [...DEFAULT_EXCLUDE, ...TEST_FILES] };
  if (name === RECOMMENDED) return recommended;
  // every rule an error: a finding fails the build
  if (name === STRICT) return { ...recommended, rules: Object.fromEntries(rules.map((r) => [r.meta.id, 'error' as const])) };
  return undefined;
}

/** `over` on top of `base`: rule settings and include replace, exclude, overrides, sinks and teardown methods add up. */
function extendConfig(base: LeakLintConfig, over: Partial<LeakLintConfig>): LeakLintConfig {
  return {
    rules: { ...base.rules, ...over.rules },
    ruleOptions: { ...base.ruleOptions, ...over.ruleOptions },
    include: over.include ?? base.include,
    exclude: [...new Set([...base.exclude, ...(over.exclude ?? [])])],
    overrides: [...base.overrides, ...(over.overrides ?? [])],
    sinks: [...base.sinks, ...(over.sinks ?? [])],
    teardownMethods: [...base.teardownMethods, ...(over.teardownMethods ?? [])],
    path: over.path ?? base.path,
  };
}

/** The nearest leaklint.config.json at or above `start`. */
export function findConfig(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(path: string, rules: readonly Rule[], extending: readonly string[] = []): LeakLintConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, 1, 1, `cannot read config: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(path, text, rules, extending);
}

const SEVERITIES = ['off', 'warn', 'error'];
const KEYS = ['$schema', 'extends', 'rules', 'overrides', 'include', 'exclude', 'sinks', 'teardownMethods'];

/** Parses a config; `extending` is the chain of configs that extend this one (a cycle is an error). */
export function parseConfig(path: string, text: string, rules: readonly Rule[], extending: readonly string[] = []): LeakLintConfig {
  const ruleIds = rules.map((r) => r.meta.id);
  const json = ts.parseJsonText(path, text);
  const at = (node: ts.Node, detail: string): ConfigError => {
    const { line, character } = json.getLineAndCharacterOfPosition(node.getStart(json));
    return new ConfigError(path, line + 1, character + 1, detail);
  };
  const syntax = (json as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics?.[0];
  if (syntax) {
    const { line, character } = json.getLineAndCharacterOfPosition(syntax.start ?? 0);
    throw new ConfigError(path, line + 1, character + 1, `invalid JSON: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')}`);
  }
  const root = json.statements[0]?.expression;
  if (!root || !ts.isObjectLiteralExpression(root)) throw new ConfigError(path, 1, 1, 'the config must be a JSON object');

  const strings = (value: ts.Expression, key: string): string[] => {
    if (!ts.isArrayLiteralExpression(value)) throw at(value, `"${key}" must be an array of strings`);
    return value.elements.map((e) => {
      if (!ts.isStringLiteral(e)) throw at(e, `"${key}" must be an array of strings`);
      return e.text;
    });
  };
  /** `"rules": { "id": "warn" | ["warn", { …options }] }`, as in ESLint. */
  const readRules = (value: ts.Expression, into: Pick<LeakLintConfig, 'rules' | 'ruleOptions'>): void => {
    if (!ts.isObjectLiteralExpression(value)) throw at(value, '"rules" must be an object of rule id → "off" | "warn" | "error"');
    for (const r of value.properties) {
      if (!ts.isPropertyAssignment(r) || !ts.isStringLiteral(r.name)) throw at(r, 'expected a "rule-id": "severity" pair');
      const id = r.name.text;
      const rule = rules.find((x) => x.meta.id === id);
      if (!rule) throw at(r.name, `unknown rule "${id}" in "rules" (valid rules: ${ruleIds.join(', ')})`);
      const entry = r.initializer;
      const severityNode = ts.isArrayLiteralExpression(entry) ? entry.elements[0] : entry;
      const sev = severityNode && ts.isStringLiteral(severityNode) ? severityNode.text : undefined;
      if (!sev || !SEVERITIES.includes(sev)) {
        throw at(severityNode ?? entry, `rule "${id}": severity must be one of ${SEVERITIES.join(', ')} (or ["warn", { …options }])`);
      }
      into.rules[id] = sev as SeveritySetting;
      if (ts.isArrayLiteralExpression(entry)) {
        if (entry.elements.length > 2) throw at(entry.elements[2], `rule "${id}": expected ["severity", { …options }]`);
        const options = entry.elements[1];
        if (!options) continue;
        try {
          into.ruleOptions[id] = readOption(options, rule.meta.schema, `rule "${id}" options`) as object;
        } catch (error) {
          if (error instanceof OptionError) throw at(error.node, error.message);
          throw error;
        }
      }
    }
  };
  /** A preset name or a config file's path (relative to this config's folder). */
  const readBase = (node: ts.Expression): LeakLintConfig => {
    if (!ts.isStringLiteral(node)) throw at(node, `"extends" must be a preset (${PRESETS.join(', ')}), a file path, or an array of them`);
    const name = node.text;
    if (name.startsWith('leaklint:')) {
      const preset = presetConfig(name, rules);
      if (!preset) throw at(node, `unknown preset "${name}" (presets: ${PRESETS.join(', ')})`);
      return preset;
    }
    const file = isAbsolute(name) ? name : resolve(dirname(path), name);
    if (file === path || extending.includes(file)) throw at(node, `"extends" cycle: ${[...extending, path, file].join(' → ')}`);
    if (!existsSync(file)) throw at(node, `extended config not found: ${file}`);
    return loadConfig(file, rules, [...extending, path]);
  };

  const own: Partial<LeakLintConfig> & Pick<LeakLintConfig, 'rules' | 'ruleOptions'> = { rules: {}, ruleOptions: {}, path };
  let base: LeakLintConfig | undefined;
  for (const prop of root.properties) {
    if (!ts.isPropertyAssignment(prop) || !ts.isStringLiteral(prop.name)) throw at(prop, 'expected a "key": value pair');
    const key = prop.name.text;
    const value = prop.initializer;
    switch (key) {
      case '$schema':
        break;
      case 'extends': {
        // `"extends": []` starts from the engine's bare defaults (test files included)
        const bases = ts.isArrayLiteralExpression(value) ? value.elements.map(readBase) : [readBase(value)];
        base = bases.reduce(extendConfig, defaultConfig());
        break;
      }
      case 'rules':
        readRules(value, own);
        break;
      case 'overrides': {
        if (!ts.isArrayLiteralExpression(value)) throw at(value, '"overrides" must be an array of { "files": [...], "rules": { … } }');
        own.overrides = value.elements.map((block) => {
          if (!ts.isObjectLiteralExpression(block)) throw at(block, 'an override must be an object { "files": [...], "rules": { … } }');
          const override: ConfigOverride = { files: [], rules: {}, ruleOptions: {} };
          for (const p of block.properties) {
            if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name)) throw at(p, 'expected a "key": value pair');
            if (p.name.text === 'files') override.files = strings(p.initializer, 'files');
            else if (p.name.text === 'rules') readRules(p.initializer, override);
            else throw at(p.name, `unknown key "${p.name.text}" in an override (valid keys: files, rules)`);
          }
          if (!override.files.length) throw at(block, 'an override needs "files": a non-empty array of globs');
          return override;
        });
        break;
      }
      case 'include':
      case 'exclude':
      case 'sinks':
      case 'teardownMethods':
        own[key] = strings(value, key);
        break;
      default:
        throw at(prop.name, `unknown key "${key}" (valid keys: ${KEYS.join(', ')})`);
    }
  }
  return extendConfig(base ?? presetConfig(RECOMMENDED, rules)!, own);
}
