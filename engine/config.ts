// leaklint.config.json: found from the scanned folder upward, validated with exact positions.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  /** The file this came from; undefined for the defaults. */
  path?: string;
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

export function defaultConfig(): LeakLintConfig {
  return { rules: {}, ruleOptions: {}, include: [], exclude: [...DEFAULT_EXCLUDE], sinks: [], teardownMethods: [] };
}

/** The nearest leaklint.config.json at or above `start`. */
export function findConfig(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(path: string, rules: readonly Rule[]): LeakLintConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, 1, 1, `cannot read config: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(path, text, rules);
}

const SEVERITIES = ['off', 'warn', 'error'];
const KEYS = ['$schema', 'rules', 'include', 'exclude', 'sinks', 'teardownMethods'];

export function parseConfig(path: string, text: string, rules: readonly Rule[]): LeakLintConfig {
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

  const config = defaultConfig();
  config.path = path;
  for (const prop of root.properties) {
    if (!ts.isPropertyAssignment(prop) || !ts.isStringLiteral(prop.name)) throw at(prop, 'expected a "key": value pair');
    const key = prop.name.text;
    const value = prop.initializer;
    switch (key) {
      case '$schema':
        break;
      case 'rules': {
        if (!ts.isObjectLiteralExpression(value)) throw at(value, '"rules" must be an object of rule id → "off" | "warn" | "error"');
        for (const r of value.properties) {
          if (!ts.isPropertyAssignment(r) || !ts.isStringLiteral(r.name)) throw at(r, 'expected a "rule-id": "severity" pair');
          const id = r.name.text;
          const rule = rules.find((x) => x.meta.id === id);
          if (!rule) throw at(r.name, `unknown rule "${id}" in "rules" (valid rules: ${ruleIds.join(', ')})`);
          // "warn", or ["warn", { …options }] as in ESLint
          const entry = r.initializer;
          const severityNode = ts.isArrayLiteralExpression(entry) ? entry.elements[0] : entry;
          const sev = severityNode && ts.isStringLiteral(severityNode) ? severityNode.text : undefined;
          if (!sev || !SEVERITIES.includes(sev)) {
            throw at(severityNode ?? entry, `rule "${id}": severity must be one of ${SEVERITIES.join(', ')} (or ["warn", { …options }])`);
          }
          config.rules[id] = sev as SeveritySetting;
          if (ts.isArrayLiteralExpression(entry)) {
            if (entry.elements.length > 2) throw at(entry.elements[2], `rule "${id}": expected ["severity", { …options }]`);
            const options = entry.elements[1];
            if (!options) continue;
            try {
              config.ruleOptions[id] = readOption(options, rule.meta.schema, `rule "${id}" options`) as object;
            } catch (error) {
              if (error instanceof OptionError) throw at(error.node, error.message);
              throw error;
            }
          }
        }
        break;
      }
      case 'include':
      case 'exclude':
      case 'sinks':
      case 'teardownMethods': {
        if (!ts.isArrayLiteralExpression(value)) throw at(value, `"${key}" must be an array of strings`);
        const items = value.elements.map((e) => {
          if (!ts.isStringLiteral(e)) throw at(e, `"${key}" must be an array of strings`);
          return e.text;
        });
        if (key === 'exclude') config.exclude.push(...items);
        else config[key] = items;
        break;
      }
      default:
        throw at(prop.name, `unknown key "${key}" (valid keys: ${KEYS.join(', ')})`);
    }
  }
  return config;
}
