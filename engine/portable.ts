// Machine-independent forms for what LeakLint writes down: forward-slash relative paths and code-unit order, so
// reports and baselines read the same on every machine.
import { relative, sep } from 'node:path';

export const rel = (cwd: string, file: string) => relative(cwd, file).split(sep).join('/');

/** Code-unit order, not locale order: the same on every machine. */
export function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
