// object-keyed-cache: a long-lived Map/Set whose keys are objects (by the checker), that code running again and
// again adds to, and that nothing deletes from, iterates or sizes. It pins every key object forever; a WeakMap/WeakSet
// holds the same entries without keeping the keys alive. (unbounded-collection leaves these containers to this rule.)
import ts = require('typescript');
import { containerUses, isRepeatedAdd, longLivedContainer, pinsObjectKeys, type Container, type ContainerUse } from '../engine/analysis';
import { NO_OPTIONS } from '../engine/options';
import { defineRule, type Report, type RuleContext } from '../engine/rule';

const MESSAGES = {
  pinsKeys:
    '`{{name}}` (a {{lifetime}} {{collection}} keyed by {{keyType}}) is never deleted from or iterated: ' +
    'it keeps every key object alive for as long as the program runs. A {{weak}} would let them be collected.',
  keyAdded: 'a key is added here',
  makeWeak: 'Make `{{name}}` a {{weak}}',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;

/** The methods a WeakMap/WeakSet also has: uses limited to these keep working after the switch. */
const WEAK_METHODS = { map: ['get', 'set', 'has'], set: ['add', 'has'] } as const;

export default defineRule({
  meta: {
    id: 'object-keyed-cache',
    description: 'A long-lived Map or Set keyed by objects is never deleted from or iterated, so it keeps every key object alive.',
    messages: MESSAGES,
    ...NO_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx) {
    const check = (decl: ts.VariableDeclaration | ts.PropertyDeclaration): void => {
      const c = longLivedContainer(ctx.types, decl);
      if (!c) return;
      const uses = containerUses(ctx.types, c);
      if (!pinsObjectKeys(ctx.types, c, uses) || uses.some((u) => u.kind === 'remove' || u.kind === 'reset')) return;
      const growth = uses.filter((u) => u.kind === 'add' && isRepeatedAdd(ctx.types, c, u));
      if (growth.length) ctx.report(report(ctx, c, uses, growth));
    };
    return {
      [ts.SyntaxKind.VariableDeclaration]: check,
      [ts.SyntaxKind.PropertyDeclaration]: check,
    };
  },
});

function report(ctx: Context, c: Container, uses: ContainerUse[], growth: ContainerUse[]): Report<MessageId> {
  const name = c.decl.name.getText(ctx.file);
  const collection = c.kind === 'map' ? 'Map' : 'Set';
  const weak = `Weak${collection}`;
  const keyType = ctx.types.typeName(ctx.types.typeArguments(c.type)[0]);
  return {
    node: c.decl.name,
    messageId: 'pinsKeys',
    data: { name, lifetime: c.lifetime, collection, keyType, weak },
    related: growth.slice(0, 3).map((u) => ({ node: u.site, messageId: 'keyAdded' })),
    fixes: weakFix(ctx, c, uses, collection, weak),
  };
}

/** `new Map()` → `new WeakMap()` at every creation, and `Map<K, V>` → `WeakMap<K, V>` in the declared type. */
function weakFix(ctx: Context, c: Container, uses: ContainerUse[], collection: 'Map' | 'Set', weak: string): Report<MessageId>['fixes'] {
  const allowed: readonly string[] = WEAK_METHODS[c.kind as 'map' | 'set'];
  if (uses.some((u) => u.kind !== 'add' && !(u.kind === 'read' && u.method && allowed.includes(u.method)))) return [];
  const edits: { start: number; end: number; newText: string }[] = [];
  for (const created of c.creations) {
    if (!ts.isNewExpression(created) || created.arguments?.length || !isName(created.expression, collection)) return [];
    edits.push(rename(ctx, created.expression, weak));
  }
  const declared = c.decl.type;
  if (declared) {
    if (!ts.isTypeReferenceNode(declared) || !isName(declared.typeName, collection)) return [];
    edits.push(rename(ctx, declared.typeName, weak));
  }
  return [{ messageId: 'makeWeak', data: { name: c.decl.name.getText(ctx.file), weak }, edits, preferred: true }];
}

function isName(n: ts.Node, name: string): boolean {
  return ts.isIdentifier(n) && n.text === name;
}

function rename(ctx: Context, n: ts.Node, text: string) {
  return { start: n.getStart(ctx.file), end: n.getEnd(), newText: text };
}
