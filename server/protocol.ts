// The LeakLint-specific protocol and settings, shared by the server, the VS Code client and the tests.
// Plain constants and types only: the client bundle must not pull in server code.
import type { SeveritySetting } from '../engine/rule';

/** Analyse every project of every workspace folder. Params: ScanWorkspaceParams (optional); result: ScanSummary. */
export const SCAN_WORKSPACE_REQUEST = 'leaklint/scanWorkspace';

export interface ScanWorkspaceParams {
  /** A client-created work-done progress token; without one the server creates its own progress. */
  workDoneToken?: string | number;
}

export interface ScanSummary {
  files: number;
  findings: number;
  /** Files whose earlier results were reused: nothing they depend on changed since they were analysed. */
  unchanged: number;
  cancelled: boolean;
}

/** Server → client: what the language status item shows. */
export const STATUS_NOTIFICATION = 'leaklint/status';

export interface StatusParams {
  state: 'analysing' | 'idle' | 'error';
  /** Problems currently published, over all files. */
  problems: number;
  message?: string;
}

/** Opens a rule's documentation; the argument is the URL. Registered by the client. */
export const SHOW_DOCS_COMMAND = 'leaklint.showDocs';

/** The code action kind for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = 'source.fixAll.leaklint';

export const SETTINGS_SECTION = 'leaklint';

export type RunMode = 'onType' | 'onSave';

export interface Settings {
  enable: boolean;
  run: RunMode;
  /** Rule id → severity, over leaklint.config.json. */
  rules: Record<string, SeveritySetting>;
  /** Extra globs of files not to lint. */
  exclude: string[];
}

export const DEFAULT_SETTINGS: Settings = { enable: true, run: 'onType', rules: {}, exclude: [] };
