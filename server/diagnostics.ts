// Engine findings → LSP diagnostics. Findings carry 1-based line/column (UTF-16, as LSP counts).
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range } from 'vscode-languageserver';
import type { Baseline } from '../engine/baseline';
import type { ConfigError } from '../engine/config';
import { docsUrl, type Finding, type Location } from '../engine/rule';
import type { FileResult } from '../engine/runner';
import { UNUSED_DIRECTIVE, UNUSED_DIRECTIVE_MESSAGE } from '../engine/suppressions';
import type { Settings } from './protocol';

export const SOURCE = 'leaklint';

export interface Shown {
  /** The findings that have a diagnostic (the baseline's are left out in `hide` mode). */
  findings: Finding[];
  diagnostics: Diagnostic[];
}

/**
 * What the editor shows of a file's result: its findings, those the baseline records left out or as hints
 * (`leaklint.baseline.mode`), and the suppression comments that suppress nothing as unnecessary code.
 */
export function showResult(result: FileResult, settings: Settings, baseline: Baseline | undefined, uriOf: (file: string) => string): Shown {
  const { mode } = settings.baseline;
  const baselined = baseline && mode !== 'show' ? baseline.match(result.findings).baselined : new Set<Finding>();
  const findings = mode === 'hide' ? result.findings.filter((f) => !baselined.has(f)) : result.findings;
  const diagnostics = findings.map((f) => toDiagnostic(f, uriOf, baselined.has(f)));
  if (settings.reportUnusedDisableDirectives) diagnostics.push(...(result.unusedDirectives ?? []).map(unusedDirectiveDiagnostic));
  return { findings, diagnostics };
}

/** Problems as the Problems view counts them: hints are not listed there. */
export function problemCount(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint).length;
}

export function rangeOf(loc: Pick<Location, 'line' | 'column' | 'endLine' | 'endColumn'>): Range {
  return { start: { line: loc.line - 1, character: loc.column - 1 }, end: { line: loc.endLine - 1, character: loc.endColumn - 1 } };
}

/** `asHint`: a finding the baseline records, shown at the lowest severity. */
function toDiagnostic(finding: Finding, uriOf: (file: string) => string, asHint = false): Diagnostic {
  return {
    range: rangeOf(finding),
    severity: asHint ? DiagnosticSeverity.Hint : finding.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    code: finding.ruleId,
    codeDescription: { href: docsUrl(finding.ruleId) },
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({ location: { uri: uriOf(r.file), range: rangeOf(r) }, message: r.message })),
  };
}

/** A suppression comment that suppresses nothing, faded out like TypeScript's unused code. */
function unusedDirectiveDiagnostic(at: Location): Diagnostic {
  return {
    range: rangeOf(at),
    severity: DiagnosticSeverity.Hint,
    tags: [DiagnosticTag.Unnecessary],
    source: SOURCE,
    code: UNUSED_DIRECTIVE,
    message: UNUSED_DIRECTIVE_MESSAGE,
  };
}

/** The diagnostic a client shows for this finding (matched on rule, range and message). */
export function sameFinding(d: Diagnostic, finding: Finding): boolean {
  return d.source === SOURCE && d.code === finding.ruleId && d.message === finding.message && sameRange(d.range, rangeOf(finding));
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export function configDiagnostic(error: ConfigError): Diagnostic {
  const start = { line: error.line - 1, character: error.column - 1 };
  return {
    range: { start, end: { line: start.line, character: start.character + 1 } },
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    message: `Invalid LeakLint config (the defaults are used until it is fixed): ${error.detail}`,
  };
}
