// The other projects of one scan, as the lifetime model asks about them: who else calls an exported helper, or makes
// instances of an exported class (a plugin of package B activating a widget of package A). Their programs are built
// only when one of their own files mentions the name asked about and they hold the declaring file as a source, and
// at most a few are kept besides the scan's current one. The files are those of the scan: nothing changes under it.
import ts = require('typescript');
import type { Project } from './project';
import { checkerQueries, type DependentPrograms, type TypeQueries } from './types';

/** Programs built for questions from other projects kept at once (each with its checker: tens to hundreds of MB). */
const KEPT_PROGRAMS = 6;

export class ScanDependents implements DependentPrograms {
  private readonly words = new Map<Project, ReadonlySet<string>>();
  private readonly queries = new WeakMap<ts.Program, TypeQueries>();
  /** Projects whose program was built for a question, least recently asked first. */
  private readonly built = new Set<Project>();
  private current: Project | undefined;

  constructor(private readonly projects: readonly Project[]) {}

  /** The project being linted: its program stays (the others' are let go past KEPT_PROGRAMS). */
  linting(project: Project): void {
    this.current = project;
    this.built.delete(project);
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
    this.built.delete(project);
    this.built.add(project);
    for (const oldest of this.built) {
      if (this.built.size <= KEPT_PROGRAMS) break;
      this.built.delete(oldest);
      oldest.unload();
    }
    return project.program();
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
