/**
 * The backend's PosHost on Node: the store directory in the user-data folder, opened through
 * the one store owner (lock, migrations, WAL bounding, sale journal + replay).
 */
import { openEdgeStore, type EdgeStore } from './store';
import type { Logger } from '../../db/logger';
import { startBackground, type Background } from '../background';
import { tillSyncClient } from '../sync';
import { clientSyncPort } from '../sync-port';
import type { PosHost } from '../api/handlers';

export interface NodeHostOptions {
  dir: string;
  logger: Logger;
  templateDir?: string | null;
  setupDefaults?: PosHost['setupDefaults'];
}

export interface NodeHost extends PosHost {
  store: EdgeStore;
  close(): Promise<void>;
}

export async function openNodeHost(options: NodeHostOptions): Promise<NodeHost> {
  const store = await openEdgeStore({
    dir: options.dir,
    logger: options.logger,
    purpose: 'Edge POS desktop backend',
    ...(options.templateDir !== undefined ? { templateDir: options.templateDir } : {}),
  });
  // The sync loop runs here, next to the database (never in the window); acknowledged sales
  // trim the sale journal, big catalog writes are followed by maintenance (till/sync.ts).
  const client = tillSyncClient(store, { logger: options.logger.child({ component: 'sync' }) });
  await client.start();
  const sync = clientSyncPort(client);
  let background: Background | undefined;
  return {
    platform: 'electron',
    db: store.db,
    journal: store.journal,
    logger: options.logger,
    sync,
    store,
    ...(options.setupDefaults ? { setupDefaults: options.setupDefaults } : {}),
    onStoreReady: (storeId) => {
      background ??= startBackground({ db: store.db, storeId, logger: options.logger });
    },
    close: async () => {
      await background?.stop();
      await sync.close();
      await store.close();
    },
  };
}
