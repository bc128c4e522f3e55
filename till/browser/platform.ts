/**
 * The browser platform of the till (../platform.ts), inside the Web Worker, never in the page:
 * single-tab ownership (Web Locks), PGlite on IndexedDB, migrations bundled at build time, the
 * sale journal on IndexedDB. The open sequence itself is the shared one (../open.ts).
 *
 * Two tabs on one IndexedDB PGlite would each keep their own in-memory copy and overwrite each
 * other's pages, so a second tab is refused with a clear message instead of opening it.
 */
import { PGlite } from '@electric-sql/pglite';
import { DataDirLockedError } from '../../db/errors';
import { edgeExtensions } from '../../db/edge/extensions';
import type { Logger } from '../../db/logger';
import { parseMigrationFiles, type Migration } from '../../db/migrations/runner';
import type { Platform } from '../platform';
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

export function browserPlatform(options: { name: string; logger: Logger }): Platform<IdbJournal> {
  const { name, logger } = options;
  return {
    where: 'This browser',
    logger,
    lock: async () => {
      const lock = await holdLock(`${name}:owner`, 4_000);
      if (!lock) {
        throw new DataDirLockedError(
          'Edge POS is already open in another tab or window of this browser. Use that one, or close it and reload this page.',
        );
      }
      return lock;
    },
    openDatabase: async () => ({
      // relaxedDurability: PGlite's IndexedDB file system copies changed files back after each
      // query; waiting for that made every keystroke's search wait on IndexedDB. Durability of
      // sales comes from the strict-durability journal (appended before the receipt shows and
      // replayed at open), so queries need not wait for the page copy.
      db: await PGlite.create({
        dataDir: `idb://${name}`,
        extensions: edgeExtensions,
        relaxedDurability: true,
      }),
      // initdb runs inside PGlite on a new IndexedDB database; nothing needs marking.
      created: false,
      createdFromTemplate: false,
    }),
    migrations: bundledMigrations,
    openJournal: () => IdbJournal.open(`${name}-journal`),
    // The browser host never checkpointed (kept as it was): its files live in memory and are
    // copied to IndexedDB after queries; the journal, not the WAL, carries durability here.
    checkpoints: null,
  };
}
