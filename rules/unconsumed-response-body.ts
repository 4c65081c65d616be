// unconsumed-response-body: a fetch / undici response whose body is neither read nor cancelled on some path (an
// early return or throw before the read), which keeps its connection checked out until garbage collection.
import ts = require('typescript');
import { BODY_CONSUMERS, exitsBeforeFirstUse, responseCall, statementList, stringProperty, type Use } from '../engine/analysis';
import { insertAfterStatement, insertBeforeStatement, type Edit } from '../engine/fix';
import { NO_OPTIONS } from '../engine/options';
import { defineRule, type RuleContext } from '../engine/rule';

const MESSAGES = {
  neverConsumed:
    'The body of the response from {{callee}}() is never read or cancelled: the connection stays checked out until the response is ' +
    'garbage-collected.',
  notConsumedOnExit:
    'The body of the response from {{callee}}() is not read or cancelled when the code leaves at line {{lines}}: the connection stays ' +
    'checked out until the response is garbage-collected.',
  leavesHere: 'leaves here without reading or cancelling the body',
  cancelUnread: 'Cancel the unread body',
  cancelBeforeLeaving: 'Cancel the body before leaving early',
};
type Context = RuleContext<keyof typeof MESSAGES>;

export default defineRule({
  meta: {
    id: 'unconsumed-response-body',
    description: 'A fetch/undici response body is neither consumed nor cancelled on some path, so its connection stays busy.',
    messages: MESSAGES,
    ...NO_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx) {
    return {
      [ts.SyntaxKind.VariableDeclaration]: (decl) => {
        const init = decl.initializer;
        if (!init || !ts.isAwaitExpression(init) || !ts.isCallExpression(init.expression)) return;
        const call = init.expression;
        const client = responseCall(ctx.types, call);
        if (!client || ctx.analysis.runsOncePerApplication(decl) || isHeadRequest(call)) return;
        const response = responseUses(ctx, decl.name);
        if (!response) return;
        const { body, consumed } = response;
        const callee = call.expression;
        // undici's body is always there and has dump(); fetch's may be null
        const cancel = body && `await ${body}${client === 'fetch' ? '?.cancel()' : '.dump()'};`;
        if (!consumed.length) {
          const statement = decl.parent.parent;
          const fixable = cancel && ts.isVariableStatement(statement) && statementList(statement);
          ctx.report({
            node: call,
            messageId: 'neverConsumed',
            data: { callee },
            fixes: fixable
              ? [{ messageId: 'cancelUnread', edits: [insertAfterStatement(ctx.file, statement, cancel)], preferred: true }]
              : [],
          });
          return;
        }
        const exits = exitsBeforeFirstUse(decl, consumed);
        if (!exits.length) return;
        const line = (n: ts.Node) => ctx.file.getLineAndCharacterOfPosition(n.getStart(ctx.file)).line + 1;
        ctx.report({
          node: call,
          messageId: 'notConsumedOnExit',
          data: { callee, lines: exits.map(line).join(', ') },
          related: exits.map((e) => ({ node: e, messageId: 'leavesHere' })),
          fixes: cancel
            ? [
                {
                  messageId: 'cancelBeforeLeaving',
                  edits: exits.map((e): Edit => insertBeforeStatement(ctx.file, e as ts.Statement, cancel)),
                  preferred: true,
                },
              ]
            : [],
        });
      },
    };
  },
});

/** `fetch(url, { method: 'HEAD' })`: the response has no body. */
function isHeadRequest(call: ts.CallExpression): boolean {
  return stringProperty(call.arguments[1], 'method')?.toUpperCase() === 'HEAD';
}

/**
 * The uses that read or discard the body: `res.json()`/`text()`/…, any use of `res.body`, or (for a destructured
 * `{ body }`) any use of `body`. Undefined when the response or its body is handed off, or the code is too
 * involved to follow (reassigned, cloned).
 */
function responseUses(ctx: Context, binding: ts.BindingName): { body: string | undefined; consumed: Use[] } | undefined {
  if (ts.isIdentifier(binding)) {
    const { uses, releases, handOffs } = ctx.analysis.usesOf(binding, { methods: BODY_CONSUMERS });
    if (handOffs.length || uses.some((u) => u.kind === 'reassigned' || u.method === 'clone')) return undefined;
    const bodyReads = uses.filter((u) => u.kind === 'read' && ts.isPropertyAccessExpression(u.site) && u.site.name.text === 'body');
    return { body: `${binding.text}.body`, consumed: [...releases, ...bodyReads] };
  }
  if (!ts.isObjectBindingPattern(binding) || binding.elements.some((e) => e.dotDotDotToken)) return undefined;
  const body = binding.elements.find((e) => (e.propertyName ?? e.name).getText() === 'body');
  if (!body) return { body: undefined, consumed: [] };
  if (!ts.isIdentifier(body.name)) return undefined;
  const { uses } = ctx.analysis.usesOf(body.name, { methods: BODY_CONSUMERS });
  return { body: body.name.text, consumed: uses };
}
