// unbounded-collection: a long-lived Map/Set/Array/dictionary (module-level, static, or a singleton's field) that
// code running again and again only adds to, and nothing deletes from, clears, trims, resets or bounds by size.
import ts = require('typescript');
import {
  containerUses,
  isRepeatedAdd,
  keyType,
  longLivedContainer,
  pinsObjectKeys,
  valueType,
  type Container,
  type ContainerUse,
} from '../engine/analysis/collections';
import { statementList } from '../engine/analysis/owner';
import { chunkSourceAt, mentionsSymbol } from '../engine/analysis/streams';
import {
  appendToBody,
  constantCase,
  freshIdentifier,
  insertAfterStatement,
  insertModuleDeclaration,
  isTypeScriptFile,
  type Edit,
} from '../engine/fix';
import { defineRule, docsUrl, type Report, type RuleContext } from '../engine/rule';

const ID = 'unbounded-collection';
const DEFAULT_MAX = 1000;

export default defineRule({
  meta: {
    id: ID,
    description: 'A long-lived Map, Set, array or dictionary is only ever added to, so it grows for the life of the program.',
    defaultSeverity: 'warn',
    docs: docsUrl(ID),
    fixable: true,
  },
  create(ctx) {
    const check = (decl: ts.VariableDeclaration | ts.PropertyDeclaration): void => {
      const c = longLivedContainer(ctx.types, decl);
      if (!c || boundedDomain(ctx, c)) return;
      const uses = containerUses(ctx.types, c);
      if (uses.some((u) => u.kind === 'remove' || u.kind === 'reset' || u.kind === 'bound' || u.kind === 'escape')) return;
      if (pinsObjectKeys(ctx.types, c, uses)) return; // object-keyed-cache reports it, with a WeakMap/WeakSet fix
      const growth = uses.filter((u) => u.kind === 'add' && isRepeatedAdd(c, u) && !accumulatesChunk(ctx, u));
      if (growth.length) ctx.report(report(ctx, c, growth));
    };
    return {
      [ts.SyntaxKind.VariableDeclaration]: check,
      [ts.SyntaxKind.PropertyDeclaration]: check,
    };
  },
});

/**
 * Keys from a finite set (literal unions, enums, booleans) cannot grow without bound, and collections of functions
 * or classes are registries filled by the program's structure, not by its input.
 */
function boundedDomain(ctx: RuleContext, c: Container): boolean {
  const key = keyType(ctx.types, c);
  if (key && c.kind !== 'array' && ctx.types.isFiniteDomain(key)) return true;
  const value = valueType(ctx.types, c);
  return !!value && ctx.types.isCallable(value);
}

/** `chunks.push(chunk)` in a stream's data handler or `for await` loop: unbounded-buffer's domain. */
function accumulatesChunk(ctx: RuleContext, add: ContainerUse): boolean {
  const source = chunkSourceAt(ctx.types, add.site);
  return !!source && mentionsSymbol(ctx.types, add.site, source.chunk);
}

const KIND_NAMES = { map: 'Map', set: 'Set', array: 'array', dictionary: 'dictionary object' } as const;

function report(ctx: RuleContext, c: Container, growth: ContainerUse[]): Report {
  const name = c.decl.name.getText(ctx.file);
  const adds = [...new Set(growth.map((u) => u.method ?? 'index assignment'))].join('/');
  return {
    node: c.decl.name,
    message:
      `\`${name}\` (a ${c.lifetime} ${KIND_NAMES[c.kind]}) is only ever added to (${adds}) and never deleted from, cleared, trimmed ` +
      'or bounded by a size check: it grows for as long as the program runs.',
    related: growth.slice(0, 3).map((u) => ({ node: u.site, message: 'added here, on every call' })),
    fixes: [...boundFix(ctx, c, growth), ...teardownFix(ctx, c)],
  };
}

/** After every add: `if (x.length > MAX) x.splice(0, x.length - MAX);` / `if (m.size > MAX) m.delete(<oldest key>);`. */
function boundFix(ctx: RuleContext, c: Container, growth: ContainerUse[]): NonNullable<Report['fixes']> {
  if (c.kind === 'dictionary') return [];
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
  return [
    { title: `Bound \`${c.decl.name.getText(ctx.file)}\` to ${max} entries (drop ${oldest} after each add)`, edits, preferred: true },
  ];
}

/** A singleton's own teardown empties the field: `this.x.clear()` / `this.x.length = 0`. */
function teardownFix(ctx: RuleContext, c: Container): NonNullable<Report['fixes']> {
  if (c.lifetime !== 'singleton field' || !c.cls || c.kind === 'dictionary') return [];
  const teardown = ctx.analysis.lifecycle.of(c.cls).ownTeardowns[0];
  if (!teardown?.body) return [];
  const x = `this.${c.decl.name.getText(ctx.file)}`;
  const code = c.kind === 'array' ? `${x}.length = 0;` : `${x}.clear();`;
  return [
    {
      title: `Empty \`${x}\` in ${teardown.name.getText(ctx.file)}()`,
      edits: [appendToBody(ctx.file, teardown.body, code)],
      preferred: false,
    },
  ];
}
