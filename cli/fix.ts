// `leaklint scan --fix` / `--fix-dry-run`: the engine's fix loop (fixUntilStable) on each file with a fixable finding.
import { readFileSync, writeFileSync } from 'node:fs';
import { fixUntilStable } from '../engine/fix';
import { ScanDependents } from '../engine/dependents';
import { ProjectLocator, planScan, type InputProblem, type Linter, type ScanRequest } from '../engine/linter';
import { createRegistry } from '../engine/project';
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
 * batch fixes are applied to code their tests never saw. The scan's other projects are asked as the scan asked them,
 * so the loop fixes what the scan reported and nothing it did not.
 */
export function fixFiles(
  request: ScanRequest,
  linter: Linter,
  files: ReadonlySet<string>,
): { fixed: FixedFile[]; problems: InputProblem[] } {
  const locator = request.locator ?? new ProjectLocator(request.registry ?? createRegistry(), () => {});
  const { work, problems } = planScan({ ...request, locator, only: files }, linter);
  const scanned = planScan({ ...request, locator }, linter).work;
  const dependents = new ScanDependents([...new Set([...work, ...scanned].map((w) => w.project))]);
  const fixed: FixedFile[] = [];
  try {
    for (const { project, files: own } of work) {
      dependents.linting(project);
      for (const file of own) {
        const before = readFileSync(file, 'utf8');
        let version = 0;
        const typeErrors = (): number => project.program().getSemanticDiagnostics(project.program().getSourceFile(file)).length;
        const baseline = typeErrors();
        const lintOnce = (text: string) => {
          project.setOverlay(file, text, ++version);
          const result = linter.lintFile(project, file, undefined, dependents);
          return result.skipped || typeErrors() > baseline ? undefined : result.findings;
        };
        const result = fixUntilStable(lintOnce, before);
        if (result.text !== before)
          fixed.push({ file, before, after: result.text, applied: result.applied.length, findings: result.findings });
      }
    }
  } finally {
    for (const w of new Set([...work, ...scanned])) w.project.dispose();
  }
  return { fixed, problems };
}

export function writeFixedFiles(fixed: readonly FixedFile[]): void {
  for (const f of fixed) writeFileSync(f.file, f.after);
}
