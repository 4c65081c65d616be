// The rule API: what a rule declares, what it is given, and what it reports.
import ts = require('typescript');
import type { TypeQueries } from './types';
import type { Analysis } from './analysis';

export type Severity = 'error' | 'warn';
export type SeveritySetting = Severity | 'off';

export const DOCS_BASE = 'https://github.com/leaklint/leaklint/blob/main/docs/rules/';
export const docsUrl = (ruleId: string): string => `${DOCS_BASE}${ruleId}.md`;

export interface RuleMeta {
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** Link to docs/rules/<id>.md. */
  docs: string;
  /** True when the rule offers quick fixes for some of its findings. */
  fixable: boolean;
}

/** A text edit on one file, as offsets into the text the rule saw. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The safest fix of a finding; at most one per finding. */
  preferred: boolean;
}

export interface Location {
  file: string;
  start: number;
  end: number;
  line: number; // 1-based
  column: number; // 1-based
  endLine: number;
  endColumn: number;
}

export interface RelatedLocation extends Location {
  message: string;
}

export interface Finding extends Location {
  ruleId: string;
  severity: Severity;
  message: string;
  related: RelatedLocation[];
  fixes: Fix[];
  /** Stable across line shifts and reformatting (engine/fingerprint.ts); unique per file. */
  fingerprint?: string;
}

/** What a rule hands to ctx.report. Nodes, not offsets: the engine turns them into locations. */
export interface Report {
  node: ts.Node;
  message: string;
  related?: { node: ts.Node; message: string }[];
  fixes?: { title: string; edits: { start: number; end: number; newText: string }[]; preferred?: boolean }[];
}

/** Settings every rule may read; they come from leaklint.config.json. */
export interface RuleSettings {
  /** Extra hand-off sinks, as call paths such as "registry.track" or "_register". */
  sinks: readonly string[];
  /** Extra teardown method names (dispose, close, … are built in). */
  teardownMethods: readonly string[];
}

export interface RuleContext {
  readonly file: ts.SourceFile;
  readonly types: TypeQueries;
  readonly settings: RuleSettings;
  /** The shared ownership / lifecycle analysis, cached per file. */
  readonly analysis: Analysis;
  report(report: Report): void;
}

/** Node visitors keyed by ts.SyntaxKind; `fileEnd` runs after the traversal. */
export type RuleListeners = { [kind: number]: (node: never) => void } & { fileEnd?: () => void };

export interface Rule {
  meta: RuleMeta;
  create(ctx: RuleContext): RuleListeners;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
