// `leaklint` — scan a project from a terminal or CI.
// Exit codes: 0 = no error-severity findings and warnings within --max-warnings; 1 = findings over that;
// 2 = usage, config or input error.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../engine/config';
import { Linter, resolveConfig, scan } from '../engine/linter';
import type { Finding, Rule } from '../engine/rule';
import { preparedLibsTaken } from '../engine/prepared-libs';
import { Timing } from '../engine/timing';
import { RULES, RULE_IDS } from '../rules';
import { BaselineError, compareWithBaseline, readBaseline, writeBaseline } from './baseline';
import { formatJson, formatSarif, formatText, type Report } from './formats';
import { MergeError, mergeSarif, type SarifLog } from './merge-sarif';
import { SelectionError, parseShard, selectFiles } from './select';

declare const LEAKLINT_VERSION: string | undefined;
const VERSION = typeof LEAKLINT_VERSION === 'string' ? LEAKLINT_VERSION : '0.0.0-dev';

const USAGE = `Usage:
  leaklint scan [paths...] [--project tsconfig.json] [--config leaklint.config.json]
                [--format text|json|sarif] [--output file] [--max-warnings N]
                [--baseline file [--update-baseline]] [--changed-since git-ref] [--shard i/n] [--timing]
  leaklint merge-sarif a.sarif b.sarif ... [--output file]
  leaklint rules [--format text|json]
  leaklint --version | --help

Exit codes: 0 clean, 1 findings over the limits, 2 usage/config/input error.`;

class UsageError extends Error {}

const FORMATS = { text: formatText, json: formatJson, sarif: formatSarif } as const;

/** Runs a command; `rules` is what `scan` runs (all rules; in-process tests may add their own). */
export function main(
  argv: string[],
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream & { isTTY?: boolean }; cwd: string } = {
    out: process.stdout,
    err: process.stderr,
    cwd: process.cwd(),
  },
  rules: readonly Rule[] = RULES,
): number {
  const say = (s: string) => io.err.write(`leaklint: ${s}\n`);
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out.write(`${USAGE}\n`);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      io.out.write(`${VERSION}\n`);
      return 0;
    }
    if (command === 'rules') return listRules(rest, io.out);
    if (command === 'scan') return runScan(rest, io, say, rules);
    if (command === 'merge-sarif') return runMergeSarif(rest, io.out);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      say(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof BaselineError || error instanceof SelectionError || error instanceof MergeError) {
      say(error.message);
      return 2;
    }
    say(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function listRules(args: string[], out: NodeJS.WritableStream): number {
  const { values } = parse(args, { format: { type: 'string', default: 'text' } });
  if (values.format === 'json') {
    out.write(
      JSON.stringify(
        RULES.map((r) => r.meta),
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  if (values.format !== 'text') throw new UsageError(`unknown format "${values.format}" (text, json)`);
  const width = Math.max(...RULE_IDS.map((id) => id.length));
  for (const r of RULES)
    out.write(
      `${r.meta.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(5)}  ${r.meta.fixable ? 'fix' : '   '}  ${r.meta.description}\n`,
    );
  return 0;
}

function runScan(
  args: string[],
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream & { isTTY?: boolean }; cwd: string },
  say: (s: string) => void,
  rules: readonly Rule[],
): number {
  const { values, positionals } = parse(args, {
    project: { type: 'string', short: 'p' },
    config: { type: 'string', short: 'c' },
    format: { type: 'string', short: 'f', default: 'text' },
    output: { type: 'string', short: 'o' },
    'max-warnings': { type: 'string' },
    baseline: { type: 'string' },
    'update-baseline': { type: 'boolean' },
    'changed-since': { type: 'string' },
    shard: { type: 'string' },
    timing: { type: 'boolean' },
  });
  const format = String(values.format);
  if (!(format in FORMATS)) throw new UsageError(`unknown format "${format}" (text, json, sarif)`);
  const maxWarnings = values['max-warnings'] === undefined ? Infinity : Number(values['max-warnings']);
  if (!Number.isInteger(maxWarnings) && maxWarnings !== Infinity) throw new UsageError('--max-warnings takes a whole number');
  const shard = values.shard === undefined ? undefined : parseShard(String(values.shard));
  if (values.shard !== undefined && !shard) throw new UsageError('--shard takes i/n with 1 <= i <= n, e.g. 2/4');
  const baselinePath = values.baseline as string | undefined;
  if (values['update-baseline'] && !baselinePath) throw new UsageError('--update-baseline needs --baseline <file>');
  const baseline = baselinePath === undefined ? undefined : readBaseline(baselinePath, Boolean(values['update-baseline']));
  const paths = positionals.length ? positionals : ['.'];

  const config = resolveConfig(paths[0], rules, values.config as string | undefined);
  const timing = values.timing ? new Timing() : undefined;
  const linter = new Linter(rules, config, io.cwd, { timing });
  const changedSince = values['changed-since'] as string | undefined;
  const narrowed = changedSince !== undefined || shard !== undefined;
  const only = narrowed
    ? selectFiles({ paths, project: values.project as string | undefined }, linter, { changedSince, shard }, io.cwd)
    : undefined;
  const started = Date.now();
  const progress = io.err.isTTY
    ? (done: number, total: number, file: string) => {
        if (Date.now() - started > 1000) io.err.write(`\r\x1b[K[${done + 1}/${total}] ${file.slice(-60)}`);
      }
    : undefined;
  // files analysed in full: only their baseline entries can be called fixed
  const analysed = new Set<string>();
  const onFile = (file: string, r: { skipped?: string }) => {
    if (!r.skipped) analysed.add(file);
  };
  const result = scan({ paths, project: values.project as string | undefined, onProgress: progress, onFile, only }, linter);
  if (progress) io.err.write('\r\x1b[K');
  if (timing) {
    timing.preparedLibs = preparedLibsTaken();
    io.err.write(`${timing.format(Date.now() - started)}\n`);
  }

  for (const p of result.problems) say(`${p.file}: ${p.message}`);
  for (const e of result.ruleErrors) say(`rule ${e.ruleId} failed on ${e.file}: ${e.message.split('\n')[0]}`);
  let counted = result.findings;
  let baselined: Set<Finding> | undefined;
  if (baseline && baselinePath) {
    const comparison = compareWithBaseline(baselinePath, baseline, result.findings, analysed);
    say(`${comparison.fresh.length} new, ${comparison.baselined.size} baselined, ${comparison.fixed.length} fixed`);
    if (values['update-baseline']) {
      const total = writeBaseline(baselinePath, result.findings, comparison.untouched);
      say(`wrote ${baselinePath} (${total} finding${total === 1 ? '' : 's'})`);
      // the findings just written are accepted debt from now on
      baselined = new Set(result.findings);
      counted = [];
    } else {
      baselined = comparison.baselined;
      counted = comparison.fresh;
    }
  }
  const report: Report = { findings: result.findings, rules, cwd: io.cwd, version: VERSION, baselined };
  const text = FORMATS[format as keyof typeof FORMATS](report);
  if (values.output) writeFileSync(String(values.output), text);
  else io.out.write(text);

  if (result.filesScanned === 0 && !result.problems.length && !narrowed) {
    say(`no TypeScript or JavaScript files to scan in ${paths.join(', ')}`);
    return 2;
  }
  // a warning (a tsconfig's missing base config) left every file analysed as the editor would: the findings decide
  if (result.problems.some((p) => p.severity !== 'warning')) return 2;
  const errors = counted.filter((f) => f.severity === 'error').length;
  const warnings = counted.length - errors;
  return errors > 0 || warnings > maxWarnings ? 1 : 0;
}

function runMergeSarif(args: string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' } });
  if (!positionals.length) throw new UsageError('merge-sarif needs at least one SARIF file');
  const logs = positionals.map((name) => {
    try {
      return { name, log: JSON.parse(readFileSync(name, 'utf8')) as SarifLog };
    } catch (error) {
      throw new MergeError(`${name}: ${(error as Error).message}`);
    }
  });
  const text = JSON.stringify(mergeSarif(logs), null, 2) + '\n';
  if (values.output) writeFileSync(String(values.output), text);
  else out.write(text);
  return 0;
}
