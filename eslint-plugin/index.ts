// LeakLint's rules inside ESLint: a flat-config plugin on typescript-eslint's parser services. Each ESLint rule runs
// its LeakLint rule on the program typescript-eslint built (`parserOptions.projectService` or `project`), with the
// TypeScript that program came from (the project's own: `typescript` is not bundled). The rules of one file share
// one checker adapter and one shared analysis (their caches), as in `leaklint scan`.
import type { ESLint, Linter, Rule as ESLintRule, SourceCode } from 'eslint';
import ts = require('typescript');
import { withDefaults } from '../engine/options';
import { docsUrl, type Finding, type Rule, type RuleSettings } from '../engine/rule';
import { fileAnalysis, runRules, type FileAnalysis } from '../engine/runner';
import { RULES } from '../rules';
import { version } from '../package.json';

const PREFIX = 'leaklint';
/** Reported when a LeakLint rule throws on a file: that rule's findings for the file are dropped, the others stand. */
const RULE_FAILED = 'leaklintRuleFailed';

interface ParserServices {
  program: ts.Program | null;
}

/** The shared analysis of each file of each program (a program's files are analysed against its checker). */
const analyses = new WeakMap<ts.Program, WeakMap<ts.SourceFile, FileAnalysis>>();

function sharedAnalysis(program: ts.Program, file: ts.SourceFile, settings: RuleSettings): FileAnalysis {
  let files = analyses.get(program);
  if (!files) analyses.set(program, (files = new WeakMap()));
  let shared = files.get(file);
  if (!shared) files.set(file, (shared = fileAnalysis(program, settings)));
  return shared;
}

/** `settings.leaklint` of the ESLint config: the hand-off sinks and teardown methods of leaklint.config.json. */
function ruleSettings(settings: Record<string, unknown>): RuleSettings {
  const own = (settings[PREFIX] ?? {}) as Partial<RuleSettings>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  return { sinks: strings(own.sinks), teardownMethods: strings(own.teardownMethods) };
}

function eslintRule(rule: Rule): ESLintRule.RuleModule {
  const { meta } = rule;
  return {
    meta: {
      type: 'problem',
      docs: { description: meta.description, url: docsUrl(meta.id), recommended: true },
      messages: { ...meta.messages, [RULE_FAILED]: `LeakLint's ${meta.id} failed on this file: {{error}}` },
      schema: [meta.schema as object],
      defaultOptions: [meta.defaultOptions],
      ...(meta.fixable && { fixable: 'code' as const, hasSuggestions: true }),
    },
    create(context) {
      const program = (context.sourceCode.parserServices as ParserServices | undefined)?.program;
      if (!program) {
        throw new Error(
          `${PREFIX}/${meta.id} needs type information: parse with typescript-eslint's parser and set ` +
            'parserOptions.projectService (or parserOptions.project)',
        );
      }
      return {
        'Program:exit'() {
          const file = program.getSourceFile(context.physicalFilename);
          if (!file) return;
          const settings = ruleSettings(context.settings);
          const options = withDefaults(meta.defaultOptions, context.options[0] as object | undefined);
          const result = runRules(file, program, [{ rule, severity: 'warn', options }], settings, {
            shared: sharedAnalysis(program, file, settings),
          });
          for (const error of result.ruleErrors) {
            context.report({ loc: { line: 1, column: 0 }, messageId: RULE_FAILED, data: { error: error.message.split('\n')[0] } });
          }
          for (const finding of result.findings) context.report(problem(context.sourceCode, finding));
        },
      };
    },
  };
}

/** A finding as an ESLint problem: its ESTree node and exact span, messageId and data, the preferred fix, suggestions. */
function problem(sourceCode: SourceCode, f: Finding): ESLintRule.ReportDescriptor {
  const related = f.related.map((r) => `line ${r.line}: ${r.message}`).join('; ');
  const edits = (fix: Finding['fixes'][number]) => (fixer: ESLintRule.RuleFixer) =>
    fix.edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.newText));
  const preferred = f.fixes.find((x) => x.preferred);
  const node = sourceCode.getNodeByRangeIndex(f.start);
  return {
    ...(node && { node }),
    loc: { start: { line: f.line, column: f.column - 1 }, end: { line: f.endLine, column: f.endColumn - 1 } },
    messageId: f.messageId,
    data: { ...f.data, related },
    ...(preferred && { fix: edits(preferred) }),
    ...(f.fixes.some((x) => !x.preferred) && {
      suggest: f.fixes.filter((x) => !x.preferred).map((x) => ({ desc: x.title, fix: edits(x) })),
    }),
  };
}

const rules = Object.fromEntries(RULES.map((r) => [r.meta.id, eslintRule(r)]));

const plugin = {
  meta: { name: `eslint-plugin-${PREFIX}`, version },
  rules,
  configs: {} as Record<'recommended' | 'strict', Linter.Config>,
} satisfies ESLint.Plugin;

const severities = (strict: boolean): Linter.RulesRecord =>
  Object.fromEntries(RULES.map((r) => [`${PREFIX}/${r.meta.id}`, strict ? 'error' : r.meta.defaultSeverity]));

/** Every rule at its default severity; `strict`: every rule an error. */
plugin.configs.recommended = { name: `${PREFIX}/recommended`, plugins: { [PREFIX]: plugin }, rules: severities(false) };
plugin.configs.strict = { name: `${PREFIX}/strict`, plugins: { [PREFIX]: plugin }, rules: severities(true) };

export = plugin;
