// The JSON Schema of leaklint.config.json (shipped as leaklint.schema.json): made from the rule list and each rule's
// option schema, so editors complete and check exactly what engine/config.ts accepts.
import { PRESETS } from './config';
import type { OptionSchema, Rule } from './rule';

export const CONFIG_SCHEMA_FILE = 'leaklint.schema.json';

const SEVERITY = {
  type: 'string',
  enum: ['off', 'warn', 'error'],
  enumDescriptions: ['Do not run the rule.', 'Report findings as warnings.', 'Report findings as errors.'],
};

const strings = (description: string) => ({ type: 'array', items: { type: 'string' }, description });

/** A rule option schema as JSON Schema (it is a subset already). */
function optionSchema(schema: OptionSchema): object {
  if (schema.type === 'object') {
    return {
      type: 'object',
      ...(schema.description && { description: schema.description }),
      properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, optionSchema(v)])),
      additionalProperties: false,
    };
  }
  if (schema.type === 'array') return { ...schema, items: optionSchema(schema.items) };
  return { ...schema };
}

export function configSchema(rules: readonly Rule[]): object {
  const ruleSettings = {
    type: 'object',
    description: 'Rule id → "off" | "warn" | "error", or ["warn", { …options }] to set the rule\'s options too.',
    properties: Object.fromEntries(
      rules.map((r) => [
        r.meta.id,
        {
          description: r.meta.description,
          anyOf: [
            { $ref: '#/definitions/severity' },
            { type: 'array', items: [{ $ref: '#/definitions/severity' }, optionSchema(r.meta.schema)], minItems: 1, maxItems: 2 },
          ],
        },
      ]),
    ),
    additionalProperties: false,
  };
  const override = {
    files: { ...strings('Globs (relative to this file) of the files these rule settings apply to.'), minItems: 1 },
    rules: { $ref: '#/definitions/rules' },
  };
  const base = {
    anyOf: [
      {
        type: 'string',
        enum: PRESETS,
        enumDescriptions: ['Rules at their default severity; test files left out (the default).', 'Every rule an error.'],
      },
      { type: 'string', pattern: '^(?!leaklint:)', description: 'A config file to extend, relative to this one.' },
    ],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/leaklint/leaklint/blob/main/leaklint.schema.json',
    title: 'LeakLint configuration (leaklint.config.json)',
    type: 'object',
    definitions: { severity: SEVERITY, rules: ruleSettings },
    properties: {
      $schema: { type: 'string' },
      extends: {
        description: 'Presets or config files this one builds on, in order; without it, leaklint:recommended. [] starts from nothing.',
        anyOf: [base, { type: 'array', items: base }],
      },
      rules: { $ref: '#/definitions/rules' },
      overrides: {
        type: 'array',
        description: 'Rule settings for some files (ESLint\'s "files" blocks); later blocks win.',
        items: { type: 'object', properties: override, required: ['files'], additionalProperties: false },
      },
      include: strings('Globs (relative to this file) of the files to analyse; default: every file.'),
      exclude: strings('Globs (relative to this file) of files not to analyse, in addition to node_modules and .d.ts files.'),
      sinks: strings('Extra hand-off sinks, as call paths such as "registry.track" or "_register".'),
      teardownMethods: strings('Extra teardown method names (dispose, close, … are built in).'),
    },
    additionalProperties: false,
  };
}
