/**
 * The Node platform of the till (platform.ts): the Electron utility process, the CLIs, the demo
 * and tests open a till's database on disk through here, in the ONE open sequence (../open.ts).
 *
 * Layout of a store directory:
 *   LOCK                  single-writer lock (db/edge/lock.ts)
 *   pgdata/               PGlite data directory (NodeFS)
 *   pgdata.ready          written once pgdata is fully created and migrated
 *   sale-journal.ndjson   durable copy of the outbox (db/edge/journal.ts)
 *
 * A new store is created from the pre-migrated template when there is one (db/edge/template.ts)
 * and saved as the template when there was none. The WAL is bounded and checkpointed on a timer
 * (PGlite runs no checkpointer).
 */
import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { makePrivateDir, restrictTree } from './private-files';
import { join } from 'node:path';
import type { Clock } from '../../core/clock';
import type { IdGenerator } from '../../core/ids';
import { CorruptDataError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import { silentLogger } from '../../db/logger';
import { loadMigrations, EDGE_MIGRATIONS_DIR } from '../../db/migrations/node-source';
import { edgeExtensions } from '../../db/edge/extensions';
import { FileJournal } from '../../db/edge/journal';
import { acquireDirLock } from '../../db/edge/lock';
import { boundWalSettings } from '../../db/edge/maintenance';
import { DEFAULT_TEMPLATE_DIR, readTemplate, saveTemplate } from '../../db/edge/template';
import { getErrorMessage } from '../../contract/errors';
import { openTill, type Till } from '../open';
import type { Platform } from '../platform';

export interface NodePlatformOptions {
  /** The store directory (created if missing). */
  dir: string;
  logger?: Logger | undefined;
  /** Where pre-migrated templates are read from and saved to; null disables templates. */
  templateDir?: string | null | undefined;
  /** Checkpoint when this much WAL was written since the last one (default 16 MiB). */
  checkpointWalBytes?: number | undefined;
  /** How often to look at the WAL (default 30 s). */
  checkpointIntervalMs?: number | undefined;
  /** max_wal_size in MiB (default 64): bounds the WAL kept on disk between checkpoints. */
  maxWalMb?: number | undefined;
  /** Background maintenance waits until no sale was journaled for this long (default 5 s). */
  idleBeforeMaintenanceMs?: number | undefined;
  /** Shown to a second process that finds the lock taken. */
  purpose?: string | undefined;
  clock?: Clock | undefined;
  ids?: IdGenerator | undefined;
}

/** A till's database opened from a store directory. */
export interface EdgeStore extends Till<FileJournal> {
  readonly dir: string;
}

/** Alias kept for the callers that open a store directory (CLIs, tests, benchmarks). */
export type OpenEdgeStoreOptions = NodePlatformOptions;

const READY_MARKER = 'pgdata.ready';
const JOURNAL_FILE = 'sale-journal.ndjson';

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
      // PGlite's own option type has no `| undefined`: the spread is forced on us.
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

export function nodePlatform(options: NodePlatformOptions): Platform<FileJournal> {
  const { dir } = options;
  const logger = options.logger ?? silentLogger;
  const dataDir = join(dir, 'pgdata');
  const marker = join(dir, READY_MARKER);
  const templateDir =
    options.templateDir === undefined ? DEFAULT_TEMPLATE_DIR : options.templateDir;
  return {
    where: dir,
    logger,
    clock: options.clock,
    ids: options.ids,
    lock: () => {
      makePrivateDir(dir);
      const lock = acquireDirLock(join(dir, 'LOCK'), options.purpose);
      return Promise.resolve({
        release: () => {
          // Files PGlite created while open (WAL segments, new relations) become 0600 too.
          try {
            restrictTree(dir);
          } catch (error) {
            logger.warn({ error: String(error), dir }, 'could not restrict store file modes');
          }
          lock.release();
        },
      });
    },
    openDatabase: async () => {
      if (existsSync(marker)) {
        return { db: await openPglite(dataDir), created: false, createdFromTemplate: false };
      }
      // New store, or a creation that died half-way (no marker): nothing in it can matter yet,
      // unless a journal exists, which would mean sales were taken on this directory.
      if (existsSync(join(dir, JOURNAL_FILE)) && existsSync(dataDir)) {
        throw new CorruptDataError(
          `${dir} has a sale journal but its database was never completed. Refusing to recreate it; restore from a backup.`,
        );
      }
      await rm(dataDir, { recursive: true, force: true });
      const template = templateDir ? await readTemplate(templateDir) : undefined;
      return {
        db: await openPglite(dataDir, template),
        created: true,
        createdFromTemplate: template !== undefined,
      };
    },
    migrations: () => loadMigrations(EDGE_MIGRATIONS_DIR),
    tune: (db) => boundWalSettings(db, options.maxWalMb ?? 64),
    completeCreation: async (db, opened) => {
      await db.exec('CHECKPOINT');
      await writeMarker(marker);
      if (templateDir && !opened.createdFromTemplate) {
        try {
          await saveTemplate(db, templateDir);
        } catch (error) {
          logger.warn({ error: String(error), templateDir }, 'could not save a database template');
        }
      }
    },
    openJournal: async () => {
      const opened = await FileJournal.open(join(dir, JOURNAL_FILE), logger);
      // The database is open and migrated by now: PGlite (NodeFS) creates its files
      // world-writable; make them the owner's only (the directory already is).
      restrictTree(dir);
      return opened;
    },
    checkpoints: {
      walBytes: options.checkpointWalBytes ?? 16 * 1024 * 1024,
      intervalMs: options.checkpointIntervalMs ?? 30_000,
      idleMs: options.idleBeforeMaintenanceMs ?? 5_000,
    },
  };
}

/** Open the till's database in a store directory (the Node platform, the one open sequence). */
export async function openEdgeStore(options: OpenEdgeStoreOptions): Promise<EdgeStore> {
  const till = await openTill(nodePlatform(options));
  return Object.assign(till, { dir: options.dir });
}
