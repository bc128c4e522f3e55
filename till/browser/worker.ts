/**
 * The browser's database host: a module Web Worker that owns PGlite and serves the POS API to
 * the page through comlink, exactly as the Electron utility process does over its MessagePort.
 * The page never runs a query itself.
 */
import * as Comlink from 'comlink';
import { makePosApi, type PosHost } from '../api/handlers';
import { startBackground, type Background } from '../background';
import { autovacuum } from '../../db/edge/maintenance';
import { SyncClient } from '../../sync/client';
import { clientSyncPort } from '../sync-port';
import { openBrowserTill } from './platform';
import { workerLogger } from './worker-logger';

const logger = workerLogger({ process: 'db-worker' });

async function openHost(): Promise<PosHost> {
  const till = await openBrowserTill({ name: 'edge-pos-till', logger });
  // The same sync runtime as the desktop backend, on fetch: acknowledged sales trim the
  // IndexedDB journal; big catalog writes are followed by vacuum/analyze (PGlite has none).
  const client = new SyncClient({
    db: till.db,
    logger: logger.child({ component: 'sync' }),
    hooks: {
      afterAck: async () => {
        await till.compactJournal();
      },
      afterBulkApply: async () => {
        await autovacuum(till.db);
      },
    },
  });
  await client.start();
  let background: Background | undefined;
  return {
    platform: 'web',
    db: till.db,
    journal: till.journal,
    logger,
    sync: clientSyncPort(client),
    onStoreReady: (storeId) => {
      background ??= startBackground({ db: till.db, storeId, logger });
    },
  };
}

Comlink.expose(makePosApi({ host: openHost() }));
