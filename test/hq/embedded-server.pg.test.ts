/**
 * startCentral and the embedded server: first start initialises and migrates, a second process
 * on the same data directory reuses the running server, a restart keeps the data, a taken port
 * or a broken data directory fails with a message that names the fix, and DATABASE_URL mode
 * bootstraps and migrates another server.
 */
import { createServer, type Server } from 'node:net';
import { chmod, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralMigrations } from '../../db/central/migrate';
import { startCentral } from '../../hq/ops/central';
import { roleUrl } from '../../db/central/connection';
import { CentralServerError, startEmbeddedServer } from '../../hq/ops/embedded-server';
import { withTenant } from '../../db/central/tenant';
import { centralTestServer } from '../setup/central-db';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgepos-hq-server-'));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as the postgres user and must pass through.
  await chmod(dir, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('startCentral with the embedded server', () => {
  it('initialises, migrates, is reused by a second process, and keeps its data across restarts', async () => {
    const dataDir = join(dir, 'hq');
    const first = await startCentral({ dataDir, durable: false });
    try {
      expect(first.mode).toBe('embedded');
      expect(first.server?.reused).toBe(false);
      expect(first.url('app')).toMatch(
        /^postgres:\/\/edgepos_app:\*\*\*@127\.0\.0\.1:\d+\/edgepos$/,
      );
      const ledger = await first.pools.owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM public.schema_migrations`,
      );
      expect(ledger.rows[0]?.n).toBe(centralMigrations().length);
      await first.pools.owner.query(
        `INSERT INTO retail.stores (store_id, store_name) VALUES ('kept', 'Survives restarts')`,
      );
      const partitions = await first.pools.owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.sales_partition_months()`,
      );
      expect(partitions.rows[0]?.n).toBeGreaterThanOrEqual(5);

      const second = await startCentral({ dataDir, durable: false });
      expect(second.server?.reused).toBe(true);
      expect(second.target.port).toBe(first.target.port);
      await second.stop();
      // Stopping the process that merely reused it leaves the server running.
      const still = await withTenant(first.pools.app, 'kept', (tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM retail.products`),
      );
      expect(still.rows[0]?.n).toBe(0);
    } finally {
      await first.stop();
    }
    const port = first.target.port;
    const probe = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: first.target.roles.admin.password ?? '',
      database: 'postgres',
    });
    await expect(probe.connect()).rejects.toThrow();

    const again = await startCentral({ dataDir, durable: false });
    try {
      expect(again.server?.reused).toBe(false);
      const { rows } = await again.pools.admin.query(
        `SELECT store_name FROM retail.stores WHERE store_id = 'kept'`,
      );
      expect(rows).toEqual([{ store_name: 'Survives restarts' }]);
    } finally {
      await again.stop();
    }
  });

  it('fails clearly when the port is taken', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => {
      blocker.listen(0, '127.0.0.1', () => {
        const address = blocker.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    try {
      const error = await startEmbeddedServer({
        dataDir: join(dir, 'busy'),
        port,
        durable: false,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CentralServerError);
      expect((error as Error).message).toMatch(new RegExp(`port ${port} .* already in use`));
    } finally {
      blocker.close();
    }
  });

  it('refuses a data directory whose credentials are missing', async () => {
    const dataDir = join(dir, 'hq');
    await unlink(join(dataDir, 'credentials.json'));
    await expect(startEmbeddedServer({ dataDir })).rejects.toThrow(/credentials\.json is missing/);
  });
});

describe('startCentral with DATABASE_URL', () => {
  it('bootstraps a new database on another server, migrates it and hands out role pools', async () => {
    const { target, runPrefix } = centralTestServer();
    const database = `${runPrefix}urlmode`;
    const central = await startCentral({ databaseUrl: roleUrl(target, 'admin', { database }) });
    try {
      expect(central.mode).toBe('url');
      expect(central.server).toBeUndefined();
      expect(central.target.database).toBe(database);
      const { rows } = await central.pools.app.query<{ user: string; db: string }>(
        `SELECT current_user AS user, current_database() AS db`,
      );
      expect(rows).toEqual([{ user: 'edgepos_app', db: database }]);
      const owner = await central.pools.admin.query(
        `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1`,
        [database],
      );
      expect(owner.rows).toEqual([{ owner: 'edgepos_owner' }]);
    } finally {
      await central.stop();
    }
  });
});
