/**
 * Backup and restore of HQ: pg_dump --format=custom of a seeded database, pg_restore into a new
 * database, then the restored copy must have the same rows in every table, the same per-store
 * totals, and still be locked down (roles, grants, forced RLS, migration ledger).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { backupDatabase, BackupError, clientTool, restoreDatabase } from '../../hq/ops/backup';
import { withDatabase } from '../../db/central/connection';
import { createCentralPools, endPools, type CentralPools } from '../../db/central/pool';
import { withTenant } from '../../db/central/tenant';
import { seedCentral } from '../../db/seed/write-central';
import { centralMigrations } from '../../db/central/migrate';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

let db: TestDatabase;
let dir: string;
let restored: CentralPools | undefined;
let restoredName: string;

async function snapshot(pool: pg.Pool): Promise<Record<string, unknown>> {
  const tables = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relnamespace = 'retail'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.${name}`,
    );
    counts[name] = rows[0]!.n;
  }
  const totals = await pool.query(
    `SELECT s.store_id,
            (SELECT sum(total_amount) FROM retail.sales_transactions t WHERE t.store_id = s.store_id) AS sales_total,
            (SELECT sum(net) FROM retail.daily_sales d WHERE d.store_id = s.store_id) AS rollup_net,
            (SELECT sum(on_hand) FROM retail.stock_levels l WHERE l.store_id = s.store_id) AS on_hand,
            (SELECT count(*) FROM retail.stock_alerts a WHERE a.store_id = s.store_id AND a.status = 'open') AS open_alerts,
            (SELECT sum(amount) FROM retail.payments p WHERE p.store_id = s.store_id) AS paid
       FROM retail.stores s ORDER BY 1`,
  );
  return { counts, totals: totals.rows };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedCentral({
    owner: db.pools.owner,
    app: db.pools.app,
    seed: 9,
    products: 40,
    customers: 40,
    sales: 400,
  });
  dir = await mkdtemp(join(tmpdir(), 'edgepos-backup-'));
  restoredName = `${db.name}_restored`;
});
afterAll(async () => {
  if (restored) await endPools(restored);
  const admin = db.pools.admin;
  await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`).catch(() => undefined);
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('restores into a new database with the same rows and per-store totals', async () => {
    const file = join(dir, 'hq.dump');
    const backup = await backupDatabase({ target: db.target, file });
    expect(backup.bytes).toBeGreaterThan(10_000);
    expect((await stat(file)).size).toBe(backup.bytes);

    await restoreDatabase({ target: db.target, file, into: restoredName });
    restored = createCentralPools(withDatabase(db.target, restoredName));

    const before = await snapshot(db.pools.admin);
    const after = await snapshot(restored.admin);
    expect(after).toEqual(before);
    const counts = before.counts as Record<string, number>;
    expect(counts.sales_transactions).toBe(400);
    expect(counts.sales_transaction_items).toBeGreaterThan(400);
    expect(Object.keys(counts).some((t) => t.startsWith('sales_transactions_p'))).toBe(true);
  });

  it('the restored database is as locked down and as current as the original', async () => {
    const pools = restored!;
    const ledger = await pools.owner.query<{ version: number }>(
      `SELECT max(version) AS version FROM public.schema_migrations`,
    );
    expect(ledger.rows[0]?.version).toBe(centralMigrations().length);
    const noKey = await pools.app.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transactions`,
    );
    expect(noKey.rows[0]?.n).toBe(0);
    const seattle = await withTenant(pools.app, 'seattle', (tx) =>
      tx.query<{ stores: string[] }>(
        `SELECT array_agg(DISTINCT store_id) AS stores FROM retail.sales_transactions`,
      ),
    );
    expect(seattle.rows[0]?.stores).toEqual(['seattle']);
    const forced = await pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class
        WHERE relnamespace = 'retail'::regnamespace AND relkind IN ('r', 'p') AND relname <> ALL ($1)
          AND NOT (relrowsecurity AND relforcerowsecurity)`,
      // Shared by every store, no row security: the store registry, categories, the retention
      // setting, the chain's gift cards (docs/checkout.md, "Which store owns a card") and the
      // chain's policy (returns at another store).
      [['stores', 'product_categories', 'sales_retention', 'stored_value_cards', 'chain_policy']],
    );
    expect(forced.rows[0]?.n).toBe(0);
    const owners = await pools.admin.query(
      `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'retail'::regnamespace`,
    );
    expect(owners.rows).toEqual([{ owner: 'edgepos_owner' }]);
  });

  it('restarts the change feed of every store in the restored copy: tills resync once', async () => {
    const feeds = async (pool: pg.Pool) =>
      (
        await pool.query<{ store_id: string; epoch: string; last_seq: number; pruned_seq: number }>(
          `SELECT store_id, epoch, last_seq, pruned_seq FROM sync.feed_state ORDER BY store_id`,
        )
      ).rows;
    const before = await feeds(db.pools.admin);
    const after = await feeds(restored!.admin);
    expect(after.map((f) => f.store_id)).toEqual(before.map((f) => f.store_id));
    expect(after.length).toBeGreaterThan(0);
    for (const [i, f] of after.entries()) {
      expect(f.epoch).not.toBe(before[i]!.epoch);
      expect(Number(f.last_seq)).toBe(Number(before[i]!.last_seq));
      expect(Number(f.pruned_seq)).toBe(Number(f.last_seq));
    }
    const log = await restored!.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.change_log`,
    );
    expect(log.rows[0]?.n).toBe(0);
  });

  it('refuses to restore over an existing database, and says how to get the client tools', async () => {
    await expect(
      restoreDatabase({ target: db.target, file: join(dir, 'hq.dump'), into: restoredName }),
    ).rejects.toThrow(/already exists/);
    expect(() => clientTool('pg_dump', { PG_BIN: join(dir, 'nowhere') })).toThrow(BackupError);
    expect(() => clientTool('pg_dump', { PG_BIN: join(dir, 'nowhere') })).toThrow(
      /apt-get install postgresql-client/,
    );
  });
});
