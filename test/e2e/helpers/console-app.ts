/** The HQ console page, built once into a temp folder for end-to-end tests (served by HQ). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

export async function buildConsole(
  root = process.cwd(),
): Promise<{ dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'edge-pos-console-'));
  await build({
    configFile: join(root, 'vite.console.config.ts'),
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true, sourcemap: false },
  });
  return { dir, close: () => rm(dir, { recursive: true, force: true }) };
}
