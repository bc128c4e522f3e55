/**
 * The sample chain at HQ: everything the seed writes is there, per store, written through RLS
 * and the ingest path (rollups and stock come out of the same triggers as production), PINs are
 * bcrypt hashes that verify, and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { demoStaff } from '../../db/seed/chain';
import { seedCentral, type SeedCentralResult } from '../../db/seed/write-central';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

let db: TestDatabase;
let first: SeedCentralResult;
const progress: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  first = await seedCentral({
    owner: db.pools.owner,
    app: db.pools.app,
    seed: 3,
    products: 60,
    customers: 80,
    sales: 600,
    batchSize: 150,
    onProgress: (stage, done, total) => progress.push(`${stage} ${done}/${total}`),
  });
});
afterAll(async () => {
  await db?.drop();
});

describe('seedCentral', () => {
  it('writes the chain: stores, categories, catalog per store, customers, staff, registers, stock, sales', async () => {
    expect(first).toEqual({
      stores: 4,
      products: 60,
      customers: 80,
      sales: { applied: 600, duplicate: 0, rejected: 0 },
    });
    expect(progress).toContain('sales 600/600');
    const { rows } = await db.pools.admin.query(
      `SELECT s.store_id,
              (SELECT count(*)::int FROM retail.products p WHERE p.store_id = s.store_id) AS products,
              (SELECT count(*)::int FROM retail.customers c WHERE c.store_id = s.store_id) AS customers,
              (SELECT count(*)::int FROM retail.staff f WHERE f.store_id = s.store_id) AS staff,
              (SELECT array_agg(register_id ORDER BY register_id) FROM retail.registers r WHERE r.store_id = s.store_id) AS registers,
              (SELECT count(*)::int FROM retail.stock_levels l WHERE l.store_id = s.store_id) > 0 AS stock
         FROM retail.stores s ORDER BY 1`,
    );
    expect(rows).toEqual(
      ['bellevue', 'online', 'redmond', 'seattle'].map((store_id) => ({
        store_id,
        products: 60,
        customers: 20,
        staff: 3,
        registers: ['R01', 'R02'],
        stock: true,
      })),
    );
    // Seven categories, products shelved in their subcategories (one level below).
    const categories = await db.pools.admin.query<{ top: number; sub: number; orphans: number }>(
      `SELECT count(*) FILTER (WHERE c.parent_category_id IS NULL)::int AS top,
              count(*) FILTER (WHERE c.parent_category_id IS NOT NULL)::int AS sub,
              count(*) FILTER (WHERE c.parent_category_id IS NOT NULL AND (p.category_id IS NULL
                                 OR p.parent_category_id IS NOT NULL))::int AS orphans
         FROM retail.product_categories c
         LEFT JOIN retail.product_categories p ON p.category_id = c.parent_category_id`,
    );
    expect(categories.rows[0]).toEqual({ top: 7, sub: 28, orphans: 0 });
  });

  it('rollups and stock agree with the raw sales and the ledger', async () => {
    const { rows } = await db.pools.admin.query<{
      lines: string;
      rollup: string;
      levels: string;
      ledger: number;
    }>(
      `SELECT (SELECT sum(total_price) FROM retail.sales_transaction_items) AS lines,
              (SELECT sum(net) FROM retail.daily_sales) AS rollup,
              (SELECT sum(on_hand) FROM retail.stock_levels) AS levels,
              (SELECT sum(quantity_delta) FROM retail.stock_movements)::int AS ledger`,
    );
    expect(rows[0]!.lines).toBe(rows[0]!.rollup);
    expect(Number(rows[0]!.levels)).toBe(rows[0]!.ledger);
  });

  it('hashes the demo PINs with bcrypt so they verify at HQ', async () => {
    const manager = demoStaff('seattle').find((s) => s.role === 'manager')!;
    const { rows } = await withTenant(db.pools.app, 'seattle', (tx) =>
      tx.query<{ ok: boolean; wrong: boolean; hash: string }>(
        `SELECT pin_hash = crypt($2, pin_hash) AS ok, pin_hash = crypt('0000', pin_hash) AS wrong, pin_hash AS hash
           FROM retail.staff WHERE store_id = 'seattle' AND staff_id = $1`,
        [manager.staffId, manager.pin],
      ),
    );
    expect(rows[0]).toMatchObject({ ok: true, wrong: false });
    expect(rows[0]!.hash).toMatch(/^\$2[abxy]?\$/);
  });

  it('is idempotent', async () => {
    const before = await db.pools.admin.query(
      `SELECT (SELECT count(*) FROM retail.sales_transactions) AS sales, (SELECT count(*) FROM retail.stock_movements) AS moves,
              (SELECT sum(version) FROM retail.products) AS versions`,
    );
    const again = await seedCentral({
      owner: db.pools.owner,
      app: db.pools.app,
      seed: 3,
      products: 60,
      customers: 80,
      sales: 600,
    });
    expect(again.sales).toEqual({ applied: 0, duplicate: 600, rejected: 0 });
    const after = await db.pools.admin.query(
      `SELECT (SELECT count(*) FROM retail.sales_transactions) AS sales, (SELECT count(*) FROM retail.stock_movements) AS moves,
              (SELECT sum(version) FROM retail.products) AS versions`,
    );
    expect(after.rows).toEqual(before.rows);
  });
});
