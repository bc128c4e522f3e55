/**
 * The browser's database host: a module Web Worker that owns PGlite and serves the POS API to
 * the page through comlink, exactly as the Electron utility process does over its MessagePort.
 * The page never runs a query itself.
 */
import * as Comlink from 'comlink';
import { makePosApi, type PosHost } from '../../electron/api/pos-api';
import { startBackground, type Background } from '../../electron/api/background';
import { standaloneSyncPort } from '../../electron/api/local-sync';
import { openBrowserTill } from './browser-store';
import { workerLogger } from './worker-logger';

const logger = workerLogger({ process: 'db-worker' });

async function openHost(): Promise<PosHost> {
  const till = await openBrowserTill({ name: 'edge-pos-till', logger });
  let background: Background | undefined;
  return {
    platform: 'web',
    db: till.db,
    journal: till.journal,
    logger,
    sync: standaloneSyncPort(till.db, 'No HQ connection is configured on this till'),
    onStoreReady: (storeId) => {
      background ??= startBackground({ db: till.db, storeId, logger });
    },
  };
}

Comlink.expose(makePosApi({ host: openHost() }));
