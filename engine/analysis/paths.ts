// Paths out of a block: early exits (return/throw/break/continue) that skip a release.
import ts = require('typescript');
import type { Use } from './ownership';

/** A return/throw/break/continue inside `statement` (not in nested functions or inner loops) with no release before it in its blocks. */
export function uncoveredExit(statement: ts.Statement, releases: Use[]): ts.Node | undefined {
  return uncoveredExits(statement, releases)[0];
}

/** Every such exit, in source order. */
export function uncoveredExits(statement: ts.Statement, releases: Use[]): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (n: ts.Node, loopDepth: number): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    const exits =
      ts.isReturnStatement(n) ||
      ts.isThrowStatement(n) ||
      ((ts.isBreakStatement(n) || ts.isContinueStatement(n)) && loopDepth === 0 && !n.label);
    if (exits && !releasedBefore(n, statement, releases)) {
      found.push(n);
      return;
    }
    const inner = ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) ? loopDepth + 1 : loopDepth;
    n.forEachChild((c) => visit(c, inner));
  };
  visit(statement, 0);
  return found;
}

/** True when some block enclosing `exit` (up to `top`) has a release before the exit. */
export function releasedBefore(exit: ts.Node, top: ts.Node, releases: Use[]): boolean {
  for (let n: ts.Node = exit; n && n !== top.parent; n = n.parent) {
    if (ts.isBlock(n) || n === top) {
      if (releases.some((r) => r.site.pos >= n.pos && r.site.end <= exit.pos)) return true;
    }
  }
  return false;
}

/** A related location at the closing brace of the block that declares a local: where it goes out of scope unreleased. */
export function outOfScope(decl: ts.VariableDeclaration): { node: ts.Node; message: string }[] {
  for (let n: ts.Node = decl.parent; n; n = n.parent) {
    if (ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n)) {
      const brace = n.getLastToken();
      return brace ? [{ node: brace, message: `\`${decl.name.getText()}\` goes out of scope here, unreleased` }] : [];
    }
    if (ts.isSourceFile(n)) return [];
  }
  return [];
}
