// Rule options: a value from leaklint.config.json checked against the rule's schema (the subset of JSON Schema in
// OptionSchema), with the position of the first bad value; and the merge of the rule's defaults with it.
import ts = require('typescript');
import type { ObjectSchema, OptionSchema } from './rule';

/** A bad option value: the JSON node it is at and what is wrong with it. */
export class OptionError extends Error {
  constructor(
    readonly node: ts.Node,
    detail: string,
  ) {
    super(detail);
  }
}

/** Converts the JSON node to a value, checking it against the schema; throws OptionError at the first mismatch. */
export function readOption(node: ts.Expression, schema: OptionSchema, path: string): unknown {
  switch (schema.type) {
    case 'string': {
      if (!ts.isStringLiteral(node)) throw new OptionError(node, `${path} must be a string`);
      if (schema.enum && !schema.enum.includes(node.text)) throw new OptionError(node, `${path} must be one of ${schema.enum.join(', ')}`);
      return node.text;
    }
    case 'number': {
      const negative = ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken;
      const literal = negative ? node.operand : node;
      if (!ts.isNumericLiteral(literal)) throw new OptionError(node, `${path} must be a number`);
      const value = Number(literal.text) * (negative ? -1 : 1);
      if (schema.minimum !== undefined && value < schema.minimum) throw new OptionError(node, `${path} must be at least ${schema.minimum}`);
      return value;
    }
    case 'boolean': {
      if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
      if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
      throw new OptionError(node, `${path} must be true or false`);
    }
    case 'array': {
      if (!ts.isArrayLiteralExpression(node)) throw new OptionError(node, `${path} must be an array`);
      return node.elements.map((e, i) => readOption(e, schema.items, `${path}[${i}]`));
    }
    case 'object':
      return readObject(node, schema, path);
  }
}

function readObject(node: ts.Expression, schema: ObjectSchema, path: string): Record<string, unknown> {
  if (!ts.isObjectLiteralExpression(node)) throw new OptionError(node, `${path} must be an object`);
  const out: Record<string, unknown> = {};
  for (const prop of node.properties) {
    if (!ts.isPropertyAssignment(prop) || !ts.isStringLiteral(prop.name))
      throw new OptionError(prop, `expected a "key": value pair in ${path}`);
    const key = prop.name.text;
    const property = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (!property) {
      const valid = Object.keys(schema.properties);
      throw new OptionError(
        prop.name,
        `unknown option "${key}" in ${path} (${valid.length ? `valid options: ${valid.join(', ')}` : 'it has no options'})`,
      );
    }
    out[key] = readOption(prop.initializer, property, `${path}.${key}`);
  }
  return out;
}

/** The rule's defaults with the configured options over them (one level deep, as typescript-eslint's applyDefault). */
export function withDefaults<Options extends object>(defaults: Options, configured: object | undefined): Options {
  return { ...defaults, ...configured };
}

/** The option every rule that reads a class's teardown takes: more teardown method names, for this rule alone. */
export const TEARDOWN_METHODS_OPTION = {
  type: 'array',
  description: 'More teardown method names for this rule, besides the built-in ones and the config\'s "teardownMethods".',
  items: { type: 'string', description: 'A method name, e.g. "shutdown".' },
} as const satisfies OptionSchema;

/** The schema and defaults of a rule without options. */
export const NO_OPTIONS = {
  schema: { type: 'object', properties: {}, additionalProperties: false },
  defaultOptions: {},
} as const satisfies { schema: ObjectSchema; defaultOptions: object };

/** The schema and defaults of a rule whose only option is `teardownMethods`. */
export const TEARDOWN_OPTIONS = {
  schema: { type: 'object', properties: { teardownMethods: TEARDOWN_METHODS_OPTION }, additionalProperties: false },
  defaultOptions: { teardownMethods: [] as readonly string[] },
} as const satisfies { schema: ObjectSchema; defaultOptions: object };
