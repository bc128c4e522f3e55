/**
 * Entry of the backend utility process (Electron utilityProcess, Node): hosts the till (till/:
 * PGlite on disk, migrations, the sync loop) and serves the till API to each window over the
 * MessagePort main hands it, pushing the host's events on the same port. One API instance (one
 * login session) per port.
 *
 * Messages from main on process.parentPort:
 *   { type: 'connect' } + ports[0]   serve a window on that port
 *   { type: 'shutdown' }             close the database cleanly and exit
 */
import { makeTillApi } from '../../till/api/handlers';
import { forwardEvents, type TillHost } from '../../till/host';
import { openNodeHost } from '../../till/node/host';
import { fileLogger } from '../main/logger';
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

const hostPromise: Promise<TillHost> = openNodeHost({
  dir: storeDir,
  logger,
  templateDir: env.EDGE_POS_TEMPLATE_DIR ?? null,
  setupDefaults: {
    // An empty variable means "not set", like a missing one.
    hqUrl: env.EDGE_POS_HQ_URL || undefined,
    enrollmentCode: env.EDGE_POS_ENROLLMENT_CODE || undefined,
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
    serveOnPort(makeTillApi({ host: hostPromise }), port, {
      events: (post) => forwardEvents(hostPromise, post),
    });
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
