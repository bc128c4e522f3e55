/**
 * Node wiring of the till's sync runtime to its EdgeStore (Electron utility process, CLIs,
 * the demo, tests): acknowledged mutations trim the sale journal, big catalog writes are
 * followed by maintenance (PGlite has no autovacuum).
 */
import type { EdgeStore } from '../db/edge/store';
import { SyncClient, type SyncClientOptions } from './client/sync-client';

export type TillSyncOptions = Omit<SyncClientOptions, 'db' | 'hooks'>;

export function tillSyncClient(store: EdgeStore, options: TillSyncOptions = {}): SyncClient {
  return new SyncClient({
    ...options,
    db: store.db,
    hooks: {
      afterAck: async () => {
        await store.compactJournal();
      },
      afterBulkApply: async () => {
        await store.maintain();
      },
    },
  });
}

/** Create and start (loads the device if enrolled and begins syncing). */
export async function startTillSync(
  store: EdgeStore,
  options: TillSyncOptions = {},
): Promise<SyncClient> {
  const client = tillSyncClient(store, options);
  await client.start();
  return client;
}
