/**
 * The till's sync runtime wired to its open database (both hosts, CLIs, the demo, tests):
 * acknowledged mutations trim the sale journal, big catalog writes are followed by maintenance
 * (PGlite has no autovacuum).
 */
import type { TransactionalDb } from '../db/queryable';
import { SyncClient, type SyncClientOptions } from '../sync/client/sync-client';

/** What the sync runtime needs from an open till. */
export interface SyncedTill {
  db: TransactionalDb;
  compactJournal(): Promise<unknown>;
  /** Maintenance after bulk writes: at the next idle moment where the platform can wait for one. */
  requestMaintenance(): Promise<void>;
}

export type TillSyncOptions = Omit<SyncClientOptions, 'db' | 'hooks'>;

export function tillSyncClient(store: SyncedTill, options: TillSyncOptions = {}): SyncClient {
  return new SyncClient({
    ...options,
    db: store.db,
    hooks: {
      afterAck: async () => {
        await store.compactJournal();
      },
      // Where the platform can, at the next idle moment, not now: the cashier's next sale must
      // not wait for a vacuum or for the vector index build after a catalog download.
      afterBulkApply: () => store.requestMaintenance(),
    },
  });
}

/** Create and start (loads the device if enrolled and begins syncing). */
export async function startTillSync(
  store: SyncedTill,
  options: TillSyncOptions = {},
): Promise<SyncClient> {
  const client = tillSyncClient(store, options);
  await client.start();
  return client;
}
