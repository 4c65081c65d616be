// unbounded-collection: a long-lived Map/Set/Array/dictionary (module-level, static, or a singleton's field) that
// code running again and again only adds to, and nothing deletes from, clears, trims, resets or bounds by size.
import ts = require('typescript');
import {
  aliasedEntry,
  chunkSourceAt,
  containerUses,
  enclosingFunction,
  entryForHandedInObject,
  entryPerHandlerEvent,
  growsOnlyWithDistinctKeys,
  holdsFixedEntries,
  isRepeatedAdd,
  keyType,
  keyFromBoundedDomain,
  longLivedContainer,
  neverCalled,
  perCallEntriesInValues,
  perEventEntry,
  pinsObjectKeys,
  refersTo,
  releasedApart,
  statementList,
  valueType,
  type AliasedEntry,
  type Container,
  type ContainerUse,
  type LifecycleAnalysis,
  type PerEventEntry,
} from '../engine/analysis';
import {
  appendToBody,
  constantCase,
  freshIdentifier,
  insertAfterStatement,
  insertModuleDeclaration,
  isTypeScriptFile,
  type Edit,
} from '../engine/fix';
import { TEARDOWN_OPTIONS } from '../engine/options';
import { defineRule, type Report, type RuleContext } from '../engine/rule';

const DEFAULT_MAX = 1000;

const MESSAGES = {
  onlyGrows:
    '`{{name}}` (a {{lifetime}} {{kind}}) is only ever added to ({{adds}}) and never deleted from, cleared, trimmed or bounded by a size ' +
    'check: it grows for as long as the program runs.',
  removesNothing:
    '`{{name}}` (a {{lifetime}} {{kind}}) never loses an entry: this splice has a delete count of {{count}} and removes nothing, ' +
    'so everything added ({{adds}}) stays for as long as the program runs.',
  keptAfterRelease:
    '`{{name}}` keeps `{{value}}` after {{release}}() releases it: nothing removes it from the {{kind}}, which gains a dead entry on ' +
    'every call while its owner lives.',
  valuesGrow:
    '`{{name}}` keeps a dictionary per key, and each gains an entry under a key made anew at every call (`{{key}}`) that nothing ' +
    'deletes: the dictionaries of long-lived keys grow for as long as the program runs.',
  entryPerEvent:
    "`{{name}}` gains `{{value}}` on every '{{event}}' event and never loses an entry: those that have ended stay in it for as long " +
    'as its owner lives.',
  entryPerHandedInObject:
    '`{{name}}` gains an entry for every `{{param}}` handed to {{method}}() and never loses one: the entries of those that have ' +
    'ended stay for as long as its owner lives.',
  filledPerEvent:
    "`{{name}}` gains an entry on every '{{event}}' event and nothing removes one, not even {{teardown}}(): the entries pile up for " +
    'as long as the component listens, and stay after its teardown.',
  aliasOutlivesOrigin:
    '`{{name}}` gains a second entry here for the value of its `{{parent}}` entry, but removing an entry removes only its own ' +
    'key: once `{{parent}}` is deleted, this entry keeps the value it shared until its own removal, which may never come.',
  removesOneKey: 'removes one key, not the entries added for its value',
  releasedHere: 'released here, but left in `{{name}}`',
  addedHere: 'added here, on every call',
  removeOnRelease: 'Remove `{{value}}` from `{{name}}` when it is released',
  spliceOne: 'Remove the entry: splice(…, 1)',
  bound: 'Bound `{{name}}` to {{max}} entries (drop {{oldest}} after each add)',
  emptyInTeardown: 'Empty `{{field}}` in {{teardown}}()',
};
type MessageId = keyof typeof MESSAGES;
type Context = RuleContext<MessageId>;
type Fixes = NonNullable<Report<MessageId>['fixes']>;

export default defineRule({
  meta: {
    id: 'unbounded-collection',
    description: 'A long-lived Map, Set, array or dictionary is only ever added to, so it grows for the life of the program.',
    messages: MESSAGES,
    ...TEARDOWN_OPTIONS,
    defaultSeverity: 'warn',
    fixable: true,
  },
  create(ctx, options) {
    const lifecycle = ctx.analysis.lifecycleWith(options.teardownMethods);
    const check = (decl: ts.VariableDeclaration | ts.PropertyDeclaration): void => {
      const nested = ts.isVariableDeclaration(decl) ? perCallEntriesInValues(ctx.types, decl) : [];
      if (nested.length) return ctx.report(valuesGrow(ctx, decl.name, nested));
      const c = longLivedContainer(ctx.types, decl, { instanceFields: true });
      if (!c || (c.lifetime !== 'instance field' && boundedDomain(ctx, c))) return;
      const uses = containerUses(ctx.types, c);
      if (uses.some((u) => u.kind === 'remove' || u.kind === 'reset' || u.kind === 'bound' || u.kind === 'escape')) return;
      // an instance's field lives as long as the instance: it grows without bound only with entries that are dead
      if (c.lifetime === 'instance field') {
        const kept = uses.flatMap((u) => {
          const release = isRepeatedAdd(ctx.types, c, u) ? releasedApart(ctx.types, u) : undefined;
          return release ? [{ add: u, release }] : [];
        });
        if (kept.length) return ctx.report(keptAfterRelease(ctx, c, kept[0].add, kept[0].release));
        const handedIn = entryForHandedInObject(ctx.types, c, uses);
        if (handedIn) return ctx.report(entryPerHandedInObject(ctx, handedIn.add, handedIn.param));
        const teardown = c.cls && lifecycle.of(c.cls).teardownToName;
        const filled = teardown && entryPerHandlerEvent(ctx.types, c, uses);
        if (filled) ctx.report(filledPerEvent(ctx, lifecycle, c, filled.add, filled.event, teardown.name.getText(ctx.file)));
        return;
      }
      if (pinsObjectKeys(ctx.types, c, uses)) return; // object-keyed-cache reports it, with a WeakMap/WeakSet fix
      const fixedEntries = holdsFixedEntries(ctx.types, c, uses);
      const growth = uses.filter(
        (u) =>
          u.kind === 'add' &&
          isRepeatedAdd(ctx.types, c, u) &&
          !accumulatesChunk(ctx, u) &&
          !keyFromBoundedDomain(ctx.types, c, u) &&
          !growsOnlyWithDistinctKeys(ctx.types, c, uses, u) &&
          // a table of built-ins whose hook for more the program never calls
          !(fixedEntries && neverCalled(ctx.types, u)),
      );
      if (!growth.length) return;
      const noOp = uses.find((u) => u.kind === 'no-op remove');
      ctx.report(noOp ? removesNothing(ctx, c, growth, noOp) : report(ctx, lifecycle, c, growth, fixedEntries));
    };
    return {
      [ts.SyntaxKind.VariableDeclaration]: check,
      [ts.SyntaxKind.PropertyDeclaration]: check,
      [ts.SyntaxKind.CallExpression]: (call) => {
        const entry = perEventEntry(ctx.types, call);
        if (entry) return ctx.report(entryPerEvent(ctx, entry));
        const alias = aliasedEntry(ctx.types, call);
        if (alias) ctx.report(aliasOutlivesOrigin(ctx, alias));
      },
    };
  },
});

/**
 * Keys from a finite set (literal unions, enums, booleans) cannot grow without bound, and collections of functions
 * or classes are registries filled by the program's structure, not by its input.
 */
function boundedDomain(ctx: Context, c: Container): boolean {
  const key = keyType(ctx.types, c);
  if (key && c.kind !== 'array' && ctx.types.isFiniteDomain(key)) return true;
  const value = valueType(ctx.types, c);
  return !!value && ctx.types.isCallable(value);
}

/** `chunks.push(chunk)` in a stream's data handler or `for await` loop: unbounded-buffer's domain. */
function accumulatesChunk(ctx: Context, add: ContainerUse): boolean {
  const source = chunkSourceAt(ctx.types, add.site);
  return !!source && refersTo(ctx.types, add.site, source.chunk);
}

const KIND_NAMES = { map: 'Map', set: 'Set', array: 'array', dictionary: 'dictionary object' } as const;

function report(
  ctx: Context,
  lifecycle: LifecycleAnalysis,
  c: Container,
  growth: ContainerUse[],
  fixedEntries: boolean,
): Report<MessageId> {
  const name = c.decl.name.getText(ctx.file);
  const adds = [...new Set(growth.map((u) => u.method ?? 'index assignment'))].join('/');
  return {
    node: c.decl.name,
    messageId: 'onlyGrows',
    data: { name, lifetime: c.lifetime, kind: KIND_NAMES[c.kind], adds },
    related: growth.slice(0, 3).map((u) => ({ node: u.site, messageId: 'addedHere' })),
    fixes: [...(fixedEntries ? [] : boundFix(ctx, c, growth)), ...teardownFix(ctx, lifecycle, c)],
  };
}

/** Reported at the add; no fix: when the value ends is the program's to know. */
function entryPerEvent(ctx: Context, entry: PerEventEntry): Report<MessageId> {
  return {
    node: entry.add.site,
    messageId: 'entryPerEvent',
    data: { name: entry.add.ref.getText(ctx.file), value: entry.value.text, event: entry.event },
  };
}

/** Reported at the alias; no fix: which entries belong to which (a parent's children) is the program's to record. */
function aliasOutlivesOrigin(ctx: Context, alias: AliasedEntry): Report<MessageId> {
  const map = (alias.add.expression as ts.PropertyAccessExpression).expression;
  return {
    node: alias.add,
    messageId: 'aliasOutlivesOrigin',
    data: { name: map.getText(ctx.file), parent: alias.origin.arguments[0].getText(ctx.file) },
    related: alias.removals.slice(0, 3).map((r) => ({ node: r, messageId: 'removesOneKey' })),
  };
}

/** Reported at the add; no fix: when the object ends (its end event, its teardown) is the program's to know. */
function entryPerHandedInObject(ctx: Context, add: ContainerUse, param: ts.ParameterDeclaration): Report<MessageId> {
  const method = param.parent as ts.MethodDeclaration;
  return {
    node: add.site,
    messageId: 'entryPerHandedInObject',
    data: { name: add.ref.getText(ctx.file), param: param.name.getText(ctx.file), method: method.name.getText(ctx.file) },
  };
}

/** Reported at the add; the fix empties the field in the component's teardown. */
function filledPerEvent(
  ctx: Context,
  lifecycle: LifecycleAnalysis,
  c: Container,
  add: ContainerUse,
  event: string,
  teardown: string,
): Report<MessageId> {
  const editable = lifecycle.of(c.cls!).teardownToEdit;
  const field = `this.${c.decl.name.getText(ctx.file)}`;
  return {
    node: add.site,
    messageId: 'filledPerEvent',
    data: { name: add.ref.getText(ctx.file), event, teardown },
    fixes: editable?.body
      ? [
          {
            messageId: 'emptyInTeardown',
            data: { field, teardown: editable.name.getText(ctx.file) },
            edits: [appendToBody(ctx.file, editable.body, `${field}.clear();`)],
            preferred: true,
          },
        ]
      : [],
  };
}

/** Reported at the map; no fix: which entries a dictionary can lose is the program's to decide. */
function valuesGrow(ctx: Context, name: ts.Node, writes: ts.BinaryExpression[]): Report<MessageId> {
  const key = (writes[0].left as ts.ElementAccessExpression).argumentExpression.getText(ctx.file);
  return {
    node: name,
    messageId: 'valuesGrow',
    data: { name: name.getText(ctx.file), key },
    related: writes.slice(0, 3).map((w) => ({ node: w, messageId: 'addedHere' })),
  };
}

/** Reported at the add; the fix removes the entry right after the release (arrays by index, Sets by value). */
function keptAfterRelease(ctx: Context, c: Container, add: ContainerUse, release: ts.CallExpression): Report<MessageId> {
  const name = c.decl.name.getText(ctx.file);
  const value = (add.site as ts.CallExpression).arguments.at(-1)!.getText(ctx.file);
  const method = (release.expression as ts.PropertyAccessExpression).name.text;
  const x = add.ref.getText(ctx.file);
  const statement = release.parent;
  const fixes: Fixes = [];
  if (
    ts.isExpressionStatement(statement) &&
    statement.expression === release &&
    statementList(statement) &&
    c.kind !== 'map' &&
    sameThis(release, add.site)
  ) {
    const code = c.kind === 'set' ? `${x}.delete(${value});` : `if (${x}.includes(${value})) ${x}.splice(${x}.indexOf(${value}), 1);`;
    fixes.push({
      messageId: 'removeOnRelease',
      data: { name, value },
      edits: [insertAfterStatement(ctx.file, statement, code)],
      preferred: true,
    });
  }
  const callee = (add.site as ts.CallExpression).expression;
  return {
    node: ts.isPropertyAccessExpression(callee) ? callee.name : add.site,
    messageId: 'keptAfterRelease',
    data: { name, value, release: method, kind: KIND_NAMES[c.kind] },
    related: [{ node: release, messageId: 'releasedHere', data: { name } }],
    fixes,
  };
}

/** No `function` between the release and the add's function: `this` at the release is the add's `this`. */
function sameThis(release: ts.Node, add: ts.Node): boolean {
  const fn = enclosingFunction(add);
  for (let n = release.parent; n && n !== fn; n = n.parent) if (ts.isFunctionLike(n) && !ts.isArrowFunction(n)) return false;
  return true;
}

/** The broken removal is the finding: it is where the fix goes (a delete count of 1). */
function removesNothing(ctx: Context, c: Container, growth: ContainerUse[], noOp: ContainerUse): Report<MessageId> {
  const call = noOp.site as ts.CallExpression;
  const count = call.arguments[1];
  const adds = [...new Set(growth.map((u) => u.method ?? 'index assignment'))].join('/');
  return {
    node: count,
    messageId: 'removesNothing',
    data: { name: c.decl.name.getText(ctx.file), lifetime: c.lifetime, kind: KIND_NAMES[c.kind], count: count.getText(ctx.file), adds },
    related: growth.slice(0, 3).map((u) => ({ node: u.site, messageId: 'addedHere' })),
    fixes: [
      {
        messageId: 'spliceOne',
        data: {},
        edits: [{ start: count.getStart(ctx.file), end: count.end, newText: '1' }],
        preferred: true,
      },
    ],
  };
}

/** After every add: `if (x.length > MAX) x.splice(0, x.length - MAX);` / `if (m.size > MAX) m.delete(<oldest key>);`. */
function boundFix(ctx: Context, c: Container, growth: ContainerUse[]): Fixes {
  // a registry of live instances (`registry.set(id, this)`) must not forget one that is still in use
  if (c.kind === 'dictionary' || growth.some(registersInstance)) return [];
  const max = freshIdentifier(ctx.file, `MAX_${constantCase(c.decl.name.getText(ctx.file))}`);
  const constant = insertModuleDeclaration(ctx.file, c.decl, `const ${max} = ${DEFAULT_MAX};`);
  if (!constant) return [];
  const edits: Edit[] = [constant];
  const nonNull = isTypeScriptFile(ctx.file) ? '!' : '';
  for (const add of growth) {
    const statement = add.site.parent;
    // the add must be a statement of its own, on a receiver that can be named again (no `?.`)
    if (!ts.isExpressionStatement(statement) || statement.expression !== add.site || !statementList(statement)) return [];
    if (ts.isOptionalChain(add.site as ts.Expression)) return [];
    const x = add.ref.getText(ctx.file);
    const trim =
      c.kind === 'array'
        ? add.method === 'unshift'
          ? `if (${x}.length > ${max}) ${x}.splice(${max});`
          : `if (${x}.length > ${max}) ${x}.splice(0, ${x}.length - ${max});`
        : `if (${x}.size > ${max}) ${x}.delete(${x}.keys().next().value${nonNull});`;
    edits.push(insertAfterStatement(ctx.file, statement, trim));
  }
  const oldest = c.kind === 'array' ? 'the oldest entries' : 'the oldest entry';
  return [{ messageId: 'bound', data: { name: c.decl.name.getText(ctx.file), max, oldest }, edits, preferred: true }];
}

function registersInstance(add: ContainerUse): boolean {
  const value = ts.isCallExpression(add.site) ? add.site.arguments.at(-1) : undefined;
  return !!value && value.kind === ts.SyntaxKind.ThisKeyword;
}

/** A singleton's own teardown empties the field: `this.x.clear()` / `this.x.length = 0`. */
function teardownFix(ctx: Context, lifecycle: LifecycleAnalysis, c: Container): Fixes {
  if (c.lifetime !== 'singleton field' || !c.cls || c.kind === 'dictionary') return [];
  const teardown = lifecycle.of(c.cls).teardownToEdit;
  if (!teardown?.body) return [];
  const x = `this.${c.decl.name.getText(ctx.file)}`;
  const code = c.kind === 'array' ? `${x}.length = 0;` : `${x}.clear();`;
  return [
    {
      messageId: 'emptyInTeardown',
      data: { field: x, teardown: teardown.name },
      edits: [appendToBody(ctx.file, teardown.body, code)],
      preferred: false,
    },
  ];
}
