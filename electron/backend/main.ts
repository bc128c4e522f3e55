/**
 * Entry of the backend utility process (Electron utilityProcess, Node): hosts the till (till/:
 * PGlite on disk, migrations, the sync loop) and serves the till API to each window over the
 * MessagePort main hands it, pushing the host's events on the same port. One API instance (one
 * login session) per port.
 *
 * Messages from main on process.parentPort:
 *   { type: 'connect' } + ports[0]   serve a window on that port
 *   { type: 'shutdown' }             close the database cleanly and exit
 *   { type: 'vault-reply', ... }     main's answer to a secret-vault request (vault-client.ts)
 *
 * The till's secrets are sealed by the OS keychain through main (contract/secret-vault.ts)
 * when main can seal on this machine; otherwise they stay in the owner-only database.
 */
import { makeTillApi } from '../../till/api/handlers';
import { forwardEvents, type TillHost } from '../../till/host';
import { openNodeHost } from '../../till/node/host';
import { fileLogger } from '../main/logger';
import { serveOnPort, type MainPortLike } from './serve';
import { createVaultClient, vaultSealer } from './vault-client';
import type { SecretSealer } from '../../contract/secret-vault';
import { getErrorMessage } from '../../contract/errors';

const env = process.env;
const storeDir = env.EDGE_POS_STORE_DIR;
if (!storeDir) throw new Error('EDGE_POS_STORE_DIR is not set (the main process sets it)');

const logger = fileLogger({
  file: env.EDGE_POS_LOG_FILE ?? 'backend.log',
  name: 'backend',
  alsoStdout: true,
});

const parent = process.parentPort;
const vault = createVaultClient({
  post: (message) => parent.postMessage(message),
  logger: logger.child({ component: 'vault' }),
});

const hostPromise: Promise<TillHost> = (async () => {
  let sealer: SecretSealer | null = null;
  try {
    sealer = await vaultSealer(vault);
  } catch (error) {
    // Main could not tell: keep the current storage rather than not opening the till.
    logger.error(
      { error: getErrorMessage(error) },
      'the secret vault did not answer; till secrets stay in the owner-only database',
    );
  }
  return openNodeHost({
    dir: storeDir,
    logger,
    sealer,
    templateDir: env.EDGE_POS_TEMPLATE_DIR ?? null,
    setupDefaults: {
      // An empty variable means "not set", like a missing one.
      hqUrl: env.EDGE_POS_HQ_URL || undefined,
      enrollmentCode: env.EDGE_POS_ENROLLMENT_CODE || undefined,
      autoEnroll: env.EDGE_POS_AUTO_ENROLL === '1',
    },
  });
})();
hostPromise.catch((error: unknown) =>
  logger.error({ error: getErrorMessage(error) }, 'store could not be opened'),
);

interface ParentMessage {
  data: unknown;
  ports: MainPortLike[];
}

parent.on('message', (event: ParentMessage) => {
  if (vault.receive(event.data)) return;
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
