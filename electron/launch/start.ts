/**
 * `npm start` (desktop) and `npm run web` (browser): a working store at once.
 *
 *   1. build the app (Vite: dist-web, and dist-electron for the desktop);
 *   2. start a local HQ: the sync service on the embedded PostgreSQL in .data/hq, seeded with
 *      the sample chain on its first start (the same HQ `npm run hq` runs);
 *   3. desktop: launch Electron with its user data in .data/desktop; at first run the till
 *      enrolls itself with a fresh one-time code as seattle/R01 and downloads the store;
 *      web: serve the app on http://127.0.0.1:4173 (HQ proxied at /hq on the same origin) and
 *      print the address that enrolls a new browser till as seattle/R02.
 * Ctrl+C (or closing the window) stops everything. Later runs reuse HQ's data and the tills.
 *
 * Environment: EDGE_POS_HQ_PORT (8787), EDGE_POS_WEB_PORT (4173), EDGE_POS_DATA (.data),
 * DATABASE_URL (an existing PostgreSQL >= 15 instead of the embedded one).
 */
import { constants } from 'node:os';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { buildApp } from '../build/build';
import { startLocalHq, type LocalHq } from './local-hq';
import { enrollUrl, serveWeb } from './web-server';
import { getErrorMessage } from '../../contract/errors';

const mode = process.argv[2] === 'web' ? 'web' : 'desktop';
const dataRoot = resolve(process.env.EDGE_POS_DATA ?? '.data');
const hqPort = Number(process.env.EDGE_POS_HQ_PORT ?? 8787);
const webPort = Number(process.env.EDGE_POS_WEB_PORT ?? 4173);

const say = (message: string): void => {
  process.stdout.write(`[edge-pos] ${message}\n`);
};

function electronBinary(): string {
  try {
    // In Node, the electron package's main export is the path of its binary.
    return createRequire(import.meta.url)('electron') as string;
  } catch (error) {
    throw new Error(
      `Electron's binary is not installed (${getErrorMessage(error)}). ` +
        'Run "npm install" with network access (the electron package downloads it), or use "npm run web" for the same POS in a browser.',
      { cause: error },
    );
  }
}

async function main(): Promise<void> {
  say(`building the ${mode === 'web' ? 'browser' : 'desktop'} app`);
  await buildApp({ webOnly: mode === 'web' });

  mkdirSync(dataRoot, { recursive: true });
  // The embedded PostgreSQL runs as its own OS user when started as root: let it pass through.
  chmodSync(dataRoot, 0o711);
  say(
    `starting the local HQ on port ${hqPort} (first start seeds the sample chain: about a minute)`,
  );
  let hq: LocalHq;
  try {
    hq = await startLocalHq({
      dataDir: join(dataRoot, 'hq'),
      port: hqPort,
      logger: pino({ level: 'warn' }, pino.destination(2)),
    });
  } catch (error) {
    throw new Error(
      `The local HQ could not start on port ${hqPort} (${getErrorMessage(error)}). ` +
        'Is another "npm start" or "npm run hq" running? Set EDGE_POS_HQ_PORT to use another port.',
      { cause: error },
    );
  }
  say(`HQ sync service at ${hq.url} (admin: npm run hq:admin)`);

  const stops: Array<() => Promise<void>> = [() => hq.close()];
  let stopping: Promise<void> | undefined;
  const stop = (code: number): Promise<void> => {
    stopping ??= (async () => {
      for (const fn of stops.reverse()) await fn().catch(() => undefined);
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (mode === 'web') {
      const code = await hq.enrollmentCode('seattle', 'R02');
      const web = await serveWeb({
        configFile: 'vite.config.ts',
        outDir: resolve('dist-web'),
        port: webPort,
        hqTarget: hq.url,
      });
      stops.push(() => web.close());
      say(`the POS is served at ${web.url}`);
      say(
        `open this address to set up a new browser till (seattle, register R02) and enroll it with HQ:`,
      );
      say(`  ${enrollUrl(web, code)}`);
      say('demo PINs: manager 9999, cashiers 1111 and 2222. Ctrl+C stops the POS and HQ.');
      return;
    }
    const code = await hq.enrollmentCode('seattle', 'R01');
    const binary = electronBinary();
    const userData = join(dataRoot, 'desktop');
    say(
      `launching the desktop app (user data in ${userData}); demo PINs: manager 9999, cashiers 1111 and 2222`,
    );
    const child = spawn(binary, ['.'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        EDGE_POS_USER_DATA: userData,
        EDGE_POS_HQ_URL: hq.url,
        EDGE_POS_ENROLLMENT_CODE: code,
        EDGE_POS_AUTO_ENROLL: '1',
      },
    });
    stops.push(() => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return Promise.resolve();
    });
    // A desktop app killed by a signal did not end well: report it (128 + signal, as shells do).
    child.on('exit', (exitCode, signal) => {
      void stop(exitCode ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  } catch (error) {
    await hq.close();
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[edge-pos] ${getErrorMessage(error)}\n`);
  process.exit(1);
});
