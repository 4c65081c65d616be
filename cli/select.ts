// Narrowing a scan for CI: only the files changed since a git ref (and their importers), and one shard of a matrix.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts = require('typescript');
import { planScan, type Linter, type ScanRequest } from '../engine/linter';
import type { Project } from '../engine/project';
import { compareTuples, rel } from '../engine/portable';

export class SelectionError extends Error {}

export interface Selection {
  changedSince?: string;
  shard?: { index: number; count: number };
}

/** Parses `i/n` (1-based). */
export function parseShard(text: string): { index: number; count: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  return m && count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}

/** The absolute paths a narrowed scan should analyse (for ScanRequest.only). */
export function selectFiles(request: ScanRequest, linter: Linter, selection: Selection, cwd: string): Set<string> {
  const { work } = planScan(request, linter);
  try {
    let files = work.flatMap((w) => w.files);
    if (selection.changedSince) {
      const changed = changedFiles(selection.changedSince, cwd);
      // importers too: a change to what a module returns or disposes can create or fix a leak where it is used
      files = work.flatMap(({ project, files: own }) => own.filter((f) => changed.has(realpathSync(f)) || importsAny(f, project, changed)));
    }
    if (selection.shard) {
      const { index, count } = selection.shard;
      // round-robin over the sorted relative paths: every matrix job computes the same split, and shards stay balanced
      const sorted = [...new Set(files)].sort((a, b) => compareTuples([rel(cwd, a)], [rel(cwd, b)]));
      files = sorted.filter((_, i) => i % count === index - 1);
    }
    return new Set(files);
  } finally {
    for (const w of work) w.project.dispose();
  }
}

/** Files changed since `ref` in the working tree (committed, staged or not) plus untracked ones, as real paths. */
function changedFiles(ref: string, cwd: string): Set<string> {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '')
        .trim()
        .split('\n')[0];
      throw new SelectionError(`--changed-since ${ref}: git ${args[0]} failed${stderr ? `: ${stderr}` : ''}`);
    }
  };
  const top = git(['rev-parse', '--show-toplevel']).trim();
  // both commands print paths relative to the top-level folder
  const names = [
    ...git(['diff', '--name-only', ref, '--']).split('\n'),
    ...git(['ls-files', '--others', '--exclude-standard', '--full-name']).split('\n'),
  ];
  return new Set(names.filter(Boolean).map((n) => resolve(realpathSync(top), n)));
}

const resolutionCaches = new WeakMap<Project, ts.ModuleResolutionCache>();

/** True when the file imports (or requires) one of `targets` (real paths), resolved with its project's compiler options. */
function importsAny(file: string, project: Project, targets: ReadonlySet<string>): boolean {
  let cache = resolutionCaches.get(project);
  if (!cache) {
    const folder = project.kind === 'tsconfig' ? dirname(project.id) : project.id;
    resolutionCaches.set(project, (cache = ts.createModuleResolutionCache(folder, (f) => f, project.options)));
  }
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, /* detectJavaScriptImports */ true);
  return importedFiles.some(({ fileName }) => {
    const resolved = ts.resolveModuleName(fileName, file, project.options, ts.sys, cache).resolvedModule?.resolvedFileName;
    return resolved !== undefined && targets.has(realpathSync(resolved));
  });
}
