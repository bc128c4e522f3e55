/**
 * The till database in a browser (runs inside the Web Worker, never in the page):
 * single-tab ownership (Web Locks) -> PGlite on IndexedDB -> migrations (bundled at build time)
 * -> sale journal on IndexedDB -> replay of anything the database lost.
 *
 * Two tabs on one IndexedDB PGlite would each keep their own in-memory copy and overwrite each
 * other's pages, so a second tab is refused with a clear message instead of opening it.
 */
import { PGlite } from '@electric-sql/pglite';
import { DataDirLockedError, toPosError } from '../../db/errors';
import { edgeExtensions } from '../../db/edge/extensions';
import { analyzeNeverAnalyzed } from '../../db/edge/maintenance';
import { recoverFromJournal } from '../../db/edge/replay';
import type { Logger } from '../../db/logger';
import { pgliteMigrationDriver } from '../../db/migrations/pglite-driver';
import { migrateUp, parseMigrationFiles, type Migration } from '../../db/migrations/runner';
import { lastAcked, readCounters } from '../../db/queries/outbox';
import { IdbJournal } from './idb-journal';

/** The edge migrations, bundled as text by Vite (the same files the Node runner reads). */
const files = import.meta.glob<string>('../../db/migrations/edge/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export function bundledMigrations(): Migration[] {
  const byName: Record<string, string> = {};
  for (const [path, sql] of Object.entries(files))
    byName[path.slice(path.lastIndexOf('/') + 1)] = sql;
  return parseMigrationFiles(byName);
}

export interface BrowserTill {
  db: PGlite;
  journal: IdbJournal;
  replayed: number[];
  compactJournal(): Promise<{ kept: number; dropped: number }>;
  close(): Promise<void>;
}

/**
 * Hold an exclusive Web Lock for the life of the worker. A reload's previous worker may still
 * hold it for a moment, so we wait a little before concluding another tab owns the till.
 */
function holdLock(name: string, waitMs: number): Promise<{ release: () => void } | undefined> {
  return new Promise((resolve, reject) => {
    navigator.locks
      .request(
        name,
        { mode: 'exclusive', signal: AbortSignal.timeout(waitMs) },
        () => new Promise<void>((release) => resolve({ release: () => release() })),
      )
      .catch((error: unknown) => {
        if (
          error instanceof DOMException &&
          (error.name === 'TimeoutError' || error.name === 'AbortError')
        )
          resolve(undefined);
        else reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
}

export async function openBrowserTill(options: {
  name: string;
  logger: Logger;
}): Promise<BrowserTill> {
  const { name, logger } = options;
  const lock = await holdLock(`${name}:owner`, 4_000);
  if (!lock) {
    throw new DataDirLockedError(
      'Edge POS is already open in another tab or window of this browser. Use that one, or close it and reload this page.',
    );
  }
  let db: PGlite | undefined;
  let journal: IdbJournal | undefined;
  try {
    // relaxedDurability: PGlite's IndexedDB file system copies changed files back after each
    // query; waiting for that made every keystroke's search wait on IndexedDB. Durability of
    // sales comes from the strict-durability journal (appended before the receipt shows and
    // replayed at open), so queries need not wait for the page copy.
    db = await PGlite.create({
      dataDir: `idb://${name}`,
      extensions: edgeExtensions,
      relaxedDurability: true,
    });
    await migrateUp(pgliteMigrationDriver(db), bundledMigrations(), { logger });
    // PGlite runs no autovacuum: tables never analysed (a new database, a load cut short)
    // would be planned blind; searches then pick the wrong index.
    await analyzeNeverAnalyzed(db);
    const opened = await IdbJournal.open(`${name}-journal`);
    journal = opened.journal;
    const replayed = await recoverFromJournal({
      db,
      contents: opened.contents,
      logger,
      where: 'This browser',
    });
    const liveDb = db;
    const liveJournal = journal;
    logger.info({ name, replayed: replayed.length }, 'browser till open');
    return {
      db: liveDb,
      journal: liveJournal,
      replayed,
      compactJournal: async () =>
        liveJournal.compact(await lastAcked(liveDb), await readCounters(liveDb)),
      close: async () => {
        try {
          await liveDb.close();
        } finally {
          liveJournal.close();
          lock.release();
        }
      },
    };
  } catch (error) {
    journal?.close();
    await db?.close().catch(() => undefined);
    lock.release();
    throw toPosError(error, 'open the till database');
  }
}
