// Paths out of code: early exits (return/throw/break/continue) that skip a release, the throw path before a release
// that is not in a finally block, the exits of a loop, where a local goes out of scope, and a branch that calls the
// function's callback without returning (the code after it runs as if it had not).
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { calleePath, outerExpression } from './expressions';
import { enclosingFunction, statementIn, statementList } from './owner';
import type { Use } from './ownership';
import { firstThrower } from './summaries';
import { findNode, refersTo, someNode } from './walk';

/** A return/throw/break/continue inside `statement` (not in nested functions or inner loops) with no release before it in its blocks. */
export function uncoveredExit(statement: ts.Statement, releases: Use[]): ts.Node | undefined {
  return uncoveredExits(statement, releases)[0];
}

/** Every such exit, in source order. */
export function uncoveredExits(statement: ts.Statement, releases: Use[]): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (n: ts.Node, loopDepth: number): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    const exits =
      ts.isReturnStatement(n) ||
      ts.isThrowStatement(n) ||
      ((ts.isBreakStatement(n) || ts.isContinueStatement(n)) && loopDepth === 0 && !n.label);
    if (exits && !releasedBefore(n, statement, releases)) {
      found.push(n);
      return;
    }
    const inner = ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) ? loopDepth + 1 : loopDepth;
    n.forEachChild((c) => visit(c, inner));
  };
  visit(statement, 0);
  return found;
}

/** True when some block enclosing `exit` (up to `top`) has a release before the exit. */
function releasedBefore(exit: ts.Node, top: ts.Node, releases: Use[]): boolean {
  for (let n: ts.Node = exit; n && n !== top.parent; n = n.parent) {
    if (ts.isBlock(n) || n === top) {
      if (releases.some((r) => r.site.pos >= n.pos && r.site.end <= exit.pos)) return true;
    }
  }
  return false;
}

/** A `return` or `throw` in `node`, outside nested functions. */
export function containsExit(node: ts.Node): boolean {
  return someNode(node, (n) => ts.isReturnStatement(n) || ts.isThrowStatement(n), { skipFunctions: true });
}

/**
 * A way out of `loop`: return, throw, yield (the consumer can stop a generator), a call that never returns
 * (process.exit), or a break/continue that targets this loop's or an outer label, or an unlabeled break not
 * inside an inner loop or switch.
 */
export function leavesLoop(loop: ts.IterationStatement): boolean {
  const labels = new Set<string>();
  for (let p = loop.parent; p; p = p.parent) if (ts.isLabeledStatement(p)) labels.add(p.label.text);
  const own = ts.isLabeledStatement(loop.parent) ? loop.parent.label.text : undefined;
  const visit = (n: ts.Node, depth: number): boolean => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return false;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n) || ts.isYieldExpression(n)) return true;
    if (ts.isBreakStatement(n) && (n.label ? labels.has(n.label.text) : depth === 0)) return true;
    if (ts.isContinueStatement(n) && n.label && labels.has(n.label.text) && n.label.text !== own) return true;
    if (ts.isCallExpression(n) && endsProcess(n)) return true;
    const inner = ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) ? depth + 1 : depth;
    return n.forEachChild((c) => visit(c, inner)) ?? false;
  };
  return visit(loop.statement, 0);
}

/** process.exit(…) / process.abort(): the code ends with the process. */
export function endsProcess(call: ts.CallExpression): boolean {
  const path = calleePath(call.expression).join('.');
  return path === 'process.exit' || path === 'process.abort';
}

/** A related location at the closing brace of the block that declares a local: where it goes out of scope unreleased. */
export function outOfScope(decl: ts.VariableDeclaration): { node: ts.Node; messageId: 'outOfScope'; data: { name: string } }[] {
  for (let n: ts.Node = decl.parent; n; n = n.parent) {
    if (ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n)) {
      const brace = n.getLastToken();
      return brace ? [{ node: brace, messageId: 'outOfScope', data: { name: decl.name.getText() } }] : [];
    }
    if (ts.isSourceFile(n)) return [];
  }
  return [];
}

/** The message every rule that reports an unreleased local gives at its `outOfScope` location. */
export const OUT_OF_SCOPE_MESSAGE = '`{{name}}` goes out of scope here, unreleased';

export interface MissedRelease {
  kind: 'exit' | 'throw';
  /** The early exit, or the first call that may throw, before the release. */
  at: ts.Node;
  release: Use;
  /** The statements between the acquisition and the release statement. */
  between: ts.Statement[];
  releaseStatement: ts.Statement;
}

/**
 * The release of a local is a statement after its declaration in the same block; a return/throw/break before it
 * that does not release first, or any call that may throw before it, leaves the value unreleased on that path.
 * Releases in finally/catch blocks, in callbacks, or in other blocks are trusted.
 */
export function missedRelease(types: TypeQueries, decl: ts.VariableDeclaration, releases: Use[]): MissedRelease | undefined {
  const fn = enclosingFunction(decl);
  const direct = releases.filter((r) => !r.inClosure);
  if (!direct.length || direct.some((r) => inFinallyOrCatch(r.site, fn))) return undefined;
  const statement = decl.parent.parent;
  const list = statementList(statement);
  if (!list) return undefined;
  const start = list.indexOf(statement as ts.Statement);
  const first = direct
    .map((r) => ({ r, s: statementIn(r.site, list) }))
    .filter((x): x is { r: Use; s: ts.Statement } => !!x.s && list.indexOf(x.s) > start)
    .sort((a, b) => a.s.pos - b.s.pos)[0];
  if (!first) return undefined;
  const between = list.slice(start + 1, list.indexOf(first.s));
  for (const s of between) {
    const exit = uncoveredExit(s, direct);
    if (exit) return { kind: 'exit', at: exit, release: first.r, between, releaseStatement: first.s };
  }
  const thrower = [...between, first.s].map((s) => mayThrow(types, s, first.r.site)).find((n) => n);
  return thrower ? { kind: 'throw', at: thrower, release: first.r, between, releaseStatement: first.s } : undefined;
}

function inFinallyOrCatch(node: ts.Node, stop: ts.Node | undefined): boolean {
  for (let n: ts.Node = node; n.parent && n !== stop; n = n.parent) {
    if (ts.isCatchClause(n.parent) || (ts.isTryStatement(n.parent) && n.parent.finallyBlock === n)) return true;
  }
  return false;
}

/**
 * The first call, `new`, `await` or `throw` in `statement` other than (and not around) the release, and other than a
 * call of the project's own code that catches every error (summaries.ts): the code that may throw.
 */
function mayThrow(types: TypeQueries, statement: ts.Statement, release: ts.Node): ts.Node | undefined {
  const around = (n: ts.Node) => release.pos >= n.pos && release.end <= n.end;
  return firstThrower(types, statement, { skip: (n) => n === release, ignore: around });
}

/** Returns/throws (and loop exits) between a local's declaration and the first statement that uses it as given. */
export function exitsBeforeFirstUse(decl: ts.VariableDeclaration, uses: Use[]): ts.Node[] {
  const direct = uses.filter((u) => !u.inClosure);
  const statement = decl.parent.parent;
  const list = statementList(statement);
  if (!direct.length || !list) return [];
  const start = list.indexOf(statement as ts.Statement);
  const firstIndex = Math.min(
    ...direct
      .map((u) => statementIn(u.site, list))
      .filter((s): s is ts.Statement => !!s)
      .map((s) => list.indexOf(s)),
  );
  if (!(firstIndex > start) || !Number.isFinite(firstIndex)) return [];
  const inside = (exit: ts.Node) => direct.some((u) => u.site.pos >= exit.pos && u.site.end <= exit.end);
  return list.slice(start + 1, firstIndex).flatMap((s) => uncoveredExits(s, direct).filter((e) => !inside(e)));
}

/**
 * The returns and throws of a callback that leave the value it was given neither released nor handed on, when its
 * other paths do one or the other (`disposals`, made in the callback itself): the callback took the value over, and
 * these paths drop it. A disposal covers the exits after it in its block, also under a test of the error or the value
 * (`tested`: `if (!err && conn) pool.push(conn)`, where the other branch has no value); an exit under such a test
 * (`if (err) return`) had no value to keep, and an exit whose own expression disposes of it (`return done(conn)`) keeps it.
 */
export function exitsDroppingValue(
  types: TypeQueries,
  fn: ts.FunctionLikeDeclaration,
  tested: readonly ts.Symbol[],
  disposals: readonly Use[],
): ts.Node[] {
  const direct = disposals.filter((u) => !u.inClosure);
  if (!fn.body || !ts.isBlock(fn.body) || !direct.length) return [];
  const testsValue = (n: ts.Node) => ts.isIfStatement(n) && refersTo(types, n.expression, tested);
  const found: ts.Node[] = [];
  const visit = (n: ts.Node, guarded: boolean): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if ((ts.isReturnStatement(n) || ts.isThrowStatement(n)) && !guarded) {
      const inside = direct.some((u) => u.site.pos >= n.pos && u.site.end <= n.end);
      if (!inside && !direct.some((u) => disposesBefore(u.site, n, testsValue))) found.push(n);
      return;
    }
    n.forEachChild((c) => visit(c, guarded || testsValue(n)));
  };
  visit(fn.body, false);
  return found;
}

/** The disposal is in a statement before the exit in a block around it, unconditionally or under a test of the value only. */
function disposesBefore(site: ts.Node, exit: ts.Node, testsValue: (n: ts.Node) => boolean): boolean {
  for (let block: ts.Node | undefined = exit.parent; block && !ts.isFunctionLike(block); block = block.parent) {
    if (!ts.isBlock(block) || !(site.pos >= block.pos && site.end <= exit.pos)) continue;
    let unconditional = true;
    for (let n = site.parent; n && n !== block; n = n.parent)
      if (
        (ts.isIfStatement(n) && !testsValue(n)) ||
        ts.isIterationStatement(n, false) ||
        ts.isConditionalExpression(n) ||
        ts.isTryStatement(n)
      )
        unconditional = false;
    if (unconditional) return true;
  }
  return false;
}

/** A callback-style hand-off made only on success, and the failure that gives up the value instead. */
export interface SuccessOnlyHandOff {
  callback: ts.Identifier;
  success: ts.CallExpression;
  failure: ts.CallExpression;
}

/** Events after which a stream or socket is ending by itself: its listener for them has nothing left to release. */
const ENDING_EVENTS = new Set(['error', 'close', 'end', 'finish']);

/**
 * The function hands `value` to its callback parameter (`callback(null, socket)`), and another call of that callback
 * after the acquisition reports a failure without it and with no release in the same function: the value is left
 * open on that path (a handshake that fails on a connected socket). Calls in the catch of the try that made the value
 * (nothing was made) and in the value's own 'error'/'close'/'end' listeners (it is ending already) are no such path.
 */
export function successOnlyHandOff(
  types: TypeQueries,
  acquire: ts.Node,
  value: ts.Symbol,
  handOffs: readonly Use[],
  releases: readonly Use[],
): SuccessOnlyHandOff | undefined {
  const fn = enclosingFunction(acquire) as ts.FunctionLikeDeclaration | undefined;
  if (!fn?.body || !handOffs.length) return undefined;
  const parameters = fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [types.symbolAt(p.name)] : []));
  const callbackOf = (use: Use) => {
    const call = use.site;
    if (use.kind !== 'passed' || !ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return undefined;
    const symbol = types.symbolAt(call.expression);
    return symbol && parameters.includes(symbol) ? symbol : undefined;
  };
  const callback = callbackOf(handOffs[0]);
  if (!callback || handOffs.some((u) => callbackOf(u) !== callback)) return undefined;
  const failure = findNode(fn.body, (n) => {
    if (!ts.isCallExpression(n) || !ts.isIdentifier(n.expression) || n.pos < acquire.end) return false;
    if (types.symbolAt(n.expression) !== callback || refersTo(types, n, value)) return false;
    if (madeNothing(n, acquire) || inEndingListener(types, n, value)) return false;
    const where = enclosingFunction(n);
    return !releases.some((r) => enclosingFunction(r.site) === where);
  }) as ts.CallExpression | undefined;
  const success = handOffs[0].site as ts.CallExpression;
  return failure && { callback: success.expression as ts.Identifier, success, failure };
}

/** In a catch clause of a try whose block holds the acquisition: the acquisition threw. */
function madeNothing(call: ts.Node, acquire: ts.Node): boolean {
  for (let n: ts.Node = call; n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isCatchClause(n) && ts.isTryStatement(p) && acquire.pos >= p.tryBlock.pos && acquire.end <= p.tryBlock.end) return true;
  }
  return false;
}

/** Inside `value.on('error' | 'close' | 'end' | 'finish', listener)`. */
function inEndingListener(types: TypeQueries, call: ts.Node, value: ts.Symbol): boolean {
  const listener = enclosingFunction(call);
  if (!listener || !(ts.isArrowFunction(listener) || ts.isFunctionExpression(listener))) return false;
  const registration = outerExpression(listener, {}).parent;
  if (!ts.isCallExpression(registration) || !ts.isPropertyAccessExpression(registration.expression)) return false;
  const [event] = registration.arguments;
  const receiver = registration.expression.expression;
  return (
    !!event &&
    ts.isStringLiteralLike(event) &&
    ENDING_EVENTS.has(event.text) &&
    ts.isIdentifier(receiver) &&
    types.symbolAt(receiver) === value
  );
}

/**
 * A branch before `node` that already calls `callback` and then falls through: an `if` earlier in one of the blocks
 * around `node` (in its function) whose then-branch calls it, outside nested functions, with no return or throw.
 * On that path the code answers and still goes on to `node`, as if it had not.
 */
export function answeredWithoutReturning(types: TypeQueries, node: ts.Node, callback: ts.Symbol): ts.IfStatement | undefined {
  const fn = enclosingFunction(node);
  const answers = (branch: ts.Statement): boolean =>
    !containsExit(branch) &&
    someNode(branch, (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && types.symbolAt(n.expression) === callback, {
      skipFunctions: true,
    });
  for (let n: ts.Node = node; n.parent && n.parent !== fn; n = n.parent) {
    const list = statementList(n);
    const before = list?.filter((s): s is ts.IfStatement => s.end <= n.getStart() && ts.isIfStatement(s) && answers(s.thenStatement));
    if (before?.length) return before[before.length - 1];
  }
  return undefined;
}

/**
 * Code that never runs: a statement after a `return`, `throw`, `break` or `continue` of its own block (or of a block
 * around it). A function declaration is hoisted, and runs when called: it ends the search.
 */
export function isUnreachable(node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent && !ts.isFunctionDeclaration(n); n = n.parent) {
    const list = statementList(n);
    if (list && list.slice(0, list.indexOf(n as ts.Statement)).some(isUnconditionalExit)) return true;
  }
  return false;
}

function isUnconditionalExit(statement: ts.Statement): boolean {
  return (
    ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isBreakStatement(statement) || ts.isContinueStatement(statement)
  );
}

export interface DroppingPaths {
  /** Returns and throws that leave before any release or hand-off. */
  exits: ts.Node[];
  /** Some path reaches the end of the body with neither. */
  fallsThrough: boolean;
}

/**
 * The ways out of a function that owns a value (a parameter it was handed) and leaves it neither released nor handed
 * on: `covers` are the uses that do one or the other (one in a callback covers the statement that gives the callback).
 * A branch covers the paths through it; a loop, switch or other statement with a cover in it is trusted to cover.
 * Exits under a test that `settled` accepts (nothing left to release: the value is destroyed already, the error says
 * it is gone) are not counted, and a branch on none of the function's parameters (an option, the state of an object
 * it shares with other code) is trusted: on such a path other code may own the value.
 */
export function pathsDroppingValue(
  fn: ts.SignatureDeclaration,
  covers: readonly Use[],
  settled: (condition: ts.Expression) => boolean,
): DroppingPaths {
  const coversIn = (n: ts.Node) => covers.some((u) => u.ref.pos >= n.pos && u.ref.end <= n.end);
  const parameters = fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : []));
  const aboutParameters = (condition: ts.Expression) =>
    someNode(condition, (n) => ts.isIdentifier(n) && parameters.includes(n.text) && !isPropertyName(n));
  const exits: ts.Node[] = [];
  interface Flow {
    covered: boolean;
    falls: boolean;
  }
  const run = (statements: readonly ts.Statement[], exempt: boolean): Flow => {
    for (const s of statements) {
      const flow = step(s, exempt);
      if (flow.covered || !flow.falls) return flow;
    }
    return { covered: false, falls: true };
  };
  const step = (s: ts.Statement, exempt: boolean): Flow => {
    if (ts.isBlock(s)) return run(s.statements, exempt);
    if (ts.isIfStatement(s) && !coversIn(s.expression)) {
      if (!aboutParameters(s.expression)) return { covered: true, falls: true };
      const inner = exempt || settled(s.expression);
      const then = step(s.thenStatement, inner);
      const otherwise = s.elseStatement ? step(s.elseStatement, inner) : { covered: false, falls: true };
      const falls = then.falls || otherwise.falls;
      return { covered: falls && (!then.falls || then.covered) && (!otherwise.falls || otherwise.covered), falls };
    }
    if (ts.isReturnStatement(s) || ts.isThrowStatement(s)) {
      const covered = coversIn(s);
      if (!covered && !exempt) exits.push(s);
      return { covered, falls: false };
    }
    if (ts.isTryStatement(s) && !(s.finallyBlock && coversIn(s.finallyBlock))) return run(s.tryBlock.statements, exempt);
    return { covered: coversIn(s), falls: true };
  };
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body || !ts.isBlock(body)) return { exits, fallsThrough: !!body && !coversIn(body) };
  const flow = run(body.statements, false);
  return { exits, fallsThrough: flow.falls && !flow.covered };
}

/** The name in `x.name` or `{ name: … }`: not a reference to a variable. */
function isPropertyName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id);
}
