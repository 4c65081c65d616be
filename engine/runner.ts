// Runs every enabled rule over one source file in a single traversal.
import ts = require('typescript');
import { Analysis, calleeName, isUnreachable, unwrap } from './analysis';
import { fingerprintOf, numberOccurrences } from './fingerprint';
import {
  formatData,
  formatMessage,
  type Finding,
  type Location,
  type Rule,
  type RuleListeners,
  type RuleSettings,
  type Severity,
} from './rule';
import { parseSuppressions } from './suppressions';
import type { Timing } from './timing';
import type { NodeFacts } from './type-facts';
import { checkerQueries, type DependentPrograms, type TypeQueries } from './types';

export interface ActiveRule {
  rule: Rule;
  severity: Severity;
  /** The rule's options: its defaults with the config's options merged over them. */
  options: object;
}

export interface RuleError {
  ruleId: string;
  file: string;
  message: string;
}

export interface FileResult {
  findings: Finding[];
  ruleErrors: RuleError[];
  /** Set when the file was not (fully) analysed: too slow, syntax errors. */
  skipped?: string;
  /** Findings a suppression comment silenced (SARIF lists them as suppressed in source); absent when none. */
  suppressed?: Finding[];
  /** Suppression comments that silenced nothing of the rules that ran; absent when none. */
  unusedDirectives?: Location[];
  /** True when this is the previous result moved past an edit inside a comment (nothing else changed: engine/comment-edit.ts). */
  commentEdit?: true;
}

export interface RunOptions {
  /** Wall-clock budget for the rules on one file; past it the file is skipped with a note. */
  budgetMs?: number;
  /** Accumulates phase timings (opt-in: benchmarks, `scan --timing`). */
  timing?: Timing;
  /**
   * The file's checker adapter and shared analysis, when the caller runs the rules of one file in several calls
   * (the ESLint plugin runs each rule on its own): their caches then serve every call. Made with fileAnalysis().
   */
  shared?: FileAnalysis;
  /** The other programs of the scan, which the lifetime model asks who else refers to an export (see engine/dependents.ts). */
  dependents?: DependentPrograms;
  /** Answers from types kept from the file's previous lint (the language server; engine/type-facts.ts). */
  facts?: NodeFacts;
  /** A first look at the file alone (`Project.fileAlone`): the program holds none of the project's other files. */
  fileAlone?: boolean;
}

/** The checker adapter and shared analysis of one file's run. */
export interface FileAnalysis {
  types: TypeQueries;
  analysis: Analysis;
}

export function fileAnalysis(program: ts.Program, settings: RuleSettings): FileAnalysis {
  const types = checkerQueries(program);
  return { types, analysis: new Analysis(types, settings) };
}

export const DEFAULT_FILE_BUDGET_MS = 5000;
/** The note for a file whose nesting overflows the stack (in TypeScript's recursive passes or a rule's walk). */
export const TOO_DEEP = 'skipped: too deeply nested to analyse';

class TooSlow extends Error {}

export function runRules(
  file: ts.SourceFile,
  program: ts.Program,
  rules: readonly ActiveRule[],
  settings: RuleSettings,
  options: RunOptions = {},
): FileResult {
  const { timing } = options;
  if (options.shared) return runAll(file, options.shared.types, rules, settings, options);
  if (!timing) return runAll(file, checkerQueries(program, options.dependents, options.facts, options.fileAlone), rules, settings, options);
  const start = performance.now();
  const checkerBefore = timing.checkerMs;
  const timed = timing.wrap(checkerQueries(program, options.dependents, options.facts, options.fileAlone));
  try {
    return runAll(file, timed.types, rules, settings, options);
  } finally {
    timing.files++;
    if (timed.used()) timing.filesQueryingChecker++;
    timing.rulesMs += performance.now() - start - (timing.checkerMs - checkerBefore);
  }
}

function runAll(
  file: ts.SourceFile,
  types: TypeQueries,
  rules: readonly ActiveRule[],
  settings: RuleSettings,
  options: RunOptions,
): FileResult {
  const { timing } = options;
  const analysis = options.shared?.analysis ?? new Analysis(types, settings);
  const suppressions = parseSuppressions(file);
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const ruleErrors: RuleError[] = [];
  const failed = new Set<string>();
  // indexed by SyntaxKind: a lookup per node of the file
  const byKind: ({ id: string; visit: (node: ts.Node) => void }[] | undefined)[] = [];
  const ends: { id: string; end: () => void }[] = [];

  for (const { rule, severity, options } of rules) {
    const id = rule.meta.id;
    let listeners: RuleListeners;
    try {
      listeners = rule.create(
        {
          file,
          types,
          settings,
          analysis,
          report(r) {
            // what never runs leaks nothing (and its own code is someone's mistake, not a leak)
            if (isUnreachable(r.node)) return;
            const at = squiggleOf(r.node);
            const loc = locationOf(file, at.getStart(file), at.getEnd());
            (suppressions.isSuppressed(id, loc.line) ? suppressed : findings).push({
              ...loc,
              ruleId: id,
              messageId: r.messageId,
              data: formatData(r.data),
              severity,
              message: formatMessage(rule.meta, r),
              related: (r.related ?? []).map((x) => ({
                ...locationOf(file, x.node.getStart(file), x.node.getEnd()),
                message: formatMessage(rule.meta, x),
              })),
              fixes: (r.fixes ?? []).map((f) => ({
                title: formatMessage(rule.meta, f),
                preferred: f.preferred ?? false,
                edits: f.edits.map((e) => ({ file: file.fileName, ...e })),
              })),
              fingerprint: fingerprintOf(id, r.node, file),
            });
          },
        },
        options,
      );
    } catch (error) {
      fail(id, error);
      continue;
    }
    for (const key of Object.keys(listeners)) {
      const listener = (listeners as Record<string, (node?: ts.Node) => void>)[key];
      const handler = timing ? timedListener(timing, id, listener) : listener;
      if (key === 'fileEnd') ends.push({ id, end: handler as () => void });
      else {
        const kind = Number(key);
        (byKind[kind] ??= []).push({ id, visit: handler as (node: ts.Node) => void });
      }
    }
  }

  function fail(ruleId: string, error: unknown): void {
    failed.add(ruleId);
    const message =
      error instanceof Error
        ? `${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1, 4).join('\n')}` : ''}`
        : String(error);
    ruleErrors.push({ ruleId, file: file.fileName, message });
  }

  // types hold no code: their subtrees are walked only for a rule that listens to a kind found in them alone
  const walkTypes = byKind.some((handlers, kind) => handlers && TYPE_ONLY[kind]);
  const deadline = options.budgetMs === undefined ? Infinity : performance.now() + options.budgetMs;
  // building other projects' programs for the lifetime model's questions is program time, not the file's
  const { dependents } = options;
  const building = dependents ? dependents.buildMs : 0;
  const elapsed = (): number => performance.now() - (dependents ? dependents.buildMs - building : 0);
  let skipped: string | undefined;
  try {
    // An explicit stack: deeply nested expressions must not overflow the call stack. One buffer and one callback
    // collect every node's children (a file has hundreds of thousands of nodes).
    const stack: ts.Node[] = [file];
    const children: ts.Node[] = [];
    let childCount = 0;
    const collect = (child: ts.Node): void => {
      children[childCount++] = child;
    };
    let visited = 0;
    while (stack.length) {
      const node = stack.pop()!;
      if ((++visited & 127) === 0 && elapsed() > deadline) throw new TooSlow();
      const handlers = byKind[node.kind];
      if (handlers) {
        for (const h of handlers) {
          if (failed.has(h.id)) continue;
          try {
            h.visit(node);
          } catch (error) {
            if (error instanceof RangeError) throw error;
            fail(h.id, error);
          }
        }
      }
      if (!walkTypes && HOLDS_ONLY_TYPES[node.kind]) continue;
      childCount = 0;
      ts.forEachChild(node, collect);
      for (let i = childCount - 1; i >= 0; i--) stack.push(children[i]);
    }
    for (const { id, end } of ends) {
      if (failed.has(id)) continue;
      try {
        end();
      } catch (error) {
        fail(id, error);
      }
    }
  } catch (error) {
    if (!(error instanceof TooSlow) && !(error instanceof RangeError)) throw error;
    skipped = error instanceof TooSlow ? `skipped: too slow (over ${options.budgetMs} ms)` : TOO_DEEP;
    return { findings: [], ruleErrors, skipped };
  }
  // a rule that failed on this file reports nothing for it: partial results would be misleading
  const kept = findings.filter((f) => !failed.has(f.ruleId)).sort(byPosition);
  numberOccurrences(kept);
  const result: FileResult = { findings: kept, ruleErrors, skipped };
  const silenced = suppressed.filter((f) => !failed.has(f.ruleId)).sort(byPosition);
  numberOccurrences(silenced);
  if (silenced.length) result.suppressed = silenced;
  const ran = new Set(rules.map((r) => r.rule.meta.id).filter((id) => !failed.has(id)));
  const unused = suppressions.unused(ran).map((d) => locationOf(file, d.start, d.end));
  if (unused.length) result.unusedDirectives = unused;
  return result;
}

/** By SyntaxKind: kinds found only inside types (type nodes, members of type literals and interfaces, type parameters). */
const TYPE_ONLY: boolean[] = [];
for (let kind = ts.SyntaxKind.FirstTypeNode; kind <= ts.SyntaxKind.LastTypeNode; kind++) TYPE_ONLY[kind] = true;
for (const kind of [
  ts.SyntaxKind.PropertySignature,
  ts.SyntaxKind.MethodSignature,
  ts.SyntaxKind.CallSignature,
  ts.SyntaxKind.ConstructSignature,
  ts.SyntaxKind.IndexSignature,
  ts.SyntaxKind.TypeParameter,
]) {
  TYPE_ONLY[kind] = true;
}
/** By SyntaxKind: nodes whose subtrees are types alone. (`extends mixin(Base)` is an expression with type arguments: code.) */
const HOLDS_ONLY_TYPES: boolean[] = [...TYPE_ONLY];
HOLDS_ONLY_TYPES[ts.SyntaxKind.InterfaceDeclaration] = true;
HOLDS_ONLY_TYPES[ts.SyntaxKind.TypeAliasDeclaration] = true;

function timedListener(timing: Timing, ruleId: string, listener: (node?: ts.Node) => void): (node?: ts.Node) => void {
  return (node) => {
    const start = performance.now();
    const queriesBefore = timing.checkerQueries;
    try {
      listener(node);
    } finally {
      timing.addRule(ruleId, performance.now() - start, timing.checkerQueries - queriesBefore);
    }
  };
}

/**
 * The part of a reported node a squiggle covers: a call or `new` by its callee (never its arguments and callbacks),
 * a loop by its keyword, an assignment by its target. A callee that spans lines narrows to the name it ends with.
 */
function squiggleOf(node: ts.Node): ts.Node {
  if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
    const callee = unwrap(node.expression);
    return spansLines(callee) ? (calleeName(callee) ?? callee) : callee;
  }
  if (ts.isIterationStatement(node, false)) return node.getFirstToken() ?? node;
  if (ts.isBinaryExpression(node) && spansLines(node)) return node.left;
  return node;
}

function spansLines(node: ts.Node): boolean {
  const file = node.getSourceFile();
  return file.getLineAndCharacterOfPosition(node.getStart(file)).line !== file.getLineAndCharacterOfPosition(node.getEnd()).line;
}

export function locationOf(file: ts.SourceFile, start: number, end: number): Location {
  const s = file.getLineAndCharacterOfPosition(start);
  const e = file.getLineAndCharacterOfPosition(end);
  return { file: file.fileName, start, end, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

export function byPosition(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.start - b.start || a.ruleId.localeCompare(b.ruleId);
}
