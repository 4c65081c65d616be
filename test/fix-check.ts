// Fix safety over whole files, shared by test/fix-safety.test.ts and bench/fix-safety.ts: every fix the engine
// offers (all rules at once) is applied on its own to an overlay and must re-parse, add no type error, and not be
// offered again afterwards (or be offered only as a no-op).
import { applyEdits } from '../engine/fix';
import type { Linter } from '../engine/linter';
import type { Project } from '../engine/project';
import type { Finding } from '../engine/rule';
import { semanticErrors } from './rule-tester';

export interface FixProblem {
  file: string;
  ruleId: string;
  fix: string;
  problem: string;
}

export interface FixTally {
  files: number;
  findings: number;
  fixes: number;
  problems: FixProblem[];
}

export const emptyTally = (): FixTally => ({ files: 0, findings: 0, fixes: 0, problems: [] });

let overlayVersion = 1e9; // above any version the project's own callers use

/** Checks every fix offered for `file` and adds the outcome to `tally`. Files the engine skips are not counted. */
export function checkFileFixes(project: Project, linter: Linter, file: string, tally: FixTally): void {
  const before = linter.lintFile(project, file);
  const text = project.program().getSourceFile(file)?.text;
  if (before.skipped || text === undefined) return;
  tally.files++;
  tally.findings += before.findings.length;
  const baseline = new Set(semanticErrors(project, file));
  for (const finding of before.findings) {
    for (const fix of finding.fixes) {
      tally.fixes++;
      const fail = (problem: string) => tally.problems.push({ file, ruleId: finding.ruleId, fix: fix.title, problem });
      let fixed: string;
      try {
        fixed = applyEdits(text, fix.edits);
      } catch (error) {
        fail(`edits do not apply: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (fixed === text) {
        fail('changes nothing');
        continue;
      }
      project.setOverlay(file, fixed, overlayVersion++);
      try {
        const program = project.program();
        const syntax = program.getSyntacticDiagnostics(program.getSourceFile(file)!);
        if (syntax.length) {
          fail('does not parse');
          continue;
        }
        const added = semanticErrors(project, file).filter((e) => !baseline.has(e));
        if (added.length) fail(`new type error: ${added[0]}`);
        // the finding is gone, so one fewer finding offers this fix (identity by count: equal code elsewhere in the
        // file shares a fingerprint up to its occurrence number, which shifts once a copy is fixed)
        const offering = (findings: readonly Finding[], content: string) =>
          findings.filter(
            (f) => f.ruleId === finding.ruleId && f.fixes.some((x) => x.title === fix.title && applyEdits(content, x.edits) !== content),
          ).length;
        if (offering(linter.lintFile(project, file).findings, fixed) >= offering(before.findings, text))
          fail('offered again after it was applied');
      } finally {
        project.removeOverlay(file);
      }
    }
  }
}
