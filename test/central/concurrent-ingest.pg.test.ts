/**
 * Late offline sales from a month without partitions, pushed by several stores at once: the
 * partitions are created up front in their own transaction (prepareSalesPartitions), so the
 * concurrent ingest transactions take no exclusive lock and cannot deadlock. (Creating them
 * inside the ingest transactions deadlocked four concurrent streams: found by profiling. Ingest
 * now refuses to run without them instead of creating them.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMutations, prepareSalesPartitions } from '../../db/central/ingest';
import { SalesPartitionsMissingError, listSalesPartitions } from '../../db/central/partitions';
import { lockForSalesIngest } from '../../db/central/sales-ddl-lock';
import { withTenant } from '../../db/central/tenant';
import type { Mutation } from '../../contract/mutations';
import { generateCatalog, toProductEntity } from '../../db/seed/catalog';
import { generateCustomers } from '../../db/seed/customers';
import { generateSales } from '../../db/seed/sales';
import { seedCentral } from '../../db/seed/write-central';
import { receiptNumber } from '../../db/checkout/shared';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedCentral({
    owner: db.pools.owner,
    app: db.pools.app,
    seed: 11,
    products: 40,
    customers: 40,
    sales: 0,
    batchSize: 100,
  });
});
afterAll(async () => {
  await db?.drop();
});

const deadlocks = async (): Promise<number> => {
  await db.pools.admin.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await db.pools.admin.query<{ n: string }>(
    `SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0]?.n ?? 0);
};

const exclusiveLocks = async (tx: {
  query: <T>(sql: string, params?: unknown[]) => Promise<{ rows: T[] }>;
}): Promise<string[]> => {
  const { rows } = await tx.query<{ rel: string }>(
    `SELECT relation::regclass::text AS rel FROM pg_locks
      WHERE pid = pg_backend_pid() AND mode = 'AccessExclusiveLock' AND relation IS NOT NULL
        AND relation::regclass::text IN ('retail.sales_transactions', 'retail.sales_transaction_items', 'retail.payments')`,
  );
  return rows.map((r) => r.rel).sort();
};

function lateSales(
  monthsBack: number,
  seed: number,
  count: number,
  storeId = 'seattle',
): Mutation[] {
  const now = new Date();
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 15));
  const catalog = generateCatalog({ seed: 11, products: 40 }).map(toProductEntity);
  const customers = generateCustomers({ seed: 11, customers: 40 });
  return [...generateSales({ seed, sales: count * 6, catalog, customers, now: at, days: 5 })]
    .filter((s) => s.storeId === storeId)
    .slice(0, count)
    .map(({ storeId: _store, ...payload }, i) => {
      // Each call starts its receipt sequence at 1: move it so receipts never collide.
      const receiptSeq = payload.receiptSeq + seed * 1_000;
      return {
        mutationId: i + 1,
        type: 'sale.recorded',
        payload: {
          ...payload,
          receiptSeq,
          receiptNumber: receiptNumber(storeId, payload.registerId, receiptSeq),
        },
      };
    });
}

describe('concurrent ingest of late sales', () => {
  it('never creates a month inside the ingest transaction; prepared first, it takes no exclusive lock', async () => {
    // Without preparation, a sale in a month with no partition is not ingested (and nothing is
    // created): creating it there locked every sales parent exclusively until commit, and a
    // distributed database refuses the DDL there at all. Not a rejection: prepare and retry.
    const unprepared = lateSales(7, 21, 5);
    const held = await withTenant(db.pools.app, 'seattle', async (tx) => {
      const refused = await ingestMutations(tx, {
        deviceId: 'late-a',
        mutations: unprepared,
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(SalesPartitionsMissingError);
      return exclusiveLocks(tx);
    });
    expect(held).toEqual([]);
    await prepareSalesPartitions(db.pools.app, unprepared);
    const retried = await withTenant(db.pools.app, 'seattle', (tx) =>
      ingestMutations(tx, { deviceId: 'late-a', mutations: unprepared }),
    );
    expect(retried.map((o) => o.status)).toEqual(unprepared.map(() => 'applied'));
    // Prepared first (its own transaction), the ingest transaction locks nothing exclusively.
    const prepared = lateSales(8, 22, 5);
    await prepareSalesPartitions(db.pools.app, prepared);
    const none = await withTenant(db.pools.app, 'seattle', async (tx) => {
      const outcomes = await ingestMutations(tx, { deviceId: 'late-b', mutations: prepared });
      expect(outcomes.map((o) => o.status)).toEqual([
        'applied',
        'applied',
        'applied',
        'applied',
        'applied',
      ]);
      return exclusiveLocks(tx);
    });
    expect(none).toEqual([]);
  });

  it('applies four stores at once into months that had no partitions, without deadlocks', async () => {
    const now = new Date();
    const monthsBack = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 20));
    const catalog = generateCatalog({ seed: 11, products: 40 }).map(toProductEntity);
    const customers = generateCustomers({ seed: 11, customers: 40 });
    const sales = [
      ...generateSales({ seed: 12, sales: 800, catalog, customers, now: monthsBack, days: 40 }),
    ];
    const month = (d: Date) => d.toISOString().slice(0, 7);
    const before = new Set(
      (await listSalesPartitions(db.pools.owner)).map((p) => p.month.slice(0, 7)),
    );
    const needed = new Set(sales.map((s) => month(new Date(s.occurredAt))));
    expect([...needed].filter((m) => !before.has(m)).length).toBeGreaterThan(0);
    const deadlocksBefore = await deadlocks();

    const stores = ['seattle', 'redmond', 'bellevue', 'online'];
    const results = await Promise.all(
      stores.map(async (storeId) => {
        const mutations: Mutation[] = sales
          .filter((s) => s.storeId === storeId)
          .map(({ storeId: _store, ...payload }, i) => ({
            mutationId: i + 1,
            type: 'sale.recorded',
            payload,
          }));
        await prepareSalesPartitions(db.pools.app, mutations);
        return withTenant(db.pools.app, storeId, (tx) =>
          ingestMutations(tx, { deviceId: `late-${storeId}`, mutations }),
        );
      }),
    );
    const statuses = results.flat().map((o) => o.status);
    expect(statuses.length).toBe(800);
    expect(new Set(statuses)).toEqual(new Set(['applied']));
    expect(await deadlocks()).toBe(deadlocksBefore);
    const after = new Set(
      (await listSalesPartitions(db.pools.owner)).map((p) => p.month.slice(0, 7)),
    );
    for (const m of needed) expect(after.has(m)).toBe(true);
  });

  it('creates a month while another store is mid-push: waits for that push instead of deadlocking', async () => {
    const deadlocksBefore = await deadlocks();
    const late = lateSales(9, 24, 4);
    const current = lateSales(0, 25, 4, 'redmond');
    let prepared: Promise<void> | undefined;
    let preparedDone = false;
    const outcomes = await withTenant(db.pools.app, 'redmond', async (tx) => {
      // A push in flight that has written its registry rows (it holds the registry table)
      // and has yet to write sales_transactions.
      await lockForSalesIngest(tx);
      await tx.query(
        `INSERT INTO retail.sales_transaction_ids
           (store_id, transaction_id, occurred_at, register_id, receipt_seq, receipt_number)
         SELECT store_id, transaction_id, occurred_at, register_id, receipt_seq, receipt_number
           FROM retail.sales_transaction_ids WHERE false`,
      );
      prepared = prepareSalesPartitions(db.pools.app, late).then(() => {
        preparedDone = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The month is not created under a push in flight...
      expect(preparedDone).toBe(false);
      // ...and the push goes on to the sales tables without waiting for it.
      return ingestMutations(tx, { deviceId: 'mid-push', mutations: current });
    });
    expect(current.length).toBeGreaterThan(0);
    expect(outcomes.map((o) => o.status)).toEqual(current.map(() => 'applied'));
    await prepared;
    expect(preparedDone).toBe(true);
    const lateOutcomes = await withTenant(db.pools.app, 'seattle', (tx) =>
      ingestMutations(tx, { deviceId: 'late-after', mutations: late }),
    );
    expect(lateOutcomes.map((o) => o.status)).toEqual(late.map(() => 'applied'));
    expect(await deadlocks()).toBe(deadlocksBefore);
  });
});

describe('two registers push the same new customer at the same moment', () => {
  it('records both, the later linked to the first, and refuses neither', async () => {
    const S = 'redmond';
    const customer = (customerId: string, mutationId: number): Mutation => ({
      mutationId,
      type: 'customer.created',
      payload: {
        customerId,
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'Grace.Race@example.com',
        phone: null,
        createdAt: new Date().toISOString(),
      },
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    // The first push has inserted its record and not committed yet when the second arrives
    // (found by the chaos run: the second was refused by the one-primary-email index).
    const first = withTenant(db.pools.app, S, async (tx) => {
      const out = await ingestMutations(tx, {
        deviceId: 'race-1',
        mutations: [customer('0193a0c0-0000-7000-8000-00000000c001', 1)],
      });
      await held;
      return out;
    });
    await new Promise((r) => setTimeout(r, 200));
    const second = withTenant(db.pools.app, S, (tx) =>
      ingestMutations(tx, {
        deviceId: 'race-2',
        mutations: [customer('0193a0c0-0000-7000-8000-00000000c002', 1)],
      }),
    );
    // The second waits for the first (a lock), then the first commits.
    for (let i = 0; i < 600; i++) {
      const { rows } = await db.pools.admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.map((o) => o.status)).toEqual(['applied']);
    expect(b.map((o) => o.status)).toEqual(['applied']);
    expect(b[0]).toMatchObject({
      exceptions: [expect.objectContaining({ kind: 'customer_email_shared' })],
    });
    const { rows } = await db.pools.admin.query<{ id: string; linked: string | null }>(
      `SELECT customer_id AS id, linked_customer_id AS linked FROM retail.customers
        WHERE store_id = $1 AND lower(email) = 'grace.race@example.com' ORDER BY customer_id`,
      [S],
    );
    expect(rows).toEqual([
      { id: '0193a0c0-0000-7000-8000-00000000c001', linked: null },
      {
        id: '0193a0c0-0000-7000-8000-00000000c002',
        linked: '0193a0c0-0000-7000-8000-00000000c001',
      },
    ]);
  });
});
