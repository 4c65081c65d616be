// The TypeScript projects behind open documents: one per tsconfig or jsconfig (located exactly as the CLI scan does) plus an
// inferred project per folder for files no tsconfig includes, all fed the open documents' unsaved text.
import { MB, ProjectLocator, planScan, type InputProblem, type Linter } from '../engine/linter';
import { Project, createRegistry } from '../engine/project';
import { DEFAULT_SETTINGS } from './protocol';

/**
 * Past this many source files (the project's own and those of the projects it references) a program, with the
 * declaration files they import, takes a second or more to build (JupyterLab's notebook package: 283 source files,
 * 1,239 in the program, ~5 s), so a file opened first gets a first look of its own.
 */
const FIRST_LOOK_FILES = 200;

export class ProjectHost {
  /** Shared by every project (and workspace scans) so each file is parsed once per version. */
  readonly registry = createRegistry();
  private locator: ProjectLocator;
  private readonly inferred = new Map<string, Project>();
  private readonly overlays = new Map<string, { text: string; version: number }>();
  private primed = new WeakSet<Project>();
  private retired: Project[] = [];
  /** Projects that have been linted in (so hold a program), least recently used first. */
  private readonly withPrograms = new Set<Project>();
  /** Past this many projects with a program, the least recently used lets its program go (`leaklint.maxProjects`). */
  maxProjects = DEFAULT_SETTINGS.maxProjects;
  /** Source files longer than this (characters) are set aside as too large in every project. */
  private maxFileLength = DEFAULT_SETTINGS.maxFileSizeMB * MB;
  // Unique over the server's lifetime: a reopened file must never reuse the version of a stale snapshot.
  private nextVersion = 1;

  constructor(
    private readonly onProblem: (problem: InputProblem) => void,
    /** Called when a project lets its program go to stay within `maxProjects`. */
    private readonly onUnload: (project: Project) => void = () => {},
  ) {
    this.locator = new ProjectLocator(this.registry, onProblem);
  }

  /** The tsconfig project that includes the file, else the inferred project rooted at `inferredRoot`. */
  projectFor(file: string, inferredRoot: string): Project {
    let project = this.locator.ownerOf(file);
    if (!project) {
      project = this.inferred.get(inferredRoot);
      if (!project) this.inferred.set(inferredRoot, (project = Project.inferred(inferredRoot, this.registry, [])));
      project.addRootFile(file);
    }
    for (const p of this.projects()) this.applyOverlays(p);
    return project;
  }

  /**
   * For a file whose project holds no program yet and is big (`FIRST_LOOK_FILES`): a project of the file alone
   * (`Project.fileAlone`) to lint while the program is built. It is disposed once a program is built, so that the
   * libraries it parsed are parsed once.
   */
  firstLookAt(file: string, inferredRoot: string): Project | undefined {
    const project = this.projectFor(file, inferredRoot);
    if (project.hasProgram) return undefined;
    if (this.sourceFilesWithReferences(project) < FIRST_LOOK_FILES) return undefined;
    const alone = project.fileAlone(file);
    this.applyOverlays(alone);
    this.retired.push(alone);
    return alone;
  }

  private sourceFilesWithReferences(project: Project): number {
    const seen = new Set<Project>();
    const visit = (p: Project): void => {
      if (seen.has(p)) return;
      seen.add(p);
      for (const config of p.referencedConfigs()) for (const referenced of this.locator.load(config)) visit(referenced);
    };
    visit(project);
    return [...seen].reduce((n, p) => n + p.sourceFiles().length, 0);
  }

  /**
   * The projects and files of a workspace scan of `folder`: tsconfig projects are loaded here and kept (the next
   * scan and the open documents reuse them, results cached included); inferred ones are made for the scan alone.
   */
  planScan(folder: string, linter: Linter): ReturnType<typeof planScan> {
    const plan = planScan({ paths: [folder], registry: this.registry, locator: this.locator }, linter);
    for (const { project } of plan.work) this.applyOverlays(project);
    return plan;
  }

  /**
   * Marks the project as about to be linted in. One workspace scan loads every tsconfig of the workspace, and each
   * program with its checker takes tens to hundreds of MB: beyond `maxProjects` the least recently used ones are
   * unloaded (their results cache stays, and a program is built again when one of their files is linted).
   */
  use(project: Project): void {
    this.withPrograms.delete(project);
    this.withPrograms.add(project);
    for (const oldest of this.withPrograms) {
      if (this.withPrograms.size <= Math.max(1, this.maxProjects)) break;
      this.withPrograms.delete(oldest);
      oldest.unload();
      this.onUnload(oldest);
    }
  }

  /** Forgets a project disposed elsewhere (a workspace scan's inferred project). */
  forget(project: Project): void {
    this.withPrograms.delete(project);
  }

  setMaxFileLength(length: number): void {
    this.maxFileLength = length;
    for (const p of this.projects()) p.setMaxFileLength(length);
  }

  /** Gives a project created elsewhere (a workspace scan) the open documents' text and the file size limit. */
  applyOverlays(project: Project): void {
    if (this.primed.has(project)) return;
    project.setMaxFileLength(this.maxFileLength);
    for (const [file, { text, version }] of this.overlays) project.setOverlay(file, text, version);
    this.primed.add(project);
  }

  setText(file: string, text: string): void {
    const overlay = { text, version: this.nextVersion++ };
    this.overlays.set(file, overlay);
    for (const p of this.projects()) if (this.primed.has(p)) p.setOverlay(file, text, overlay.version);
  }

  textOf(file: string): string | undefined {
    return this.overlays.get(file)?.text;
  }

  close(file: string): void {
    this.overlays.delete(file);
    for (const p of this.projects()) p.removeOverlay(file);
  }

  changedOnDisk(file: string): void {
    for (const p of this.projects()) p.fileChangedOnDisk(file);
  }

  /**
   * Drops every project (a tsconfig changed, files were added or removed); they are reloaded on demand. The old
   * ones stay alive until `releaseRetired` so that their parsed files (lib and @types included) are reused from
   * the registry rather than parsed again.
   */
  reset(): void {
    this.retired.push(...this.projects());
    this.withPrograms.clear();
    this.locator = new ProjectLocator(this.registry, this.onProblem);
    this.inferred.clear();
    this.primed = new WeakSet();
  }

  /** Disposes the projects dropped by `reset` and the first looks' (`firstLookAt`); call once a new program has been built. */
  releaseRetired(): void {
    for (const p of this.retired) p.dispose();
    this.retired = [];
  }

  /** Every project the server holds: tsconfig ones (for open documents and workspace scans) and inferred ones. */
  projects(): Project[] {
    return [...this.locator.loaded(), ...this.inferred.values()];
  }
}
