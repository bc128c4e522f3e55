/**
 * The one owner of a till's database on disk (Node: the Electron utility process, CLIs, tests).
 *
 * Layout of a store directory:
 *   LOCK                  single-writer lock (lock.ts)
 *   pgdata/               PGlite data directory (NodeFS)
 *   pgdata.ready          written once pgdata is fully created and migrated
 *   sale-journal.ndjson   durable copy of the outbox (journal.ts)
 *
 * Opening: lock -> create from template if new -> open PGlite -> migrate (verifies checksums)
 * -> bound the WAL -> replay the journal -> start the checkpoint timer. Closing: stop timer ->
 * CHECKPOINT -> close PGlite -> close journal -> release lock.
 */
import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptDataError, toPosError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import { silentLogger } from '../../db/logger';
import type { TillIdentity } from '../../db/mutations/apply-edge';
import { loadMigrations, EDGE_MIGRATIONS_DIR } from '../../db/migrations/node-source';
import { pgliteMigrationDriver } from '../../db/migrations/pglite-driver';
import { migrateUp } from '../../db/migrations/runner';
import { lastAcked, readCounters } from '../../db/queries/outbox';
import { readIdentity } from '../../db/queries/identity';
import { edgeExtensions } from '../../db/edge/extensions';
import { FileJournal } from '../../db/edge/journal';
import { acquireDirLock, type DirLock } from '../../db/edge/lock';
import {
  analyzeNeverAnalyzed,
  autovacuum,
  boundWalSettings,
  walBytesSinceCheckpoint,
} from '../../db/edge/maintenance';
import { recoverFromJournal } from '../../db/edge/replay';
import { DEFAULT_TEMPLATE_DIR, readTemplate, saveTemplate } from '../../db/edge/template';
import { getErrorMessage } from '../../contract/errors';

export interface OpenEdgeStoreOptions {
  /** The store directory (created if missing). */
  dir: string;
  logger?: Logger;
  /** Where pre-migrated templates are read from and saved to; null disables templates. */
  templateDir?: string | null;
  /** Checkpoint when this much WAL was written since the last one (default 16 MiB). */
  checkpointWalBytes?: number;
  /** How often to look at the WAL (default 30 s). */
  checkpointIntervalMs?: number;
  /** max_wal_size in MiB (default 64): bounds the WAL kept on disk between checkpoints. */
  maxWalMb?: number;
  /** Background maintenance waits until no sale was journaled for this long (default 5 s). */
  idleBeforeMaintenanceMs?: number;
  /** Shown to a second process that finds the lock taken. */
  purpose?: string;
}

export interface EdgeStore {
  readonly dir: string;
  readonly db: PGlite;
  readonly journal: FileJournal;
  /** True when this open created the database from a pre-migrated template. */
  readonly createdFromTemplate: boolean;
  /** True when this open created a new database at all. */
  readonly created: boolean;
  /** Mutation IDs put back from the journal at this open. */
  readonly replayed: readonly number[];
  identity(): Promise<TillIdentity | undefined>;
  /** Run CHECKPOINT if enough WAL accumulated (or always with force). */
  checkpoint(force?: boolean): Promise<boolean>;
  /**
   * Vacuum/analyze what needs it and checkpoint. Call after bulk loads (seeding, catalog pulls);
   * the store also runs it by itself when the till has been idle for a while.
   */
  maintain(): Promise<{ vacuumed: string[]; checkpointed: boolean }>;
  /** Drop journal entries HQ has acknowledged. */
  compactJournal(): Promise<{ kept: number; dropped: number }>;
  close(): Promise<void>;
}

const READY_MARKER = 'pgdata.ready';

async function writeMarker(path: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(new Date().toISOString());
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  try {
    return await PGlite.create({
      dataDir,
      extensions: edgeExtensions,
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (error) {
    throw new CorruptDataError(
      `The store database in ${dataDir} could not be opened (${getErrorMessage(
        error,
      )}). It was left untouched; restore it from a backup (npm run till:backup -- restore).`,
      { cause: error },
    );
  }
}

export async function openEdgeStore(options: OpenEdgeStoreOptions): Promise<EdgeStore> {
  const logger = options.logger ?? silentLogger;
  const dir = options.dir;
  await mkdir(dir, { recursive: true });
  const lock: DirLock = acquireDirLock(join(dir, 'LOCK'), options.purpose);
  let db: PGlite | undefined;
  let journal: FileJournal | undefined;
  try {
    const dataDir = join(dir, 'pgdata');
    const marker = join(dir, READY_MARKER);
    const templateDir =
      options.templateDir === undefined ? DEFAULT_TEMPLATE_DIR : options.templateDir;
    let created = false;
    let createdFromTemplate = false;

    if (!existsSync(marker)) {
      // New store, or a creation that died half-way (no marker): nothing in it can matter yet,
      // unless a journal exists, which would mean sales were taken on this directory.
      if (existsSync(join(dir, 'sale-journal.ndjson')) && existsSync(dataDir)) {
        throw new CorruptDataError(
          `${dir} has a sale journal but its database was never completed. Refusing to recreate it; restore from a backup.`,
        );
      }
      await rm(dataDir, { recursive: true, force: true });
      const template = templateDir ? await readTemplate(templateDir) : undefined;
      db = await openPglite(dataDir, template);
      created = true;
      createdFromTemplate = template !== undefined;
    } else {
      db = await openPglite(dataDir);
    }

    const migrations = loadMigrations(EDGE_MIGRATIONS_DIR);
    await migrateUp(pgliteMigrationDriver(db), migrations, { logger });
    await boundWalSettings(db, options.maxWalMb ?? 64);

    if (created) {
      await db.exec('CHECKPOINT');
      await writeMarker(marker);
      if (templateDir && !createdFromTemplate) {
        try {
          await saveTemplate(db, templateDir);
        } catch (error) {
          logger.warn({ error: String(error), templateDir }, 'could not save a database template');
        }
      }
    }

    const opened = await FileJournal.open(join(dir, 'sale-journal.ndjson'), logger);
    journal = opened.journal;
    const replayed = await recoverFromJournal({
      db,
      contents: opened.contents,
      logger,
      where: dir,
    });
    if (replayed.length > 0) await db.exec('CHECKPOINT');
    await analyzeNeverAnalyzed(db);

    const liveDb = db;
    const liveJournal = journal;
    const walBound = options.checkpointWalBytes ?? 16 * 1024 * 1024;
    let closing: Promise<void> | undefined;
    let checkpointing = false;

    const checkpoint = async (force = false): Promise<boolean> => {
      if (closing || checkpointing) return false;
      checkpointing = true;
      try {
        if (!force && (await walBytesSinceCheckpoint(liveDb)) < walBound) return false;
        await liveDb.exec('CHECKPOINT');
        return true;
      } finally {
        checkpointing = false;
      }
    };

    const maintain = async (): Promise<{ vacuumed: string[]; checkpointed: boolean }> => {
      if (closing) return { vacuumed: [], checkpointed: false };
      const vacuumed = await autovacuum(liveDb);
      return { vacuumed, checkpointed: await checkpoint(vacuumed.length > 0) };
    };

    // Maintenance blocks the database thread, so it waits for a lull between sales, unless the
    // WAL has grown past four times its bound (then a checkpoint cannot wait any longer).
    const idleMs = options.idleBeforeMaintenanceMs ?? 5_000;
    const timer = setInterval(() => {
      const idle = Date.now() - liveJournal.lastAppendAt >= idleMs;
      const work = idle
        ? maintain()
        : walBytesSinceCheckpoint(liveDb).then((bytes) =>
            bytes > walBound * 4 ? checkpoint(true) : false,
          );
      work.catch((error: unknown) =>
        logger.warn({ error: String(error) }, 'background maintenance failed'),
      );
    }, options.checkpointIntervalMs ?? 30_000);
    timer.unref();

    logger.info(
      { dir, created, createdFromTemplate, replayed: replayed.length },
      'store database open',
    );

    return {
      dir,
      db: liveDb,
      journal: liveJournal,
      created,
      createdFromTemplate,
      replayed,
      identity: () => readIdentity(liveDb),
      checkpoint,
      maintain,
      compactJournal: async () => {
        const acked = await lastAcked(liveDb);
        return liveJournal.compact(acked, await readCounters(liveDb));
      },
      close: () => {
        closing ??= (async () => {
          clearInterval(timer);
          try {
            await liveDb.exec('CHECKPOINT');
            await liveDb.close();
          } finally {
            await liveJournal.close();
            lock.release();
          }
          logger.info({ dir }, 'store database closed');
        })();
        return closing;
      },
    };
  } catch (error) {
    await journal?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    lock.release();
    throw toPosError(error, 'open store database');
  }
}
