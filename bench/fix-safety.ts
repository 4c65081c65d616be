// Fix safety on any code: every fix the engine offers for every file under the given folders is applied on its own
// and must re-parse, add no type error and not be offered again (test/fix-check.ts). Prints counts and the
// problems found. Usage: `npm run bench:fix-safety -- [folder...]`: each folder is scanned as `leaklint scan` would
// (tsconfigs or inferred projects). Without folders: every package of the real-world corpus (bench/corpus.ts) in
// .bench-cache/corpus/node_modules, all its files (build output included), else the fixtures and the example.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, defaultConfig } from '../engine/config';
import { Linter, planScan, resolveConfig } from '../engine/linter';
import { Project, isSourceFile } from '../engine/project';
import { RULES } from '../rules';
import { checkFileFixes, emptyTally } from '../test/fix-check';
import { FIXTURES, REPO } from '../test/rule-tester';

const CORPUS = join(REPO, '.bench-cache/corpus/node_modules');

/** The corpus packages (scoped ones included, type packages not). */
function corpusPackages(): string[] {
  const out: string[] = [];
  for (const name of readdirSync(CORPUS).sort()) {
    if (name.startsWith('.') || name === '@types') continue;
    if (name.startsWith('@'))
      out.push(
        ...readdirSync(join(CORPUS, name))
          .sort()
          .map((n) => join(CORPUS, name, n)),
      );
    else out.push(join(CORPUS, name));
  }
  return out;
}

/** A package's source files, build output included (that is where many packages ship their code). */
function packageFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (name.startsWith('.') || name === 'node_modules') return [];
      const stat = statSync(path);
      return stat.isDirectory() ? packageFiles(path) : stat.isFile() && isSourceFile(path) ? [path] : [];
    });
}

/** The work for a folder: its scan plan, or for a corpus package one inferred project of all its files. */
function workFor(folder: string, linter: Linter, asPackage: boolean): { project: Project; files: string[] }[] {
  if (asPackage) {
    const files = packageFiles(folder);
    return files.length ? [{ project: Project.inferred(folder, undefined, files), files }] : [];
  }
  const { work, problems } = planScan({ paths: [folder] }, linter);
  for (const p of problems) console.warn(`  ${p.file}: ${p.message}`);
  return work;
}

function linterFor(folder: string): Linter {
  try {
    return new Linter(RULES, resolveConfig(folder, RULES), folder);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.warn(`${error.message}: using the defaults`);
    return new Linter(RULES, defaultConfig(), folder);
  }
}

const args = process.argv.slice(2);
const useCorpus = !args.length && existsSync(CORPUS);
const folders = args.length ? args : useCorpus ? corpusPackages() : [FIXTURES, join(REPO, 'examples/leaky-service')];
const total = emptyTally();
const started = performance.now();
for (const folder of folders) {
  const tally = emptyTally();
  const linter = linterFor(folder);
  for (const { project, files } of workFor(folder, linter, useCorpus)) {
    for (const file of files) {
      try {
        checkFileFixes(project, linter, file, tally);
      } catch (error) {
        tally.problems.push({
          file,
          ruleId: '-',
          fix: '-',
          problem: `could not be checked: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    project.dispose();
  }
  console.log(
    `${relative(REPO, folder) || folder}: ${tally.files} files, ${tally.findings} findings, ${tally.fixes} fixes, ` +
      `${tally.problems.length} problems`,
  );
  for (const p of tally.problems) console.log(`  ${relative(REPO, p.file)}  ${p.ruleId}  "${p.fix}": ${p.problem}`);
  total.files += tally.files;
  total.findings += tally.findings;
  total.fixes += tally.fixes;
  total.problems.push(...tally.problems);
}
const unsafe = new Set(total.problems.map((p) => `${p.file}\0${p.ruleId}\0${p.fix}`)).size;
console.log(
  `total: ${total.files} files, ${total.findings} findings, ${total.fixes} fixes checked, ${total.fixes - unsafe} safe, ` +
    `${total.problems.length} problems (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
process.exitCode = total.problems.length ? 1 : 0;
