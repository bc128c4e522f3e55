/**
 * Back up and restore one till's database (a store directory).
 *
 *   npm run till:backup -- backup  --dir <storeDir> --out <file> [--format datadir|sql]
 *   npm run till:backup -- restore --from <file> --dir <newStoreDir>
 *
 * Formats:
 *   datadir  PGlite's dumpDataDir: a gzipped tarball of the data directory. Exact and fast,
 *            restorable only by the same PGlite version (default).
 *   sql      pg_dump (from @electric-sql/pglite-tools) as plain SQL with multi-row INSERTs:
 *            portable across PGlite versions, the documented upgrade path; slower.
 * Restore detects the format from the file.
 *
 * Safety: backup takes the store directory's lock through openEdgeStore, so it refuses to run
 * while a till holds it (two writers corrupt PGlite); opening also replays the sale journal,
 * so the backup holds every committed sale. Restore only writes into an empty directory and
 * leaves it exactly as the till expects (pgdata/ + ready marker), migrated to this build.
 *
 * A restored till has the original's identity and mutation counter. Use it to replace a dead
 * till, never next to the original: two devices with one identity would reuse mutation IDs.
 */
import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../../db/errors';
import { edgeExtensions } from '../../db/edge/extensions';
import { acquireDirLock } from '../../db/edge/lock';
import { openEdgeStore } from '../node/store';
import { EDGE_MIGRATIONS_DIR, loadMigrations } from '../../db/migrations/node-source';
import { pgliteMigrationDriver } from '../../db/migrations/pglite-driver';
import { migrateUp } from '../../db/migrations/runner';
import { getErrorMessage } from '../../contract/errors';

export type TillBackupFormat = 'datadir' | 'sql';

/** Written by openEdgeStore once pgdata is complete (till/node/store.ts READY_MARKER). */
const READY_MARKER = 'pgdata.ready';
const GZIP_MAGIC = [0x1f, 0x8b];

export interface TillBackupSummary {
  file: string;
  format: TillBackupFormat;
  bytes: number;
  storeId: string | null;
  registerId: string | null;
  deviceId: string | null;
  rows: Record<string, number>;
}

/** Row counts the backup and the restore both report, to compare one with the other. */
async function rowCounts(db: PGlite): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('retail', 'pos') AND c.relkind = 'r' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
    counts[name] = rows[0]?.n ?? 0;
  }
  return counts;
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

export async function backupTill(options: {
  dir: string;
  out: string;
  format?: TillBackupFormat;
}): Promise<TillBackupSummary> {
  const format = options.format ?? 'datadir';
  if (!existsSync(join(options.dir, READY_MARKER))) {
    throw new ValidationError(`${options.dir} holds no till database`);
  }
  // Takes the lock (refuses while the till runs) and replays the journal.
  const store = await openEdgeStore({
    dir: options.dir,
    purpose: 'till backup',
    templateDir: null,
  });
  try {
    await store.db.exec('CHECKPOINT');
    const identity = await store.identity();
    const rows = await rowCounts(store.db);
    let bytes: Uint8Array;
    if (format === 'datadir') {
      const blob = await store.db.dumpDataDir('gzip');
      bytes = new Uint8Array(await blob.arrayBuffer());
    } else {
      const file = await pgDump({ pg: store.db, args: ['--rows-per-insert=1000'] });
      bytes = new Uint8Array(await file.arrayBuffer());
    }
    await writeDurably(options.out, bytes);
    return {
      file: resolve(options.out),
      format,
      bytes: bytes.byteLength,
      storeId: identity?.storeId ?? null,
      registerId: identity?.registerId ?? null,
      deviceId: identity?.deviceId ?? null,
      rows,
    };
  } finally {
    await store.close();
  }
}

export async function restoreTill(options: {
  from: string;
  dir: string;
}): Promise<TillBackupSummary> {
  const bytes = new Uint8Array(await readFile(options.from));
  const format: TillBackupFormat =
    bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1] ? 'datadir' : 'sql';
  if (
    format === 'sql' &&
    !new TextDecoder().decode(bytes.slice(0, 4096)).includes('PostgreSQL database dump')
  ) {
    throw new ValidationError(
      `${options.from} is neither a till data-directory backup nor a pg_dump file`,
    );
  }
  await mkdir(options.dir, { recursive: true });
  const existing = (await readdir(options.dir)).filter((f) => f !== 'LOCK');
  if (existing.length > 0) {
    throw new ValidationError(
      `${options.dir} is not empty (${existing.slice(0, 3).join(', ')}); restore into a new directory`,
    );
  }
  const lock = acquireDirLock(join(options.dir, 'LOCK'), 'till restore');
  const dataDir = join(options.dir, 'pgdata');
  try {
    const db =
      format === 'datadir'
        ? await PGlite.create({
            dataDir,
            extensions: edgeExtensions,
            loadDataDir: new Blob([bytes]),
          })
        : await PGlite.create({ dataDir, extensions: edgeExtensions });
    try {
      if (format === 'sql') await db.exec(new TextDecoder().decode(bytes));
    } finally {
      await db.exec('CHECKPOINT').catch(() => undefined);
      await db.close();
    }
    // A fresh session (the SQL dump leaves search_path empty): bring the schema up to this build.
    const migrated = await PGlite.create({ dataDir, extensions: edgeExtensions });
    try {
      await migrateUp(pgliteMigrationDriver(migrated), loadMigrations(EDGE_MIGRATIONS_DIR));
      await migrated.exec('CHECKPOINT');
    } finally {
      await migrated.close();
    }
    await writeFile(join(options.dir, READY_MARKER), new Date().toISOString());
  } catch (error) {
    lock.release();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  lock.release();
  // Open it the way the till will, to prove it opens and to report what is in it.
  const store = await openEdgeStore({
    dir: options.dir,
    purpose: 'till restore check',
    templateDir: null,
  });
  try {
    if (store.created) throw new Error('the restored database was not recognised as complete');
    const identity = await store.identity();
    return {
      file: resolve(options.from),
      format,
      bytes: bytes.byteLength,
      storeId: identity?.storeId ?? null,
      registerId: identity?.registerId ?? null,
      deviceId: identity?.deviceId ?? null,
      rows: await rowCounts(store.db),
    };
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('till-backup')
    .description('Back up and restore a till database');
  program
    .command('backup')
    .requiredOption('--dir <storeDir>', 'the till store directory')
    .requiredOption('--out <file>', 'backup file to write')
    .addOption(
      new Option('--format <format>', 'datadir (same PGlite version) or sql (portable)')
        .choices(['datadir', 'sql'])
        .default('datadir'),
    )
    .action(async (o: { dir: string; out: string; format: TillBackupFormat }) => {
      const summary = await backupTill(o);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
  program
    .command('restore')
    .requiredOption('--from <file>', 'backup file')
    .requiredOption('--dir <newStoreDir>', 'an empty directory for the restored till')
    .action(async (o: { from: string; dir: string }) => {
      const summary = await restoreTill(o);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
  await program.parseAsync(argv);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`${getErrorMessage(error)}\n`);
    process.exit(1);
  });
}
