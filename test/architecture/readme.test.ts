/**
 * The README's architecture section is the floor plan a newcomer reads first (issue 16, "Done
 * when"): its folder table names every top-level folder, and every path it or the diagram
 * names exists. A moved or new folder fails here until the README says so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FOLDERS } from './folders';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The README's "## Architecture" section, up to the next second-level heading. */
export function architectureSection(readme: string): string {
  const start = readme.indexOf('\n## Architecture');
  if (start < 0) return '';
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The folders the table's first column names (`| \`db/\` | ...`). */
export function tableFolders(section: string): string[] {
  return [...section.matchAll(/^\| `([^`/]+)\/` +\|/gm)].map((m) => m[1]!);
}

/** Paths under one of `tops` the section names (in text, code spans or the diagram). */
export function namedPaths(section: string, tops: readonly string[]): string[] {
  const text = section.replace(/\\n/g, ' ');
  const re = new RegExp(`(?<![\\w.\\/-])(?:${tops.join('|')})/[\\w.\\/*-]*`, 'g');
  return [...new Set([...text.matchAll(re)].map((m) => m[0].replace(/[.]$/, '')))];
}

/** A named path exists: a file or folder; `features/*` stands for its folder. */
function exists(path: string): boolean {
  const plain = path.replace(/\/?\*.*$/, '').replace(/\/$/, '');
  return existsSync(join(root, plain));
}

/** Top-level folders of the repository: not hidden, not installed or built (.gitignore). */
function topLevelFolders(): string[] {
  const ignored = new Set(
    readFileSync(join(root, '.gitignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[\w.-]+\/?$/.test(l))
      .map((l) => l.replace(/\/$/, '')),
  );
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !ignored.has(d.name))
    .map((d) => d.name)
    .sort();
}

describe('README architecture section', () => {
  const section = architectureSection(readFileSync(join(root, 'README.md'), 'utf8'));

  it('names every top-level folder in its folder table, and only folders that exist', () => {
    const named = tableFolders(section);
    expect(named.length).toBeGreaterThan(5);
    expect(topLevelFolders().filter((f) => !named.includes(f))).toEqual([]);
    expect(named.filter((f) => !existsSync(join(root, f)))).toEqual([]);
    // The folders the architecture tests walk are a subset of what the table explains.
    expect(FOLDERS.filter((f) => !named.includes(f))).toEqual([]);
  });

  it('names only paths that exist (table and diagram)', () => {
    const paths = namedPaths(section, topLevelFolders());
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !exists(p))).toEqual([]);
  });

  it('(control) fails on a missing folder row and on a path that does not exist', () => {
    const fake = [
      '\n## Architecture',
      '| `db/` | x |',
      '| `gone/` | x |',
      'In `db/queries/` and "db/nowhere/\\nhere" and `db/queries/*.ts`.',
      '\n## Next',
    ].join('\n');
    expect(tableFolders(fake)).toEqual(['db', 'gone']);
    const paths = namedPaths(fake, ['db']);
    expect(paths).toEqual(['db/', 'db/queries/', 'db/nowhere/', 'db/queries/*.ts']);
    expect(paths.filter((p) => !exists(p))).toEqual(['db/nowhere/']);
  });
});
