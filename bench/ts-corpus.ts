// The TypeScript corpus: public repositories at pinned commits, read from the mirrors the `fetch` tool brings
// (`npm run bench:corpus -- --ts --prepare` checks them out with their dependencies into .bench-cache/ts-corpus).
// Shared by bench/corpus.ts (which scans them) and bench/leakbench.ts (which lends their dependencies).

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
  note?: string;
}

// Pinned at each mirror's HEAD on 2026-12-01 (kLOC: every line of the scanned files, tests excluded). Dependencies
// install for all eight: the pnpm/git ones on the registry-only retry of npmInstall.
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
];
