// `leaklint` — scan a project from a terminal or CI.
// Exit codes: 0 = no error-severity findings and warnings within --max-warnings; 1 = findings over that;
// 2 = usage, config or input error.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../engine/config';
import { BaselineError, compareWithBaseline, readBaseline, writeBaseline } from '../engine/baseline';
import { Linter, resolveConfig, scan } from '../engine/linter';
import { unifiedDiff } from '../engine/diff';
import type { Finding, Location, Rule, SeveritySetting } from '../engine/rule';
import type { FileResult } from '../engine/runner';
import { rel } from '../engine/portable';
import { preparedLibsTaken } from '../engine/prepared-libs';
import { UNUSED_DIRECTIVE, UNUSED_DIRECTIVE_MESSAGE } from '../engine/suppressions';
import { Timing } from '../engine/timing';
import { RULES, RULE_IDS } from '../rules';
import { fixFiles, writeFixedFiles } from './fix';
import { formatCheckstyle, formatGithub, formatJson, formatJunit, formatSarif, formatText, plural, type Report } from './formats';
import { MergeError, mergeSarif, type SarifLog } from './merge-sarif';
import { SelectionError, parseShard, selectFiles } from './select';

declare const LEAKLINT_VERSION: string | undefined;
const VERSION = typeof LEAKLINT_VERSION === 'string' ? LEAKLINT_VERSION : '0.0.0-dev';

const SCAN_USAGE = `  leaklint scan [paths...] [--project tsconfig.json] [--config leaklint.config.json]
                [--format text|json|sarif|github|junit|checkstyle] [--output file] [--max-warnings N] [--quiet]
                [--rule id=off|warn|error ...] [--fix | --fix-dry-run] [--report-unused-disable-directives]
                [--baseline file [--update-baseline]] [--changed-since git-ref] [--shard i/n] [--timing]`;
const MERGE_USAGE = '  leaklint merge-sarif a.sarif b.sarif ... [--output file]';
const RULES_USAGE = '  leaklint rules [--format text|json]';
const EXIT_CODES = 'Exit codes: 0 clean, 1 findings over the limits, 2 usage/config/input error.';

const USAGE = `Usage:
${SCAN_USAGE}
${MERGE_USAGE}
${RULES_USAGE}
  leaklint --version | --help

${EXIT_CODES}`;

const COMMAND_USAGE: Record<string, string> = {
  scan: `Usage:\n${SCAN_USAGE}\n\n${EXIT_CODES}`,
  'merge-sarif': `Usage:\n${MERGE_USAGE}`,
  rules: `Usage:\n${RULES_USAGE}`,
};

class UsageError extends Error {}

const FORMATS = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  junit: formatJunit,
  checkstyle: formatCheckstyle,
} as const;

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
  for (const stream of [io.out, io.err]) if (stream === process.stdout || stream === process.stderr) endQuietlyWhenReaderLeaves(stream);
  try {
    const [command, ...rest] = argv;
    if (command in COMMAND_USAGE && rest.some((a) => a === '--help' || a === '-h')) {
      io.out.write(`${COMMAND_USAGE[command]}\n`);
      return 0;
    }
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

/**
 * `leaklint rules | head -1`: the reader closes the pipe, the next write fails with EPIPE. That is the reader's
 * choice, not an error: stop without a stack trace.
 */
function endQuietlyWhenReaderLeaves(stream: NodeJS.WritableStream): void {
  if (stream.listenerCount('error')) return;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
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
    quiet: { type: 'boolean', short: 'q' },
    rule: { type: 'string', multiple: true },
    fix: { type: 'boolean' },
    'fix-dry-run': { type: 'boolean' },
    'report-unused-disable-directives': { type: 'boolean' },
  });
  const format = String(values.format);
  if (!(format in FORMATS)) throw new UsageError(`unknown format "${format}" (${Object.keys(FORMATS).join(', ')})`);
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run exclude each other');
  const maxWarnings = values['max-warnings'] === undefined ? Infinity : Number(values['max-warnings']);
  if (!Number.isInteger(maxWarnings) && maxWarnings !== Infinity) throw new UsageError('--max-warnings takes a whole number');
  const shard = values.shard === undefined ? undefined : parseShard(String(values.shard));
  if (values.shard !== undefined && !shard) throw new UsageError('--shard takes i/n with 1 <= i <= n, e.g. 2/4');
  const baselinePath = values.baseline as string | undefined;
  if (values['update-baseline'] && !baselinePath) throw new UsageError('--update-baseline needs --baseline <file>');
  const baseline = baselinePath === undefined ? undefined : readBaseline(baselinePath, Boolean(values['update-baseline']));
  const paths = positionals.length ? positionals : ['.'];

  const config = resolveConfig(paths[0], rules, values.config as string | undefined);
  for (const setting of (values.rule as string[] | undefined) ?? []) {
    const [id, severity] = parseRuleFlag(setting, rules);
    config.rules[id] = severity;
  }
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
  const suppressed: Finding[] = [];
  const unusedDirectives: Finding[] = [];
  const onFile = (file: string, r: FileResult) => {
    if (!r.skipped) analysed.add(file);
    suppressed.push(...(r.suppressed ?? []));
    if (values['report-unused-disable-directives']) unusedDirectives.push(...(r.unusedDirectives ?? []).map(unusedDirectiveFinding));
  };
  const request = { paths, project: values.project as string | undefined };
  const result = scan({ ...request, onProgress: progress, onFile, only }, linter);
  if (progress) io.err.write('\r\x1b[K');
  if (values.fix || values['fix-dry-run']) {
    const fixable = new Set(result.findings.filter((f) => f.fixes.some((x) => x.preferred)).map((f) => f.file));
    const { fixed } = fixFiles(request, linter, fixable);
    const byFile = new Map(fixed.map((f) => [f.file, f]));
    // what is left: the findings on the fixed text
    result.findings = [...result.findings.filter((f) => !byFile.has(f.file)), ...fixed.flatMap((f) => f.findings)];
    const applied = fixed.reduce((n, f) => n + f.applied, 0);
    if (values['fix-dry-run']) {
      const diff = fixed
        .map((f) => `--- a/${rel(io.cwd, f.file)}\n+++ b/${rel(io.cwd, f.file)}\n${unifiedDiff(f.before, f.after)}`)
        .join('');
      if (values.output) writeFileSync(String(values.output), diff);
      else io.out.write(diff);
      const left = plural(result.findings.length, 'finding');
      say(`would apply ${plural(applied, 'fix', 'fixes')} in ${plural(fixed.length, 'file')}; ${left} would be left`);
      return result.problems.some((p) => p.severity !== 'warning') ? 2 : 0;
    }
    writeFixedFiles(fixed);
    const perFile = fixed.map((f) => `\n  ${rel(io.cwd, f.file)}: ${f.applied}`).join('');
    say(`applied ${plural(applied, 'fix', 'fixes')} in ${plural(fixed.length, 'file')}${perFile}`);
  }
  result.findings.push(...unusedDirectives);
  if (values.quiet) result.findings = result.findings.filter((f) => f.severity === 'error');
  if (timing) {
    timing.preparedLibs = preparedLibsTaken();
    io.err.write(`${timing.format(Date.now() - started)}\n`);
  }

  for (const p of result.problems) say(`${p.file}: ${p.message}`);
  for (const e of result.ruleErrors) say(`rule ${e.ruleId} failed on ${e.file}: ${e.message.split('\n')[0]}`);
  let counted = result.findings;
  let baselined: Set<Finding> | undefined;
  if (baseline && baselinePath) {
    const comparison = compareWithBaseline(baseline, result.findings, analysed);
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
  const report: Report = {
    findings: result.findings,
    rules,
    cwd: io.cwd,
    version: VERSION,
    baselined,
    suppressed,
    problems: result.problems,
  };
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

/** `--report-unused-disable-directives`: a comment that suppresses nothing hides the next real finding there. */
function unusedDirectiveFinding(at: Location): Finding {
  return {
    ...at,
    ruleId: UNUSED_DIRECTIVE,
    messageId: 'unused',
    data: {},
    severity: 'warn',
    message: UNUSED_DIRECTIVE_MESSAGE,
    related: [],
    fixes: [],
  };
}

/** `--rule id=severity`: overrides the config's severity for one rule. */
function parseRuleFlag(setting: string, rules: readonly Rule[]): [string, SeveritySetting] {
  const [id, severity] = setting.split('=');
  if (!rules.some((r) => r.meta.id === id)) {
    throw new UsageError(`--rule ${setting}: unknown rule "${id}" (valid rules: ${rules.map((r) => r.meta.id).join(', ')})`);
  }
  if (severity !== 'off' && severity !== 'warn' && severity !== 'error')
    throw new UsageError(`--rule ${setting}: severity must be off, warn or error`);
  return [id, severity];
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
