// The LeakLint-specific protocol and settings, shared by the server, the VS Code client and the tests: typed
// message objects both sides register and send with, so a change of params or result type breaks the build of both.
// Only vscode-languageserver-protocol (which vscode-languageclient bundles anyway), constants and types: the client
// bundle must not pull in server code.
import { NotificationType, ParameterStructures, RequestType, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { SeveritySetting } from '../engine/rule';

/** `workDoneToken`: a client-created work-done progress token (`$/progress`); without one the server creates its own. */
export type ScanWorkspaceParams = WorkDoneProgressParams;

export interface ScanSummary {
  files: number;
  /** Problems as the editor shows them: the baseline's hidden findings and hints do not count. */
  findings: number;
  /** Files whose earlier results were reused: nothing they depend on changed since they were analysed. */
  unchanged: number;
  cancelled: boolean;
}

/** Client → server: analyse every project of every workspace folder, reporting work-done progress. */
export const ScanWorkspaceRequest = new RequestType<ScanWorkspaceParams, ScanSummary, void>(
  'leaklint/scanWorkspace',
  ParameterStructures.byName,
);

export interface StatusParams {
  state: 'analysing' | 'idle' | 'error';
  /** Problems currently published, over all files. */
  problems: number;
  message?: string;
}

/** Server → client: what the language status item shows. */
export const StatusNotification = new NotificationType<StatusParams>('leaklint/status', ParameterStructures.byName);

/** Opens a rule's documentation; the argument is the URL. Registered by the client. */
export const SHOW_DOCS_COMMAND = 'leaklint.showDocs';

/** The code action kind for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = 'source.fixAll.leaklint';

export const SETTINGS_SECTION = 'leaklint';

export type RunMode = 'onType' | 'onSave';
/** Findings the baseline file records: left out, shown as hints, or shown like any other. */
export type BaselineMode = 'hide' | 'hint' | 'show';
/** Where "Disable … for this line" writes its comment: the line above (`-next-line`) or the end of the line (`-line`). */
export type DisableCommentLocation = 'separateLine' | 'sameLine';
/** What source.fixAll.leaklint fixes: all it can, re-analysing after each pass, or the current problems in one pass. */
export type FixAllMode = 'all' | 'problems';

export const BASELINE_MODES: readonly BaselineMode[] = ['hide', 'hint', 'show'];
export const DISABLE_COMMENT_LOCATIONS: readonly DisableCommentLocation[] = ['separateLine', 'sameLine'];
export const FIX_ALL_MODES: readonly FixAllMode[] = ['all', 'problems'];

/** The `leaklint.*` settings the server reads, nested as VS Code hands them over (`leaklint.baseline.mode` → baseline.mode). */
export interface Settings {
  enable: boolean;
  run: RunMode;
  /** Rule id → severity, over leaklint.config.json. */
  rules: Record<string, SeveritySetting>;
  /** Extra globs of files not to lint. */
  exclude: string[];
  baseline: {
    mode: BaselineMode;
    /** The baseline file, relative to the workspace folder. */
    file: string;
  };
  /** Suppression comments that suppress nothing are shown as unnecessary code. */
  reportUnusedDisableDirectives: boolean;
  codeAction: { disableRuleComment: { location: DisableCommentLocation } };
  codeActionsOnSave: { mode: FixAllMode };
  /** How many projects keep their program and checker; the least recently used beyond it are unloaded. */
  maxProjects: number;
  /** Files larger than this many MB are not analysed (and are empty to the files importing them). */
  maxFileSizeMB: number;
}

/** The baseline file `leaklint scan --baseline` writes in docs/ci.md, looked for in each workspace folder. */
export const DEFAULT_BASELINE_FILE = 'leaklint-baseline.json';

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  run: 'onType',
  rules: {},
  exclude: [],
  baseline: { mode: 'hide', file: DEFAULT_BASELINE_FILE },
  reportUnusedDisableDirectives: true,
  codeAction: { disableRuleComment: { location: 'separateLine' } },
  codeActionsOnSave: { mode: 'all' },
  maxProjects: 8,
  maxFileSizeMB: 4,
};
