/**
 * startHq: the whole HQ in one call, for `npm run hq`, `npm start`/`npm run web`, the demo,
 * tests and benchmarks.
 *
 *   database  DATABASE_URL (or `databaseUrl`) when given, else the embedded PostgreSQL in
 *             `dataDir` (default .data/hq); migrated on start (hq/ops/central.ts)
 *   sample    on first start (no stores yet) the sample chain is seeded unless `seed: false`
 *   admin     the admin token: `adminToken`, else $EDGEPOS_ADMIN_TOKEN, else the file
 *             <dataDir>/admin-token (created with a random token, mode 0600; rotated by
 *             `npm run hq:admin -- token rotate`, hq/ops/admin-token.ts). Never logged.
 *   console   the HQ console at <url>/console/ (built page from dist-console/, or `consoleDir`);
 *             when HQ has no console user yet, a first administrator is created:
 *             `consoleAdmin`, else admin@hq.local with $EDGEPOS_CONSOLE_PASSWORD, else a random
 *             password written to <dataDir>/console-admin-password (mode 0600)
 *   service   fastify on `host:port` (default 127.0.0.1 and a free port); <dataDir>/hq.json
 *             records the URL so `npm run hq:admin` finds it
 *
 * Returns the running Hq (below); close() stops the service, the change listener, the
 * background jobs and the database (when this process started it).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger as PinoLogger } from 'pino';
import { startCentral, type Central } from './ops/central';
import { CentralEmbeddingRefresher } from '../db/central/embeddings';
import type { CentralTarget } from '../db/central/connection';
import type { CentralPools } from '../db/central/pool';
import { DEFAULT_HQ_DATA_DIR } from './ops/embedded-server';
import { seedCentral, type SeedCentralResult } from '../db/seed/write-central';
import type { EnrollmentCodeCreated } from '../contract/admin-protocol';
import { getErrorMessage } from '../contract/errors';
import type { Clock } from '../core/clock';
import { buildHqApp, type HqApp } from './server/app';
import type { FailureLimitOptions } from './server/failure-limit';
import { createEnrollmentCode } from './services/enroll';
import { countUsers, createUser } from './services/console/users';
import { pruneSessions } from './services/console/sessions';
import { sha256Hex } from './services/credentials';
import { explicitAdminToken, fileAdminTokenHash, loadOrCreateAdminToken } from './ops/admin-token';
import { startNotifier } from './services/notify';
import { DEFAULT_RETENTION_DAYS, pruneChangeLog } from './services/retention';

export interface HqSeedOptions {
  seed?: number | undefined;
  products?: number | undefined;
  customers?: number | undefined;
  sales?: number | undefined;
}

export interface StartHqOptions {
  /**
   * An HQ database that is already running and migrated (tests: one database per file).
   * Its pools are used as they are and left open at close().
   */
  database?: { target: CentralTarget; pools: CentralPools };
  /** Embedded server data directory and home of admin-token and hq.json (default .data/hq). */
  dataDir?: string | undefined;
  /** A superuser URL of another PostgreSQL >= 15 (default $DATABASE_URL). */
  databaseUrl?: string | undefined;
  /** Use the embedded server even if DATABASE_URL is set. */
  embedded?: boolean | undefined;
  /** HTTP port (default: a free one). */
  port?: number | undefined;
  host?: string | undefined;
  /** Seed the sample chain when HQ has no stores yet (default true); false to skip. */
  seed?: boolean | HqSeedOptions | undefined;
  adminToken?: string | undefined;
  logger?: PinoLogger | undefined;
  /** Embedded server durability (default true; tests and benchmarks pass false). */
  durable?: boolean | undefined;
  /** Days the change feed is kept (default 30). */
  retentionDays?: number | undefined;
  /** Connections of the application pool (default 16). */
  appPoolMax?: number | undefined;
  maxConcurrentPushes?: number | undefined;
  /** Failed device/admin authentications allowed per address (default 30 a minute). */
  authFailures?: FailureLimitOptions | undefined;
  /** Failed enrollments allowed per address (default 10 in 10 minutes). */
  enrollFailures?: FailureLimitOptions | undefined;
  /** The built HQ console (default dist-console/ of this checkout). */
  consoleDir?: string | undefined;
  /** HQ's clock for the console (tests inject one); the system clock otherwise. */
  clock?: Clock | undefined;
  /** The first console administrator, created only when HQ has no console user yet. */
  consoleAdmin?: { email: string; password: string } | undefined;
  /**
   * Compute product embeddings at HQ in the background (default true), so they flow down with
   * the catalog and tills never recompute them. Tests that compare feeds row for row pass false.
   */
  embeddings?: boolean | undefined;
}

export interface Hq {
  url: string;
  /** The HQ console page. */
  consoleUrl: string;
  /** Set when this start created the first console administrator. */
  consoleAdminCreated: { email: string; passwordFile: string | undefined } | undefined;
  adminToken: string;
  central: Pick<Central, 'target' | 'pools'>;
  fastify: HqApp;
  seeded: SeedCentralResult | undefined;
  /** A one-time enrollment code for a till (what `npm run hq:admin -- code` prints). */
  createEnrollmentCode(
    storeId: string,
    registerId: string,
    options?: { ttlMinutes?: number; label?: string; replace?: boolean },
  ): Promise<EnrollmentCodeCreated>;
  close(): Promise<void>;
}

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../dist-console', import.meta.url));
export const FIRST_ADMIN_EMAIL = 'admin@hq.local';

/** The first console administrator, when HQ has none (see the header). */
async function ensureConsoleAdmin(
  app: Central['pools']['app'],
  dataDir: string,
  explicit: StartHqOptions['consoleAdmin'],
): Promise<Hq['consoleAdminCreated']> {
  if ((await countUsers(app)) > 0) return undefined;
  let password = explicit?.password ?? process.env.EDGEPOS_CONSOLE_PASSWORD;
  let passwordFile: string | undefined;
  if (!password) {
    password = randomBytes(15).toString('base64url');
    passwordFile = join(dataDir, 'console-admin-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const email = explicit?.email ?? FIRST_ADMIN_EMAIL;
  await createUser(app, {
    input: { email, displayName: 'HQ administrator', role: 'admin', password },
    actor: { userId: null, email: 'hq-start' },
  });
  return { email, passwordFile };
}

export async function startHq(options: StartHqOptions = {}): Promise<Hq> {
  const logger = options.logger ?? pino({ level: 'info' }, pino.destination(2));
  const dataDir = resolve(options.dataDir ?? DEFAULT_HQ_DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const central: Pick<Central, 'target' | 'pools' | 'stop'> = options.database
    ? { ...options.database, stop: () => Promise.resolve() }
    : await startCentral({
        dataDir,
        logger,
        appPoolMax: options.appPoolMax ?? 16,
        databaseUrl: options.databaseUrl,
        embedded: options.embedded,
        durable: options.durable,
      });
  const cleanup: Array<() => Promise<void>> = [() => central.stop()];
  const closeAll = async (): Promise<void> => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  };
  try {
    let seeded: SeedCentralResult | undefined;
    const { rows } = await central.pools.app.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.stores`,
    );
    if (Number(rows[0]?.n ?? 0) === 0 && options.seed !== false) {
      const seed = typeof options.seed === 'object' ? options.seed : {};
      const started = Date.now();
      seeded = await seedCentral({ owner: central.pools.owner, app: central.pools.app, ...seed });
      logger.info({ ...seeded, ms: Date.now() - started }, 'sample chain seeded at HQ');
    }
    if (options.embeddings !== false) {
      const refresher = new CentralEmbeddingRefresher({ pool: central.pools.app, logger });
      refresher
        .runOnce()
        .catch((error: unknown) =>
          logger.warn({ error: getErrorMessage(error) }, 'initial embedding refresh failed'),
        );
      refresher.start();
      cleanup.push(() => refresher.stop());
    }

    const explicit = options.adminToken || process.env.EDGEPOS_ADMIN_TOKEN;
    const adminToken = explicit ? explicitAdminToken(explicit) : loadOrCreateAdminToken(dataDir);
    const adminTokenHash = explicit
      ? (
          (hash: string) => () =>
            hash
        )(sha256Hex(adminToken))
      : fileAdminTokenHash(dataDir);
    const consoleAdminCreated = await ensureConsoleAdmin(
      central.pools.app,
      dataDir,
      options.consoleAdmin,
    );
    const notifier = await startNotifier({ target: central.target, logger });
    cleanup.push(() => notifier.close());
    const fastify = await buildHqApp({
      app: central.pools.app,
      owner: central.pools.owner,
      reporting: central.pools.reporting,
      consoleDir: options.consoleDir ?? DEFAULT_CONSOLE_DIR,
      clock: options.clock,
      notifier,
      logger,
      adminTokenHash,
      maxConcurrentPushes: options.maxConcurrentPushes,
      authFailures: options.authFailures,
      enrollFailures: options.enrollFailures,
    });
    cleanup.push(() => fastify.close());
    const host = options.host ?? '127.0.0.1';
    await fastify.listen({ host, port: options.port ?? 0 });
    const address = fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    writeFileSync(
      join(dataDir, 'hq.json'),
      `${JSON.stringify({ url, pid: process.pid }, null, 2)}\n`,
    );

    const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const prune = setInterval(() => {
      pruneChangeLog(central.pools.app, { retentionDays, logger }).catch((error: unknown) =>
        logger.warn({ error: getErrorMessage(error) }, 'change feed pruning failed'),
      );
      pruneSessions(central.pools.app).catch((error: unknown) =>
        logger.warn({ error: getErrorMessage(error) }, 'console session pruning failed'),
      );
    }, 3_600_000);
    prune.unref();
    cleanup.push(() => {
      clearInterval(prune);
      return Promise.resolve();
    });

    logger.info({ url, database: central.target.database }, 'HQ sync service listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      consoleUrl: `${url}/console/`,
      consoleAdminCreated,
      adminToken,
      central: { target: central.target, pools: central.pools },
      fastify,
      seeded,
      createEnrollmentCode: (storeId, registerId, codeOptions = {}) =>
        createEnrollmentCode(central.pools.app, { storeId, registerId, ...codeOptions }),
      close: () => {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
