// The rule pages (docs/rules/<id>.md) pinned to the rules: the paragraph under the title is the rule's description;
// the `## Options` section starts with one bullet per option of the schema (name, type, default, description) or,
// for a rule without options, with NO_OPTIONS_SENTENCE; every example under `## Bad` type-checks in the fixture
// project and produces a finding of the rule, and every example under `## Good` type-checks and produces none.
// Type-checking matters: a rule stays silent on unresolved types, so an unresolved Good example would pass vacuously.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OptionSchema, Rule } from '../engine/rule';
import { RULES } from '../rules';
import { FIXTURES, REPO, fixtureProject, lintText, semanticErrors } from './rule-tester';

const DOCS = join(REPO, 'docs/rules');
/** What the Options section of a rule without options says first. */
const NO_OPTIONS_SENTENCE = 'This rule has no options.';

interface Section {
  heading: string;
  lines: string[];
}

/** The page's text before the first `## ` heading, and each `## ` section. Headings inside code fences do not count. */
function sections(text: string): { intro: string[]; sections: Section[] } {
  const intro: string[] = [];
  const out: Section[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    if (!inFence && line.startsWith('## ')) out.push({ heading: line.slice(3).trim(), lines: [] });
    else (out.at(-1)?.lines ?? intro).push(line);
  }
  return { intro, sections: out };
}

/** Paragraphs (blank-line separated blocks of lines), each as its lines. */
function paragraphs(lines: readonly string[]): string[][] {
  const out: string[][] = [[]];
  for (const line of lines) {
    if (line.trim() === '') out.push([]);
    else out.at(-1)!.push(line);
  }
  return out.filter((p) => p.length > 0);
}

/** The fenced code blocks of a section, with the fence's language. */
function codeBlocks(lines: readonly string[]): { language: string; code: string }[] {
  const out: { language: string; code: string }[] = [];
  let open: { language: string; lines: string[] } | undefined;
  for (const line of lines) {
    if (line.startsWith('```')) {
      if (open) out.push({ language: open.language, code: `${open.lines.join('\n')}\n` });
      open = open ? undefined : { language: line.slice(3).trim(), lines: [] };
    } else open?.lines.push(line);
  }
  assert.equal(open, undefined, 'an unclosed code fence');
  return out;
}

/** A list's items, each with its indented continuation lines joined by single spaces. */
function listItems(paragraph: readonly string[]): string[] {
  const items: string[] = [];
  for (const line of paragraph) {
    if (line.startsWith('- ')) items.push(line);
    else if (/^\s/.test(line) && items.length) items[items.length - 1] += ` ${line.trim()}`;
    else return [];
  }
  return items;
}

function schemaType(schema: OptionSchema): string {
  if (schema.type === 'array') return `${schemaType(schema.items)}[]`;
  if (schema.type === 'string' && schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  return schema.type;
}

/** The bullet the Options section shows for each option: name, type, default and the schema's description. */
function optionBullets(rule: Rule): string[] {
  const defaults = rule.meta.defaultOptions as Record<string, unknown>;
  return Object.entries(rule.meta.schema.properties).map(
    ([name, schema]) => `- \`${name}\` (${schemaType(schema)}, default \`${JSON.stringify(defaults[name])}\`): ${schema.description}`,
  );
}

function page(rule: Rule): { text: string; intro: string[]; sections: Section[] } {
  const text = readFileSync(join(DOCS, `${rule.meta.id}.md`), 'utf8');
  return { text, ...sections(text) };
}

function section(rule: Rule, heading: string): Section {
  const found = page(rule).sections.filter((s) => s.heading === heading);
  assert.equal(found.length, 1, `docs/rules/${rule.meta.id}.md has one "## ${heading}" section`);
  return found[0];
}

test('docs: a page for every rule and a rule for every page', () => {
  const pages = readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(pages, RULES.map((r) => r.meta.id).sort());
});

for (const rule of RULES) {
  const { id } = rule.meta;

  test(`docs: ${id}: title, then the rule's description`, () => {
    const [title, description] = paragraphs(page(rule).intro);
    assert.deepEqual(title, [`# ${id}`]);
    assert.equal(description?.join(' '), rule.meta.description);
  });

  test(`docs: ${id}: lines under 140 characters`, () => {
    const { text } = page(rule);
    const long = text.split('\n').filter((line) => line.length >= 140);
    assert.deepEqual(long, []);
  });

  test(`docs: ${id}: the Options section lists the option schema`, () => {
    const [first] = paragraphs(section(rule, 'Options').lines);
    const expected = optionBullets(rule);
    if (expected.length === 0) assert.deepEqual(first, [NO_OPTIONS_SENTENCE]);
    else assert.deepEqual(listItems(first ?? []), expected);
  });

  for (const [heading, leaky] of [
    ['Bad', true],
    ['Good', false],
  ] as const) {
    test(`docs: ${id}: the ${heading} examples ${leaky ? 'produce' : 'do not produce'} its finding`, () => {
      const blocks = codeBlocks(section(rule, heading).lines);
      assert.ok(blocks.length > 0, `"## ${heading}" has a code block`);
      const project = fixtureProject();
      // not on disk: the example is linted as overlay text in the fixture project
      const file = join(FIXTURES, id, 'docs-example.ts');
      assert.equal(existsSync(file), false, `${file} must not exist on disk`);
      project.addRootFile(file);
      const problems: string[] = [];
      try {
        for (const { language, code } of blocks) {
          if (language !== 'ts') {
            problems.push(`a \`\`\`${language} block, not \`\`\`ts:\n${code}`);
            continue;
          }
          const findings = lintText(project, rule, file, code).map((f) => `${f.line}:${f.column} ${f.message}`);
          const errors = semanticErrors(project, file);
          if (errors.length) problems.push(`type errors:\n${errors.join('\n')}\nin:\n${code}`);
          else if (leaky && findings.length === 0) problems.push(`no ${id} finding in:\n${code}`);
          else if (!leaky && findings.length) problems.push(`${id} findings:\n${findings.join('\n')}\nin:\n${code}`);
        }
        if (problems.length) assert.fail(`docs/rules/${id}.md, "## ${heading}":\n${problems.join('\n')}`);
      } finally {
        // an empty module: the example's declarations do not reach the next page's examples
        project.setOverlay(file, 'export {};\n', Date.now() + Math.random());
      }
    });
  }
}
