// Suppression comments: `// leaklint-disable-next-line [rule, …]` (the line below), `// leaklint-disable-line [rule, …]`
// (its own line) and a file-level `/* leaklint-disable [rule, …] */`. A list after `--` is a reason and is ignored. No
// rule list means every rule.
import ts = require('typescript');

export const DISABLE_NEXT_LINE = 'leaklint-disable-next-line';
export const DISABLE_LINE = 'leaklint-disable-line';
export const DISABLE_FILE = 'leaklint-disable';

/**
 * The rule id and message a suppression comment that suppresses nothing is reported with (CLI
 * --report-unused-disable-directives, the editor); ESLint reports them without a rule.
 */
export const UNUSED_DIRECTIVE = 'unused-disable-directive';
export const UNUSED_DIRECTIVE_MESSAGE = 'Unused leaklint-disable directive: no finding here to suppress. Remove it.';

export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
  /** The comments that suppressed nothing of `ran` (the rules that ran on the whole file). */
  unused(ran: ReadonlySet<string>): Directive[];
}

/** A suppression comment: where it is (offsets of the comment) and what it names. */
export interface Directive {
  start: number;
  end: number;
  /** The rules it names; 'all' without a list. */
  rules: ReadonlySet<string> | 'all';
}

// up to the line's end, without a CRLF's \r (a quick fix removes the comment and must leave the line break whole)
const NEXT_LINE = /\/\/[ \t]*leaklint-disable-next-line\b([^\r\n]*)/g;
const SAME_LINE = /\/\/[ \t]*leaklint-disable-line\b([^\r\n]*)/g;
const FILE = /\/\*[ \t]*leaklint-disable(?![\w-])((?:(?!\*\/)[\s\S])*)\*\//g;

function ruleList(text: string): Set<string> | 'all' {
  const rules = text
    .split('--')[0]
    .split(/[\s,]+/)
    .filter(Boolean);
  return rules.length ? new Set(rules) : 'all';
}

export function parseSuppressions(file: ts.SourceFile): Suppressions {
  const text = file.text;
  if (!text.includes('leaklint-disable')) return { isSuppressed: () => false, unused: () => [] };
  const byLine = new Map<number, Directive[]>();
  const fileWide: Directive[] = [];
  const all: Directive[] = [];
  // the 1-based line a comment covers: the one after it, or its own
  for (const [pattern, linesDown] of [
    [NEXT_LINE, 2],
    [SAME_LINE, 1],
  ] as const) {
    for (const m of text.matchAll(pattern)) {
      const line = file.getLineAndCharacterOfPosition(m.index).line + linesDown;
      const directive = { start: m.index, end: m.index + m[0].length, rules: ruleList(m[1]) };
      byLine.set(line, [...(byLine.get(line) ?? []), directive]);
      all.push(directive);
    }
  }
  for (const m of text.matchAll(FILE)) {
    const directive = { start: m.index, end: m.index + m[0].length, rules: ruleList(m[1]) };
    fileWide.push(directive);
    all.push(directive);
  }
  // which rules each comment suppressed a finding of
  const used = new Map<Directive, Set<string>>();
  const covering = (ruleId: string, line: number) =>
    [...fileWide, ...(byLine.get(line) ?? [])].filter((d) => d.rules === 'all' || d.rules.has(ruleId));
  return {
    isSuppressed: (ruleId, line) => {
      const by = covering(ruleId, line);
      for (const d of by) used.set(d, (used.get(d) ?? new Set()).add(ruleId));
      return by.length > 0;
    },
    unused: (ran) => all.filter((d) => !used.has(d) && (d.rules === 'all' ? ran.size > 0 : [...d.rules].some((id) => ran.has(id)))),
  };
}
