// Suppression comments: `// leaklint-disable-next-line [rule, …]` and a file-level `/* leaklint-disable [rule, …] */`.
// A list after `--` is a reason and is ignored. No rule list means every rule.
import ts = require('typescript');

export const DISABLE_NEXT_LINE = 'leaklint-disable-next-line';
export const DISABLE_FILE = 'leaklint-disable';

export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
}

const NEXT_LINE = /\/\/[ \t]*leaklint-disable-next-line\b([^\n]*)/g;
const FILE = /\/\*[ \t]*leaklint-disable\b((?:(?!\*\/)[\s\S])*)\*\//g;

function ruleList(text: string): Set<string> | 'all' {
  const rules = text
    .split('--')[0]
    .split(/[\s,]+/)
    .filter(Boolean);
  return rules.length ? new Set(rules) : 'all';
}

export function parseSuppressions(file: ts.SourceFile): Suppressions {
  const text = file.text;
  if (!text.includes('leaklint-disable')) return { isSuppressed: () => false };
  const byLine = new Map<number, Set<string> | 'all'>();
  let fileWide: Set<string> | 'all' | undefined;
  for (const m of text.matchAll(NEXT_LINE)) {
    const line = file.getLineAndCharacterOfPosition(m.index).line + 2; // 1-based line after the comment
    byLine.set(line, merge(byLine.get(line), ruleList(m[1])));
  }
  for (const m of text.matchAll(FILE)) fileWide = merge(fileWide, ruleList(m[1]));
  const covers = (set: Set<string> | 'all' | undefined, ruleId: string) => set === 'all' || (set?.has(ruleId) ?? false);
  return { isSuppressed: (ruleId, line) => covers(fileWide, ruleId) || covers(byLine.get(line), ruleId) };
}

function merge(a: Set<string> | 'all' | undefined, b: Set<string> | 'all'): Set<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...(a ?? []), ...b]);
}
