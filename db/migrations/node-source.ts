/** Node-side loader: reads a migrations folder from disk. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMigrationFiles, type Migration } from './runner';

export const EDGE_MIGRATIONS_DIR = fileURLToPath(new URL('./edge', import.meta.url));
export const CENTRAL_MIGRATIONS_DIR = fileURLToPath(new URL('./central', import.meta.url));

export function loadMigrations(dir: string): Migration[] {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.sql')) files[name] = readFileSync(join(dir, name), 'utf8');
  }
  return parseMigrationFiles(files);
}
