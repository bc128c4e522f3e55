/**
 * `npm start` (desktop) and `npm run web` (browser): a working store at once.
 *
 *   1. desktop: check that Electron can start here; when it cannot, say why in one sentence and
 *      run the browser till instead (launcher.ts);
 *   2. build the app (Vite: dist-web, and dist-electron for the desktop);
 *   3. start a local HQ: the sync service on the embedded PostgreSQL in .data/hq, seeded with
 *      the sample chain on its first start (the same HQ `npm run hq` runs);
 *   4. desktop: launch Electron with its user data in .data/desktop; at first run the till
 *      enrolls itself with a fresh one-time code as seattle/R01 and downloads the store;
 *      web: serve the app on http://127.0.0.1:4173 (HQ proxied at /hq on the same origin) and
 *      print the address that enrolls a new browser till as seattle/R02.
 *      A register that already has a till at HQ gets no new code (one till per register).
 * Ctrl+C, `kill` (SIGTERM) or closing the window stops everything. Later runs reuse HQ's data
 * and the tills.
 *
 * Environment: EDGE_POS_HQ_PORT (8787), EDGE_POS_WEB_PORT (4173), EDGE_POS_DATA (.data),
 * DATABASE_URL (an existing PostgreSQL >= 15 instead of the embedded one).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../build/build';
import { startLocalHq } from './local-hq';
import { consoleBanner, ensureConsoleBuilt } from '../../hq/ops/console-build';
import { enrollUrl, serveWeb } from './web-server';
import { checkElectron } from './electron-check';
import { exitOnSignals, launch } from './launcher';
import { getErrorMessage } from '../../contract/errors';

const dataRoot = resolve(process.env.EDGE_POS_DATA ?? '.data');
const hqPort = Number(process.env.EDGE_POS_HQ_PORT ?? 8787);
const webPort = Number(process.env.EDGE_POS_WEB_PORT ?? 4173);
const userData = join(dataRoot, 'desktop');

const say = (message: string): void => {
  process.stdout.write(`[edge-pos] ${message}\n`);
};

launch({
  mode: process.argv[2] === 'web' ? 'web' : 'desktop',
  userData,
  say,
  checkElectron: () => checkElectron(),
  buildApp: (options) => buildApp(options),
  startHq: async () => {
    mkdirSync(dataRoot, { recursive: true });
    // The embedded PostgreSQL runs as its own OS user when started as root: let it pass through.
    chmodSync(dataRoot, 0o711);
    say(
      `starting the local HQ on port ${hqPort} (first start seeds the sample chain: about a minute)`,
    );
    if (await ensureConsoleBuilt()) say('built the HQ console');
    try {
      const hq = await startLocalHq({
        dataDir: join(dataRoot, 'hq'),
        port: hqPort,
        logger: pino({ level: 'warn' }, pino.destination(2)),
      });
      say(consoleBanner(hq.hq));
      return hq;
    } catch (error) {
      throw new Error(
        `The local HQ could not start on port ${hqPort} (${getErrorMessage(error)}). ` +
          'Is another "npm start" or "npm run hq" running? Set EDGE_POS_HQ_PORT to use another port.',
        { cause: error },
      );
    }
  },
  serveWeb: (hqTarget) =>
    serveWeb({
      configFile: 'vite.config.ts',
      outDir: resolve('dist-web'),
      port: webPort,
      hqTarget,
    }),
  enrollUrl,
  spawnDesktop: ({ binary, hqUrl, code }) =>
    spawn(binary, ['.'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        EDGE_POS_USER_DATA: userData,
        EDGE_POS_HQ_URL: hqUrl,
        // An enrolled register gets no code: the app opens its own till as enrolled before.
        ...(code === undefined
          ? {}
          : { EDGE_POS_ENROLLMENT_CODE: code, EDGE_POS_AUTO_ENROLL: '1' }),
      },
    }),
})
  .then((running) => exitOnSignals(running, (code) => process.exit(code)))
  .catch((error: unknown) => {
    process.stderr.write(`[edge-pos] ${getErrorMessage(error)}\n`);
    process.exit(1);
  });
