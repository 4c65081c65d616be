// The adapter between rules and the TypeScript checker. Rules ask these questions and never hold a
// ts.TypeChecker themselves, so a TypeScript 7 (native) backend can be added behind this interface.
import { dirname, relative } from 'node:path';
import picomatch from 'picomatch';
import ts = require('typescript');
import { TEST_FILES } from './config';
import { deepestNodeAt, identifiersNamed, mayBeNarrowedByGuard } from './analysis/walk';
import { isJavaScriptFile } from './file-signatures';
import type { NodeFacts } from './type-facts';

export interface TypeQueries {
  /** The symbol a name or property access refers to, with import aliases resolved. */
  symbolAt(node: ts.Node): ts.Symbol | undefined;
  /** The type of an expression or declaration; of a call, the type all its signatures declare when no inference can change it. */
  typeAt(node: ts.Node): ts.Type;
  /**
   * A type of the expression to ask which members it has: of a call, the generic type every signature it may resolve
   * to returns (`Observable<R>` of `pipe(…)`), its type arguments not inferred; else `typeAt`.
   */
  receiverTypeAt(e: ts.Expression): ts.Type;
  /**
   * The declared return types of every signature a call (or `new`) may resolve to, read without resolving the call:
   * no overload is chosen and no argument is checked, which is most of what a call's type costs. Undefined when the
   * callee has no such signatures.
   */
  declaredReturnTypes(call: ts.CallExpression | ts.NewExpression): readonly ts.Type[] | undefined;
  /**
   * The declarations of members named `name` in the program (methods, properties, object literal members, parameter
   * properties, expando assignments `x.name = …`), file by file: found in the text, no type is computed.
   */
  memberDeclarations(name: string): Iterable<ts.Node>;
  /** The calls in the program's own source (not declaration files) whose callee ends with `name`, found in the text. */
  callsNamed(name: string): Iterable<ts.CallExpression>;
  /** The program's own source files: not declaration files. */
  sourceFiles(): readonly ts.SourceFile[];
  /**
   * The identifiers in the program's own source files (not declaration files, not libraries) that refer to the
   * symbol, the declaration's name included: found in the text, then resolved.
   */
  programReferences(symbol: ts.Symbol): readonly ts.Identifier[];
  /**
   * `programReferences`, found file by file as they are iterated (the declaration's own file first): a question that
   * one reference can settle (`every`, `some`) stops the search there, without resolving every occurrence of the name.
   */
  eachProgramReference(symbol: ts.Symbol): Iterable<ts.Identifier>;
  /**
   * References to a symbol declared in this program's own source that the other programs of a scan find and this one
   * does not: programs of other projects holding the symbol's file as a source (a plugin package calling a helper its
   * dependency exports), each with its own adapter, in files this program does not hold. Empty when no other program
   * is known (a project scanned alone, the language server); undefined when a program that may refer to it cannot say.
   */
  dependentReferences(symbol: ts.Symbol): readonly DependentReferences[] | undefined;
  /**
   * `programReferences` of the symbol a declaration's name declares, kept across programs while the edits cannot have
   * changed them: only the edited body is searched again (engine/type-facts.ts).
   */
  declarationReferences(name: ts.Identifier): readonly ts.Identifier[];
  /**
   * `declarationReferences` for a question one reference can settle: where no answers are kept across programs (a
   * scan), found file by file as `eachProgramReference` finds them, so the search stops at the reference that settles it.
   */
  eachDeclarationReference(name: ts.Identifier): Iterable<ts.Identifier>;
  /**
   * An answer about a node of the linted file that `compute` reads from types alone (at the node and in its subtree:
   * not another function's body, not program-wide references), as plain data: kept across programs while the edits
   * cannot have changed those types (engine/type-facts.ts); `key` names the question.
   */
  typeFact<T>(node: ts.Node, key: string, compute: () => T): T;
  /** An answer about the whole program, computed once and kept for as long as the program lives. */
  programWide<T>(key: string, compute: () => T): T;
  /** The type the expression's context expects (a parameter's type for an argument), if it has one. */
  contextualType(e: ts.Expression): ts.Type | undefined;
  /** What `await` on a value of the type gives (the type itself when it is no promise). */
  awaitedType(type: ts.Type): ts.Type | undefined;
  /**
   * True when the type (or a union or intersection member) depends on type arguments: a type parameter, `this`, an
   * indexed access, a conditional or mapped type.
   */
  dependsOnTypeArguments(type: ts.Type): boolean;
  /** True when some member of the (union) type has a callable property of that name, own or inherited. */
  hasMethod(type: ts.Type, name: string): boolean;
  /** True when some member of the (union) type has a property (of any type) of that name, own or inherited. */
  hasProperty(type: ts.Type, name: string): boolean;
  /** True when calling the method `name` on the type returns a promise (so a fix must await it). */
  methodReturnsPromise(type: ts.Type, name: string): boolean;
  /** The return types of the call signatures of the method `name` on every member of the (union) type. */
  methodReturnTypes(type: ts.Type, name: string): readonly ts.Type[];
  /** True when the type has a well-known-symbol method such as [Symbol.dispose]. */
  hasSymbolMethod(type: ts.Type, name: 'dispose' | 'asyncDispose'): boolean;
  /** True when a global type (e.g. `Disposable`) exists in the program's lib. */
  hasGlobalType(name: string, location: ts.Node): boolean;
  /** The declarations of the symbol, aliases resolved. */
  declarationsOf(symbol: ts.Symbol): readonly ts.Declaration[];
  /** The declarations of the symbol at a node of the linted file (`symbolAt`), kept across programs as `typeFact` answers are. */
  declarationsAt(node: ts.Node): readonly ts.Declaration[];
  /** The type's name as the checker prints it (for messages). */
  typeName(type: ts.Type): string;
  /** True when the type is an object type (not a primitive, literal or type parameter without an object constraint). */
  isObjectType(type: ts.Type): boolean;
  /** The base classes of a class, nearest first. */
  baseClasses(cls: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration[];
  /** The type arguments of a generic instance (`Map<K, V>` → [K, V]); empty for other types. */
  typeArguments(type: ts.Type): readonly ts.Type[];
  /** The value type of a string index signature (`Record<string, V>`, `{ [k: string]: V }`), if the type has one. */
  stringIndexType(type: ts.Type): ts.Type | undefined;
  /** True when the type can be called or constructed (functions, classes). */
  isCallable(type: ts.Type): boolean;
  /** True when `new` may be applied to a value of the type: a construct signature, or a type that does not say (any, a type parameter). */
  mayConstruct(type: ts.Type): boolean;
  /** True when every member of the type is a literal, enum member or boolean: a finite set of values. */
  isFiniteDomain(type: ts.Type): boolean;
  /**
   * True when the file is test code by the default test-file globs (config's TEST_FILES: `x.test.ts`, a `test/`
   * folder, …), relative to the program's folder: what it calls is called by a test run, not by the product.
   */
  isTestFile(file: ts.SourceFile): boolean;
  /**
   * True for a first look at a file alone (`Project.fileAlone`): what the rest of the project does with its code (who
   * calls a method, who makes a class) is not known, so questions about it cannot be answered from the program.
   */
  readonly fileAlone: boolean;
}

/** The references to a symbol in one other program (see `TypeQueries.dependentReferences`). */
export interface DependentReferences {
  types: TypeQueries;
  references: readonly ts.Identifier[];
}

/**
 * The other programs of a scan: those of its projects whose own files mention a name and that hold a file as a source
 * (so may refer to what it declares), and their checker adapters.
 */
export interface DependentPrograms {
  mentioning(name: string, fileName: string, except: ts.Program): Iterable<ts.Program>;
  queriesOf(program: ts.Program): TypeQueries;
  /** Time spent building their programs so far (not the asking file's: its budget leaves it out). */
  readonly buildMs: number;
}

const isTestPath = picomatch(TEST_FILES, { dot: true });
/** Per parsed file (its name does not change; every program holding it has the same folder). */
const testFiles = new WeakMap<ts.SourceFile, boolean>();

/** The folder test-file globs are relative to: the tsconfig's (a host's current directory may be any folder above it). */
function projectFolder(program: ts.Program): string {
  const config = program.getCompilerOptions().configFilePath;
  return typeof config === 'string' ? dirname(config) : program.getCurrentDirectory();
}

/** The library's iterators, whose first type argument is what they yield. */
const ITERATORS = new Set([
  'Iterator',
  'IterableIterator',
  'IteratorObject',
  'Generator',
  'ArrayIterator',
  'MapIterator',
  'SetIterator',
  'StringIterator',
]);

/** A property of a type: resolved (`symbolAt`), and whether that is the property itself rather than an instance of it. */
interface Member {
  symbol: ts.Symbol;
  exact: boolean;
}

/**
 * The declaration of the type alias a type is (`type Cell = A | B`, no type arguments), else of the class or interface
 * it is an instance of (type arguments aside; `this` as its class; a union with `null` or `undefined` as its other
 * member), if it has one: it names the type in every program.
 */
function namedTypeDeclaration(type: ts.Type): ts.Declaration | undefined {
  if (type.aliasSymbol && !type.aliasTypeArguments?.length) return type.aliasSymbol.declarations?.[0];
  const nonNullish = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))) : [type];
  if (nonNullish.length !== 1) return undefined;
  const [t] = nonNullish;
  const target =
    t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? (t as ts.TypeReference).target : t;
  const declaration = target.flags & (ts.TypeFlags.Object | ts.TypeFlags.TypeParameter) ? target.symbol?.declarations?.[0] : undefined;
  return declaration && (ts.isClassLike(declaration) || ts.isInterfaceDeclaration(declaration)) ? declaration : undefined;
}

const answersByProgram = new WeakMap<ts.Program, Map<string, unknown>>();
/** Printing a type is costly and rules ask for the same few names again and again (types are the checker's own objects). */
const typeNames = new WeakMap<ts.Type, string>();

export function checkerQueries(program: ts.Program, dependents?: DependentPrograms, facts?: NodeFacts, fileAlone = false): TypeQueries {
  const checker = program.getTypeChecker();
  /**
   * A symbol by its identity: aliases resolved, and an instantiated member (`this.s` in a subclass, a property of an
   * instantiated generic: transient symbols) as the member it was made from, so pairs match wherever they are read.
   */
  const resolve = (symbol: ts.Symbol): ts.Symbol => {
    const s = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (!(s.flags & ts.SymbolFlags.Transient)) return s;
    const roots = checker.getRootSymbols(s);
    return roots.length === 1 ? roots[0] : s;
  };
  const members = (type: ts.Type): ts.Type[] => (type.isUnion() ? type.types : [type]);
  /** The declared type of a receiver expression; undefined where only its narrowed type says anything (`any`, `unknown`). */
  const declaredTypeOf = (e: ts.Expression): ts.Type | undefined => {
    let type: ts.Type | undefined;
    if (ts.isIdentifier(e)) {
      const symbol = checker.getSymbolAtLocation(e);
      const resolved = symbol && resolve(symbol);
      type = resolved && (loopElementType(resolved) ?? callResultType(resolved) ?? checker.getTypeOfSymbol(resolved));
    } else if (ts.isPropertyAccessExpression(e)) {
      const object = declaredTypeOf(e.expression);
      const member = object && memberOf(object, e.name.text);
      // an instantiated member's type is the instance's (`x: T` of a generic base), not the declaration's
      const types = !member ? [] : member.exact ? [checker.getTypeOfSymbol(member.symbol)] : propertyTypes(object, e.name.text);
      type = types.length === 1 ? types[0] : !object && isMemberOfAny(e) ? undefined : checker.getTypeAtLocation(e);
    } else type = typeAt(e);
    return type && !(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) ? type : undefined;
  };
  /**
   * The declared type of a receiver (`x` of `x.m(…)`), for finding its members: of a call, also the generic type all its
   * signatures return (`Observable<R>` of `pipe(…)`), whose members are its declaration's, whatever the call infers.
   */
  const receiverTypeOf = (e: ts.Expression): ts.Type | undefined => {
    if (!isPlainCall(e)) return declaredTypeOf(e);
    const returns = declaredReturns(e);
    const [first] = returns ?? [];
    const target = first && referenceTarget(first);
    const declared = agreedClosedType(returns);
    const generic = target && target.objectFlags & ts.ObjectFlags.ClassOrInterface && returns?.every((t) => referenceTarget(t) === target);
    const type = declared ?? (generic ? first : checker.getTypeAtLocation(e));
    return type && !(type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) ? type : undefined;
  };
  const referenceTarget = (type: ts.Type): ts.GenericType | undefined =>
    type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
      ? (type as ts.TypeReference).target
      : undefined;
  /** A call of a named callee: an optional call adds `undefined`, and `require(…)` in JavaScript gives the module. */
  const isPlainCall = (e: ts.Node): e is ts.CallExpression => {
    if (!ts.isCallExpression(e) || e.flags & ts.NodeFlags.OptionalChain) return false;
    const callee = e.expression;
    if (ts.isIdentifier(callee)) return callee.text !== 'require' || !isJavaScriptFile(e.getSourceFile());
    return ts.isPropertyAccessExpression(callee);
  };
  /** The checker's type of a node; of a call, the one type its signatures declare when they agree (`declaredCallType`). */
  const typeAt = (node: ts.Node): ts.Type => (ts.isCallExpression(node) && declaredCallType(node)) || checker.getTypeAtLocation(node);
  /**
   * The one type every signature a call may resolve to declares, when no type argument changes it: that is the call's
   * type, with no overload chosen and nothing inferred (`fixture.debugElement.query(…)`, `get<Store>(…)`).
   */
  const declaredCallType = (call: ts.CallExpression): ts.Type | undefined =>
    isPlainCall(call) ? agreedClosedType(declaredReturns(call)) : undefined;
  /** The one type all the return types are, when no instantiation changes it. */
  const agreedClosedType = (returns: readonly ts.Type[] | undefined): ts.Type | undefined => {
    const [first] = returns ?? [];
    return first && returns?.every((t) => t === first) && closed(first) ? first : undefined;
  };
  /**
   * The type of a `for (const x of xs)` variable without a type of its own, from the declared type of `xs` (what it
   * yields): the checker's type of `x` comes from the flow-narrowed type of `xs`, whose analysis walks back through
   * every call before the loop, at every keystroke in the function.
   */
  const loopElementType = (variable: ts.Symbol): ts.Type | undefined => {
    const declaration = variable.valueDeclaration;
    const loop = declaration?.parent?.parent;
    const plain = declaration && ts.isVariableDeclaration(declaration) && !declaration.type && ts.isIdentifier(declaration.name);
    if (!plain || !loop || !ts.isForOfStatement(loop) || loop.awaitModifier || loop.initializer !== declaration.parent) return undefined;
    const iterated = declaredTypeOf(loop.expression);
    return iterated && yieldedType(iterated);
  };
  /**
   * The type of `const x = f(…)` (no type of its own) when the call's declared type is one no instantiation changes
   * (`declaredTypeOf` of the call), an object type, which no widening changes either.
   */
  const callResultType = (variable: ts.Symbol): ts.Type | undefined => {
    const declaration = variable.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.type || !ts.isIdentifier(declaration.name)) return undefined;
    const call = declaration.initializer && ts.isCallExpression(declaration.initializer) ? declaration.initializer : undefined;
    const type = call && declaredTypeOf(call);
    return type && type.flags & ts.TypeFlags.Object && closed(type) ? type : undefined;
  };
  /** What iterating a value of the type yields: an array's element type, or the type argument of what `[Symbol.iterator]()` returns. */
  const yieldedType = (type: ts.Type): ts.Type | undefined => {
    const t = checker.getNonNullableType(type);
    if (t.isUnion()) return undefined;
    if (checker.isArrayType(t)) return typeArgumentsOf(t)[0];
    const iterator = checker
      .getPropertiesOfType(checker.getApparentType(t))
      .find((p) => p.escapedName.toString().startsWith('__@iterator@'));
    const [signature] = iterator ? checker.getSignaturesOfType(checker.getTypeOfSymbol(iterator), ts.SignatureKind.Call) : [];
    const returned = signature && checker.getReturnTypeOfSignature(signature);
    return returned && ITERATORS.has(returned.getSymbol()?.getName() ?? '') ? typeArgumentsOf(returned)[0] : undefined;
  };
  /** Property `name` of each member of the type that has one. */
  const properties = (type: ts.Type, name: string): ts.Symbol[] =>
    members(checker.getNonNullableType(type)).flatMap((t) => checker.getPropertyOfType(checker.getApparentType(t), name) ?? []);
  const propertyTypes = (type: ts.Type, name: string): ts.Type[] => properties(type, name).map((p) => checker.getTypeOfSymbol(p));
  const typeArgumentsOf = (type: ts.Type): readonly ts.Type[] => {
    const t = checker.getNonNullableType(type);
    return t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
      ? checker.getTypeArguments(t as ts.TypeReference)
      : [];
  };
  const dependsOnTypeArguments = (t: ts.Type): boolean =>
    !!(t.flags & ts.TypeFlags.Instantiable) ||
    (!!(t.flags & ts.TypeFlags.Object) && !!((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped)) ||
    (t.isUnionOrIntersection() && t.types.some(dependsOnTypeArguments));
  /**
   * The return type of a signature, with `this` (declared as the return type) meaning the receiver, and a type parameter
   * of the signature (`get<T>(id): T`) meaning what the call gives for it explicitly (`get<IStore>(id)`), as the checker
   * instantiates it without inferring anything.
   */
  const returnOf = (signature: ts.Signature, receiver: ts.Type | undefined, call?: ts.CallExpression | ts.NewExpression): ts.Type => {
    const declared = signature.getDeclaration()?.type;
    if (receiver && declared?.kind === ts.SyntaxKind.ThisType) return receiver;
    const parameters = signature.getTypeParameters();
    const given = call?.typeArguments;
    if (declared && ts.isTypeReferenceNode(declared) && parameters && given?.length === parameters.length) {
      const returned = checker.getTypeFromTypeNode(declared);
      const index = parameters.indexOf(returned as ts.TypeParameter);
      if (index >= 0) return checker.getTypeFromTypeNode(given[index]);
    }
    return checker.getReturnTypeOfSignature(signature);
  };
  /** The return types of every signature of the (union) type; calling `any` gives `any`. */
  const signatureReturns = (
    type: ts.Type,
    kind: ts.SignatureKind,
    receiver: ts.Type | undefined,
    call?: ts.CallExpression | ts.NewExpression,
  ): ts.Type[] =>
    type.flags & ts.TypeFlags.Any
      ? [type]
      : members(checker.getNonNullableType(type)).flatMap((t) =>
          checker.getSignaturesOfType(t, kind).map((s) => returnOf(s, receiver, call)),
        );
  /**
   * A method's return types as its declarations state them, shared by every type that inherits it (no instantiation
   * per subclass); undefined when the property is no method or a return depends on type arguments.
   */
  const declaredMethodReturns = (
    property: ts.Symbol,
    receiver: ts.Type,
    call: ts.CallExpression | ts.NewExpression,
  ): ts.Type[] | undefined => {
    const declarations = property.declarations ?? [];
    if (!declarations.length || !declarations.every((d) => ts.isMethodDeclaration(d) || ts.isMethodSignature(d))) return undefined;
    const returns: ts.Type[] = [];
    for (const d of declarations as (ts.MethodDeclaration | ts.MethodSignature)[]) {
      const signature = checker.getSignatureFromDeclaration(d);
      if (!signature) return undefined;
      const type = returnOf(signature, receiver, call);
      if (type !== receiver && dependsOnTypeArguments(type)) return undefined;
      returns.push(type);
    }
    return returns;
  };
  const callable = (symbol: ts.Symbol | undefined): boolean => {
    if (!symbol) return false;
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    const type = decl ? checker.getTypeOfSymbolAtLocation(symbol, decl) : checker.getDeclaredTypeOfSymbol(symbol);
    return checker.getNonNullableType(type).getCallSignatures().length > 0;
  };
  /** The symbol a declaration declares, aliases resolved as `symbolAt` resolves them. */
  const declaredBy = (declaration: ts.Declaration): ts.Symbol | undefined => {
    const name = ts.getNameOfDeclaration(declaration);
    const symbol = name && checker.getSymbolAtLocation(name);
    return symbol && resolve(symbol);
  };
  /**
   * The one property `name` of the type, if it has exactly one: resolved, and whether its type is the resolved one's
   * (it is that property itself, or an instance of it whose declared type no type argument or `this` can change).
   */
  const onlyProperty = (type: ts.Type, name: string): Member | undefined => {
    const found = properties(type, name);
    // a union's members may each have it from one declaration (a base interface's method): the checker's union
    // property has that one as its root
    const roots = new Set(found.map(resolve));
    const [symbol] = roots.size === 1 ? roots : [];
    return symbol && { symbol, exact: found.every((p) => p === symbol) || closed(checker.getTypeOfSymbol(symbol)) };
  };
  /**
   * True for a type no instantiation changes: primitives, non-generic classes and interfaces, and instances of generic
   * ones with such arguments.
   */
  const closed = (type: ts.Type, depth = 0): boolean => {
    if (depth > 3) return false;
    if (type.isUnionOrIntersection()) return type.types.every((t) => closed(t, depth + 1));
    if (!(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Instantiable))) return true;
    if (!(type.flags & ts.TypeFlags.Object)) return false;
    const objectFlags = (type as ts.ObjectType).objectFlags;
    if (objectFlags & ts.ObjectFlags.Reference) {
      const target = (type as ts.TypeReference).target;
      return !!(target.objectFlags & ts.ObjectFlags.ClassOrInterface) && typeArgumentsOf(type).every((t) => closed(t, depth + 1));
    }
    return !!(objectFlags & ts.ObjectFlags.ClassOrInterface) && !(type as ts.InterfaceType).typeParameters?.length;
  };
  /**
   * `onlyProperty`, kept across programs (as `symbolAt` keeps symbols) by the declaration of the type's class or
   * interface: finding a member makes a new checker resolve the whole class hierarchy, at every keystroke.
   */
  const memberOf = (type: ts.Type, name: string): Member | undefined => {
    const declaration = facts && namedTypeDeclaration(type);
    if (!declaration) return onlyProperty(type, name);
    let member: Member | undefined;
    const [kept] = facts.nodes<ts.Node>(declaration, `member:${name}`, () => {
      member = onlyProperty(type, name);
      const first = member?.symbol.declarations?.[0];
      return !member ? [] : first && declaredBy(first) === member.symbol ? [first] : [declaration.getSourceFile()];
    });
    const exact = facts.get(declaration, `member-exact:${name}`, () => !!(member ?? onlyProperty(type, name))?.exact);
    if (member || !kept) return member;
    if (ts.isSourceFile(kept)) return onlyProperty(type, name);
    const symbol = declaredBy(kept as ts.Declaration);
    return symbol && { symbol, exact };
  };
  const symbolAt = (node: ts.Node): ts.Symbol | undefined => {
    // a member by the receiver's declared type: the property checking `x.m` finds, without its flow analysis
    const access = node.parent;
    if (access && ts.isPropertyAccessExpression(access) && access.name === node) {
      const receiver = receiverTypeOf(access.expression);
      const member = receiver && memberOf(receiver, access.name.text);
      if (member) return member.symbol;
      if (!receiver && isMemberOfAny(access)) return undefined;
    }
    // `{ client }` refers to the variable `client`, not only to the new property
    const shorthand = node.parent && ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node;
    const symbol = shorthand ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
    return symbol && resolve(symbol);
  };
  /**
   * A property whose annotation says `any` (or names a type that does not resolve), of a receiver whose type is
   * declared. One typed by its assignments (`this.p = …` in JavaScript, a field with no type) follows them in the
   * constructor, so it is not.
   */
  const isDeclaredAny = (e: ts.PropertyAccessExpression): boolean => {
    const object = declaredTypeOf(e.expression);
    const member = object && memberOf(object, e.name.text);
    const annotated = member?.symbol.declarations?.every((d) => (ts.isPropertyDeclaration(d) || ts.isPropertySignature(d)) && !!d.type);
    return !!member?.exact && !!annotated && !!(checker.getTypeOfSymbol(member.symbol).flags & ts.TypeFlags.Any);
  };
  /**
   * `x.p.m` where `x.p` is declared `any` and no guard narrows it or `x`: `any` too, with no symbol. Asking the checker
   * would analyse the flow of every reference on the way (a loop variable, the narrowing of its union) for that answer.
   */
  const isMemberOfAny = (e: ts.PropertyAccessExpression): boolean =>
    ts.isPropertyAccessExpression(e.expression) && isDeclaredAny(e.expression) && !mayBeNarrowedByGuard(e.expression);
  const declaredReturns = (call: ts.CallExpression | ts.NewExpression): readonly ts.Type[] | undefined => {
    if (call.expression.kind === ts.SyntaxKind.ImportKeyword || call.expression.kind === ts.SyntaxKind.SuperKeyword) return undefined;
    const callee = call.expression;
    const kind = ts.isNewExpression(call) ? ts.SignatureKind.Construct : ts.SignatureKind.Call;
    // a method's signatures from the receiver's declared type (it covers every narrowing of it): no flow analysis
    // and no access checks, which are most of what typing `x.m` costs
    const member = ts.isPropertyAccessExpression(callee) ? callee : undefined;
    const receiver = member && receiverTypeOf(member.expression);
    if (member && receiver) {
      const only = memberOf(receiver, member.name.text);
      const found = only?.exact ? [only.symbol] : properties(receiver, member.name.text);
      const returns = found.flatMap(
        (p) => declaredMethodReturns(p, receiver, call) ?? signatureReturns(checker.getTypeOfSymbol(p), kind, receiver, call),
      );
      if (found.length) return returns.length ? returns : undefined;
    }
    if (member && isMemberOfAny(member)) return [checker.getAnyType()];
    const calleeType = (ts.isIdentifier(callee) && declaredTypeOf(callee)) || checker.getTypeAtLocation(callee);
    const returns = signatureReturns(calleeType, kind, undefined, call);
    return returns.length ? returns : undefined;
  };
  /**
   * `symbolAt`, with the answer kept across programs as the symbol's declaration, which declares the same symbol in the
   * next program; a symbol no declaration gives back (one the checker makes, such as a union's property) is asked again
   * each time, the file's own node standing for it in the kept answer.
   */
  const keptSymbolAt = (node: ts.Node): ts.Symbol | undefined => {
    if (!facts) return symbolAt(node);
    let symbol: ts.Symbol | undefined;
    const [kept] = facts.nodes<ts.Node>(node, 'symbol', () => {
      symbol = symbolAt(node);
      const declaration = symbol?.declarations?.[0];
      return !symbol ? [] : declaration && declaredBy(declaration) === symbol ? [declaration] : [node.getSourceFile()];
    });
    if (symbol || !kept) return symbol;
    return ts.isSourceFile(kept) ? symbolAt(node) : declaredBy(kept as ts.Declaration);
  };
  let symbols = symbolsByProgram.get(program);
  if (!symbols) symbolsByProgram.set(program, (symbols = new WeakMap()));
  return {
    fileAlone,
    symbolAt(node) {
      // per program: a reference search asks every occurrence of a name, once for each symbol of that name
      let known = symbols.get(node);
      if (known === undefined) symbols.set(node, (known = keptSymbolAt(node) ?? null));
      return known ?? undefined;
    },
    typeAt,
    receiverTypeAt(e) {
      return (isPlainCall(e) && receiverTypeOf(e)) || typeAt(e);
    },
    declaredReturnTypes: declaredReturns,
    *memberDeclarations(name) {
      for (const file of program.getSourceFiles()) yield* memberDeclarationsIn(file, name);
    },
    *callsNamed(name) {
      for (const file of this.sourceFiles()) yield* callsNamedIn(file, name);
    },
    sourceFiles() {
      return program.getSourceFiles().filter((file) => !file.isDeclarationFile);
    },
    programReferences(symbol) {
      return (this.eachProgramReference(symbol) as ReferenceSearch).all();
    },
    eachProgramReference(symbol) {
      // per program: an unchanged file's symbols are reused by the next program, whose other files may refer to them anew
      let searches = referencesByProgram.get(program);
      if (!searches) referencesByProgram.set(program, (searches = new WeakMap()));
      let search = searches.get(symbol);
      if (!search) {
        const declaringFile = (symbol.valueDeclaration ?? symbol.declarations?.[0])?.getSourceFile();
        const files = declaringFile && privateMember(symbol) ? [declaringFile] : filesNaming(program, symbol.name);
        search = new ReferenceSearch(files, declaringFile, (file) => referencesIn(this, file, symbol, 0, file.end));
        searches.set(symbol, search);
      }
      return search;
    },
    dependentReferences(symbol) {
      if (!dependents) return [];
      let bySymbol = dependentsByProgram.get(program);
      if (!bySymbol) dependentsByProgram.set(program, (bySymbol = new WeakMap()));
      if (!bySymbol.has(symbol)) bySymbol.set(symbol, referencesInDependents(program, dependents, symbol));
      return bySymbol.get(symbol);
    },
    declarationReferences(name) {
      const symbol = this.symbolAt(name);
      if (!symbol) return [];
      if (!facts) return this.programReferences(symbol);
      const within = (file: ts.SourceFile, start: number, end: number) => referencesIn(this, file, symbol, start, end);
      return facts.references(name, program, () => this.programReferences(symbol), within);
    },
    eachDeclarationReference(name) {
      if (facts) return this.declarationReferences(name);
      const symbol = this.symbolAt(name);
      return symbol ? this.eachProgramReference(symbol) : [];
    },
    typeFact(node, key, compute) {
      return facts ? facts.get(node, key, compute) : compute();
    },
    programWide(key, compute) {
      let answers = answersByProgram.get(program);
      if (!answers) answersByProgram.set(program, (answers = new Map()));
      if (!answers.has(key)) answers.set(key, compute());
      return answers.get(key) as ReturnType<typeof compute>;
    },
    contextualType(e) {
      return checker.getContextualType(e);
    },
    awaitedType(type) {
      // `Promise<T>` awaits to T; resolving `then` for every instantiation costs far more
      const [argument] = type.getSymbol()?.getName() === 'Promise' ? typeArgumentsOf(type) : [];
      return argument ?? checker.getAwaitedType(type);
    },
    dependsOnTypeArguments,
    hasMethod(type, name) {
      return members(checker.getNonNullableType(type)).some((t) => callable(checker.getPropertyOfType(t, name)));
    },
    hasProperty(type, name) {
      return members(checker.getNonNullableType(type)).some((t) => checker.getPropertyOfType(t, name) !== undefined);
    },
    methodReturnsPromise(type, name) {
      return members(checker.getNonNullableType(type)).some((t) => {
        const prop = checker.getPropertyOfType(t, name);
        const decl = prop?.valueDeclaration ?? prop?.declarations?.[0];
        if (!prop || !decl) return false;
        return checker
          .getTypeOfSymbolAtLocation(prop, decl)
          .getCallSignatures()
          .some((sig) => checker.getPropertyOfType(sig.getReturnType(), 'then') !== undefined);
      });
    },
    methodReturnTypes(type, name) {
      return members(checker.getNonNullableType(type)).flatMap((t) => {
        const prop = checker.getPropertyOfType(t, name);
        const decl = prop?.valueDeclaration ?? prop?.declarations?.[0];
        return prop && decl ? signatureReturns(checker.getTypeOfSymbolAtLocation(prop, decl), ts.SignatureKind.Call, t) : [];
      });
    },
    hasSymbolMethod(type, name) {
      const prefix = `__@${name}@`;
      return members(checker.getNonNullableType(type)).some((t) =>
        checker.getPropertiesOfType(t).some((p) => p.escapedName.toString().startsWith(prefix) && callable(p)),
      );
    },
    hasGlobalType(name, location) {
      return checker.resolveName(name, location, ts.SymbolFlags.Type, false) !== undefined;
    },
    declarationsOf(symbol) {
      return resolve(symbol).declarations ?? [];
    },
    declarationsAt(node) {
      const compute = () => {
        const symbol = this.symbolAt(node);
        return symbol ? this.declarationsOf(symbol) : [];
      };
      return facts ? facts.nodes(node, 'declarations', compute) : compute();
    },
    typeName(type) {
      let name = typeNames.get(type);
      if (name === undefined) typeNames.set(type, (name = checker.typeToString(checker.getNonNullableType(type))));
      return name;
    },
    isObjectType(type) {
      const t = checker.getNonNullableType(type);
      if (t.flags & ts.TypeFlags.TypeParameter) {
        const constraint = checker.getBaseConstraintOfType(t);
        return !!constraint && !!(constraint.flags & ts.TypeFlags.Object);
      }
      return members(t).every((m) => !!(m.flags & ts.TypeFlags.Object) || !!(m.flags & ts.TypeFlags.NonPrimitive));
    },
    typeArguments: typeArgumentsOf,
    stringIndexType(type) {
      return checker.getIndexTypeOfType(checker.getNonNullableType(type), ts.IndexKind.String);
    },
    isCallable(type) {
      return members(checker.getNonNullableType(type)).some(
        (t) => t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0,
      );
    },
    mayConstruct(type) {
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Instantiable)) return true;
      return members(checker.getNonNullableType(type)).some((t) => checker.getApparentType(t).getConstructSignatures().length > 0);
    },
    isTestFile(file) {
      let test = testFiles.get(file);
      if (test === undefined) {
        const path = relative(projectFolder(program), file.fileName).replace(/\\/g, '/');
        testFiles.set(file, (test = !path.startsWith('../') && isTestPath(path)));
      }
      return test;
    },
    isFiniteDomain(type) {
      const finite = ts.TypeFlags.Literal | ts.TypeFlags.EnumLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null;
      return members(type).every((t) => (t.flags & finite) !== 0);
    },
    baseClasses(cls) {
      const out: ts.ClassLikeDeclaration[] = [];
      let current: ts.ClassLikeDeclaration | undefined = cls;
      while (current && out.length < 16) {
        const heritage = current.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
        const base = heritage?.types[0];
        if (!base) break;
        const symbol = checker.getSymbolAtLocation(base.expression);
        const decl: ts.Declaration | undefined = symbol && resolve(symbol).declarations?.find(ts.isClassLike);
        current = decl && ts.isClassLike(decl) ? decl : undefined;
        if (current) out.push(current);
      }
      return out;
    },
  };
}

/**
 * The symbol's references in the dependents (see `TypeQueries.dependentReferences`): the declaration is found at the
 * same place of the same file in each, and each file is searched once. A dependent that has another text of the
 * file, or where the name resolves to no symbol, makes the answer unknown.
 */
function referencesInDependents(
  program: ts.Program,
  dependents: DependentPrograms,
  symbol: ts.Symbol,
): readonly DependentReferences[] | undefined {
  const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
  const name = decl && ts.getNameOfDeclaration(decl);
  const file = decl?.getSourceFile();
  if (!name || !file || !ts.isIdentifier(name) || file.isDeclarationFile) return [];
  const searched = new Set<string>();
  const out: DependentReferences[] = [];
  for (const other of dependents.mentioning(name.text, file.fileName, program)) {
    const types = dependents.queriesOf(other);
    const copy = other.getSourceFile(file.fileName)!;
    // another text of the file (a fix being tried in one project only): its uses are not known
    if (copy.text !== file.text) return undefined;
    const there = deepestNodeAt(copy, name.getStart(file));
    const same = ts.isIdentifier(there) && there.text === name.text ? types.symbolAt(there) : undefined;
    if (!same) return undefined;
    const references = types.programReferences(same).filter((ref) => {
      const at = ref.getSourceFile().fileName;
      return !program.getSourceFile(at) && !searched.has(at);
    });
    for (const ref of references) searched.add(ref.getSourceFile().fileName);
    if (references.length) out.push({ types, references });
  }
  return out;
}

const dependentsByProgram = new WeakMap<ts.Program, WeakMap<ts.Symbol, readonly DependentReferences[] | undefined>>();

/** The identifiers of one of the program's own source files, between `start` and `end`, that refer to the symbol. */
/** Declaration files and libraries: no reference is searched there. */
function isLibraryFile(file: ts.SourceFile): boolean {
  // a workspace package linked into node_modules counts as an external library, but its sources are the project's
  return file.isDeclarationFile || file.fileName.includes('/node_modules/');
}

const namingFilesByProgram = new WeakMap<ts.Program, Map<string, readonly ts.SourceFile[]>>();

/**
 * The program's own files that have an identifier of that name, in its order: a name is searched once per program,
 * however many symbols (every class's `focus` method) have it.
 */
function filesNaming(program: ts.Program, name: string): readonly ts.SourceFile[] {
  let byName = namingFilesByProgram.get(program);
  if (!byName) namingFilesByProgram.set(program, (byName = new Map()));
  let files = byName.get(name);
  if (!files) byName.set(name, (files = program.getSourceFiles().filter((f) => !isLibraryFile(f) && identifiersNamed(f, name).length)));
  return files;
}

function referencesIn(types: TypeQueries, file: ts.SourceFile, symbol: ts.Symbol, start: number, end: number): ts.Identifier[] {
  if (isLibraryFile(file)) return [];
  const found: ts.Identifier[] = [];
  for (const node of identifiersNamed(file, symbol.name))
    if (node.end > start && node.pos < end && ts.isIdentifier(node) && types.symbolAt(node) === symbol) found.push(node);
  return found;
}

/**
 * The references to one symbol, searched file by file as far as some iteration has needed them (later iterations go on
 * from there), the declaration's own file first: most references to a member are in its class's file, and one
 * reference often settles the question.
 */
/**
 * A class member only its own class can name, so only its file: `private` in TypeScript (the checker refuses other
 * access), `#name` anywhere.
 */
function privateMember(symbol: ts.Symbol): boolean {
  const declarations = symbol.declarations ?? [];
  return (
    declarations.length > 0 &&
    declarations.every((d) => {
      if (!ts.isClassElement(d) && !ts.isParameterPropertyDeclaration(d, d.parent)) return false;
      if (d.name && ts.isPrivateIdentifier(d.name)) return true;
      return !isJavaScriptFile(d.getSourceFile()) && (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Private) !== 0;
    })
  );
}

class ReferenceSearch implements Iterable<ts.Identifier> {
  /** The references found so far, in the order searched. */
  private readonly found: ts.Identifier[] = [];
  /** Per file (program order), its references once searched. */
  private readonly byFile: (ts.Identifier[] | undefined)[];
  private readonly order: number[];
  private searched = 0;
  private inProgramOrder: ts.Identifier[] | undefined;

  constructor(
    private readonly files: readonly ts.SourceFile[],
    declaringFile: ts.SourceFile | undefined,
    private readonly referencesIn: (file: ts.SourceFile) => ts.Identifier[],
  ) {
    this.byFile = new Array(files.length);
    const first = declaringFile ? files.indexOf(declaringFile) : -1;
    const rest = files.map((_, i) => i).filter((i) => i !== first);
    this.order = first >= 0 ? [first, ...rest] : rest;
  }

  *[Symbol.iterator](): Iterator<ts.Identifier> {
    for (let i = 0; ; i++) {
      while (i >= this.found.length && this.searched < this.files.length) {
        const at = this.order[this.searched++];
        this.found.push(...(this.byFile[at] = this.referencesIn(this.files[at])));
      }
      if (i >= this.found.length) return;
      yield this.found[i];
    }
  }

  /** Every reference, in the program's order of files. */
  all(): readonly ts.Identifier[] {
    if (!this.inProgramOrder) {
      for (const _ of this);
      this.inProgramOrder = this.byFile.flatMap((found) => found ?? []);
    }
    return this.inProgramOrder;
  }
}

const referencesByProgram = new WeakMap<ts.Program, WeakMap<ts.Symbol, ReferenceSearch>>();
/** `symbolAt` answers per program (null: no symbol). */
const symbolsByProgram = new WeakMap<ts.Program, WeakMap<ts.Node, ts.Symbol | null>>();
/** Per parsed file (shared by every program that holds it unchanged) and name: its member declarations of that name. */
const membersByFile = new WeakMap<ts.SourceFile, Map<string, ts.Node[]>>();

/** Declarations of members named `name` in the file, found at the name's occurrences in its text (few files have any). */
function memberDeclarationsIn(file: ts.SourceFile, name: string): ts.Node[] {
  let byName = membersByFile.get(file);
  if (!byName) membersByFile.set(file, (byName = new Map()));
  let found = byName.get(name);
  if (found) return found;
  found = [];
  for (let at = file.text.indexOf(name); at >= 0; at = file.text.indexOf(name, at + name.length)) {
    const node = deepestNodeAt(file, at);
    if (node.getStart(file) === at && node.end === at + name.length && isMemberName(node))
      found.push(node.parent.kind === ts.SyntaxKind.PropertyAccessExpression ? node.parent.parent : node.parent);
  }
  byName.set(name, found);
  return found;
}

/** Calls whose callee ends with `name` (`f(…)`, `a.f(…)`), found at the name's occurrences in the file's text. */
function callsNamedIn(file: ts.SourceFile, name: string): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  for (const node of identifiersNamed(file, name)) {
    if (!ts.isIdentifier(node)) continue;
    const callee = ts.isPropertyAccessExpression(node.parent) && node.parent.name === node ? node.parent : node;
    if (ts.isCallExpression(callee.parent) && callee.parent.expression === callee) found.push(callee.parent);
  }
  return found;
}

/** The name of a method, property, object literal member, parameter property or expando assignment (`x.name = …`). */
function isMemberName(node: ts.Node): boolean {
  const parent = node.parent;
  switch (parent.kind) {
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.MethodSignature:
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.PropertySignature:
    case ts.SyntaxKind.PropertyAssignment:
    case ts.SyntaxKind.ShorthandPropertyAssignment:
    case ts.SyntaxKind.GetAccessor:
      return (parent as ts.NamedDeclaration).name === node;
    case ts.SyntaxKind.Parameter:
      return (parent as ts.ParameterDeclaration).name === node && ts.isParameterPropertyDeclaration(parent, parent.parent);
    case ts.SyntaxKind.PropertyAccessExpression: {
      const assignment = parent.parent;
      return (
        (parent as ts.PropertyAccessExpression).name === node &&
        ts.isBinaryExpression(assignment) &&
        assignment.left === parent &&
        assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken
      );
    }
    default:
      return false;
  }
}
