// What an inline function keeps alive: the values of the scopes around it that its code names. A handler given to a
// registration is held by its target, and the handler holds these; module-level values, globals and imports live
// as long as the program anyway, and a primitive holds nothing.
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { enclosingFunction } from './owner';

export interface Captures {
  /** The `this` of the code around it (an arrow function's, or a nested arrow's). */
  outerThis: boolean;
  /** Variables and parameters of the functions around it that may hold an object. */
  values: ts.Symbol[];
  /** A name the checker does not resolve, or one it cannot follow (a shorthand property): anything may be held. */
  unknown: boolean;
}

const PRIMITIVE =
  ts.TypeFlags.StringLike |
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.BigIntLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.EnumLike |
  ts.TypeFlags.ESSymbolLike |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Null |
  ts.TypeFlags.Void;

/** The captures of an inline function (arrow or function expression), from its code. */
export function capturesOf(types: TypeQueries, fn: ts.ArrowFunction | ts.FunctionExpression): Captures {
  const captures: Captures = { outerThis: false, values: [], unknown: false };
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || captures.unknown) return;
    if (n.kind === ts.SyntaxKind.ThisKeyword || n.kind === ts.SyntaxKind.SuperKeyword) {
      // a function expression's own `this` is what calls it (its target); an arrow's is the code's around it
      if (!ownThis(n, fn)) captures.outerThis = true;
      return;
    }
    if (ts.isPropertyAccessExpression(n)) return visit(n.expression); // `.name` is a member, not a variable
    if (ts.isShorthandPropertyAssignment(n))
      captures.unknown = true; // the checker names the property, not the variable
    else if (ts.isIdentifier(n) && isValueReference(n)) addReference(types, fn, n, captures);
    n.forEachChild(visit);
  };
  fn.parameters.forEach((p) => p.initializer && visit(p.initializer));
  visit(fn.body);
  return captures;
}

/** The function holds nothing of the code around it but the given values (and primitives, module-level values, globals). */
export function holdsOnly(types: TypeQueries, fn: ts.ArrowFunction | ts.FunctionExpression, allowed: readonly ts.Symbol[]): boolean {
  const captures = capturesOf(types, fn);
  return !captures.unknown && !captures.outerThis && captures.values.every((s) => allowed.includes(s));
}

function addReference(types: TypeQueries, fn: ts.Node, id: ts.Identifier, captures: Captures): void {
  const symbol = types.symbolAt(id);
  const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!symbol || !decl) {
    // `undefined` and `arguments` have no declaration: the first holds nothing, the second the caller's arguments
    if (id.text !== 'undefined') captures.unknown = true;
    return;
  }
  // declared in the function itself, or outside every function (module, namespace, global, import): not held by it
  if (decl.pos >= fn.pos && decl.end <= fn.end && decl.getSourceFile() === fn.getSourceFile()) return;
  if (decl.getSourceFile() !== fn.getSourceFile() || !declaredInFunction(decl)) return;
  if (isPrimitive(types.typeAt(decl))) return;
  if (!captures.values.includes(symbol)) captures.values.push(symbol);
}

/** Inside a function or class (a local, a parameter, a member): anything else in the file is module-level. */
function declaredInFunction(decl: ts.Node): boolean {
  return !!enclosingFunction(decl) || ts.isParameter(decl) || ts.isClassElement(decl);
}

function isPrimitive(type: ts.Type): boolean {
  return (type.isUnion() ? type.types : [type]).every((t) => (t.flags & PRIMITIVE) !== 0);
}

/** `this` inside `fn` (or a function expression within it) as opposed to an arrow's `this`, which is the outer code's. */
function ownThis(node: ts.Node, fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) return n.pos >= fn.pos && n.end <= fn.end;
    if (n === fn) return false; // an arrow
  }
  return false;
}

/** An identifier that reads a variable: not a declaration's name, a property name, a label or a member name. */
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p)) && p.name === id)
    return false;
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  return !ts.isLabeledStatement(p) && !ts.isBreakOrContinueStatement(p) && !ts.isJsxAttribute(p);
}
