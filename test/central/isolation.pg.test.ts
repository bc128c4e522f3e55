/**
 * Tenant isolation at HQ, proven against the real server (docs/security.md maps each test to
 * the threat it addresses). Everything runs as edgepos_app through withTenant, exactly like
 * the services, unless a test says otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { ROLE_NAMES } from '../../db/central/connection';
import { createRolePool } from '../../db/central/pool';
import { readEachStore, withTenant } from '../../db/central/tenant';
import { seededIdGenerator } from '../../core/ids';
import { issueCard } from '../../db/central/stored-value';
import { centralTestServer, createTestDatabase, type TestDatabase } from '../setup/central-db';
import {
  asStore,
  buildSale,
  envelope,
  ingest,
  seedWorld,
  setAnyTenantKey,
  STORES,
  type World,
} from './builders';
import { PgCode } from '../../db/pg-errors';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(4242, Date.UTC(2026, 10, 1));
const A = 'seattle';
const B = 'redmond';

/** Tenant tables: every table of retail with a store_id column, except the registry. */
async function tenantTables(pool: pg.Pool, options: { partitions: boolean }): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'retail' AND c.relkind IN ('r', 'p') AND c.relname <> 'stores'
        AND ($1 OR NOT c.relispartition)
        AND EXISTS (SELECT 1 FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = 'store_id' AND NOT a.attisdropped)
      ORDER BY 1`,
    [options.partitions],
  );
  return rows.map((r) => r.name);
}

async function expectDenied(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 12, customers: 24 });
  // Activity in every store so every tenant table has rows for every store.
  for (const [s, storeId] of STORES.entries()) {
    const shiftId = ids();
    const customer = world.customersOf(storeId)[0]!;
    const sale = buildSale({
      ids,
      storeId,
      cashierId: world.cashierOf(storeId),
      receiptSeq: 1,
      occurredAt: '2026-11-10T15:00:00.000Z',
      customerId: customer.customerId,
      shiftId,
      lines: [
        { product: world.catalog[0]!, quantity: 40 + s },
        { product: world.catalog[1]!, quantity: 1 },
      ],
    });
    const outcomes = await ingest(db, storeId, [
      envelope('shift.opened', {
        shiftId,
        registerId: 'R01',
        openedBy: world.cashierOf(storeId),
        openedAt: '2026-11-10T14:00:00.000Z',
        openingFloatCents: 10_000,
      }),
      envelope('shift.cash_moved', {
        movementId: ids(),
        shiftId,
        kind: 'in',
        amountCents: 500,
        reason: 'float top-up',
        staffId: world.cashierOf(storeId),
        occurredAt: '2026-11-10T14:30:00.000Z',
      }),
      envelope('sale.recorded', sale),
      envelope('shift.closed', {
        shiftId,
        closedBy: world.cashierOf(storeId),
        closedAt: '2026-11-10T22:00:00.000Z',
        expectedCashCents: 10_500,
        countedCashCents: 10_500,
        overShortCents: 0,
        zReport: {
          zReportId: ids(),
          registerId: 'R01',
          zNumber: 1,
          shiftId,
          openedAt: '2026-11-10T14:00:00.000Z',
          closedAt: '2026-11-10T22:00:00.000Z',
          salesCount: 1,
          returnsCount: 0,
          exchangesCount: 0,
          voidsCount: 0,
          grossSalesCents: 0,
          discountsCents: 0,
          returnsCents: 0,
          taxCents: 0,
          taxOnSalesCents: 0,
          returnsTaxCents: 0,
          taxBreakdown: [],
          overridesCount: 0,
          overridesCents: 0,
          netCents: 0,
          cashCents: 0,
          cardCents: 0,
          giftCardCents: 0,
          storeCreditCents: 0,
          openingFloatCents: 10_000,
          cashInCents: 500,
          cashOutCents: 0,
          noSalesCount: 0,
          expectedCashCents: 10_500,
          countedCashCents: 10_500,
          overShortCents: 0,
        },
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    // A gift card issued in every store: its ledger entry and its registers' allowances are
    // that store's rows (the card itself is the chain's: no store, no row security).
    await withTenant(db.pools.app, storeId, (tx) =>
      issueCard(tx, {
        cardId: ids(),
        cardNumber: `GC${String(s + 1).padStart(8, '0')}`,
        kind: 'gift_card',
        amountCents: 5_000,
        expiresOn: null,
      }),
    );
    // Another store of the chain took back one unit of this store's sale (returns across
    // stores): the link is this store's row; what that store's tills were shown is its own.
    const next = STORES[(s + 1) % STORES.length]!;
    await asStore(db, storeId, async (tx) => {
      await tx.query(
        `INSERT INTO retail.returns_elsewhere (store_id, return_store_id, return_transaction_id,
           original_transaction_id, return_receipt_number, card_amount, refund_amount, lines,
           occurred_at, recorded_at)
         VALUES ($1, $2, $3, $4, 'X-R01-000001', 0, -1, $5::jsonb, $6, $6)`,
        [
          storeId,
          next,
          ids(),
          sale.transactionId,
          JSON.stringify([{ originalItemId: sale.lines[0]!.itemId, quantity: 1 }]),
          '2026-11-11T10:00:00.000Z',
        ],
      );
    });
    await asStore(db, next, async (tx) => {
      await tx.query(
        `INSERT INTO sync.receipt_disclosures (store_id, disclosure_id, device_id, origin_store_id,
           transaction_id, receipt_number, disclosed_at)
         VALUES ($1, $2, 'till', $3, $4, $5, $6)`,
        [next, ids(), storeId, sale.transactionId, sale.receiptNumber, '2026-11-11T09:00:00.000Z'],
      );
    });
    await asStore(db, storeId, async (tx) => {
      await tx.query(
        `INSERT INTO retail.product_embeddings (store_id, product_id, embedding_model, embedding_text, embedding)
         VALUES ($1, $2, 'test-3', 'text', '{1,0,0}'), ($1, $3, 'test-3', 'text', '{0.9,0.1,0}')`,
        [storeId, world.catalog[0]!.productId, world.catalog[1]!.productId],
      );
      // A scheduled price change in every store (issue 14): a row of that store's catalog.
      await tx.query(
        `INSERT INTO retail.scheduled_prices (store_id, schedule_id, product_id, price, effective_at)
         VALUES ($1, $2, $3, 9.99, '2026-12-24T14:00:00Z')`,
        [storeId, ids(), world.catalog[0]!.productId],
      );
    });
  }
});

afterAll(async () => {
  await db?.drop();
});

describe('the schema', () => {
  it('has RLS enabled and forced on every tenant table and every partition', async () => {
    const tables = await tenantTables(db.pools.admin, { partitions: true });
    expect(tables).toEqual(
      expect.arrayContaining([
        'customers',
        'products',
        'product_embeddings',
        'sales_transactions',
        'sales_transaction_items',
        'payments',
        'stock_movements',
        'stock_levels',
        'daily_sales',
        'stock_alerts',
        'shifts',
        'z_reports',
        'registers',
        'staff',
        'sales_transaction_ids',
        'stored_value_ledger',
        'stored_value_allowances',
        'loyalty_ledger',
        'scheduled_prices',
        'returns_elsewhere',
      ]),
    );
    expect(tables.some((t) => t.startsWith('sales_transactions_p'))).toBe(true);
    const { rows } = await db.pools.admin.query<{ relname: string; on: boolean; forced: boolean }>(
      `SELECT relname, relrowsecurity AS on, relforcerowsecurity AS forced
         FROM pg_class WHERE relnamespace = 'retail'::regnamespace AND relname = ANY ($1)`,
      [tables],
    );
    expect(rows).toHaveLength(tables.length);
    for (const row of rows)
      expect({ table: row.relname, on: row.on, forced: row.forced }).toEqual({
        table: row.relname,
        on: true,
        forced: true,
      });
  });

  it('has the restrictive store guard and a store-scoped permissive policy on every tenant table', async () => {
    const tables = await tenantTables(db.pools.admin, { partitions: false });
    const { rows } = await db.pools.admin.query<{
      tablename: string;
      policyname: string;
      permissive: string;
      roles: string[];
      cmd: string;
      qual: string;
      with_check: string;
    }>(
      `SELECT tablename, policyname, permissive, roles::text[] AS roles, cmd, qual, with_check
         FROM pg_policies WHERE schemaname = 'retail' ORDER BY tablename, policyname`,
    );
    // No sub-select (a Citus cluster refuses them in policies; migration 0013).
    const guard = `(store_id = NULLIF(current_setting('app.current_store_id'::text, true), ''::text))`;
    for (const table of tables) {
      const policies = rows.filter((r) => r.tablename === table);
      expect(policies.map((p) => [p.policyname, p.permissive, p.cmd, p.roles])).toEqual([
        ['tenant_guard', 'RESTRICTIVE', 'ALL', ['public']],
        ['tenant_isolation', 'PERMISSIVE', 'ALL', ['public']],
      ]);
      for (const p of policies) {
        expect(p.qual).toBe(guard);
        expect(p.with_check).toBe(guard);
      }
    }
    // No policy anywhere else in retail (stores and categories are shared, partitions deny all).
    expect(new Set(rows.map((r) => r.tablename))).toEqual(new Set(tables));
  });

  it('has only security_invoker views', async () => {
    const { rows } = await db.pools.admin.query<{ name: string; options: string[] | null }>(
      `SELECT n.nspname || '.' || c.relname AS name, c.reloptions AS options
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND n.nspname IN ('retail', 'monitoring', 'public')
          -- views that belong to an extension (pg_stat_statements) are not ours
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const view of rows)
      expect({ view: view.name, options: view.options }).toEqual({
        view: view.name,
        options: ['security_invoker=true'],
      });
  });

  it('has SECURITY DEFINER functions only where needed, each with a fixed search_path, owned by a role that cannot bypass RLS', async () => {
    const { rows } = await db.pools.admin.query<{
      name: string;
      config: string[] | null;
      owner_super: boolean;
      owner_bypass: boolean;
    }>(
      `SELECT p.proname AS name, p.proconfig AS config, r.rolsuper AS owner_super, r.rolbypassrls AS owner_bypass
         FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace
         JOIN pg_roles r ON r.oid = p.proowner
        WHERE n.nspname IN ('retail', 'monitoring') AND p.prosecdef
        ORDER BY 1`,
    );
    // Derived data is written by the ingest code as the app role (db/central/derived.ts),
    // so only partition creation runs with the owner's rights.
    expect(rows.map((r) => r.name)).toEqual([
      'ensure_sales_partitions',
      'ensure_sales_partitions_for',
    ]);
    for (const fn of rows) {
      expect(fn.config).toEqual(['search_path=pg_catalog, pg_temp']);
      expect(fn.owner_super).toBe(false);
      expect(fn.owner_bypass).toBe(false);
    }
    const search = await db.pools.admin.query<{ secdef: boolean }>(
      `SELECT prosecdef AS secdef FROM pg_proc WHERE proname = 'search_products_by_similarity'`,
    );
    expect(search.rows).toEqual([{ secdef: false }]);
  });
});

describe('the application role', () => {
  it('is not superuser, cannot bypass RLS, creates nothing and is a member of nothing', async () => {
    const { rows } = await db.pools.admin.query(
      `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, rolinherit, rolcanlogin,
              (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)::int AS memberships
         FROM pg_roles r WHERE rolname = $1`,
      [ROLE_NAMES.app],
    );
    expect(rows).toEqual([
      {
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolinherit: false,
        rolcanlogin: true,
        memberships: 0,
      },
    ]);
    const owner = await db.pools.admin.query(
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`,
      [ROLE_NAMES.owner],
    );
    expect(owner.rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });

  it('owns nothing', async () => {
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM pg_class WHERE relowner = r.oid)
             + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
             + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
             + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
             + (SELECT count(*) FROM pg_database WHERE datdba = r.oid))::int AS n
         FROM pg_roles r WHERE rolname = $1`,
      [ROLE_NAMES.app],
    );
    expect(rows).toEqual([{ n: 0 }]);
    const everything = await db.pools.admin.query<{ owner: string }>(
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c WHERE c.relnamespace IN ('retail'::regnamespace, 'monitoring'::regnamespace)`,
    );
    expect(everything.rows).toEqual([{ owner: ROLE_NAMES.owner }]);
  });

  it('has grants on parent tables only, never on a partition', async () => {
    const { rows } = await db.pools.admin.query<{
      relname: string;
      partition: boolean;
      any: boolean;
    }>(
      `SELECT c.relname, c.relispartition AS partition,
              has_table_privilege($1, c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER') AS any
         FROM pg_class c
        WHERE c.relnamespace = 'retail'::regnamespace AND c.relkind IN ('r', 'p')`,
      [ROLE_NAMES.app],
    );
    const partitions = rows.filter((r) => r.partition);
    expect(partitions.length).toBeGreaterThanOrEqual(9);
    expect(partitions.filter((p) => p.any)).toEqual([]);
    expect(rows.find((r) => r.relname === 'sales_transactions')?.any).toBe(true);
    const acl = await db.pools.admin.query(
      `SELECT c.relname FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.relispartition AND c.relnamespace = 'retail'::regnamespace
          AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
      [ROLE_NAMES.app],
    );
    expect(acl.rows).toEqual([]);
    // And reading a partition directly is refused.
    const [part] = partitions;
    await expectDenied(
      withTenant(db.pools.app, A, (tx) => tx.query(`SELECT count(*) FROM retail.${part!.relname}`)),
      PgCode.insufficientPrivilege,
    );
  });

  it('writes derived data (rollups, stock levels) for its own store only; reporting cannot write it', async () => {
    // The ingest code maintains derived rows as the app role, inside withTenant: the store
    // guard confines those writes exactly as it confines the facts they derive from.
    await expectDenied(
      asStore(db, A, (tx) =>
        tx.query(
          `INSERT INTO retail.stock_levels (store_id, product_id, on_hand) VALUES ($1, $2, 1000)`,
          [B, ids()],
        ),
      ),
      PgCode.insufficientPrivilege,
    );
    const before = await db.pools.admin.query(
      `SELECT * FROM retail.stock_levels WHERE store_id = $1 ORDER BY product_id`,
      [B],
    );
    const touched = await asStore(db, A, (tx) =>
      tx.query(`UPDATE retail.stock_levels SET on_hand = 1000 WHERE store_id = $1`, [B]),
    );
    expect(touched.affectedRows).toBe(0);
    const gone = await asStore(db, A, (tx) =>
      tx.query(`DELETE FROM retail.daily_sales WHERE store_id = $1`, [B]),
    );
    expect(gone.affectedRows).toBe(0);
    const after = await db.pools.admin.query(
      `SELECT * FROM retail.stock_levels WHERE store_id = $1 ORDER BY product_id`,
      [B],
    );
    expect(after.rows).toEqual(before.rows);
    await expectDenied(
      withTenant(db.pools.reporting, A, (tx) =>
        tx.query(`UPDATE retail.stock_levels SET on_hand = 1000 WHERE store_id = $1`, [A]),
      ),
      PgCode.insufficientPrivilege,
    );
    await expectDenied(
      withTenant(db.pools.reporting, A, (tx) =>
        tx.query(`DELETE FROM retail.daily_sales WHERE store_id = $1`, [A]),
      ),
      PgCode.insufficientPrivilege,
    );
  });
});

describe('the tenant key', () => {
  const keys = ['', ' ', 'SEATTLE', 'seattle ', "seattle' OR '1'='1", '%', '*', 'redmond,seattle'];

  it('without a key, every tenant table is empty and nothing can be written', async () => {
    const tables = await tenantTables(db.pools.admin, { partitions: false });
    for (const table of tables) {
      const { rows } = await db.pools.app.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.${table}`,
      );
      expect({ table, n: rows[0]?.n }).toEqual({ table, n: 0 });
    }
    await expectDenied(
      db.pools.app.query(
        `INSERT INTO retail.customers (store_id, customer_id, first_name, last_name) VALUES ($1, $2, 'No', 'Key')`,
        [A, ids()],
      ),
      PgCode.insufficientPrivilege,
    );
    const { rows } = await db.pools.app.query(`UPDATE retail.products SET price = 0 RETURNING 1`);
    expect(rows).toEqual([]);
  });

  it.each(keys)('an empty or malformed key (%j) sees nothing and writes nothing', async (key) => {
    const client = await db.pools.app.connect();
    try {
      await client.query('BEGIN');
      await setAnyTenantKey(client, key);
      for (const table of [
        'customers',
        'products',
        'sales_transactions',
        'sales_transaction_items',
        'stock_levels',
        'daily_sales',
      ]) {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM retail.${table}`,
        );
        expect({ table, n: rows[0]?.n }).toEqual({ table, n: 0 });
      }
      // A real store's row: refused by row security.
      await client.query('SAVEPOINT attempt');
      await expectDenied(
        client.query(
          `INSERT INTO retail.customers (store_id, customer_id, first_name, last_name) VALUES ($1, $2, 'Bad', 'Key')`,
          [A, ids()],
        ),
        PgCode.insufficientPrivilege,
      );
      await client.query('ROLLBACK TO SAVEPOINT attempt');
      // A row claiming the malformed key itself as its store: refused too (RLS for the empty
      // key, otherwise the store registry: no such store).
      await expect(
        client.query(
          `INSERT INTO retail.customers (store_id, customer_id, first_name, last_name) VALUES ($1, $2, 'Bad', 'Key')`,
          [key, ids()],
        ),
      ).rejects.toSatisfy((e: { code?: string }) =>
        (
          [
            PgCode.insufficientPrivilege,
            PgCode.foreignKeyViolation,
            PgCode.checkViolation,
          ] as string[]
        ).includes(e.code ?? ''),
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('withTenant refuses a malformed store ID before touching the database', async () => {
    await expect(
      withTenant(db.pools.app, "seattle' OR '1'='1", () => Promise.resolve(1)),
    ).rejects.toThrow(/Not a store ID/);
    await expect(withTenant(db.pools.app, '', () => Promise.resolve(1))).rejects.toThrow(
      /Not a store ID/,
    );
  });

  it('does not leak to the next request on a pooled connection', async () => {
    const pool = createRolePool(db.target, 'app', { max: 1 });
    try {
      const pidA = await withTenant(pool, A, async (tx) => {
        const { rows } = await tx.query<{ n: number; pid: number }>(
          `SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM retail.customers`,
        );
        expect(rows[0]!.n).toBeGreaterThan(0);
        return rows[0]!.pid;
      });
      const next = await pool.query<{ pid: number; key: string | null; n: number }>(
        `SELECT pg_backend_pid() AS pid, current_setting('app.current_store_id', true) AS key,
                (SELECT count(*)::int FROM retail.customers) AS n`,
      );
      expect(next.rows[0]).toEqual({ pid: pidA, key: '', n: 0 });
      // A stale session-level key (a bug elsewhere) is overridden inside withTenant...
      const stale = await pool.connect();
      await setAnyTenantKey(stale, A, 'session');
      stale.release();
      const seen = await withTenant(pool, B, async (tx) => {
        const { rows } = await tx.query<{ store_id: string }>(
          `SELECT DISTINCT store_id FROM retail.customers`,
        );
        return rows.map((r) => r.store_id);
      });
      expect(seen).toEqual([B]);
    } finally {
      await pool.end();
    }
  });
  it('readEachStore reads each store under its own key in one snapshot; a failure fails it all and leaves no key', async () => {
    const pool = createRolePool(db.target, 'reporting', { max: 1, pipeline: true });
    try {
      const read = await readEachStore<{ stores: string[]; key: string; began: string }>(
        pool,
        [B, A],
        (storeId) => ({
          text: `SELECT array_agg(DISTINCT store_id) AS stores,
                        current_setting('app.current_store_id') AS key,
                        transaction_timestamp()::text AS began
                   FROM retail.customers WHERE $1::text IS NOT NULL`,
          values: [storeId],
        }),
      );
      expect(read.map((r) => [r.storeId, r.rows[0]!.stores, r.rows[0]!.key])).toEqual([
        [B, [B], B],
        [A, [A], A],
      ]);
      // One transaction for both stores.
      expect(read[0]!.rows[0]!.began).toBe(read[1]!.rows[0]!.began);
      await expect(
        readEachStore(pool, [A, B], (storeId) => ({
          text: storeId === B ? `SELECT 1 / 0 AS x` : `SELECT $1::text AS x`,
          values: storeId === B ? [] : [storeId],
        })),
      ).rejects.toMatchObject({ code: '22012' });
      const after = await pool.query<{ key: string; n: number; ro: string }>(
        `SELECT current_setting('app.current_store_id', true) AS key,
                (SELECT count(*)::int FROM retail.customers) AS n,
                current_setting('transaction_read_only') AS ro`,
      );
      expect(after.rows[0]).toEqual({ key: '', n: 0, ro: 'off' });
      await expect(
        readEachStore(pool, ['Not A Store'], () => ({ text: 'SELECT 1', values: [] })),
      ).rejects.toThrow(/Not a store ID/);
    } finally {
      await pool.end();
    }
  });
});

describe('store A', () => {
  it('sees only its own rows in every tenant table, and all of them', async () => {
    const tables = await tenantTables(db.pools.admin, { partitions: false });
    for (const table of tables) {
      const truth = await db.pools.admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.${table} WHERE store_id = $1`,
        [A],
      );
      const seen = await asStore(db, A, (tx) =>
        tx.query<{ mine: number; others: number }>(
          `SELECT count(*) FILTER (WHERE store_id = $1)::int AS mine,
                  count(*) FILTER (WHERE store_id <> $1)::int AS others
             FROM retail.${table}`,
          [A],
        ),
      );
      expect({ table, ...seen.rows[0] }).toEqual({ table, mine: truth.rows[0]?.n, others: 0 });
      if (table !== 'stock_alerts')
        expect({ table, n: truth.rows[0]?.n }).not.toEqual({ table, n: 0 });
    }
  });

  it('sees only its own rows through the monitoring views and the similarity search', async () => {
    const found = await asStore(db, A, (tx) =>
      tx.query<{ product_id: string }>(
        `SELECT product_id FROM retail.search_products_by_similarity('{1,0,0}'::real[], 'test-3', 0.5, 50)`,
      ),
    );
    // Both stores have identical embeddings for the same product IDs; A gets exactly its two.
    expect(found.rows.map((r) => r.product_id).sort()).toEqual(
      [world.catalog[0]!.productId, world.catalog[1]!.productId].sort(),
    );
    const totalEmbeddings = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.product_embeddings`,
    );
    expect(totalEmbeddings.rows[0]?.n).toBe(STORES.length * 2);
    // The reporting role is read-only and guarded the same way.
    const reporting = await withTenant(db.pools.reporting, A, (tx) =>
      tx.query<{ stores: string[] }>(
        `SELECT array_agg(DISTINCT store_id) AS stores FROM retail.sales_transactions`,
      ),
    );
    expect(reporting.rows[0]?.stores).toEqual([A]);
    await expectDenied(
      withTenant(db.pools.reporting, A, (tx) =>
        tx.query(`DELETE FROM retail.customers WHERE store_id = $1`, [A]),
      ),
      PgCode.insufficientPrivilege,
    );
  });

  it('cannot insert, update, delete or move rows of store B', async () => {
    const bCustomer = world.customersOf(B)[0]!;
    // insert with B's store_id
    await expectDenied(
      asStore(db, A, (tx) =>
        tx.query(
          `INSERT INTO retail.customers (store_id, customer_id, first_name, last_name) VALUES ($1, $2, 'Mallory', 'X')`,
          [B, ids()],
        ),
      ),
      PgCode.insufficientPrivilege,
    );
    // update and delete B's rows: they are invisible, so nothing happens
    const updated = await asStore(db, A, (tx) =>
      tx.query(`UPDATE retail.customers SET last_name = 'Pwned' WHERE store_id = $1 RETURNING 1`, [
        B,
      ]),
    );
    expect(updated.rows).toEqual([]);
    const deleted = await asStore(db, A, (tx) =>
      tx.query(`DELETE FROM retail.customers WHERE customer_id = $1 RETURNING 1`, [
        bCustomer.customerId,
      ]),
    );
    expect(deleted.rows).toEqual([]);
    const bStill = await db.pools.admin.query(
      `SELECT last_name FROM retail.customers WHERE store_id = $1 AND customer_id = $2`,
      [B, bCustomer.customerId],
    );
    expect(bStill.rows).toEqual([{ last_name: bCustomer.lastName }]);
    // move one of A's rows into B: the guard's WITH CHECK refuses it (on a Citus cluster the
    // coordinator refuses it first: a row never changes its distribution column)
    const aCustomer = world.customersOf(A)[0]!;
    await expectDenied(
      asStore(db, A, (tx) =>
        tx.query(`UPDATE retail.customers SET store_id = $1 WHERE customer_id = $2`, [
          B,
          aCustomer.customerId,
        ]),
      ),
      centralTestServer().mode === 'citus'
        ? PgCode.featureNotSupported
        : PgCode.insufficientPrivilege,
    );
    // void one of B's sales through SQL: invisible, nothing changes
    const voided = await asStore(db, A, (tx) =>
      tx.query(
        `UPDATE retail.sales_transactions SET status = 'voided', void_reason = 'x', voided_at = now()
          WHERE store_id = $1 RETURNING 1`,
        [B],
      ),
    );
    expect(voided.rows).toEqual([]);
  });

  it('cannot reference a row of store B', async () => {
    const bShift = await db.pools.admin.query<{ shift_id: string }>(
      `SELECT shift_id FROM retail.shifts WHERE store_id = $1 LIMIT 1`,
      [B],
    );
    // A cash movement of A pointing at B's shift: the composite key (A, shift) does not exist.
    await expectDenied(
      asStore(db, A, (tx) =>
        tx.query(
          `INSERT INTO retail.cash_movements (store_id, movement_id, shift_id, kind, amount, reason, staff_id, occurred_at)
           VALUES ($1, $2, $3, 'in', 1.00, 'x', $4, now())`,
          [A, ids(), bShift.rows[0]!.shift_id, world.cashierOf(A)],
        ),
      ),
      PgCode.foreignKeyViolation,
    );
    // Through ingest: a sale of A naming B's customer, a void of B's sale, a return of B's sale.
    const bSale = await db.pools.admin.query<{ transaction_id: string }>(
      `SELECT transaction_id FROM retail.sales_transactions WHERE store_id = $1 LIMIT 1`,
      [B],
    );
    const outcomes = await ingest(db, A, [
      envelope(
        'sale.recorded',
        buildSale({
          ids,
          storeId: A,
          cashierId: world.cashierOf(A),
          receiptSeq: 900,
          occurredAt: '2026-11-11T10:00:00.000Z',
          customerId: world.customersOf(B)[1]!.customerId,
          lines: [{ product: world.catalog[2]!, quantity: 1 }],
        }),
      ),
      envelope('sale.voided', {
        transactionId: bSale.rows[0]!.transaction_id,
        reason: 'attack',
        voidedBy: world.cashierOf(A),
        voidedAt: '2026-11-11T10:00:00.000Z',
        stockMovements: [],
      }),
      envelope(
        'sale.recorded',
        buildSale({
          ids,
          storeId: A,
          cashierId: world.cashierOf(A),
          receiptSeq: 901,
          occurredAt: '2026-11-11T10:05:00.000Z',
          transactionType: 'return',
          originalTransactionId: bSale.rows[0]!.transaction_id,
          lines: [{ product: world.catalog[0]!, quantity: -1, originalItemId: ids() }],
        }),
      ),
    ]);
    // A's own sale and return are A's facts and are recorded in A, but linked to nothing of
    // B's (exceptions); the void of B's sale is refused (quarantined in A).
    expect(
      outcomes.map((o) =>
        o.status === 'rejected'
          ? o.code
          : [o.status, ...(o.exceptions ?? []).map((e) => e.kind)].join(':'),
      ),
    ).toEqual([
      'applied:unknown_customer',
      'unknown_transaction',
      'applied:unknown_original_transaction',
    ]);
    const { rows: inA } = await db.pools.admin.query<{ store_id: string; c: string | null }>(
      `SELECT store_id, customer_id AS c FROM retail.sales_transactions
        WHERE receipt_seq IN (900, 901) AND register_id = 'R01' AND store_id = ANY ($1)
        ORDER BY receipt_seq`,
      [[A, B]],
    );
    expect(inA).toEqual([
      { store_id: A, c: null },
      { store_id: A, c: null },
    ]);
    const { rows: bStatus } = await db.pools.admin.query<{ status: string }>(
      `SELECT status FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
      [B, bSale.rows[0]!.transaction_id],
    );
    expect(bStatus).toEqual([{ status: 'completed' }]);
  });

  it('and store B can each hold a row with the same UUID: two rows, no collision', async () => {
    const shared = ids();
    for (const storeId of [A, B]) {
      await asStore(db, storeId, (tx) =>
        tx.query(
          `INSERT INTO retail.customers (store_id, customer_id, first_name, last_name, email)
           VALUES ($1, $2, 'Same', 'Id', 'same@example.com')`,
          [storeId, shared],
        ),
      );
    }
    const { rows } = await db.pools.admin.query(
      `SELECT store_id FROM retail.customers WHERE customer_id = $1 ORDER BY store_id`,
      [shared],
    );
    expect(rows).toEqual([{ store_id: B }, { store_id: A }]);
    // Same for a sale: B's transaction ID reused by A is a new sale for A, not a duplicate.
    const txId = ids();
    const make = (storeId: string) =>
      envelope(
        'sale.recorded',
        buildSale({
          ids,
          transactionId: txId,
          storeId,
          cashierId: world.cashierOf(storeId),
          receiptSeq: 950,
          occurredAt: '2026-11-12T10:00:00.000Z',
          lines: [{ product: world.catalog[3]!, quantity: 1 }],
        }),
      );
    expect((await ingest(db, B, [make(B)]))[0]?.status).toBe('applied');
    expect((await ingest(db, A, [make(A)]))[0]?.status).toBe('applied');
    const sales = await db.pools.admin.query(
      `SELECT store_id FROM retail.sales_transactions WHERE transaction_id = $1 ORDER BY store_id`,
      [txId],
    );
    expect(sales.rows).toEqual([{ store_id: B }, { store_id: A }]);
  });
});

describe('a careless policy added later', () => {
  it('is still blocked by the restrictive guard (and would leak without it)', async () => {
    await db.pools.owner.query(
      `CREATE POLICY careless_read_all ON retail.customers FOR SELECT TO PUBLIC USING (true)`,
    );
    try {
      const seen = await asStore(db, A, (tx) =>
        tx.query<{ stores: string[] }>(
          `SELECT array_agg(DISTINCT store_id ORDER BY store_id) AS stores FROM retail.customers`,
        ),
      );
      expect(seen.rows[0]?.stores).toEqual([A]);
      const none = await db.pools.app.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.customers`,
      );
      expect(none.rows[0]?.n).toBe(0);

      // Control: without the guard the careless policy does leak every store. This is what
      // the guard is for; if this ever stops leaking, the test above proves nothing.
      const client = await db.pools.owner.connect();
      try {
        await client.query('BEGIN');
        await client.query(`DROP POLICY tenant_guard ON retail.customers`);
        await setAnyTenantKey(client, A);
        const leaked = await client.query<{ n: number }>(
          `SELECT count(DISTINCT store_id)::int AS n FROM retail.customers`,
        );
        expect(leaked.rows[0]?.n).toBe(STORES.length);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    } finally {
      await db.pools.owner.query(`DROP POLICY careless_read_all ON retail.customers`);
    }
  });

  it('the owner is subject to row security too (FORCE)', async () => {
    const { rows } = await db.pools.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transactions`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});
