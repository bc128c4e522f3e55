/**
 * The ONE open sequence of a till's database, for every platform (platform.ts):
 *
 *   lock -> PGlite (existing, or new: from a template or fresh) -> migrate (verifies checksums)
 *   -> platform tuning -> mark a new database complete -> open the sale journal -> replay what
 *   the database lost -> analyse never-analysed tables -> start the maintenance timer.
 *
 * Closing: stop the timer -> CHECKPOINT (where the platform checkpoints) -> close PGlite ->
 * close the journal -> release the lock. Journal compaction runs when HQ acknowledges sales
 * (the sync client's afterAck hook, host.ts); the embedding refresher and the sync loop are the
 * host's background work (host.ts), started on top of this.
 */
import type { PGlite } from '@electric-sql/pglite';
import { toPosError } from '../db/errors';
import type { TillIdentity } from '../db/mutations/apply-edge';
import { pgliteMigrationDriver } from '../db/migrations/pglite-driver';
import { migrateUp } from '../db/migrations/runner';
import { lastAcked, readCounters } from '../db/queries/outbox';
import { readIdentity } from '../db/queries/identity';
import { analyzeNeverAnalyzed, autovacuum, walBytesSinceCheckpoint } from '../db/edge/maintenance';
import { recoverFromJournal } from '../db/edge/replay';
import {
  buildDeferredCells,
  deferMissingCells,
  buildDeferredIndexes,
  pendingCellBuilds,
  pendingIndexBuilds,
} from '../db/queries/deferred-indexes';
import { getErrorMessage } from '../contract/errors';
import type { HostJournal, Platform } from './platform';

export interface Till<J extends HostJournal = HostJournal> {
  readonly db: PGlite;
  readonly journal: J;
  /** True when this open created a new database at all. */
  readonly created: boolean;
  /** True when this open created the database from a pre-migrated template. */
  readonly createdFromTemplate: boolean;
  /** Mutation IDs put back from the journal at this open. */
  readonly replayed: readonly number[];
  identity(): Promise<TillIdentity | undefined>;
  /** Run CHECKPOINT if enough WAL accumulated (or always with force); false where none is taken. */
  checkpoint(force?: boolean): Promise<boolean>;
  /**
   * Build deferred indexes (db/queries/deferred-indexes.ts), vacuum/analyze what needs it
   * (PGlite has no autovacuum) and checkpoint where the platform does. Holds the database while
   * it runs; a Node till also runs it by itself when it has been idle for a while.
   */
  maintain(): Promise<{
    vacuumed: string[];
    indexed: string[];
    /** `store/model` of the vector cells built (deferred by a download). */
    cells: string[];
    checkpointed: boolean;
  }>;
  /**
   * Ask for maintain() after bulk loads (a catalog download, a big pull). Where the platform
   * keeps a maintenance timer (Node), it runs at the next idle moment (no sale journaled for a
   * while), so the cashier's next sale never waits for a vacuum or an index build, and this
   * resolves at once; elsewhere (the browser worker) it runs now and this resolves after it.
   */
  requestMaintenance(): Promise<void>;
  /** Drop journal entries HQ has acknowledged. */
  compactJournal(): Promise<{ kept: number; dropped: number }>;
  close(): Promise<void>;
}

export async function openTill<J extends HostJournal>(platform: Platform<J>): Promise<Till<J>> {
  const { logger, where } = platform;
  const lock = await platform.lock();
  let db: PGlite | undefined;
  let journal: J | undefined;
  try {
    const opened = await platform.openDatabase();
    db = opened.db;
    await migrateUp(pgliteMigrationDriver(db), platform.migrations(), { logger });
    await platform.tune?.(db);
    if (opened.created) await platform.completeCreation?.(db, opened);

    const fromJournal = await platform.openJournal();
    journal = fromJournal.journal;
    const replayed = await recoverFromJournal({
      db,
      contents: fromJournal.contents,
      logger,
      where,
    });
    const policy = platform.checkpoints;
    if (replayed.length > 0 && policy) await db.exec('CHECKPOINT');
    // PGlite runs no autovacuum: tables never analysed (a new database, a load cut short)
    // would be planned blind; searches then pick the wrong index.
    await analyzeNeverAnalyzed(db);

    const liveDb = db;
    const liveJournal = journal;
    let closing: Promise<void> | undefined;
    let checkpointing = false;

    const checkpoint = async (force = false): Promise<boolean> => {
      if (!policy || closing || checkpointing) return false;
      checkpointing = true;
      try {
        if (!force && (await walBytesSinceCheckpoint(liveDb)) < policy.walBytes) return false;
        await liveDb.exec('CHECKPOINT');
        return true;
      } finally {
        checkpointing = false;
      }
    };

    type Maintained = {
      vacuumed: string[];
      indexed: string[];
      cells: string[];
      checkpointed: boolean;
    };
    let maintaining: Promise<Maintained> = Promise.resolve({
      vacuumed: [],
      indexed: [],
      cells: [],
      checkpointed: false,
    });
    const maintain = (): Promise<Maintained> => {
      // One maintenance at a time (the idle timer and an explicit call may meet).
      maintaining = maintaining
        .catch(() => undefined)
        .then(async () => {
          if (closing) return { vacuumed: [], indexed: [], cells: [], checkpointed: false };
          // Cells first: they answer vector search better than the HNSW graph (docs/search.md).
          const cells = await buildDeferredCells(liveDb, { logger });
          const indexed = await buildDeferredIndexes(liveDb, { logger });
          const vacuumed = await autovacuum(liveDb);
          const wrote = vacuumed.length + indexed.length + cells.length > 0;
          return { vacuumed, indexed, cells, checkpointed: await checkpoint(wrote) };
        });
      return maintaining;
    };
    const failed = (error: unknown): void =>
      logger.warn({ error: getErrorMessage(error) }, 'background maintenance failed');

    // Maintenance blocks the database thread, so it waits for a lull between sales, unless the
    // WAL has grown past four times its bound (then a checkpoint cannot wait any longer).
    const timer = policy
      ? setInterval(() => {
          const idle = Date.now() - liveJournal.lastAppendAt >= policy.idleMs;
          const work = idle
            ? maintain()
            : walBytesSinceCheckpoint(liveDb).then((bytes) =>
                bytes > policy.walBytes * 4 ? checkpoint(true) : false,
              );
          work.catch((error: unknown) =>
            logger.warn({ error: getErrorMessage(error) }, 'background maintenance failed'),
          );
        }, policy.intervalMs)
      : undefined;
    // Node: the timer alone must not keep a CLI alive (browsers have no unref and no timer).
    (timer as { unref?: () => void } | undefined)?.unref?.();

    // Requested maintenance (after a bulk load, or index builds left from before a restart)
    // is looked for every second instead of every interval.
    let requested: ReturnType<typeof setInterval> | undefined;
    const requestMaintenance = async (): Promise<void> => {
      if (closing) return;
      if (!policy) {
        await maintain();
        return;
      }
      if (requested) return;
      // Not before idleMs from now either: a new till's cashier logs in and opens a shift
      // right after the download, before any sale was journaled.
      const notBefore = Date.now() + policy.idleMs;
      requested = setInterval(
        () => {
          const idle = Date.now() - liveJournal.lastAppendAt >= policy.idleMs;
          if (Date.now() < notBefore || !idle || closing) return;
          clearInterval(requested);
          requested = undefined;
          maintain().catch(failed);
        },
        Math.min(1_000, policy.idleMs),
      );
      (requested as { unref?: () => void }).unref?.();
    };
    await deferMissingCells(liveDb);
    const pending =
      (await pendingIndexBuilds(liveDb)).length + (await pendingCellBuilds(liveDb)).length;
    if (pending > 0) requestMaintenance().catch(failed);

    logger.info(
      {
        where,
        created: opened.created,
        createdFromTemplate: opened.createdFromTemplate,
        replayed: replayed.length,
      },
      'till database open',
    );

    return {
      db: liveDb,
      journal: liveJournal,
      created: opened.created,
      createdFromTemplate: opened.createdFromTemplate,
      replayed,
      identity: () => readIdentity(liveDb),
      checkpoint,
      maintain,
      requestMaintenance,
      compactJournal: async () =>
        liveJournal.compact(await lastAcked(liveDb), await readCounters(liveDb)),
      close: () => {
        closing ??= (async () => {
          clearInterval(timer);
          clearInterval(requested);
          await maintaining.catch(() => undefined);
          try {
            if (policy) await liveDb.exec('CHECKPOINT');
            await liveDb.close();
          } finally {
            await liveJournal.close();
            lock.release();
          }
          logger.info({ where }, 'till database closed');
        })();
        return closing;
      },
    };
  } catch (error) {
    await journal?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    lock.release();
    throw toPosError(error, 'open the till database');
  }
}
