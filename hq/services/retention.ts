/**
 * Change-feed upkeep, per store (each under its own tenant key):
 * - prune: drop entries older than the retention period. The highest (txid, seq) dropped is
 *   recorded in sync.feed_state, and a till whose cursor is below it gets `resync_required`
 *   (it would otherwise miss the dropped entries, tombstones included);
 * - reset: a new feed epoch, so every cursor of the store is unknown and its tills resync.
 *   Done at startup when the log holds transaction IDs the server has not reached yet,
 *   which happens only after a restore into a new cluster (txids restart there).
 */
import type pg from 'pg';
import { withTenant } from '../../db/central/tenant';
import type { Logger } from '../../db/logger';
import { listStoreIds } from './stores';

export const DEFAULT_RETENTION_DAYS = 30;

export async function pruneChangeLog(
  app: pg.Pool,
  options: { retentionDays?: number; logger: Logger },
): Promise<{ deleted: number }> {
  const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  let deleted = 0;
  for (const storeId of await listStoreIds(app)) {
    deleted += await withTenant(app, storeId, async (tx) => {
      const { rows } = await tx.query<{ txid: string; seq: number }>(
        // c.txid, not the text alias, so 1000 sorts after 999.
        `SELECT c.txid::text AS txid, c.seq FROM sync.change_log c
          WHERE c.store_id = $1 AND c.created_at < now() - make_interval(days => $2)
            AND c.txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY c.txid DESC, c.seq DESC LIMIT 1`,
        [storeId, days],
      );
      const cut = rows[0];
      if (!cut) return 0;
      const result = await tx.query(
        `DELETE FROM sync.change_log WHERE store_id = $1 AND (txid, seq) <= ($2::xid8, $3::bigint)`,
        [storeId, cut.txid, cut.seq],
      );
      await tx.query(
        `INSERT INTO sync.feed_state AS f (store_id, pruned_txid, pruned_seq) VALUES ($1, $2, $3)
         ON CONFLICT (store_id) DO UPDATE SET pruned_txid = EXCLUDED.pruned_txid,
           pruned_seq = EXCLUDED.pruned_seq, updated_at = now()
         WHERE (f.pruned_txid, f.pruned_seq) < (EXCLUDED.pruned_txid, EXCLUDED.pruned_seq)`,
        [storeId, cut.txid, cut.seq],
      );
      return result.affectedRows ?? 0;
    });
  }
  if (deleted > 0) options.logger.info({ deleted, days }, 'pruned the change feed');
  return { deleted };
}

export async function resetFeed(app: pg.Pool, storeId: string): Promise<void> {
  await withTenant(app, storeId, async (tx) => {
    await tx.query(`DELETE FROM sync.change_log WHERE store_id = $1`, [storeId]);
    await tx.query(
      `INSERT INTO sync.feed_state AS f (store_id) VALUES ($1)
       ON CONFLICT (store_id) DO UPDATE SET epoch = gen_random_uuid(), pruned_txid = '0',
         pruned_seq = 0, updated_at = now()`,
      [storeId],
    );
  });
}

/** Reset the feeds that hold transaction IDs from another cluster's future (see above). */
export async function repairRestoredFeeds(app: pg.Pool, logger: Logger): Promise<string[]> {
  const reset: string[] = [];
  for (const storeId of await listStoreIds(app)) {
    const ahead = await withTenant(app, storeId, async (tx) => {
      const { rows } = await tx.query<{ ahead: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM sync.change_log
                          WHERE store_id = $1 AND txid >= pg_snapshot_xmax(pg_current_snapshot())) AS ahead`,
        [storeId],
      );
      return rows[0]?.ahead ?? false;
    });
    if (ahead) {
      await resetFeed(app, storeId);
      reset.push(storeId);
    }
  }
  if (reset.length > 0) {
    logger.warn(
      { stores: reset },
      'change feed holds future transaction IDs (restored database): reset, tills will resync',
    );
  }
  return reset;
}
