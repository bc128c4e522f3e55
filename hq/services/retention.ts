/**
 * Change-feed upkeep, per store (each under its own tenant key):
 * - prune: drop entries older than the retention period. The highest change number dropped is
 *   recorded in sync.feed_state, and a till whose cursor is below it gets `resync_required`
 *   (it would otherwise miss the dropped entries, tombstones included);
 * - reset: a new feed epoch, so every cursor of the store is unknown and its tills resync.
 *   An administrator's command, and part of restoring HQ from a backup (hq/ops/backup.ts
 *   resets every store's feed in the restored database: the tills may hold positions the
 *   backup never reached, and numbers after it would mean other changes).
 *
 * No start-up check is needed any more: change numbers live in the store's own rows (not in
 * transaction IDs), so a restart, a restore or a shard move cannot make them ambiguous.
 */
import { randomUUID } from 'node:crypto';
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
      const { rows } = await tx.query<{ seq: number }>(
        `SELECT max(seq) AS seq FROM sync.change_log
          WHERE store_id = $1 AND created_at < now() - make_interval(days => $2)`,
        [storeId, days],
      );
      const cut = rows[0]?.seq;
      if (cut === null || cut === undefined) return 0;
      const result = await tx.query(
        `DELETE FROM sync.change_log WHERE store_id = $1 AND seq <= $2`,
        [storeId, cut],
      );
      await tx.query(
        `UPDATE sync.feed_state SET pruned_seq = $2, updated_at = now()
          WHERE store_id = $1 AND pruned_seq < $2`,
        [storeId, cut],
      );
      return result.affectedRows ?? 0;
    });
  }
  if (deleted > 0) options.logger.info({ deleted, days }, 'pruned the change feed');
  return { deleted };
}

/** A new epoch for the store's feed: every till of the store downloads afresh at its next pull. */
export async function resetFeed(app: pg.Pool, storeId: string): Promise<void> {
  await withTenant(app, storeId, async (tx) => {
    await tx.query(`DELETE FROM sync.change_log WHERE store_id = $1`, [storeId]);
    // The epoch comes from here: a distributed database refuses volatile functions in
    // ON CONFLICT DO UPDATE.
    await tx.query(
      `INSERT INTO sync.feed_state AS f (store_id, epoch) VALUES ($1, $2)
       ON CONFLICT (store_id) DO UPDATE SET epoch = EXCLUDED.epoch, pruned_seq = f.last_seq,
         updated_at = EXCLUDED.updated_at`,
      [storeId, randomUUID()],
    );
  });
}
