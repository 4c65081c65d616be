// Which @types packages a tsconfig without `types` loads: the ones the workspace's own TypeScript (the one its editor
// runs) would load. TypeScript 5 and earlier include every package under `node_modules/@types` of the config's folder
// and of each folder above it ("automatic type directives"); TypeScript 6 made `types` default to `[]`. The engine runs
// TypeScript 6, so without this a project written for TypeScript 5 loses `process`, `node:net` and the rest of
// @types/node, its resources are unresolved types, and every rule stays silent on it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts = require('typescript');

/**
 * TypeScript 6's spelling of TypeScript 5's default: `*` expands to every folder of every type root (skipping
 * dot-folders and `"typings": null` stubs), the same loop TypeScript 5 ran when `types` was absent.
 */
export const EVERY_TYPES_PACKAGE = ['*'];

/** The major version of the TypeScript installed for `dir` (the nearest node_modules/typescript above it), read from its package.json. */
export function workspaceTypeScriptMajor(dir: string): number | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'node_modules', 'typescript', 'package.json');
    if (existsSync(manifest)) {
      try {
        const version: unknown = JSON.parse(readFileSync(manifest, 'utf8')).version;
        const major = typeof version === 'string' ? /^(\d+)\./.exec(version)?.[1] : undefined;
        if (major) return Number(major);
      } catch {
        // an unreadable manifest tells nothing: keep looking above, as node would for a broken install
      }
    }
    if (dirname(at) === at) return undefined;
  }
}

/**
 * The options with `types` as the workspace's TypeScript defaults it: every @types package when the tsconfig says
 * nothing and that TypeScript is 5.x or older, or absent (a workspace that never installed TypeScript 6 was not written
 * for its defaults; inferred projects load every package too). A tsconfig's own `types` (also `[]`) and TypeScript 6
 * or later leave the options alone.
 */
export function withWorkspaceTypes(options: ts.CompilerOptions, configDir: string): ts.CompilerOptions {
  if (options.types !== undefined) return options;
  const major = workspaceTypeScriptMajor(configDir);
  return major === undefined || major < 6 ? { ...options, types: EVERY_TYPES_PACKAGE } : options;
}
