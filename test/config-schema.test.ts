// leaklint.schema.json: generated from the rules, shipped in the package and the .vsix, and wired into VS Code.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { ConfigError, parseConfig } from '../engine/config';
import { CONFIG_SCHEMA_FILE, configSchema } from '../engine/config-schema';
import { RULES } from '../rules';
import { REPO } from './rule-tester';

const SHIPPED = join(REPO, CONFIG_SCHEMA_FILE);

test('the shipped leaklint.schema.json is the one generated from the rules (UPDATE_SCHEMA=1 rewrites it; then prettier)', () => {
  if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SHIPPED, `${JSON.stringify(configSchema(RULES), null, 2)}\n`);
  assert.deepEqual(JSON.parse(readFileSync(SHIPPED, 'utf8')), configSchema(RULES));
});

test('the schema accepts what the config parser accepts and rejects what it rejects', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SHIPPED, 'utf8')));
  const parses = (config: object) => {
    try {
      parseConfig('/c.json', JSON.stringify(config), RULES);
      return true;
    } catch (error) {
      if (error instanceof ConfigError) return false;
      throw error;
    }
  };
  const cases: object[] = [
    {},
    { $schema: './node_modules/leaklint/leaklint.schema.json', extends: 'leaklint:strict' },
    { extends: ['leaklint:recommended'], rules: { 'listener-leak': 'off', 'uncleared-timer': 'error' } },
    { rules: { 'subscription-leak': ['warn', { completingOperators: ['take'] }] } },
    { rules: { 'subscription-leak': ['warn', { nope: 1 }] } },
    { rules: { 'subscription-leak': ['warn', { completingOperators: 'take' }] } },
    { rules: { 'subscription-leak': ['loud'] } },
    { rules: { 'no-such-rule': 'warn' } },
    { overrides: [{ files: ['**/legacy/**'], rules: { 'unclosed-resource': 'off' } }] },
    { overrides: [{ rules: {} }] },
    { overrides: [{ files: ['x'], severity: 'off' }] },
    { include: ['src/**'], exclude: ['gen/**'], sinks: ['registry.track'], teardownMethods: ['halt'] },
    { include: 'src' },
    { rulez: {} },
    { extends: 'leaklint:lax' },
  ];
  for (const config of cases) assert.equal(validate(config), parses(config), JSON.stringify(config));
  assert.ok(cases.some((c) => !parses(c)) && cases.some(parses));
});

test('the manifest wires the schema to leaklint.config.json, and the .vsix ships it', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: 'leaklint.config.json', url: `./${CONFIG_SCHEMA_FILE}` }]);
  assert.match(readFileSync(join(REPO, '.vscodeignore'), 'utf8'), new RegExp(`^!${CONFIG_SCHEMA_FILE.replace('.', '\\.')}$`, 'm'));
});

test('marketplace hygiene: LICENSE, CHANGELOG, bugs and homepage, workspace trust and virtual workspaces explained', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const shipped = readFileSync(join(REPO, '.vscodeignore'), 'utf8');
  for (const file of ['LICENSE', 'CHANGELOG.md']) {
    assert.ok(readFileSync(join(REPO, file), 'utf8').length > 0, file);
    assert.match(shipped, new RegExp(`^!${file.replace('.', '\\.')}$`, 'm'));
  }
  assert.match(readFileSync(join(REPO, 'LICENSE'), 'utf8'), new RegExp(`^${manifest.license} License`));
  assert.match(manifest.bugs.url, /^https:\/\//);
  assert.match(manifest.homepage, /^https:\/\//);
  for (const kind of ['untrustedWorkspaces', 'virtualWorkspaces']) {
    assert.equal(typeof manifest.capabilities[kind].supported, 'boolean', kind);
    assert.ok(manifest.capabilities[kind].description, kind);
  }
});
