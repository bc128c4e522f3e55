/**
 * The browser's till host: a module Web Worker that owns PGlite and serves the till API to the
 * page through comlink, exactly as the Electron utility process does over its MessagePort, and
 * pushes the host's events (sync status, download progress) on the same channel. The page never
 * runs a query itself.
 */
import * as Comlink from 'comlink';
import { getErrorMessage } from '../../contract/errors';
import { makeTillApi } from '../api/handlers';
import { forwardEvents, startTillHost } from '../host';
import { browserPlatform } from './platform';
import { workerLogger } from './worker-logger';

const logger = workerLogger({ process: 'till-worker' });

// The same open sequence and sync runtime as the desktop backend (../open.ts, ../host.ts), on
// IndexedDB and fetch.
const host = startTillHost(browserPlatform({ name: 'edge-pos-till', logger }), {
  platform: 'web',
});
host.catch((error: unknown) =>
  logger.error({ error: getErrorMessage(error) }, 'the till could not be opened'),
);

Comlink.expose(makeTillApi({ host }));
forwardEvents(host, (message) => self.postMessage(message));
