/**
 * Electron main process: windows, security and one IPC router. It never touches the database:
 * the backend utility process owns it and talks to the window over a MessagePort.
 *
 * Environment (set by the `npm start` launcher, all optional):
 *   EDGE_POS_USER_DATA        user-data folder (default: the OS one for "Edge POS")
 *   EDGE_POS_HQ_URL           HQ address pre-filled at first run
 *   EDGE_POS_ENROLLMENT_CODE  enrollment code pre-filled at first run
 *   EDGE_POS_AUTO_ENROLL=1    enroll with those at first run without asking
 *   EDGE_POS_DEV_URL          load the renderer from a dev server instead of app://pos
 */
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  safeStorage,
  session,
  utilityProcess,
} from 'electron';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ORIGIN, APP_SCHEME, contentType, resolveAppFile } from './app-protocol';
import { createBackendHost } from './backend-process';
import { createIpcRouter } from './ipc-router';
import { fileLogger } from './logger';
import { printContents, savePdf } from './print';
import { makeRoutes } from './routes';
import { createSecretVault } from './secret-vault';
import { CONTENT_SECURITY_POLICY, hardenContents, hardenSession } from './security';
import { createMainWindow } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const webRoot = join(app.getAppPath(), 'dist-web');

if (process.env.EDGE_POS_USER_DATA) app.setPath('userData', process.env.EDGE_POS_USER_DATA);
app.setName('Edge POS');
app.enableSandbox();

// Privileged before ready: a standard, secure scheme so the page has a proper origin.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const logger = fileLogger({
  file: join(app.getPath('userData'), 'logs', 'main.log'),
  name: 'main',
  alsoStdout: !app.isPackaged,
});
const devUrl = process.env.EDGE_POS_DEV_URL;
const allowedOrigins = devUrl ? [APP_ORIGIN, new URL(devUrl).origin] : [APP_ORIGIN];
const windows = new Map<number, BrowserWindow>();

// One till per machine user: a second launch focuses the first window (the database lock
// would refuse a second backend anyway).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = [...windows.values()][0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  void run();
}

async function run(): Promise<void> {
  app.on('web-contents-created', (_event, contents) =>
    hardenContents(contents, { allowedOrigins, logger }),
  );
  await app.whenReady();
  Menu.setApplicationMenu(null);
  hardenSession(session.defaultSession, logger);

  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(webRoot, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': contentType(file),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });

  const env: Record<string, string> = {
    EDGE_POS_STORE_DIR: join(app.getPath('userData'), 'store'),
    EDGE_POS_LOG_FILE: join(app.getPath('userData'), 'logs', 'backend.log'),
    EDGE_POS_TEMPLATE_DIR: join(app.getPath('userData'), 'templates'),
  };
  for (const key of [
    'EDGE_POS_HQ_URL',
    'EDGE_POS_ENROLLMENT_CODE',
    'EDGE_POS_AUTO_ENROLL',
  ] as const) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  // The till's secrets are sealed here, by the OS keychain, for the backend (secret-vault.ts).
  const vault = createSecretVault({
    safeStorage,
    platform: process.platform,
    logger: logger.child({ component: 'vault' }),
  });
  const backend = createBackendHost({
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    createChannel: () => new MessageChannelMain(),
    modulePath: join(here, 'backend.js'),
    env,
    logger: logger.child({ component: 'backend-host' }),
    answer: (message) => vault.handle(message),
  });

  const router = createIpcRouter({
    ipcMain,
    routes: makeRoutes({
      connectBackend: (contents) => backend.connect(contents),
      print: (contents, options) => printContents(contents, options),
      printToPdf: (contents, fileName) =>
        savePdf(contents, { dir: join(app.getPath('documents'), 'Edge POS receipts'), fileName }),
      appInfo: () => ({
        version: app.getVersion(),
        platform: process.platform,
        electron: process.versions.electron ?? '',
      }),
    }),
    policy: { allowedOrigins, isKnownContents: (id) => windows.has(id) },
    logger: logger.child({ component: 'ipc' }),
  });

  const openWindow = (): void => {
    const win = createMainWindow({
      BrowserWindow,
      preloadPath: join(here, 'preload.cjs'),
      url: devUrl ?? `${APP_ORIGIN}/`,
    });
    const id = win.webContents.id;
    windows.set(id, win);
    win.on('closed', () => windows.delete(id));
  };
  openWindow();

  app.on('activate', () => {
    if (windows.size === 0) openWindow();
  });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    router.dispose();
    void backend.stop().finally(() => app.quit());
  });
}
