// The other projects of one scan, as the lifetime model asks about them: who else calls an exported helper, or makes
// instances of an exported class (a plugin of package B activating a widget of package A). A program is built only
// when one of the project's own files mentions the name asked about, and it is asked only when it holds the declaring
// file as a source. The scan lints dependencies before their dependents (`inDependencyOrder`), so the programs asked
// about are mostly those whose turn is still to come: they are kept for it and built once; one asked about after its
// turn is built again, and a few of those are kept.
import ts = require('typescript');
import type { Project } from './project';
import { checkerQueries, type DependentPrograms, type TypeQueries } from './types';

/** Programs of projects past their turn, built again for a question, kept at once (each with its checker: tens of MB). */
const KEPT_PROGRAMS = 6;

export class ScanDependents implements DependentPrograms {
  private readonly words = new Map<Project, ReadonlySet<string>>();
  private readonly queries = new WeakMap<ts.Program, TypeQueries>();
  /** Projects past their turn whose program was built again for a question, least recently asked first. */
  private readonly rebuilt = new Set<Project>();
  private readonly done = new Set<Project>();
  private current: Project | undefined;
  buildMs = 0;

  constructor(private readonly projects: readonly Project[]) {}

  /** The project being linted (its program is its own, and stays). */
  linting(project: Project): void {
    if (this.current) this.done.add(this.current);
    this.current = project;
  }

  *mentioning(name: string, fileName: string, except: ts.Program): Iterable<ts.Program> {
    for (const project of this.projects) {
      if (project === this.current || !this.wordsOf(project).has(name)) continue;
      const program = this.programOf(project);
      const file = program !== except ? program.getSourceFile(fileName) : undefined;
      if (file && !file.isDeclarationFile) yield program;
    }
  }

  queriesOf(program: ts.Program): TypeQueries {
    let types = this.queries.get(program);
    if (!types) this.queries.set(program, (types = checkerQueries(program, this)));
    return types;
  }

  private programOf(project: Project): ts.Program {
    if (this.done.has(project)) {
      this.rebuilt.delete(project);
      this.rebuilt.add(project);
      for (const oldest of this.rebuilt) {
        if (this.rebuilt.size <= KEPT_PROGRAMS) break;
        this.rebuilt.delete(oldest);
        oldest.unload();
      }
    }
    const started = performance.now();
    try {
      return project.program();
    } finally {
      this.buildMs += performance.now() - started;
    }
  }

  /** The identifier-like words of the project's own source files: what its code may name, before any program is built. */
  private wordsOf(project: Project): ReadonlySet<string> {
    let words = this.words.get(project);
    if (!words) {
      const found = new Set<string>();
      for (const file of project.sourceFiles()) for (const word of project.textOf(file)?.match(WORD) ?? []) found.add(word);
      this.words.set(project, (words = found));
    }
    return words;
  }
}

const WORD = /[A-Za-z_$][\w$]*/g;

/**
 * The work in an order where every project comes after the projects it references (transitively, as far as the scan
 * has them), the given order kept otherwise: a project's questions then go to projects still to come.
 */
export function inDependencyOrder<T extends { project: Project }>(work: readonly T[]): T[] {
  const byConfig = new Map(work.map((w) => [w.project.id, w]));
  const out: T[] = [];
  const placed = new Set<T>();
  const visiting = new Set<T>();
  const place = (w: T): void => {
    if (placed.has(w) || visiting.has(w)) return; // a reference cycle keeps the given order
    visiting.add(w);
    for (const config of w.project.referencedConfigs()) {
      const referenced = byConfig.get(config);
      if (referenced) place(referenced);
    }
    placed.add(w);
    out.push(w);
  };
  for (const w of work) place(w);
  return out;
}
