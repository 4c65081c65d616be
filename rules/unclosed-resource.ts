// unclosed-resource: a value whose type has close/destroy/end/…/[Symbol.dispose] (or a numeric handle from a
// table of acquire/release functions such as fs.openSync → fs.closeSync) that is acquired in a function and not
// released on every path, including the throw path, and not handed off; a value an error-first callback of an
// acquiring call is given and drops on some exit; a piped source left open when its destination ends first.
import ts = require('typescript');
import {
  EVENT_DRIVEN_METHODS,
  OUT_OF_SCOPE_MESSAGE,
  RELEASE_METHODS,
  acquiringExpression,
  releasedReplacementReport,
  argumentFate,
  boundNames,
  callbackAcquisition,
  callbackHandle,
  closesIdleSockets,
  droppedObserver,
  endedByUser,
  enclosingFunction,
  exitsDroppingValue,
  findNode,
  handleFunction,
  isAssignment,
  isCallTo,
  isRequestPoolOption,
  keptByReceiver,
  listenerOwnedSocket,
  mayBeNullish,
  mayReturnResource,
  missedRelease,
  openPipeSource,
  outOfScope,
  outerExpression,
  pathsDroppingValue,
  pipesToItsEnd,
  refersTo,
  releasedThroughSubscription,
  unwrap,
  statementList,
  waitsForItsEnd,
  successOnlyHandOff,
  type MissedRelease,
  type Releasers,
  type ResourceInfo,
  type SuccessOnlyHandOff,
  type Use,
  ownedFieldReport,
} from '../engine/analysis';
import { inAsyncFunction, insertBeforeStatement, isTypeScriptFile, wrapInTryFinally, type Edit } from '../engine/fix';
import { NO_OPTIONS } from '../engine/options';
import { codeText, defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  releasesReplacement:
    '`{{release}}` reaches the {{type}} that `{{replacement}}` put in the field just before: the one `this.{{field}}` held until ' +
    'then is never released. Release it before replacing it.',
  replacedHere: 'replaced here, before the release',
  neverReleased: '{{what}} is never released: call {{release}} when done, or hand it to an owner.',
  outOfScope: OUT_OF_SCOPE_MESSAGE,
  notReleasedOnExit: '{{what}} is not released when the code leaves at line {{exitLine}} before the release at line {{releaseLine}}.',
  notReleasedOnThrow:
    '{{what}} is not released if line {{throwLine}} throws: the release at line {{releaseLine}} is not in a finally block.',
  leavesHere: 'leaves here without releasing',
  mayThrowHere: 'may throw here, skipping the release',
  releasedOnNormalPathOnly: 'released here only on the normal path',
  fieldNeverReleased:
    '`this.{{field}}` ({{type}} from {{source}}) is owned by this class, but {{teardown}}() never releases it: call {{release}} there.',
  teardownMissesRelease: 'teardown that misses the release',
  fieldWithoutTeardown:
    '`this.{{field}}` ({{type}} from {{source}}) is owned by this class, which has no teardown, and the program makes instances ' +
    'again and again: each one leaves it open. Give the class a close() that calls {{release}}.',
  handleNotKept: 'The handle from {{source}} is passed on and kept nowhere: nothing can call {{release}} on it.',
  temporaryDropped:
    'The {{type}} from {{source}} is used for {{method}}() and kept nowhere: nothing can call {{release}} on it, ' +
    'so each call leaves one open.',
  lastUse: 'its last use',
  releaseInTeardown: 'Release `this.{{field}}` in {{teardown}}()',
  handedOffOnSuccessOnly:
    '{{what}} is handed to {{callback}}() only on success (line {{successLine}}): the failure reported at line {{failureLine}} ' +
    'neither passes it on nor releases it.',
  failsWithoutRelease: 'reports a failure here and leaves it open',
  handedOffHere: 'handed off here, on success',
  releaseOnFailure: 'Release `{{name}}` before reporting the failure',
  droppedOnExit:
    '{{what}} is neither released nor handed on when the callback leaves here, although its other paths release it or pass it on.',
  receivedHere: 'the callback receives it here',
  socketLeftOpen:
    'This {{event}} listener owns `{{socket}}` (Node leaves the connection to it), but {{how}}: the connection stays open. ' +
    'Destroy it (or hand it on) on every path.',
  socketLeftHere: 'leaves here with the socket open',
  listenerRegistered: 'registered here',
  descriptorNeverClosed:
    'The descriptor {{source}}() hands its callback as `{{name}}` is never closed: {{where}} calls {{release}} on it, so each call ' +
    'keeps a file open.',
  pipedSourceLeftOpen:
    '`{{source}}` is piped into `{{destination}}`, and this handler of `{{destination}}` {{how}}: pipe() does not destroy its source, so ' +
    'when `{{destination}}` fails or finishes first, `{{source}}` stays open. Release it there, or use stream.pipeline().',
  pipedHere: 'piped here',
  declareWithUsing: 'Declare `{{name}}` with `using` so it is disposed at the end of the block',
  declareWithAwaitUsing: 'Declare `{{name}}` with `await using` so it is disposed at the end of the block',
  releaseInFinally: 'Release `{{name}}` in a finally block',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;
type Fixes = NonNullable<Report<MessageId>['fixes']>;

export default defineRule({
  meta: {
    id: 'unclosed-resource',
    description: 'A stream, socket, server, file handle or other closable resource is not released on every path.',
    messages: MESSAGES,
    ...NO_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx) {
    const ownedField = (node: ts.BinaryExpression | ts.PropertyDeclaration): void => {
      const owned = ctx.analysis.unreleasedOwnedField(node);
      if (owned?.info.kind !== 'handle') return;
      const messages = {
        finding: 'fieldNeverReleased',
        teardown: 'teardownMissesRelease',
        fix: 'releaseInTeardown',
        noTeardown: 'fieldWithoutTeardown',
      } as const;
      ctx.report(ownedFieldReport(ctx.types, ctx.analysis.lifecycle, owned, messages));
    };
    return {
      // a resource kept in a field: the class's teardown must release it
      [ts.SyntaxKind.BinaryExpression]: ownedField,
      [ts.SyntaxKind.PropertyDeclaration]: ownedField,
      [ts.SyntaxKind.NewExpression]: (made) => droppedTemporary(ctx, made),
      // a handle made right into another call's argument is kept nowhere: nothing can release it
      [ts.SyntaxKind.CallExpression]: (call) => {
        const replaced = releasedReplacementReport(ctx.types, call, 'handle');
        if (replaced) return ctx.report(replaced);
        droppedTemporary(ctx, call);
        callbackExits(ctx, call);
        callbackDescriptor(ctx, call);
        socketOwnedByListener(ctx, call);
        pipedSource(ctx, call);
        const argumentOf = outerExpression(call).parent;
        if (!(ts.isCallExpression(argumentOf) || ts.isNewExpression(argumentOf)) || argumentOf.expression === outerExpression(call)) return;
        const handle = acquiringExpression(call) === call ? handleFunction(ctx.types, call) : undefined;
        if (!handle || isCallTo(ctx.types, argumentOf as ts.CallExpression, handle.release) || mayKeepArguments(ctx, argumentOf)) return;
        if (ctx.analysis.runsOncePerApplication(call)) return;
        ctx.report({
          node: call,
          messageId: 'handleNotKept',
          data: { source: `${codeText(call.expression)}()`, release: `${handle.namespace}.${handle.release.name}()` },
        });
      },
      [ts.SyntaxKind.VariableDeclaration]: (decl) => {
        if (!ts.isIdentifier(decl.name)) return;
        // `let socket; … socket = net.connect(…)`: only whether a callback gets it on every path is asked below
        const named = decl.initializer ? acquiringExpression(decl.initializer) : assignedAcquisition(ctx, decl.name);
        // a factory of the program (every return a `new`) is judged only on whether anything releases what it made
        const acquire = named ?? (decl.initializer && ctx.analysis.acquisition(decl.initializer));
        if (!acquire || isUsing(decl)) return;
        const handle = handleFunction(ctx.types, acquire);
        // the declared return types first: a call that cannot return a resource needs no resolving
        const info =
          handle || !mayReturnResource(ctx.types, acquire) ? undefined : ctx.analysis.resource(decl.initializer ? decl.name : acquire);
        // the types before who calls the function (program-wide references): typing elsewhere keeps their answers
        if ((!handle && info?.kind !== 'handle') || ctx.analysis.runsOncePerApplication(decl)) return;
        if (closesIdleSockets(ctx.types, acquire)) return;
        // a factory that keeps what it returns (and disposes it with itself) hands the caller nothing to release
        if (!handle && (keptByReceiver(ctx.types, acquire) || ctx.analysis.ownership.keptByCallee(acquire))) return;
        const releasers: Releasers = handle
          ? { methods: [], isReleaseCall: (call, i) => i === 0 && isCallTo(ctx.types, call, handle.release) }
          : { methods: info!.releaseMethods };
        const { uses, releases, handOffs } = ctx.analysis.usesOf(decl.name, releasers);
        // a numeric handle passed to a function is used, not handed off (fs.readSync(fd, …))
        const handedOff = handOffs.filter((u) => !(handle && u.kind === 'passed'));
        const what = describe(decl.name.text, acquire, info);
        if (handedOff.length || uses.some((u) => u.kind === 'reassigned')) {
          const symbol = !handle && ctx.types.symbolAt(decl.name);
          const partial = symbol && successOnlyHandOff(ctx.types, acquire, symbol, handedOff, releases);
          if (partial && named) ctx.report(successOnlyReport(ctx, acquire, what, info!, decl.name.text, partial));
          return;
        }
        const methodsCalled = uses.flatMap((u) => (u.method ? [u.method] : []));
        if (info && releasedThroughSubscription(ctx.types, ctx.types.typeAt(decl.name), info.releaseMethods, methodsCalled)) return;
        // a handle another party ends whose end the code awaits, or a dialog the user closes
        if (info && (waitsForItsEnd(ctx.types, decl.name) || endedByUser(ctx.types, ctx.types.typeAt(decl.name)))) return;
        const releaseCode = handle ? `${handle.namespace}.${handle.release.name}(${decl.name.text})` : releaseCall(ctx, decl, info!);
        if (!releases.length) {
          // piped, it ends itself: whether its destination may end first is pipedSource's question
          if (uses.some((u) => u.method === 'pipe' && pipesToItsEnd(ctx.types, u.site as ts.CallExpression))) return;
          if (uses.some((u) => u.method === 'observe' && observedOnly(ctx, info, u.site))) return;
          ctx.report({
            node: acquire,
            messageId: 'neverReleased',
            data: { what, release: releaseCode },
            related: outOfScope(decl),
            fixes: handle?.readLater ? [] : neverReleasedFixes(ctx, decl, uses, info, releaseCode),
          });
          return;
        }
        // the paths a factory's value takes are left to it: its own methods may release it when they fail (a cursor's read)
        const missed = named && missedRelease(ctx.types, decl, releases);
        if (missed) ctx.report(missedPathReport(ctx, decl, acquire, what, missed));
      },
    };
  },
});

/** `createRunner().query(sql)`: a resource made for one call on it, which nothing keeps to release. */
function droppedTemporary(ctx: Context, made: ts.CallExpression | ts.NewExpression): void {
  const dropped = ctx.analysis.droppedTemporary(made);
  if (!dropped) return;
  const { info, lastUse } = dropped;
  if (observedOnly(ctx, info, lastUse)) return;
  const method = codeText((lastUse.expression as ts.PropertyAccessExpression).name);
  ctx.report({
    node: made,
    messageId: 'temporaryDropped',
    data: { type: info.typeName, source: madeBy(made), method, release: `${info.releaseMethods[0] ?? '[Symbol.dispose]'}()` },
    related: [{ node: lastUse, messageId: 'lastUse' }],
  });
}

/**
 * A platform observer that nothing but `observe(target)` uses: listener-leak reports it when the target outlives the
 * owner (its callback stays on the target like a listener's), and says nothing when they end together.
 */
function observedOnly(ctx: Context, info: ResourceInfo | undefined, use: ts.Node): boolean {
  return !!info?.observer && ts.isCallExpression(use) && !!droppedObserver(ctx.types, use);
}

/** `source.pipe(destination)` whose source stays open when the destination ends first. */
function pipedSource(ctx: Context, call: ts.CallExpression): void {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'pipe') return; // the shape first
  const open = openPipeSource(ctx.types, call);
  if (!open || ctx.analysis.runsOncePerApplication(call)) return;
  // a local handed on (returned, stored, passed) is its new owner's to release
  const declaration = ctx.types.symbolAt(open.source)?.valueDeclaration;
  const local = declaration && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) ? declaration.name : undefined;
  if (local && ctx.analysis.usesOf(local, { methods: RELEASE_METHODS }).handOffs.length) return;
  ctx.report({
    node: open.handler,
    messageId: 'pipedSourceLeftOpen',
    data: {
      source: open.source,
      destination: open.destination,
      how: open.onErrorOnly ? 'releases it only when there is an error' : 'never releases it',
    },
    related: [{ node: call, messageId: 'pipedHere' }],
  });
}

/** `create(…, (err, conn) => …)`: the callback owns what it was given, and an exit that drops it leaks it. */
function callbackExits(ctx: Context, call: ts.CallExpression): void {
  const acquired = callbackAcquisition(ctx.types, call);
  if (!acquired || ctx.analysis.runsOncePerApplication(call)) return;
  const { callback, value, error, info } = acquired;
  const { releases, handOffs } = ctx.analysis.usesOf(value, { methods: info.releaseMethods });
  const tested = [value, error].flatMap((n) => ctx.types.symbolAt(n) ?? []);
  const [exit] = exitsDroppingValue(ctx.types, callback, tested, [...releases, ...handOffs]);
  if (!exit) return;
  ctx.report({
    node: exit,
    messageId: 'droppedOnExit',
    data: { what: `\`${value.text}\` (${info.typeName} from ${codeText(call.expression)}())` },
    related: [{ node: value, messageId: 'receivedHere' }],
  });
}

/** `server.on('upgrade', (req, socket) => …)`: a path of the listener that neither closes the socket nor hands it on. */
function socketOwnedByListener(ctx: Context, call: ts.CallExpression): void {
  const owned = listenerOwnedSocket(ctx.types, call);
  if (!owned || owned.handler.getSourceFile() !== ctx.file) return;
  const { handler, socket, error } = owned;
  const { releases, handOffs } = ctx.analysis.usesOf(socket, { methods: RELEASE_METHODS });
  const covers = [...releases, ...handOffs];
  const gone = [socket, error].flatMap((n) => (n && ctx.types.symbolAt(n)) || []);
  // a test of the error ('ECONNRESET') or of `socket.destroyed`: nothing is left to close
  const settled = (condition: ts.Expression) =>
    (!!error && refersTo(ctx.types, condition, gone.slice(1))) ||
    !!findNode(
      condition,
      (n) => ts.isPropertyAccessExpression(n) && n.name.text === 'destroyed' && refersTo(ctx.types, n, gone.slice(0, 1)),
    );
  const { exits, fallsThrough } = pathsDroppingValue(handler, covers, settled);
  if (!exits.length && !fallsThrough) return;
  const event = (call.arguments[0] as ts.StringLiteralLike).text;
  const first = covers.sort((a, b) => a.ref.pos - b.ref.pos)[0];
  const how = first ? 'closes or hands it on only on some paths' : 'never closes it nor hands it on';
  ctx.report({
    node: first?.site ?? socket,
    messageId: 'socketLeftOpen',
    data: { event: `'${event}'`, socket: socket.text, how },
    related: [...exits.map((node) => ({ node, messageId: 'socketLeftHere' as const })), { node: call, messageId: 'listenerRegistered' }],
  });
}

/**
 * `fs.open(path, (err, fd) => …)`: the callback owns the descriptor, and neither it nor a function of the program it
 * passes the descriptor to (followed into their bodies) closes it.
 */
function callbackDescriptor(ctx: Context, call: ts.CallExpression): void {
  const handle = callbackHandle(ctx.types, call);
  if (!handle || ctx.analysis.runsOncePerApplication(call)) return;
  const { uses, releases } = ctx.analysis.usesOf(handle.value, { methods: [], isReleaseCall: handle.isRelease });
  if (releases.length) return;
  const passedTo: ts.CallExpression[] = [];
  for (const u of uses) {
    const site = u.site;
    if (u.kind !== 'passed' || !ts.isCallExpression(site)) {
      if (u.kind !== 'read' && u.kind !== 'method') return; // stored, returned, captured: kept by other code
      continue;
    }
    if (argumentFate(ctx.types, site, site.arguments.indexOf(outerExpression(u.ref)), handle.isRelease) === 'releases') return;
    passedTo.push(site);
  }
  const platform = (c: ts.CallExpression) => {
    const symbol = ctx.types.symbolAt(calleeNameOrSelf(c.expression));
    return !!symbol && ctx.types.declarationsOf(symbol).every((d) => d.getSourceFile().isDeclarationFile);
  };
  const own = passedTo.filter((c) => !platform(c)).map((c) => `${codeText(c.expression)}()`);
  ctx.report({
    node: call,
    messageId: 'descriptorNeverClosed',
    data: {
      source: codeText(call.expression),
      name: handle.value.text,
      where: own.length ? `neither the callback nor ${[...new Set(own)].join(', ')} (given it)` : 'nothing',
      release: handle.release,
    },
    related: [{ node: handle.value, messageId: 'receivedHere' }],
  });
}

/** A function of the program's own source, which may keep or release what it is given (unlike the platform's). */
function mayKeepArguments(ctx: Context, call: ts.CallExpression | ts.NewExpression): boolean {
  const symbol = ctx.types.symbolAt(ts.isNewExpression(call) ? call.expression : calleeNameOrSelf(call.expression));
  return !!symbol && ctx.types.declarationsOf(symbol).some((d) => !d.getSourceFile().isDeclarationFile);
}

function calleeNameOrSelf(callee: ts.Expression): ts.Node {
  const x = unwrap(callee);
  return ts.isPropertyAccessExpression(x) ? x.name : x;
}

/** The first `x = <acquiring call>` of a variable declared without an initializer, in the function that declares it. */
function assignedAcquisition(ctx: Context, name: ts.Identifier): ts.CallExpression | ts.NewExpression | undefined {
  const scope = enclosingFunction(name);
  const symbol = ctx.types.symbolAt(name);
  if (!scope || !symbol) return undefined;
  const assignment = findNode(
    scope,
    (n) => isAssignment(n) && ts.isIdentifier(n.left) && n.left.text === name.text && !!acquiringExpression(n.right),
  ) as ts.BinaryExpression | undefined;
  return assignment && ctx.types.symbolAt(assignment.left) === symbol ? acquiringExpression(assignment.right) : undefined;
}

/** Reported at the acquisition; the fix releases the value just before the failing callback call. */
function successOnlyReport(
  ctx: Context,
  acquire: ts.Node,
  what: string,
  info: ResourceInfo,
  name: string,
  partial: SuccessOnlyHandOff,
): Report<MessageId> {
  const line = (n: ts.Node) => ctx.file.getLineAndCharacterOfPosition(n.getStart(ctx.file)).line + 1;
  const statement = outerExpression(partial.failure).parent;
  const release = info.releaseMethods.includes('destroy') ? 'destroy' : info.releaseMethods[0];
  const fixes: Fixes =
    release && (ts.isExpressionStatement(statement) || ts.isReturnStatement(statement)) && statementList(statement)
      ? [
          {
            messageId: 'releaseOnFailure',
            data: { name },
            edits: [
              insertBeforeStatement(ctx.file, statement, `${name}${mayBeNullish(ctx.types.typeAt(acquire)) ? '?.' : '.'}${release}();`),
            ],
            preferred: true,
          },
        ]
      : [];
  return {
    node: acquire,
    messageId: 'handedOffOnSuccessOnly',
    data: { what, callback: partial.callback.text, successLine: line(partial.success), failureLine: line(partial.failure) },
    related: [
      { node: partial.failure, messageId: 'failsWithoutRelease' },
      { node: partial.success, messageId: 'handedOffHere' },
    ],
    fixes,
  };
}

function isUsing(decl: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(decl.parent) && (decl.parent.flags & ts.NodeFlags.Using) !== 0;
}

function describe(name: string, acquire: ts.CallExpression | ts.NewExpression, info: ResourceInfo | undefined): string {
  const from = madeBy(acquire);
  return info ? `\`${name}\` (${info.typeName} from ${from})` : `\`${name}\` (a handle from ${from})`;
}

/** `new X()`, `createX()`: the code that made a value, as a message names it. */
function madeBy(acquire: ts.CallExpression | ts.NewExpression): string {
  return ts.isNewExpression(acquire) ? `new ${codeText(acquire.expression)}()` : `${codeText(acquire.expression)}()`;
}

function releaseCall(ctx: Context, decl: ts.VariableDeclaration, info: ResourceInfo): string {
  const name = (decl.name as ts.Identifier).text;
  const type = ctx.types.typeAt(decl.name);
  // a value that may be null or undefined is released only when it is there
  const dot = mayBeNullish(type) ? '?.' : '.';
  const method = info.releaseMethods[0];
  if (!method) {
    const symbolCall = `${dot === '?.' ? '?.' : ''}[Symbol.${info.asyncDisposable ? 'asyncDispose' : 'dispose'}]()`;
    return `${info.asyncDisposable ? 'await ' : ''}${name}${symbolCall}`;
  }
  const awaitIt = inAsyncFunction(decl) && ctx.types.methodReturnsPromise(type, method);
  return `${awaitIt ? 'await ' : ''}${name}${dot}${method}()`;
}

/** Fixes only when closing at the end of the block cannot cut short a use: no closures, no event-driven use. */
function neverReleasedFixes(
  ctx: Context,
  decl: ts.VariableDeclaration,
  uses: Use[],
  info: ResourceInfo | undefined,
  releaseCode: string,
): Fixes {
  // a value used by callbacks, events or a request's pool (`{ agent }`) is still in use when the block ends, and an
  // observer watches on after it: releasing either there would end what it was made for
  const laterUse = (u: Use) =>
    u.inClosure || (u.kind === 'method' && EVENT_DRIVEN_METHODS.has(u.method!)) || isRequestPoolOption(ctx.types, u.ref);
  if (info?.observer || uses.some(laterUse)) return [];
  const statement = decl.parent.parent;
  const list = statementList(statement);
  if (!ts.isVariableStatement(statement) || !list || statement.declarationList.declarations.length !== 1) return [];
  const fixes: Fixes = [];
  const name = (decl.name as ts.Identifier).text;
  const isConst = (decl.parent.flags & ts.NodeFlags.Const) !== 0;
  const inCaseClause = ts.isCaseClause(statement.parent) || ts.isDefaultClause(statement.parent);
  if (info && isConst && !inCaseClause && isTypeScriptFile(ctx.file)) {
    const keyword = decl.parent.getFirstToken(ctx.file)!;
    const edit = (text: string): Edit => ({ start: keyword.getStart(ctx.file), end: keyword.getEnd(), newText: text });
    if (info.disposable && ctx.types.hasGlobalType('Disposable', decl)) {
      fixes.push({ messageId: 'declareWithUsing', data: { name }, edits: [edit('using')], preferred: true });
    } else if (info.asyncDisposable && inAsyncFunction(decl) && ctx.types.hasGlobalType('AsyncDisposable', decl)) {
      fixes.push({ messageId: 'declareWithAwaitUsing', data: { name }, edits: [edit('await using')], preferred: true });
    }
  }
  const rest = list.slice(list.indexOf(statement) + 1);
  if (rest.length && !rest.some((s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s))) {
    fixes.push({
      messageId: 'releaseInFinally',
      data: { name },
      edits: [wrapInTryFinally(ctx.file, rest[0], rest[rest.length - 1], `${releaseCode};`)],
      preferred: fixes.length === 0,
    });
  }
  return fixes;
}

function missedPathReport(
  ctx: Context,
  decl: ts.VariableDeclaration,
  acquire: ts.Node,
  what: string,
  missed: MissedRelease,
): Report<MessageId> {
  const line = (n: ts.Node) => ctx.file.getLineAndCharacterOfPosition(n.getStart(ctx.file)).line + 1;
  const releaseLine = line(missed.release.site);
  return {
    node: acquire,
    ...(missed.kind === 'exit'
      ? { messageId: 'notReleasedOnExit', data: { what, exitLine: line(missed.at), releaseLine } }
      : { messageId: 'notReleasedOnThrow', data: { what, throwLine: line(missed.at), releaseLine } }),
    related: [
      { node: missed.at, messageId: missed.kind === 'exit' ? 'leavesHere' : 'mayThrowHere' },
      { node: missed.release.site, messageId: 'releasedOnNormalPathOnly' },
    ],
    fixes: moveReleaseToFinally(ctx, decl, missed),
  };
}

/** try { <between> } finally { <release> }, offered when the release is a plain statement and no declaration inside is needed after it. */
function moveReleaseToFinally(ctx: Context, decl: ts.VariableDeclaration, missed: MissedRelease): Fixes {
  const { between, releaseStatement, release } = missed;
  if (!between.length || !ts.isExpressionStatement(releaseStatement)) return [];
  if (outerExpression(release.site as ts.Expression) !== releaseStatement.expression) return [];
  if (between.some((s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s))) return [];
  const declared = between.flatMap((s) =>
    ts.isVariableStatement(s) ? s.declarationList.declarations.flatMap((d) => boundNames(d.name)) : [],
  );
  const list = statementList(releaseStatement)!;
  const after = list.slice(list.indexOf(releaseStatement) + 1);
  const symbols = declared.map((id) => ctx.types.symbolAt(id)).filter((s): s is ts.Symbol => !!s);
  if (symbols.length && after.some((s) => refersTo(ctx.types, s, symbols))) return [];
  const wrap = wrapInTryFinally(ctx.file, between[0], between[between.length - 1], releaseStatement.getText(ctx.file));
  return [
    {
      messageId: 'releaseInFinally',
      data: { name: (decl.name as ts.Identifier).text },
      // the edit also swallows the original release statement, which moves into the finally block
      edits: [{ ...wrap, end: releaseStatement.getEnd() }],
      preferred: true,
    },
  ];
}
