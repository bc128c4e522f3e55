/**
 * HQ survives its database (issue 11, item 6). Reported: killing or fast-restarting PostgreSQL
 * under load crashed the HQ service with `Unhandled 'error' event` (pooled clients held without
 * an error listener), and nothing restarted it.
 *
 * This test runs its OWN PostgreSQL (the embedded server of `npm run hq`, in a temporary data
 * directory; the run's shared server is never touched): a till's push is held inside its
 * transaction (a table lock), PostgreSQL is killed (immediate shutdown: every backend dies at
 * once, as in a crash), and started again on the same port. HQ must stay up, answer meanwhile
 * with a retryable 503, reconnect by itself, and take the till's sales exactly once.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type Hq } from '../../hq/start';
import { startEmbeddedServer, type EmbeddedServer } from '../../hq/ops/embedded-server';
import { withTenant } from '../../db/central/tenant';
import { eventually, openSyncTill, ringSale, type TestTillHandle } from '../sync/harness';

let dir: string;
let hq: Hq | undefined;
let restarted: EmbeddedServer | undefined;
let till: TestTillHandle | undefined;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgepos-hq-restart-'));
  await chmod(dir, 0o755);
  process.on('uncaughtException', onUncaught);
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await till?.close().catch(() => undefined);
  await hq?.close().catch(() => undefined);
  await restarted?.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8');
  return Number(text.split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function get(path: string, token?: string): Promise<Response> {
  return fetch(`${hq!.url}${path}`, {
    headers: {
      'x-edgepos-protocol': '1',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
}

describe('HQ across a PostgreSQL kill and restart', () => {
  it('keeps serving: 503 while the database is gone, then reconnects and takes every sale once', async () => {
    // PostgreSQL run by "someone else" (DATABASE_URL mode): the test stops and starts it.
    const dataDir = join(dir, 'pg');
    const server = await startEmbeddedServer({ dataDir, durable: false });
    const { user, password } = server.superuser;
    hq = await startHq({
      dataDir: join(dir, 'hq'),
      databaseUrl: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/edgepos`,
      seed: { products: 20, customers: 5, sales: 0 },
      embeddings: false,
      logger: pino({ level: process.env.SYNC_TEST_LOG ?? 'silent' }),
    });
    const { code } = await hq.createEnrollmentCode('seattle', 'R01');
    till = await openSyncTill({ url: hq.url, code, storeId: 'seattle' });
    const { rows: tokens } = await till.store.db.query<{ token: string }>(
      `SELECT token FROM pos.sync_device`,
    );
    const token = tokens[0]!.token;
    await till.client.syncNow();

    // Hold the next push inside its transaction: it waits for the device row's table lock.
    const port = hq.central.target.port;
    const superuser = hq.central.target.roles.admin;
    const blocker = new pg.Client({
      host: '127.0.0.1',
      port,
      database: hq.central.target.database,
      user: superuser.user,
      ...(superuser.password !== undefined ? { password: superuser.password } : {}),
    });
    blocker.on('error', () => undefined); // it dies with the server, as intended
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE sync.devices IN EXCLUSIVE MODE');

    for (let i = 0; i < 20; i++) await ringSale(till);
    till.client.nudge();
    await eventually(
      async () => {
        const { rows } = await blocker.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE usename = 'edgepos_app' AND wait_event_type = 'Lock'`,
        );
        expect(rows[0]!.n).toBeGreaterThan(0);
      },
      { timeoutMs: 60_000 },
    );

    // Kill PostgreSQL mid-push: immediate shutdown, every backend gone at once. (Its
    // supervisor in this process would start it again: stop watching first, then kill.)
    const pid = await postmasterPid(dataDir);
    const stopped = server.stop();
    process.kill(pid, 'SIGQUIT');
    await stopped;
    await eventually(() => Promise.resolve(expect(alive(pid)).toBe(false)), { timeoutMs: 60_000 });

    // HQ is alive and says "try again shortly", never a 500 (which reads as HQ's own bug).
    expect((await get('/healthz')).status).toBe(200);
    const meanwhile = await get('/v1/device', token);
    expect(meanwhile.status).toBe(503);
    expect(meanwhile.headers.get('retry-after')).not.toBeNull();
    expect(((await meanwhile.json()) as { error: { kind: string } }).error.kind).toBe(
      'unavailable',
    );
    expect((await get('/readyz')).status).toBe(503);

    // PostgreSQL comes back on the same port (what a service manager does).
    restarted = await startEmbeddedServer({ dataDir, port, durable: false });
    await eventually(async () => expect((await get('/readyz')).status).toBe(200), {
      timeoutMs: 60_000,
    });
    await eventually(async () => expect((await till!.client.status()).pendingCount).toBe(0), {
      timeoutMs: 120_000,
    });
    const held = await withTenant(hq.central.pools.app, 'seattle', (tx) =>
      tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.sales_transactions
          WHERE store_id = 'seattle' AND device_id IS DISTINCT FROM 'hq-seed'`,
      ),
    );
    expect(held.rows[0]!.n).toBe(20);
    expect((await get('/v1/device', token)).status).toBe(200);
    expect(uncaught).toEqual([]);
  });

  it('npm run hq starts its own PostgreSQL again when it is killed (SIGKILL) and keeps serving', async () => {
    // Embedded mode, as `npm run hq` runs it: HQ started the server and watches it.
    const dataDir = join(dir, 'embedded');
    const embedded = await startHq({
      dataDir,
      embedded: true,
      durable: false,
      seed: { products: 20, customers: 5, sales: 0 },
      embeddings: false,
      logger: pino({ level: process.env.SYNC_TEST_LOG ?? 'silent' }),
    });
    let second: TestTillHandle | undefined;
    try {
      const { code } = await embedded.createEnrollmentCode('seattle', 'R01');
      second = await openSyncTill({ url: embedded.url, code, storeId: 'seattle' });
      for (let i = 0; i < 5; i++) await ringSale(second);
      await second.client.syncNow();

      const pid = await postmasterPid(dataDir);
      process.kill(pid, 'SIGKILL');
      await eventually(() => Promise.resolve(expect(alive(pid)).toBe(false)), {
        timeoutMs: 60_000,
      });
      for (let i = 0; i < 5; i++) await ringSale(second);
      second.client.nudge();

      // A new postmaster on the same data directory and port, and the sales arrive.
      await eventually(
        async () => {
          const next = await postmasterPid(dataDir);
          expect(next).not.toBe(pid);
          expect(alive(next)).toBe(true);
        },
        { timeoutMs: 120_000 },
      );
      await eventually(async () => expect((await second!.client.status()).pendingCount).toBe(0), {
        timeoutMs: 120_000,
      });
      const held = await withTenant(embedded.central.pools.app, 'seattle', (tx) =>
        tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM retail.sales_transactions
            WHERE store_id = 'seattle' AND device_id IS DISTINCT FROM 'hq-seed'`,
        ),
      );
      expect(held.rows[0]!.n).toBe(10);
      expect(uncaught).toEqual([]);
    } finally {
      await second?.close().catch(() => undefined);
      await embedded.close();
    }
    // Closing HQ stops the server it restarted (nothing left running on the data directory).
    const last = await postmasterPid(dataDir).catch(() => undefined);
    if (last !== undefined) expect(alive(last)).toBe(false);
  });
});
