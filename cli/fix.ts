// `leaklint scan --fix` / `--fix-dry-run`: the engine's fix loop (fixUntilStable) on each file with a fixable finding.
import { readFileSync, writeFileSync } from 'node:fs';
import { fixUntilStable } from '../engine/fix';
import { planScan, type InputProblem, type Linter, type ScanRequest } from '../engine/linter';
import type { Finding } from '../engine/rule';

export interface FixedFile {
  file: string;
  before: string;
  after: string;
  /** How many fixes were applied. */
  applied: number;
  /** The findings left on the fixed text. */
  findings: Finding[];
}

/**
 * Runs the fix loop on `files` (absolute paths), each in its own project, and returns the files whose text changed.
 * A pass whose text no longer parses, or that adds a type error to the file, is undone and fixing that file stops:
 * batch fixes are applied to code their tests never saw.
 */
export function fixFiles(
  request: ScanRequest,
  linter: Linter,
  files: ReadonlySet<string>,
): { fixed: FixedFile[]; problems: InputProblem[] } {
  const { work, problems } = planScan({ ...request, only: files }, linter);
  const fixed: FixedFile[] = [];
  try {
    for (const { project, files: own } of work) {
      for (const file of own) {
        const before = readFileSync(file, 'utf8');
        let version = 0;
        const typeErrors = (): number => project.program().getSemanticDiagnostics(project.program().getSourceFile(file)).length;
        const baseline = typeErrors();
        const lintOnce = (text: string) => {
          project.setOverlay(file, text, ++version);
          const result = linter.lintFile(project, file);
          return result.skipped || typeErrors() > baseline ? undefined : result.findings;
        };
        const result = fixUntilStable(lintOnce, before);
        if (result.text !== before)
          fixed.push({ file, before, after: result.text, applied: result.applied.length, findings: result.findings });
      }
    }
  } finally {
    for (const w of work) w.project.dispose();
  }
  return { fixed, problems };
}

export function writeFixedFiles(fixed: readonly FixedFile[]): void {
  for (const f of fixed) writeFileSync(f.file, f.after);
}
