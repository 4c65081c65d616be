// Output formats of `leaklint scan`: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning tools.
import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InputProblem } from '../engine/linter';
import { compareTuples, rel } from '../engine/portable';
import { docsUrl, type Finding, type Rule } from '../engine/rule';

export interface Report {
  findings: Finding[];
  rules: readonly Rule[];
  cwd: string;
  version: string;
  /** Findings matched by the baseline: known debt, shown as suppressed (SARIF, JSON) or left out (text). */
  baselined?: ReadonlySet<Finding>;
  /** Findings silenced by suppression comments (SARIF lists them as suppressed in source). */
  suppressed?: readonly Finding[];
  /** Files that could not be (fully) analysed (SARIF tool notifications). */
  problems?: readonly InputProblem[];
}

/** SARIF partialFingerprints key; bump the version when the fingerprint recipe changes. */
export const FINGERPRINT_KEY = 'leaklint/v1';

/** Findings a text-like report shows: the baselined ones are known debt and left out. */
const shown = ({ findings, baselined }: Report) => (baselined ? findings.filter((f) => !baselined.has(f)) : findings);

export function formatText(report: Report): string {
  const { cwd } = report;
  const findings = shown(report);
  const lines = findings.map(
    (f) => `${rel(cwd, f.file)}:${f.line}:${f.column}  ${f.severity === 'error' ? 'error' : 'warning'}  ${f.message}  ${f.ruleId}`,
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const fixable = findings.filter((f) => f.fixes.length).length;
  lines.push(
    findings.length
      ? `\n${plural(findings.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}); ${fixable} with a quick fix`
      : 'No leaks found.',
  );
  return lines.join('\n') + '\n';
}

export function formatJson({ findings, cwd, baselined }: Report): string {
  return (
    JSON.stringify(
      findings.map((f) => ({
        ...f,
        ...(baselined?.has(f) && { baselined: true }),
        file: rel(cwd, f.file),
        fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, file: rel(cwd, e.file) })) })),
      })),
      null,
      2,
    ) + '\n'
  );
}

const level = (severity: string) => (severity === 'error' ? 'error' : 'warning');

/** The rule's docs page (docs/rules, beside dist/ in the package and the repo); the description when it is missing. */
function ruleHelp(rule: Rule): { text: string; markdown: string } {
  try {
    const markdown = readFileSync(join(__dirname, '..', 'docs', 'rules', `${rule.meta.id}.md`), 'utf8');
    return { text: markdown, markdown };
  } catch {
    return { text: rule.meta.description, markdown: rule.meta.description };
  }
}

/**
 * GitHub code scanning's rule properties: `precision` ranks the alerts (the growth rules judge from how a collection is
 * used, the release rules from where a value goes: fewer false alarms); `tags` filter them.
 */
function ruleProperties(rule: Rule): { precision: string; tags: string[] } {
  const growth = rule.meta.id.startsWith('unbounded-') || rule.meta.id === 'object-keyed-cache';
  return { precision: growth ? 'medium' : 'high', tags: ['reliability', growth ? 'memory-leak' : 'resource-leak'] };
}

export function toSarif({ findings, rules, cwd, version, baselined, suppressed = [], problems = [] }: Report): object {
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const artifact = (file: string) => ({ uri: rel(cwd, file), uriBaseId: '%SRCROOT%' });
  const region = (l: { line: number; column: number; endLine: number; endColumn: number }) => ({
    startLine: l.line,
    startColumn: l.column,
    endLine: l.endLine,
    endColumn: l.endColumn,
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LeakLint',
            version,
            informationUri: 'https://github.com/leaklint/leaklint',
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id,
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              help: ruleHelp(r),
              helpUri: docsUrl(r.meta.id),
              defaultConfiguration: { level: level(r.meta.defaultSeverity) },
              properties: ruleProperties(r),
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: !problems.some((p) => p.severity !== 'warning'),
            toolExecutionNotifications: problems.map((p) => ({
              level: p.severity === 'warning' ? 'warning' : 'error',
              message: { text: p.message },
              locations: [{ physicalLocation: { artifactLocation: artifact(resolve(cwd, p.file)) } }],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd + sep).href } },
        results: [...findings, ...suppressed].map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? -1,
          level: level(f.severity),
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: artifact(f.file), region: region(f) } }],
          ...(f.fingerprint && { partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint } }),
          ...(baselined?.has(f) && { suppressions: [{ kind: 'external' }] }),
          ...(suppressed.includes(f) && { suppressions: [{ kind: 'inSource' }] }),
          ...(f.related.length && {
            relatedLocations: f.related.map((r, i) => ({
              id: i,
              message: { text: r.message },
              physicalLocation: { artifactLocation: artifact(r.file), region: region(r) },
            })),
          }),
          ...(f.fixes.length && {
            fixes: f.fixes.map((x) => ({
              description: { text: x.title },
              artifactChanges: [...new Set(x.edits.map((e) => e.file))].map((file) => ({
                artifactLocation: artifact(file),
                replacements: x.edits
                  .filter((e) => e.file === file)
                  .map((e) => ({
                    deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
                    insertedContent: { text: e.newText },
                  })),
              })),
            })),
          }),
        })),
      },
    ],
  };
}

/** GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff. */
export function formatGithub(report: Report): string {
  // https://docs.github.com/actions/reference/workflow-commands-for-github-actions (escaping as @actions/core does)
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return shown(report)
    .map((f) => {
      const props = [
        `file=${property(rel(report.cwd, f.file))}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `endLine=${f.endLine}`,
        `endColumn=${f.endColumn}`,
        `title=${property(f.ruleId)}`,
      ];
      return `::${level(f.severity)} ${props.join(',')}::${data(f.message)}\n`;
    })
    .join('');
}

const xml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Findings grouped by file, files in path order. */
function byFile(report: Report): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const f of shown(report)) groups.set(rel(report.cwd, f.file), [...(groups.get(rel(report.cwd, f.file)) ?? []), f]);
  return [...groups].sort((a, b) => compareTuples([a[0]], [b[0]]));
}

/** JUnit XML (Jenkins, GitLab, Azure Pipelines…): a test suite per file, a failed test case per finding. */
export function formatJunit(report: Report): string {
  const files = byFile(report);
  const total = files.reduce((n, [, fs]) => n + fs.length, 0);
  const out = ['<?xml version="1.0" encoding="utf-8"?>', `<testsuites name="leaklint" tests="${total}" failures="${total}">`];
  for (const [file, findings] of files) {
    out.push(`  <testsuite name="${xml(file)}" tests="${findings.length}" failures="${findings.length}" errors="0">`);
    for (const f of findings) {
      const where = `${file}:${f.line}:${f.column}`;
      out.push(
        `    <testcase name="${xml(`${f.ruleId} at ${f.line}:${f.column}`)}" classname="${xml(file)}">`,
        `      <failure message="${xml(f.message)}" type="${level(f.severity)}">${xml(`${where} ${f.message} (${f.ruleId})`)}</failure>`,
        '    </testcase>',
      );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** Checkstyle XML (SonarQube, Jenkins' warnings plugin, reviewdog…). */
export function formatCheckstyle(report: Report): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<checkstyle version="4.3">'];
  for (const [file, findings] of byFile(report)) {
    out.push(`  <file name="${xml(file)}">`);
    for (const f of findings) {
      const where = `line="${f.line}" column="${f.column}" severity="${level(f.severity)}"`;
      out.push(`    <error ${where} message="${xml(f.message)}" source="leaklint.${xml(f.ruleId)}"/>`);
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
}

export function formatSarif(report: Report): string {
  return JSON.stringify(toSarif(report), null, 2) + '\n';
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
