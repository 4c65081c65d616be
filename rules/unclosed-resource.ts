// unclosed-resource: a value whose type has close/destroy/end/…/[Symbol.dispose] (or a numeric handle from a
// table of acquire/release functions such as fs.openSync → fs.closeSync) that is acquired in a function and not
// released on every path, including the throw path, and not handed off.
import ts = require('typescript');
import type { Releasers, ResourceInfo, Use } from '../engine/analysis';
import { enclosingFunction, statementIn, statementList } from '../engine/analysis/owner';
import { outerExpression } from '../engine/analysis/ownership';
import { outOfScope, uncoveredExit } from '../engine/analysis/paths';
import { mayReturnResource } from '../engine/analysis/resource';
import { inAsyncFunction, isTypeScriptFile, wrapInTryFinally, type Edit } from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'unclosed-resource';

/** Calls that create a resource the caller owns; other calls (getters, lookups) may return shared resources. */
const ACQUIRING_CALL = /^(create|open|connect|watch|request|listen)/;

/** Functions whose numeric handles must be released by a paired function, matched by declaration file. */
const HANDLE_FUNCTIONS: readonly { acquire: string; release: string; declaredIn: RegExp }[] = [
  { acquire: 'openSync', release: 'closeSync', declaredIn: /[\\/]@types[\\/]node[\\/](fs|fs[\\/]promises)\.d\.ts$/ },
];

/** Methods that show a value is meant to outlive the statements that follow it (event-driven use). */
const EVENT_METHODS = new Set(['on', 'once', 'addListener', 'addEventListener', 'pipe', 'listen', 'subscribe']);

export default defineRule({
  meta: {
    id: ID,
    description: 'A stream, socket, server, file handle or other closable resource is not released on every path.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    return {
      [ts.SyntaxKind.VariableDeclaration]: (decl: ts.VariableDeclaration) => {
        if (!ts.isIdentifier(decl.name) || !decl.initializer) return;
        const acquire = acquiringExpression(decl.initializer);
        if (!acquire || ctx.analysis.isProgramLifetime(decl) || isUsing(decl)) return;
        const handle = handleFunction(ctx, acquire);
        // the declared return types first: a call that cannot return a resource needs no resolving
        const info = handle || !mayReturnResource(ctx.types, acquire) ? undefined : ctx.analysis.resource(decl.name);
        if (!handle && info?.kind !== 'handle') return;
        const releasers: Releasers = handle
          ? { methods: [], isReleaseCall: (call, i) => i === 0 && isCallTo(ctx, call, handle.release, handle.declaredIn) }
          : { methods: info!.releaseMethods };
        const { uses, releases, handOffs } = ctx.analysis.usesOf(decl.name, releasers);
        // a numeric handle passed to a function is used, not handed off (fs.readSync(fd, …))
        const handedOff = handOffs.filter((u) => !(handle && u.kind === 'passed'));
        if (handedOff.length || uses.some((u) => u.kind === 'reassigned')) return;
        const what = describe(decl.name.text, acquire, info);
        const releaseCode = handle ? `fs.${handle.release}(${decl.name.text})` : releaseCall(ctx, decl, info!);
        if (!releases.length) {
          ctx.report({
            node: acquire,
            message: `${what} is never released: call ${releaseCode} when done, or hand it to an owner.`,
            related: outOfScope(decl),
            fixes: neverReleasedFixes(ctx, decl, uses, info, releaseCode),
          });
          return;
        }
        const missed = missedPath(decl, releases);
        if (missed) ctx.report(missedPathReport(ctx, decl, acquire, what, missed));
      },
    };
  },
});

/** The acquiring `new X()` / `createX()` call, looking through `await` and parentheses. */
function acquiringExpression(init: ts.Expression): ts.CallExpression | ts.NewExpression | undefined {
  let e = init;
  while (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (ts.isNewExpression(e)) return e;
  if (!ts.isCallExpression(e)) return undefined;
  const callee = ts.isPropertyAccessExpression(e.expression)
    ? e.expression.name.text
    : ts.isIdentifier(e.expression)
      ? e.expression.text
      : '';
  return ACQUIRING_CALL.test(callee) || HANDLE_FUNCTIONS.some((h) => h.acquire === callee) ? e : undefined;
}

function handleFunction(ctx: RuleContext, acquire: ts.CallExpression | ts.NewExpression) {
  return ts.isCallExpression(acquire) ? HANDLE_FUNCTIONS.find((h) => isCallTo(ctx, acquire, h.acquire, h.declaredIn)) : undefined;
}

/** True when the call's callee resolves (by the checker) to function `name` declared in a matching file. */
function isCallTo(ctx: RuleContext, call: ts.CallExpression, name: string, declaredIn: RegExp): boolean {
  const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression;
  if (!ts.isIdentifier(callee) || callee.text !== name) return false;
  const symbol = ctx.types.symbolAt(callee);
  return !!symbol && ctx.types.isDeclaredIn(symbol, declaredIn);
}

function isUsing(decl: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Using) !== 0;
}

function describe(name: string, acquire: ts.Expression, info: ResourceInfo | undefined): string {
  const from = ts.isNewExpression(acquire)
    ? `new ${acquire.expression.getText()}()`
    : `${(acquire as ts.CallExpression).expression.getText()}()`;
  return info ? `\`${name}\` (${info.typeName} from ${from})` : `\`${name}\` (a handle from ${from})`;
}

function releaseCall(ctx: RuleContext, decl: ts.VariableDeclaration, info: ResourceInfo): string {
  const name = (decl.name as ts.Identifier).text;
  const method = info.releaseMethods[0];
  if (!method) return info.asyncDisposable ? `await ${name}[Symbol.asyncDispose]()` : `${name}[Symbol.dispose]()`;
  const awaitIt = inAsyncFunction(decl) && ctx.types.methodReturnsPromise(ctx.types.typeAt(decl.name), method);
  return `${awaitIt ? 'await ' : ''}${name}.${method}()`;
}

/** Fixes only when closing at the end of the block cannot cut short a use: no closures, no event-driven use. */
function neverReleasedFixes(
  ctx: RuleContext,
  decl: ts.VariableDeclaration,
  uses: Use[],
  info: ResourceInfo | undefined,
  releaseCode: string,
): Report['fixes'] {
  if (uses.some((u) => u.inClosure || (u.kind === 'method' && EVENT_METHODS.has(u.method!)))) return [];
  const statement = decl.parent.parent;
  const list = statementList(statement);
  if (!ts.isVariableStatement(statement) || !list || statement.declarationList.declarations.length !== 1) return [];
  const fixes: NonNullable<Report['fixes']> = [];
  const name = (decl.name as ts.Identifier).text;
  const isConst = (decl.parent.flags & ts.NodeFlags.Const) !== 0;
  const inCaseClause = ts.isCaseClause(statement.parent) || ts.isDefaultClause(statement.parent);
  if (info && isConst && !inCaseClause && isTypeScriptFile(ctx.file)) {
    const keyword = decl.parent.getFirstToken(ctx.file)!;
    const edit = (text: string): Edit => ({ start: keyword.getStart(ctx.file), end: keyword.getEnd(), newText: text });
    if (info.disposable && ctx.types.hasGlobalType('Disposable', decl)) {
      fixes.push({
        title: `Declare \`${name}\` with \`using\` so it is disposed at the end of the block`,
        edits: [edit('using')],
        preferred: true,
      });
    } else if (info.asyncDisposable && inAsyncFunction(decl) && ctx.types.hasGlobalType('AsyncDisposable', decl)) {
      fixes.push({
        title: `Declare \`${name}\` with \`await using\` so it is disposed at the end of the block`,
        edits: [edit('await using')],
        preferred: true,
      });
    }
  }
  const rest = list.slice(list.indexOf(statement) + 1);
  if (rest.length && !rest.some((s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s))) {
    fixes.push({
      title: `Release \`${name}\` in a finally block`,
      edits: [wrapInTryFinally(ctx.file, rest[0], rest[rest.length - 1], `${releaseCode};`)],
      preferred: fixes.length === 0,
    });
  }
  return fixes;
}

interface MissedPath {
  kind: 'exit' | 'throw';
  /** The early exit, or the first call that may throw, before the release. */
  at: ts.Node;
  release: Use;
  /** The statements between the acquisition and the release statement. */
  between: ts.Statement[];
  releaseStatement: ts.Statement;
}

/**
 * The release is a statement after the acquisition in the same block; a return/throw/break before it that does
 * not release first, or any call that may throw before it, leaves the resource open on that path.
 * Releases in finally/catch blocks, in callbacks, or in other blocks are trusted.
 */
function missedPath(decl: ts.VariableDeclaration, releases: Use[]): MissedPath | undefined {
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
  const thrower = [...between, first.s].map((s) => mayThrow(s, first.r.site)).find((n) => n);
  return thrower ? { kind: 'throw', at: thrower, release: first.r, between, releaseStatement: first.s } : undefined;
}

function inFinallyOrCatch(node: ts.Node, stop: ts.Node | undefined): boolean {
  for (let n: ts.Node = node; n.parent && n !== stop; n = n.parent) {
    if (ts.isCatchClause(n.parent) || (ts.isTryStatement(n.parent) && n.parent.finallyBlock === n)) return true;
  }
  return false;
}

/** The first call, `new`, `await` or `throw` in `statement` other than the release itself: the code that may throw. */
function mayThrow(statement: ts.Statement, release: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n === release || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isThrowStatement(n)) {
      if (!containsNode(n, release)) {
        found = n;
        return;
      }
    }
    n.forEachChild(visit);
  };
  visit(statement);
  return found;
}

function containsNode(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

function missedPathReport(ctx: RuleContext, decl: ts.VariableDeclaration, acquire: ts.Node, what: string, missed: MissedPath): Report {
  const line = (n: ts.Node) => ctx.file.getLineAndCharacterOfPosition(n.getStart(ctx.file)).line + 1;
  const message =
    missed.kind === 'exit'
      ? `${what} is not released when the code leaves at line ${line(missed.at)} before the release at line ${line(missed.release.site)}.`
      : `${what} is not released if line ${line(missed.at)} throws: the release at line ${line(missed.release.site)} is not in a finally block.`;
  return {
    node: acquire,
    message,
    related: [
      { node: missed.at, message: missed.kind === 'exit' ? 'leaves here without releasing' : 'may throw here, skipping the release' },
      { node: missed.release.site, message: 'released here only on the normal path' },
    ],
    fixes: moveReleaseToFinally(ctx, decl, missed),
  };
}

/** try { <between> } finally { <release> }, offered when the release is a plain statement and no declaration inside is needed after it. */
function moveReleaseToFinally(ctx: RuleContext, decl: ts.VariableDeclaration, missed: MissedPath): Report['fixes'] {
  const { between, releaseStatement, release } = missed;
  if (!between.length || !ts.isExpressionStatement(releaseStatement)) return [];
  if (outerExpression(release.site as ts.Expression) !== releaseStatement.expression) return [];
  if (between.some((s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s))) return [];
  const declared = new Set(
    between.flatMap((s) => (ts.isVariableStatement(s) ? s.declarationList.declarations.flatMap((d) => boundNames(d.name)) : [])),
  );
  const list = statementList(releaseStatement)!;
  const after = list.slice(list.indexOf(releaseStatement) + 1);
  if (declared.size && after.some((s) => mentions(s, declared))) return [];
  const wrap = wrapInTryFinally(ctx.file, between[0], between[between.length - 1], releaseStatement.getText(ctx.file));
  return [
    {
      title: `Release \`${(decl.name as ts.Identifier).text}\` in a finally block`,
      // the edit also swallows the original release statement, which moves into the finally block
      edits: [{ ...wrap, end: releaseStatement.getEnd() }],
      preferred: true,
    },
  ];
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));
}

function mentions(node: ts.Node, names: Set<string>): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && names.has(n.text)) found = true;
    else n.forEachChild(visit);
  };
  visit(node);
  return found;
}
