// Angular's markup outside the TypeScript: the host pages an application is bootstrapped into (index.html, or the
// index.pug a build turns into one), which hold the root component's element, and the components' templates (inline,
// or their templateUrl files). Read from disk once per program; a file that cannot be read counts as using anything.
import { dirname, join } from 'node:path';
import ts = require('typescript');
import type { TypeQueries } from '../types';
import { stringProperty } from './expressions';

const HOST_PAGES = ['index.html', 'index.pug'];

/** True when a host page of the workspace holds the element: `<app-root>` in HTML, an `app-root` tag line in Pug. */
export function inHostPage(types: TypeQueries, fileName: string, element: string): boolean {
  const tag = new RegExp(`(<|^[ \\t]*)${escaped(element)}(?![\\w-])`, 'm');
  return hostPagesNear(types, dirname(fileName)).some((page) => tag.test(page));
}

/** True when a component template of the program may use the element (any mention of its name counts). */
export function inTemplates(types: TypeQueries, element: string): boolean {
  const name = new RegExp(`(?<![\\w-])${escaped(element)}(?![\\w-])`);
  return templates(types).some((template) => template === undefined || name.test(template));
}

/**
 * The host pages in the folder, in one of its ancestors up to the workspace root (the topmost folder with a
 * package.json), or in a folder just below one of those (an application's `app/index.html` beside its plugins).
 */
function hostPagesNear(types: TypeQueries, folder: string): string[] {
  const byFolder = types.programWide('host-pages', () => new Map<string, string[]>());
  let pages = byFolder.get(folder);
  if (pages) return pages;
  const ancestors = [folder];
  for (let dir = folder; dirname(dir) !== dir;) ancestors.push((dir = dirname(dir)));
  let root = 0;
  ancestors.forEach((dir, at) => (root = ts.sys.fileExists(join(dir, 'package.json')) ? at : root));
  const searched = ancestors.slice(0, root + 1);
  const folders = new Set(searched.flatMap((dir) => [dir, ...subfolders(dir)]));
  pages = [...folders].flatMap((dir) => HOST_PAGES.flatMap((page) => ts.sys.readFile(join(dir, page)) ?? []));
  byFolder.set(folder, pages);
  return pages;
}

function subfolders(dir: string): string[] {
  return ts.sys
    .getDirectories(dir)
    .filter((name) => name !== 'node_modules' && !name.startsWith('.'))
    .map((name) => join(dir, name));
}

/** Every `@Component` template of the program: inline, or read from its templateUrl (undefined: unreadable). */
function templates(types: TypeQueries): (string | undefined)[] {
  return types.programWide('component-templates', () =>
    [...types.callsNamed('Component')].flatMap((call) => {
      if (!ts.isDecorator(call.parent)) return [];
      const options = call.arguments[0];
      if (!options || !ts.isObjectLiteralExpression(options)) return [undefined];
      const named = (name: string) => options.properties.some((p) => p.name?.getText() === name);
      const inline = stringProperty(options, 'template');
      const url = stringProperty(options, 'templateUrl');
      if (inline !== undefined) return [inline];
      if (url !== undefined) return [ts.sys.readFile(join(dirname(call.getSourceFile().fileName), url))];
      return named('template') || named('templateUrl') ? [undefined] : [];
    }),
  );
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
