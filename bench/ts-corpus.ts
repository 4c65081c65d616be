// The TypeScript corpus: public repositories at pinned commits, read from the mirrors the `fetch` tool brings
// (`npm run bench:corpus -- --ts --prepare` checks them out with their dependencies into .bench-cache/ts-corpus).
// Shared by bench/corpus.ts (which scans them) and bench/leakbench.ts (which lends their dependencies).
import { DEFAULT_EXCLUDE } from '../engine/config';

export interface TsRepository {
  /** Short name: the folder under .bench-cache/ts-corpus and the triage entries' `repo` prefix. */
  name: string;
  /** owner/name on GitHub. */
  github: string;
  commit: string;
  /** What is archived besides the root's files: the source plus what its tsconfigs and package manifests need. */
  folders: string[];
  /** The folders scanned, as `leaklint scan <scan...>` would be run in the repository. */
  scan: string[];
  /** Folders (relative to the repository) where `npm install --ignore-scripts` runs; empty: not installed (see note). */
  install: string[];
  /** Workspace package folders (globs of one `*` level) linked into the root node_modules after installing. */
  workspaces?: string[];
  /** Dependencies left out of the registry-only retry: tools whose own dependency trees need git (see npmInstall). */
  leaveOut?: string[];
  note?: string;
}

/** Tabby's built-in plugins with product code (each an npm package under the root, installed on its own). */
const TABBY_PLUGINS = [
  'tabby-core',
  'tabby-terminal',
  'tabby-ssh',
  'tabby-local',
  'tabby-electron',
  'tabby-settings',
  'tabby-serial',
  'tabby-telnet',
  'tabby-web',
  'tabby-linkifier',
  'tabby-plugin-manager',
];
/** Lexical's library packages: the workspace without its playground, website and devtools applications. */
const LEXICAL_PACKAGES = [
  'lexical',
  'lexical-a11y',
  'lexical-clipboard',
  'lexical-code',
  'lexical-code-core',
  'lexical-code-prism',
  'lexical-code-shiki',
  'lexical-dragon',
  'lexical-extension',
  'lexical-file',
  'lexical-hashtag',
  'lexical-headless',
  'lexical-history',
  'lexical-html',
  'lexical-link',
  'lexical-list',
  'lexical-mark',
  'lexical-markdown',
  'lexical-mdast',
  'lexical-offset',
  'lexical-overflow',
  'lexical-plain-text',
  'lexical-react',
  'lexical-rich-text',
  'lexical-selection',
  'lexical-table',
  'lexical-text',
  'lexical-utils',
  'lexical-yjs',
];

// Pinned at each mirror's HEAD on 2026-12-01 (kLOC: every line of the scanned files, tests excluded). Dependencies
// install for all thirteen: the pnpm/git ones on the registry-only retry of npmInstall.
export const TS_CORPUS: TsRepository[] = [
  {
    name: 'vscode-python',
    github: 'microsoft/vscode-python',
    commit: '757def8f844b2241f041c1d74435740fa621a8c5',
    folders: ['src/client', 'types', 'typings'],
    scan: ['src/client'],
    install: ['.'],
    note: 'VS Code extension, InversifyJS dependency injection',
  },
  {
    name: 'vscode-eslint',
    github: 'microsoft/vscode-eslint',
    commit: 'f5e644a38575bdc652856be6c8e45559b18f52ad',
    folders: ['client', 'server', '$shared'],
    scan: ['client/src', 'server/src'],
    install: ['.', 'client', 'server'],
    note: 'VS Code extension and its language server',
  },
  {
    name: 'jupyterlab',
    github: 'jupyterlab/jupyterlab',
    commit: '6ef5a17ad831be80c3e63911b77fa9f8acfcbf50',
    folders: ['packages'],
    scan: ['packages'],
    install: ['.'],
    workspaces: ['packages/*'],
    note: 'Lumino/React application; yarn workspaces installed by npm',
  },
  {
    name: 'angular-components',
    github: 'angular/components',
    commit: 'ef620d83d55275276d313be8ffc47fb5e282068e',
    folders: ['src'],
    scan: ['src/cdk', 'src/material'],
    install: ['.'],
    note: 'Angular component libraries (CDK, Material); pnpm catalog versions resolved on the registry-only retry',
  },
  {
    name: 'apollo-client',
    github: 'apollographql/apollo-client',
    commit: '54084bc22e92651cf153d03d0370b8dff3d1163f',
    folders: ['src', 'config', 'codegen', 'scripts', 'patches', 'docs/tsconfig.json'],
    scan: ['src'],
    install: ['.'],
    note: 'GraphQL client with React bindings, RxJS observables; a GitHub devDependency left out on the retry',
  },
  {
    name: 'tanstack-query',
    github: 'TanStack/query',
    commit: '40321a0b1b3bdd0afa11f0e439642ab84cdf6afe',
    folders: ['packages'],
    scan: ['packages'],
    install: ['.'],
    workspaces: ['packages/*'],
    note: 'React, Angular, Vue, Solid, Svelte query libraries; pnpm workspaces: root installed, packages linked',
  },
  {
    name: 'mongodb',
    github: 'mongodb/node-mongodb-native',
    commit: 'bb35ded18aa1031d8e4be88cad4fc1cc1225b00e',
    folders: ['src'],
    scan: ['src'],
    install: ['.'],
    note: 'database driver: sockets, connection pools, timers, cursors',
  },
  {
    name: 'hoppscotch-backend',
    github: 'hoppscotch/hoppscotch',
    commit: 'afc2cf181c16e56647b099e5d18cfe55710c6cdd',
    folders: ['packages/hoppscotch-backend'],
    scan: ['packages/hoppscotch-backend/src'],
    install: ['packages/hoppscotch-backend'],
    note: 'NestJS (dependency injection) GraphQL/REST server; installed as a workspace of the root; no generated Prisma client',
  },
  {
    name: 'tabby',
    github: 'Eugeny/tabby',
    commit: '14e2d60b9b6dee84a53c37f05eefeb803787de04',
    folders: ['app', ...TABBY_PLUGINS],
    scan: ['app/lib', 'app/src', ...TABBY_PLUGINS.map((plugin) => `${plugin}/src`)],
    install: ['.', 'app', ...TABBY_PLUGINS],
    leaveOut: ['@electron/rebuild', 'electron-builder'],
    note: 'Angular + Electron terminal app: xterm.js frontends, SSH/serial/telnet sessions, node-pty; plugins found by tsconfig paths',
  },
  {
    name: 'vscode-pull-request-github',
    github: 'microsoft/vscode-pull-request-github',
    commit: '849821a34981608ca9705439e458ffe5527fe480',
    folders: ['src', 'common', 'webviews', 'build'],
    scan: ['src'],
    install: ['.'],
    note: 'VS Code extension: tree views, comment controllers, webviews, GitHub polling; disposables everywhere',
  },
  {
    name: 'vscode-mock-debug',
    github: 'microsoft/vscode-mock-debug',
    commit: 'a1a7ee7c151835fb1d87e0c88922fa66d65daf05',
    folders: ['src'],
    scan: ['src'],
    install: ['.'],
    note: 'debug adapter (DAP session, runtime events) and the VS Code extension that hosts it inline or as a server',
  },
  {
    name: 'lexical',
    github: 'facebook/lexical',
    commit: '5d5102235132888d15789bf76cf214ede2a98d62',
    folders: ['packages', 'libdefs', 'stubs'],
    scan: LEXICAL_PACKAGES.map((name) => `packages/${name}/src`),
    install: ['.'],
    workspaces: ['packages/*'],
    note: 'editor framework: update listeners, commands, DOM observers, React plugins, Yjs binding (not its playground/website/devtools)',
  },
  {
    name: 'open-collaboration-tools',
    github: 'TypeFox/open-collaboration-tools',
    commit: '86f2afd71aa2b935f9cbdecc969fcbc2ba4f9cf0',
    folders: ['packages'],
    scan: ['packages'],
    install: ['.'],
    workspaces: ['packages/*'],
    note: 'collaboration server (socket.io/websocket rooms, peers) with its protocol, Yjs provider and VS Code extension',
  },
  {
    name: 'codemirror-view',
    github: 'codemirror/view',
    commit: 'a0a5ed946cfdfde61dcf33b131d551136378ccf9',
    folders: ['src'],
    scan: ['src'],
    install: ['.'],
    note: "editor framework's DOM view: DOM listeners and observers, view plugins, tooltips, gutters, input handling",
  },
  {
    name: 'vscode-cmake-tools',
    github: 'microsoft/vscode-cmake-tools',
    commit: 'c09931f9b2ad4d88a680f7f22438de643d3d6187',
    folders: ['src'],
    scan: ['src'],
    install: ['.'],
    note:
      'VS Code extension: its own services, tasks, child processes, file watchers, status bar, language client. ' +
      'Its npm install did not finish here (10 min, nothing installed): the figures were measured with node_modules ' +
      "linked to vscode-python's install (14 of 16 packages, @types/vscode 1.100 for 1.88). To re-create: stop the hanging " +
      'install, then in its folder `rm -rf node_modules && ln -s ../vscode-python/node_modules node_modules` and write the ' +
      'marker (.leaklint-corpus.json) that a finished install writes',
  },
];

/** Tests, test utilities, fixtures, examples and generated code: not the product code a user would lint for leaks. */
export const TS_EXCLUDE = [
  ...DEFAULT_EXCLUDE,
  '**/*.test.*',
  '**/*.spec.*',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/testing/**',
  '**/test-utils/**',
  '**/fixtures/**',
  '**/examples/**',
  '**/generated/**',
  '**/vendor/**',
];
