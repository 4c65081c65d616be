// The rule API, in the manner of typescript-eslint's createRule: a rule declares its messages (templates with
// `{{name}}` placeholders), its options (a JSON Schema with defaults) and its listeners per SyntaxKind; it reports
// nodes with a messageId and data, and the engine turns reports into findings.
import ts = require('typescript');
import type { TypeQueries } from './types';
import type { Analysis } from './analysis';

export type Severity = 'error' | 'warn';
export type SeveritySetting = Severity | 'off';

const DOCS_BASE = 'https://github.com/leaklint/leaklint/blob/main/docs/rules/';
/** The rule's documentation page, derived from its id (docs/rules/<id>.md). */
export const docsUrl = (ruleId: string): string => `${DOCS_BASE}${ruleId}.md`;

/** The subset of JSON Schema that rule options use; config validation (engine/options.ts) understands exactly this. */
export type OptionSchema =
  | { type: 'string'; description: string; enum?: readonly string[] }
  | { type: 'number'; description: string; minimum?: number }
  | { type: 'boolean'; description: string }
  | { type: 'array'; description: string; items: OptionSchema }
  | ObjectSchema;

export interface ObjectSchema {
  type: 'object';
  description?: string;
  properties: Record<string, OptionSchema>;
  additionalProperties: false;
}

export interface RuleMeta<Id extends string = string, MessageId extends string = string, Options = object> {
  id: Id;
  description: string;
  /** Message templates by id; `{{name}}` is replaced by `data.name` when reported. */
  messages: Record<MessageId, string>;
  /** The options object's schema: every property has a description (the docs test checks the rule's page lists them). */
  schema: ObjectSchema;
  defaultOptions: Options;
  defaultSeverity: Severity;
  /** True when the rule offers quick fixes for some of its findings. */
  fixable: boolean;
}

/** A text edit on one file, as offsets into the text the rule saw. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The safest fix of a finding; at most one per finding. */
  preferred: boolean;
}

export interface Location {
  file: string;
  start: number;
  end: number;
  line: number; // 1-based
  column: number; // 1-based
  endLine: number;
  endColumn: number;
}

export interface RelatedLocation extends Location {
  message: string;
}

export interface Finding extends Location {
  ruleId: string;
  messageId: string;
  /** The message's placeholder values as the message shows them (ESLint reports messageId and data). */
  data: Record<string, string>;
  severity: Severity;
  message: string;
  related: RelatedLocation[];
  fixes: Fix[];
  /** Stable across line shifts and reformatting (engine/fingerprint.ts); unique per file. */
  fingerprint?: string;
}

/** Placeholder values: text, numbers, or code (a node, shown with its whitespace collapsed and cut to 60 characters). */
export type MessageData = Record<string, string | number | ts.Node>;

/** A message: its id in the rule's `meta.messages` and the values of its placeholders. */
export interface Message<MessageId extends string> {
  messageId: MessageId;
  data?: MessageData;
}

export interface ReportFix<MessageId extends string> extends Message<MessageId> {
  edits: { start: number; end: number; newText: string }[];
  preferred?: boolean;
}

/** What a rule hands to ctx.report. Nodes, not offsets: the engine turns them into locations. */
export interface Report<MessageId extends string = string> extends Message<MessageId> {
  node: ts.Node;
  related?: (Message<MessageId> & { node: ts.Node })[];
  fixes?: ReportFix<MessageId>[];
}

/** Settings every rule may read; they come from leaklint.config.json. */
export interface RuleSettings {
  /** Extra hand-off sinks, as call paths such as "registry.track" or "_register". */
  sinks: readonly string[];
  /** Extra teardown method names (dispose, close, … are built in). */
  teardownMethods: readonly string[];
}

export interface RuleContext<MessageId extends string = string> {
  readonly file: ts.SourceFile;
  readonly types: TypeQueries;
  readonly settings: RuleSettings;
  /** The shared ownership / lifecycle analysis, cached per file. */
  readonly analysis: Analysis;
  report(report: Report<MessageId>): void;
}

/** The node type of each SyntaxKind a rule may listen to; a listener's parameter is checked against it. */
export interface NodeByKind {
  [ts.SyntaxKind.BinaryExpression]: ts.BinaryExpression;
  [ts.SyntaxKind.CallExpression]: ts.CallExpression;
  [ts.SyntaxKind.ClassDeclaration]: ts.ClassDeclaration;
  [ts.SyntaxKind.DoStatement]: ts.DoStatement;
  [ts.SyntaxKind.ForOfStatement]: ts.ForOfStatement;
  [ts.SyntaxKind.ForStatement]: ts.ForStatement;
  [ts.SyntaxKind.FunctionDeclaration]: ts.FunctionDeclaration;
  [ts.SyntaxKind.Identifier]: ts.Identifier;
  [ts.SyntaxKind.MethodDeclaration]: ts.MethodDeclaration;
  [ts.SyntaxKind.NewExpression]: ts.NewExpression;
  [ts.SyntaxKind.PropertyAccessExpression]: ts.PropertyAccessExpression;
  [ts.SyntaxKind.PropertyDeclaration]: ts.PropertyDeclaration;
  [ts.SyntaxKind.TypeReference]: ts.TypeReferenceNode;
  [ts.SyntaxKind.VariableDeclaration]: ts.VariableDeclaration;
  [ts.SyntaxKind.VariableStatement]: ts.VariableStatement;
  [ts.SyntaxKind.WhileStatement]: ts.WhileStatement;
}
export type ListenedKind = keyof NodeByKind;

/** Node visitors keyed by ts.SyntaxKind; `fileEnd` runs after the traversal. */
export type RuleListeners = { [K in ListenedKind]?: (node: NodeByKind[K]) => void } & { fileEnd?: () => void };

export interface RuleModule<Id extends string = string, MessageId extends string = string, Options = object> {
  meta: RuleMeta<Id, MessageId, Options>;
  create(ctx: RuleContext<MessageId>, options: Options): RuleListeners;
}

/** A rule of any id, messages and options, as the engine holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options are validated against the schema at load
export type Rule = RuleModule<string, string, any>;

/** Declares a rule; the type parameters are inferred from `meta` (its id, message ids and options). */
export function defineRule<Id extends string, MessageId extends string, Options extends object>(
  rule: RuleModule<Id, MessageId, Options>,
): RuleModule<Id, MessageId, Options> {
  return rule;
}

/** Fills a message template's `{{name}}` placeholders; an unknown placeholder is a rule bug and throws. */
export function formatMessage(meta: RuleMeta, message: Message<string>): string {
  const template = (meta.messages as Record<string, string | undefined>)[message.messageId];
  if (template === undefined) throw new Error(`rule ${meta.id}: unknown messageId "${message.messageId}"`);
  const data = formatData(message.data);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const value = data[name];
    if (value === undefined) throw new Error(`rule ${meta.id}: message "${message.messageId}" has no data for {{${name}}}`);
    return value;
  });
}

/** Placeholder values as a message shows them: code as codeText, numbers as digits. */
export function formatData(data: MessageData | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, typeof v === 'object' ? codeText(v) : String(v)]));
}

const MAX_CODE_IN_MESSAGE = 60;

/** Source code as a message shows it: one line, at most MAX_CODE_IN_MESSAGE characters. */
export function codeText(node: ts.Node): string {
  const text = node.getText(node.getSourceFile()).replace(/\s+/g, ' ');
  return text.length <= MAX_CODE_IN_MESSAGE ? text : `${text.slice(0, MAX_CODE_IN_MESSAGE - 1)}…`;
}
