// Stable fingerprints of findings, so CI can tell new findings from known ones (baselines, SARIF
// partialFingerprints). A fingerprint hashes the rule, the enclosing declaration's name path and the flagged code
// with whitespace and comments dropped: line shifts, reformatting and edits elsewhere keep it; changing the leaking
// code or moving it to another declaration changes it.
import { createHash } from 'node:crypto';
import ts = require('typescript');
import type { Finding } from './rule';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** The fingerprint of a finding on `node`, before occurrence numbering (see numberOccurrences). */
export function fingerprintOf(ruleId: string, node: ts.Node, file: ts.SourceFile): string {
  return hash(`${ruleId}\n${declarationPath(node)}\n${normalisedText(node, file)}`);
}

/**
 * Findings of one file in position order whose fingerprints collide (same rule, declaration and code) get an
 * occurrence index mixed in; the first keeps its plain fingerprint so adding a second copy does not rename it.
 */
export function numberOccurrences(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    if (!f.fingerprint) continue;
    const n = seen.get(f.fingerprint) ?? 0;
    seen.set(f.fingerprint, n + 1);
    if (n > 0) f.fingerprint = hash(`${f.fingerprint}#${n}`);
  }
}

/** The names of the declarations around a node, outermost first: `MetricsCollector.dispose`, `readHeader`, `<module>`. */
export function declarationPath(node: ts.Node): string {
  const names: string[] = [];
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    const name = declarationName(n);
    if (name) names.unshift(name);
  }
  return names.join('.') || '<module>';
}

function declarationName(node: ts.Node): string | undefined {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isClassLike(node) || ts.isFunctionLike(node) || ts.isModuleDeclaration(node) || ts.isPropertyDeclaration(node))
    return nameText(node.name);
  // `const f = () => …` and `{ f: function () {} }` name the function they hold
  if ((ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer && isFunctionOrClass(node.initializer))
    return nameText(node.name);
  return undefined;
}

const isFunctionOrClass = (e: ts.Expression): boolean => ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e);

function nameText(name: ts.Node | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return '[computed]';
}

/** The node's tokens joined by single spaces: whitespace, line breaks and comments do not count. */
export function normalisedText(node: ts.Node, file: ts.SourceFile): string {
  const scanner = ts.createScanner(
    file.languageVersion,
    /* skipTrivia */ true,
    file.languageVariant,
    file.text,
    undefined,
    node.getStart(file),
    node.getEnd() - node.getStart(file),
  );
  const tokens: string[] = [];
  while (scanner.scan() !== ts.SyntaxKind.EndOfFileToken) tokens.push(scanner.getTokenText());
  return tokens.join(' ');
}
