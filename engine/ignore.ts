// `.gitignore` and `.leaklintignore` for the file walk, read as git reads them (and oxlint does): each file's patterns are
// relative to its folder, deeper files and later lines win, `!` re-includes, a trailing `/` matches folders only, a
// pattern without an inner `/` matches at any depth. A folder that is ignored is not entered.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';

export const IGNORE_FILES = ['.gitignore', '.leaklintignore'];

interface IgnoreRule {
  base: string;
  negated: boolean;
  dirOnly: boolean;
  matches: (path: string) => boolean;
}

function parseIgnoreFile(base: string, text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    line = line.replace(/^\\([#!])/, '$1');
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    // an inner or leading slash anchors the pattern to the file's folder
    const anchored = line.includes('/');
    const glob = anchored ? line.replace(/^\//, '') : `**/${line}`;
    rules.push({ base, negated, dirOnly, matches: picomatch(glob, { dot: true }) });
  }
  return rules;
}

/**
 * The ignore files of `root` (the scanned folder) and the folders below it. Folders above it are not read: a scan
 * reads only the workspace it was given.
 */
export class IgnoreFiles {
  private readonly byDir = new Map<string, IgnoreRule[]>();

  constructor(private readonly root: string) {}

  /** True when `path` (a file, or a folder with `isDir`) is ignored by the ignore files of its folder and above. */
  ignores(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const rule of this.rulesOf(dirname(path))) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.matches(relative(rule.base, path).split(sep).join('/'))) ignored = !rule.negated;
    }
    return ignored;
  }

  private rulesOf(dir: string): IgnoreRule[] {
    let rules = this.byDir.get(dir);
    if (rules) return rules;
    const inherited = dir === this.root || dirname(dir) === dir ? [] : this.rulesOf(dirname(dir));
    const own = IGNORE_FILES.flatMap((name) => {
      try {
        return parseIgnoreFile(dir, readFileSync(join(dir, name), 'utf8'));
      } catch {
        return [];
      }
    });
    rules = own.length ? [...inherited, ...own] : inherited;
    this.byDir.set(dir, rules);
    return rules;
  }
}
