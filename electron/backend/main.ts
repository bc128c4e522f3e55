/**
 * Entry of the backend utility process (Electron utilityProcess, Node): owns the till's
 * PGlite on disk, runs migrations and the sync loop, and serves the POS API to each window
 * over the MessagePort main hands it. One API instance (one login session) per port.
 *
 * Messages from main on process.parentPort:
 *   { type: 'connect' } + ports[0]   serve a window on that port
 *   { type: 'shutdown' }             close the database cleanly and exit
 */
import { makePosApi } from '../../till/api/handlers';
import { fileLogger } from '../main/logger';
import { openNodeHost, type NodeHost } from '../../till/node/host';
import { serveOnPort, type MainPortLike } from './serve';
import { getErrorMessage } from '../../contract/errors';

const env = process.env;
const storeDir = env.EDGE_POS_STORE_DIR;
if (!storeDir) throw new Error('EDGE_POS_STORE_DIR is not set (the main process sets it)');

const logger = fileLogger({
  file: env.EDGE_POS_LOG_FILE ?? 'backend.log',
  name: 'backend',
  alsoStdout: true,
});

const hostPromise: Promise<NodeHost> = openNodeHost({
  dir: storeDir,
  logger,
  templateDir: env.EDGE_POS_TEMPLATE_DIR ?? null,
  setupDefaults: {
    ...(env.EDGE_POS_HQ_URL ? { hqUrl: env.EDGE_POS_HQ_URL } : {}),
    ...(env.EDGE_POS_ENROLLMENT_CODE ? { enrollmentCode: env.EDGE_POS_ENROLLMENT_CODE } : {}),
    autoEnroll: env.EDGE_POS_AUTO_ENROLL === '1',
  },
});
hostPromise.catch((error: unknown) =>
  logger.error({ error: getErrorMessage(error) }, 'store could not be opened'),
);

interface ParentMessage {
  data: unknown;
  ports: MainPortLike[];
}

const parent = process.parentPort;
parent.on('message', (event: ParentMessage) => {
  const message = event.data as { type?: unknown } | null;
  if (message?.type === 'connect') {
    const port = event.ports[0];
    if (!port) return;
    serveOnPort(makePosApi({ host: hostPromise }), port);
    logger.info({}, 'window connected');
  } else if (message?.type === 'shutdown') {
    void (async () => {
      try {
        const host = await hostPromise;
        await host.close();
      } catch (error) {
        logger.error({ error: getErrorMessage(error) }, 'close failed');
      } finally {
        process.exit(0);
      }
    })();
  }
});
