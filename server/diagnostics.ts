// Engine findings → LSP diagnostics. Findings carry 1-based line/column (UTF-16, as LSP counts).
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { ConfigError } from '../engine/config';
import { docsUrl, type Finding, type Location } from '../engine/rule';

export const SOURCE = 'leaklint';

export function rangeOf(loc: Pick<Location, 'line' | 'column' | 'endLine' | 'endColumn'>): Range {
  return { start: { line: loc.line - 1, character: loc.column - 1 }, end: { line: loc.endLine - 1, character: loc.endColumn - 1 } };
}

export function toDiagnostic(finding: Finding, uriOf: (file: string) => string): Diagnostic {
  return {
    range: rangeOf(finding),
    severity: finding.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    code: finding.ruleId,
    codeDescription: { href: docsUrl(finding.ruleId) },
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({ location: { uri: uriOf(r.file), range: rangeOf(r) }, message: r.message })),
  };
}

/** The diagnostic a client shows for this finding (matched on rule, range and message). */
export function sameFinding(d: Diagnostic, finding: Finding): boolean {
  const r = rangeOf(finding);
  return (
    d.source === SOURCE &&
    d.code === finding.ruleId &&
    d.message === finding.message &&
    d.range.start.line === r.start.line &&
    d.range.start.character === r.start.character &&
    d.range.end.line === r.end.line &&
    d.range.end.character === r.end.character
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
