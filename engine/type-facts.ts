// Answers computed from types alone at a node of a file, kept from one lint of the file to the next while no edit
// can have changed the types there (the language server, typing in a big file). Typing inside a body whose code
// cannot change a type (engine/file-signatures.ts `typeFreeBody`: a function with a declared return type, a constructor,
// a setter) changes the types of nothing outside that body: the next program's nodes outside it (reused by
// TypeScript's incremental parser, the same objects) have the answers they had. Answers are plain data (no types or
// symbols: those belong to one checker), and only questions that read nothing but types at the node and its own
// subtree may be asked this way (not another function's body). Program-wide references to a symbol are kept apart:
// only the edited body is searched for them again.
import ts = require('typescript');
import { commonEnds, type Project } from './project';
import { declarationSignature, fileIdsOf, idOf, isJavaScriptFile, sameOtherFiles, typeFreeBody } from './file-signatures';

/** The answers of one file for its current program. */
export class NodeFacts {
  constructor(
    private readonly file: ts.SourceFile,
    private readonly state: FileState,
    /** The previous lint's program-wide references, and the body edited since (only it is searched again). */
    private readonly previous?: { references: FileState['references']; edited: TypeFreeBody },
  ) {}

  /**
   * The answer kept for the node, else `compute()`'s, kept. Nodes of other files keep theirs too: a lint keeps the
   * previous one's answers only when no other file changed (the lifetime model asks about their calls and members).
   */
  get<T>(node: ts.Node, key: string, compute: () => T): T {
    const nodeFile = node.getSourceFile();
    if (nodeFile !== this.file) return nodeFile.fileName === this.file.fileName ? compute() : this.elsewhere(node, key, compute);
    let answers = this.state.answers.get(node);
    if (answers?.byKey.has(key)) return answers.byKey.get(key) as T;
    const answer = compute();
    if (!answers) {
      answers = { kind: node.kind, start: node.getStart(this.file), end: node.end, byKey: new Map() };
      this.state.answers.set(node, answers);
    }
    answers.byKey.set(key, answer);
    return answer;
  }

  private elsewhere<T>(node: ts.Node, key: string, compute: () => T): T {
    let byKey = this.state.elsewhere.get(node);
    if (!byKey) this.state.elsewhere.set(node, (byKey = new Map()));
    if (!byKey.has(key)) byKey.set(key, compute());
    return byKey.get(key) as T;
  }

  /**
   * An answer that is nodes: kept as `get` keeps answers, unless one of them is of this file and not of its current
   * tree (a node the incremental parser made anew, where the kept one is the old tree's).
   */
  nodes<T extends ts.Node>(node: ts.Node, key: string, compute: () => readonly T[]): readonly T[] {
    const answer = this.get(node, key, compute);
    if (answer.every((n) => this.current(n))) return answer;
    const fresh = compute();
    (this.state.answers.get(node)?.byKey ?? this.state.elsewhere.get(node))?.set(key, fresh);
    return fresh;
  }

  /**
   * The program-wide references to the symbol declared by `name` (`compute`), from the previous lint's when it asked
   * too: the references outside the edited body are the same nodes, so only the body is searched again (`within`).
   */
  references(
    name: ts.Identifier,
    program: ts.Program,
    compute: () => readonly ts.Identifier[],
    within: (file: ts.SourceFile, start: number, end: number) => ts.Identifier[],
  ): readonly ts.Identifier[] {
    let found = this.state.references.get(name);
    if (found) return found;
    const before = this.previous?.references.get(name);
    found = before && this.current(name) && !this.inEdited(name) ? this.updated(before, program, within) : undefined;
    found ??= compute();
    this.state.references.set(name, found);
    return found;
  }

  /** The previous references with those in the edited body found again, in the program's order of files. */
  private updated(
    before: readonly ts.Identifier[],
    program: ts.Program,
    within: (file: ts.SourceFile, start: number, end: number) => ts.Identifier[],
  ): ts.Identifier[] | undefined {
    const { edited } = this.previous!;
    // the other files' references keep their order; this file's go where its own stood (or would stand)
    const others: ts.Identifier[] = [];
    const own: ts.Identifier[] = [];
    let ownAt: number | undefined;
    for (const ref of before) {
      const file = ref.getSourceFile();
      if (file.fileName !== this.file.fileName) others.push(ref);
      else if (!this.inEdited(ref)) {
        if (file !== this.file) return undefined; // the parser made it anew: search everything again
        ownAt ??= others.length;
        own.push(ref);
      }
    }
    own.push(...within(this.file, edited.start, edited.end));
    own.sort((a, b) => a.pos - b.pos);
    if (ownAt === undefined) {
      const order = fileOrder(program);
      const at = order.get(this.file.fileName)!;
      ownAt = others.findIndex((ref) => order.get(ref.getSourceFile().fileName)! > at);
      if (ownAt < 0) ownAt = others.length;
    }
    others.splice(ownAt, 0, ...own);
    return others;
  }

  /** Not of this file's old tree: of its current one, or of another file (unchanged, or no answer was kept). */
  private current(node: ts.Node): boolean {
    const file = node.getSourceFile();
    return file === this.file || file.fileName !== this.file.fileName;
  }

  private inEdited(node: ts.Node): boolean {
    const edited = this.previous?.edited;
    return !!edited && node.getSourceFile() === this.file && node.end > edited.start && node.pos < edited.end;
  }
}

const fileOrders = new WeakMap<ts.Program, Map<string, number>>();

/** Each of the program's files by name: its place in the program's order. */
function fileOrder(program: ts.Program): Map<string, number> {
  let order = fileOrders.get(program);
  if (!order) fileOrders.set(program, (order = new Map(program.getSourceFiles().map((f, i) => [f.fileName, i]))));
  return order;
}

interface FileState {
  file: ts.SourceFile;
  /**
   * The program's files (by `idOf`), whose changes can change any type: numbers, so that a program a project lets go
   * (`leaklint.maxProjects`) is not kept alive by them.
   */
  files: readonly number[];
  options: ts.CompilerOptions;
  answers: Map<ts.Node, NodeAnswers>;
  /** The answers at nodes of the program's other files (unchanged while they are kept: no place to move). */
  elsewhere: Map<ts.Node, Map<string, unknown>>;
  /** Program-wide references by the declaration name of their symbol (`NodeFacts.references`). */
  references: Map<ts.Node, readonly ts.Identifier[]>;
  /**
   * What the next edit is compared with, taken now: TypeScript's incremental parser moves the nodes of the old tree
   * to their places in the new one, so the old tree cannot be read once the file is parsed again.
   */
  signature: string;
  bodies: readonly TypeFreeBody[];
}

/** The answers at one node, and where the node was in the text they were asked of (the parser may make it anew). */
interface NodeAnswers {
  readonly kind: ts.SyntaxKind;
  /** Its first token's start, and its end. */
  readonly start: number;
  readonly end: number;
  readonly byKey: Map<string, unknown>;
}

interface TypeFreeBody {
  /** Where it starts (a block's opening brace) and ends (after its closing one). */
  start: number;
  end: number;
  /** It assigns a variable declared outside it (`x = …`, `x++`, `[x] = …`, `for (x of …)`). */
  assignsOuter: boolean;
}

export class TypeFacts {
  private readonly byProject = new WeakMap<Project, Map<string, FileState>>();

  /**
   * The answers for the file in this program: the previous program's, without those of nodes the edit since may have
   * changed (all of them unless the file is the only one that changed, inside one type-free body).
   */
  of(project: Project, program: ts.Program, file: ts.SourceFile): NodeFacts {
    let states = this.byProject.get(project);
    if (!states) this.byProject.set(project, (states = new Map()));
    // only the documents open in the editor are typed in: a workspace scan keeps nothing of the files it reads
    for (const name of states.keys()) if (!project.hasOverlay(name)) states.delete(name);
    const open = project.hasOverlay(file.fileName);
    const state: FileState = {
      file,
      files: open ? fileIdsOf(program) : [],
      options: program.getCompilerOptions(),
      answers: new Map(),
      elsewhere: new Map(),
      references: new Map(),
      signature: open ? declarationSignature(file) : '',
      bodies: open && !isJavaScriptFile(file) ? typeFreeBodies(file) : [],
    };
    if (!open) return new NodeFacts(file, state);
    const before = states.get(file.fileName);
    states.set(file.fileName, state);
    if (!before || before.options !== state.options || !sameOtherFiles(before.files, state.files, idOf(file)))
      return new NodeFacts(file, state);
    if (before.file === file) {
      state.answers = before.answers;
      state.elsewhere = before.elsewhere;
      state.references = before.references;
      return new NodeFacts(file, state);
    }
    const edited = editedBody(before, state);
    if (!edited) return new NodeFacts(file, state);
    state.answers = kept(before.answers, file, edited, file.text.length - before.file.text.length);
    state.elsewhere = before.elsewhere;
    return new NodeFacts(file, state, { references: before.references, edited });
  }
}

/**
 * The answers of nodes of the new tree that lie wholly outside the edited span. A node the incremental parser made anew
 * there (it parses again from the token before the edit) is found by its kind and place: its text did not change.
 */
function kept(answers: Map<ts.Node, NodeAnswers>, file: ts.SourceFile, edited: TypeFreeBody, delta: number): Map<ts.Node, NodeAnswers> {
  const out = new Map<ts.Node, NodeAnswers>();
  for (const [node, before] of answers) {
    // from the old text's places to the new one's: the edit spanned edited.start to edited.end - delta there
    const after = before.start >= edited.end - delta;
    if (before.end > edited.start && !after) continue;
    const shift = after ? delta : 0;
    const at = shift ? { ...before, start: before.start + shift, end: before.end + shift } : before;
    const now = node.getSourceFile() === file ? node : nodeAt(file, at);
    if (now) out.set(now, at);
  }
  return out;
}

/** The node of the file of that kind, first token's start and end (none for an empty node: several can be there). */
function nodeAt(file: ts.SourceFile, at: Omit<NodeAnswers, 'byKey'>): ts.Node | undefined {
  if (at.start >= at.end) return undefined;
  const containing = (child: ts.Node) => (child.pos <= at.start && at.end <= child.end ? child : undefined);
  for (let node: ts.Node | undefined = file; node; node = node.forEachChild(containing)) {
    if (node.kind === at.kind && node.end === at.end && node.getStart(file) === at.start) return node;
  }
  return undefined;
}

/**
 * The span whose answers the edit may have changed, when no other can have changed: in a TypeScript file with the same
 * declaration signature, a change only in comments and white space between nodes (that span itself), or a change only
 * inside one type-free body (the same body in both versions, by position) where neither version of the body assigns a
 * variable declared outside it. The checker decides how far a variable stays narrowed in closures by where it is
 * assigned, from any function, so such an assignment is a change of the types outside.
 */
function editedBody(before: FileState, now: FileState): TypeFreeBody | undefined {
  if (before.signature !== now.signature || isJavaScriptFile(now.file)) return undefined;
  const a = before.file.text;
  const b = now.file.text;
  const { prefix, suffix } = commonEnds(a, b);
  // the signature covers the text outside type-free bodies, and is the same: what changed there is trivia
  if (!overlapsBody(before.bodies, prefix, a.length - suffix) && !overlapsBody(now.bodies, prefix, b.length - suffix))
    return { start: prefix, end: b.length - suffix, assignsOuter: false };
  const bodyBefore = innermostAround(before.bodies, prefix, a.length - suffix);
  const bodyNow = innermostAround(now.bodies, prefix, b.length - suffix);
  if (!bodyBefore || !bodyNow || bodyBefore.assignsOuter || bodyNow.assignsOuter) return undefined;
  return bodyBefore.start === bodyNow.start && a.length - bodyBefore.end === b.length - bodyNow.end ? bodyNow : undefined;
}

function overlapsBody(bodies: readonly TypeFreeBody[], start: number, end: number): boolean {
  return bodies.some((body) => body.start < end && start < body.end);
}

/** The innermost body whose inside (between its first and last characters) holds the span from `start` to `end`. */
function innermostAround(bodies: readonly TypeFreeBody[], start: number, end: number): TypeFreeBody | undefined {
  let found: TypeFreeBody | undefined;
  for (const body of bodies) if (body.start < start && end < body.end && (!found || body.start > found.start)) found = body;
  return found;
}

/** Every type-free body of the file, and whether it assigns a variable declared outside it. */
function typeFreeBodies(file: ts.SourceFile): TypeFreeBody[] {
  // by the function whose body it is
  const bodies = new Map<ts.Node, TypeFreeBody>();
  const targets: ts.Identifier[] = [];
  // an explicit stack: files can be nested deeply (one callback for every node: this runs at every keystroke)
  const stack: ts.Node[] = [file];
  const push = (child: ts.Node): void => {
    stack.push(child);
  };
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (MAY_HAVE_TYPE_FREE_BODY[node.kind]) {
      const body = typeFreeBody(node);
      if (body) bodies.set(node, { start: body.getStart(file), end: body.end, assignsOuter: false });
    } else if (MAY_ASSIGN[node.kind]) targets.push(...assignedIdentifiers(node));
    node.forEachChild(push);
  }
  // the functions left on the way from an assignment to the scope that declares the variable assign an outer one
  for (const target of targets) {
    for (let scope = target.parent; scope && !declaresName(scope, target.text); scope = scope.parent) {
      const left = bodies.get(scope);
      if (left) left.assignsOuter = true;
    }
  }
  return [...bodies.values()];
}

/** By SyntaxKind: the nodes `typeFreeBody` may find a body of, and those `assignedIdentifiers` may find targets in. */
const MAY_HAVE_TYPE_FREE_BODY = kindTable([
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.FunctionExpression,
]);
const MAY_ASSIGN = kindTable([
  ts.SyntaxKind.BinaryExpression,
  ts.SyntaxKind.PrefixUnaryExpression,
  ts.SyntaxKind.PostfixUnaryExpression,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.ForInStatement,
]);

/** True at the given kinds: an array indexed by SyntaxKind, read at every node of the walk. */
function kindTable(kinds: readonly ts.SyntaxKind[]): boolean[] {
  const table: boolean[] = [];
  for (const kind of kinds) table[kind] = true;
  return table;
}

/** The identifiers the node assigns: `x = …`, `x += …`, `x++`, `[x] = …`, `for (x of …)`. */
function assignedIdentifiers(node: ts.Node): ts.Identifier[] {
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment) {
    return node.operatorToken.kind <= ts.SyntaxKind.LastAssignment ? targetsOf(node.left) : [];
  }
  if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isIncrementOrDecrement(node.operator))
    return targetsOf(node.operand);
  if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && !ts.isVariableDeclarationList(node.initializer))
    return targetsOf(node.initializer);
  return [];
}

const isIncrementOrDecrement = (operator: ts.SyntaxKind): boolean =>
  operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken;

/** The identifiers an assignment target writes: itself, or those of a destructuring pattern (not `a.b`, `a[i]`). */
function targetsOf(target: ts.Expression): ts.Identifier[] {
  if (ts.isIdentifier(target)) return [target];
  const inner =
    ts.isParenthesizedExpression(target) ||
    ts.isNonNullExpression(target) ||
    ts.isAsExpression(target) ||
    ts.isSatisfiesExpression(target) ||
    ts.isTypeAssertionExpression(target) ||
    ts.isSpreadElement(target);
  if (inner) return targetsOf(target.expression);
  if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) return targetsOf(target.left);
  if (ts.isArrayLiteralExpression(target)) return target.elements.flatMap(targetsOf);
  if (ts.isObjectLiteralExpression(target)) {
    return target.properties.flatMap((p) =>
      ts.isShorthandPropertyAssignment(p)
        ? [p.name]
        : ts.isPropertyAssignment(p) || ts.isSpreadAssignment(p)
          ? targetsOf(elementOf(p))
          : [],
    );
  }
  return [];
}

const elementOf = (p: ts.PropertyAssignment | ts.SpreadAssignment): ts.Expression =>
  ts.isPropertyAssignment(p) ? p.initializer : p.expression;

function declaresName(scope: ts.Node, name: string): boolean {
  if (ts.isBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope))
    return scope.statements.some((s) => statementDeclares(s, name));
  if (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) {
    const init = scope.initializer;
    return !!init && ts.isVariableDeclarationList(init) && init.declarations.some((d) => bindsName(d.name, name));
  }
  if (ts.isCatchClause(scope)) return !!scope.variableDeclaration && bindsName(scope.variableDeclaration.name, name);
  if (ts.isFunctionLike(scope)) {
    const ownName = ts.isFunctionExpression(scope) && scope.name?.text === name;
    return ownName || scope.parameters.some((p) => bindsName(p.name, name));
  }
  return false;
}

function statementDeclares(statement: ts.Statement, name: string): boolean {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => bindsName(d.name, name));
  return (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name;
}

function bindsName(binding: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, name));
}
