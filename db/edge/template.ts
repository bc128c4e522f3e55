/**
 * Pre-migrated template: initdb + migrations take ~4-10 s on a cashier's first start; loading a
 * dumped, already-migrated data directory takes ~1 s. Templates are named by the checksum of the
 * migration set, so a stale template is never used: the till then builds one the slow way once
 * and saves it for the next store created on the machine.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { loadMigrations, EDGE_MIGRATIONS_DIR } from '../migrations/node-source';
import { pgliteMigrationDriver } from '../migrations/pglite-driver';
import { migrateUp, migrationSetChecksum } from '../migrations/runner';
import { edgeExtensions } from './extensions';

export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../template', import.meta.url));

export async function templatePath(templateDir: string): Promise<string> {
  const sum = await migrationSetChecksum(loadMigrations(EDGE_MIGRATIONS_DIR));
  return join(templateDir, `edge-${sum.slice(0, 16)}.tar.gz`);
}

export async function readTemplate(templateDir: string): Promise<Blob | undefined> {
  try {
    const bytes = await readFile(await templatePath(templateDir));
    return new Blob([bytes]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Dump a freshly migrated, checkpointed database as the template (atomic write). */
export async function saveTemplate(db: PGlite, templateDir: string): Promise<string> {
  await db.exec('CHECKPOINT');
  const dump = await db.dumpDataDir('gzip');
  const path = await templatePath(templateDir);
  await mkdir(templateDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
  await rename(tmp, path);
  // Templates of older migration sets can never be used again.
  for (const name of await readdir(templateDir)) {
    if (/^edge-[0-9a-f]{16}\.tar\.gz$/.test(name) && join(templateDir, name) !== path) {
      await rm(join(templateDir, name), { force: true });
    }
  }
  return path;
}

/** Build the template in memory (no disk I/O for initdb) and save it. */
export async function buildTemplate(
  templateDir = DEFAULT_TEMPLATE_DIR,
  logger: Logger = silentLogger,
): Promise<string> {
  const db = await PGlite.create({ extensions: edgeExtensions });
  try {
    await migrateUp(pgliteMigrationDriver(db), loadMigrations(EDGE_MIGRATIONS_DIR), { logger });
    return await saveTemplate(db, templateDir);
  } finally {
    await db.close();
  }
}
