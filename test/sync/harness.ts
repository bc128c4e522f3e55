/**
 * Real HQ + real tills for the sync tests: an HQ sync service on a fresh database of the
 * run's PostgreSQL (test/setup/central-db.ts), tills on PGlite in temp directories enrolled
 * through the real API, optionally behind the fault proxy. No mocks anywhere.
 */
import { rm } from 'node:fs/promises';
import { pino } from 'pino';
import { createTillContext, type TillContext } from '../../db/checkout/context';
import { commitSale } from '../../db/checkout/sale';
import { currentShift, openShift } from '../../db/checkout/shifts';
import { fixedClock, type Clock } from '../../core/clock';
import { openEdgeStore, type EdgeStore } from '../../till/node/store';
import { newId, seededIdGenerator } from '../../core/ids';
import { demoStaff } from '../../db/seed/chain';
import { type GeneratedSale } from '../../db/seed/sales';
import { SyncClient, type SyncClientOptions } from '../../sync/client/sync-client';
import type { EnrollmentCodeCreated } from '../../contract/admin-protocol';
import { startHq, type Hq, type HqSeedOptions } from '../../hq/start';
import type { FailureLimitOptions } from '../../hq/server/failure-limit';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { makeTempDir } from '../fixtures/till';
import type { SaleResult } from '../../contract/till-api/sale';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** The first HQ console administrator of a test HQ. */
export const CONSOLE_ADMIN = { email: 'admin@test.local', password: 'test console password 1' };

export interface TestHq {
  hq: Hq;
  db: TestDatabase;
  url: string;
  admin<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  code(storeId: string, registerId?: string): Promise<string>;
  /** Stop the HQ service and start it again on the same database, data directory and port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestHq(
  options: {
    seed?: HqSeedOptions;
    dataDir?: string;
    authFailures?: FailureLimitOptions;
    enrollFailures?: FailureLimitOptions;
    /** HQ's clock for the console (scheduled prices). */
    clock?: Clock;
  } = {},
): Promise<TestHq> {
  const db = await createTestDatabase();
  const dataDir = options.dataDir ?? (await makeTempDir('edge-pos-hq-'));
  const start = (port?: number): Promise<Hq> =>
    startHq({
      database: { target: db.target, pools: db.pools },
      dataDir,
      adminToken: ADMIN_TOKEN,
      consoleAdmin: CONSOLE_ADMIN,
      seed: options.seed ?? { products: 30, customers: 40, sales: 0 },
      embeddings: false,
      authFailures: options.authFailures,
      enrollFailures: options.enrollFailures,
      clock: options.clock,
      logger: pino({ level: process.env.SYNC_TEST_LOG ?? 'silent' }),
      ...(port !== undefined ? { port } : {}),
    });
  let hq = await start();
  const url = hq.url;
  const admin = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const handle: TestHq = {
    hq,
    db,
    url,
    admin,
    code: async (storeId, registerId = 'R01') => {
      const r = await admin<{ data: EnrollmentCodeCreated }>('POST', '/enrollment-codes', {
        storeId,
        registerId,
      });
      if (r.status !== 200) throw new Error(`code: ${JSON.stringify(r.body)}`);
      return r.body.data.code;
    },
    restart: async () => {
      await hq.close();
      hq = await start(Number(new URL(url).port));
      handle.hq = hq;
    },
    close: async () => {
      await hq.close();
      await db.drop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export interface TestTillHandle {
  dir: string;
  store: EdgeStore;
  client: SyncClient;
  till(): Promise<TillContext>;
  cashierId: string;
  close(options?: { keepDir?: boolean }): Promise<void>;
}

/** A till on disk; enrolled through `url` with `code` unless the directory is already enrolled. */
export async function openSyncTill(options: {
  url: string;
  code?: string;
  storeId: string;
  dir?: string;
  client?: Partial<SyncClientOptions>;
  start?: boolean;
  seed?: number;
}): Promise<TestTillHandle> {
  const dir = options.dir ?? (await makeTempDir('edge-pos-till-'));
  const store = await openEdgeStore({ dir });
  const client = new SyncClient({
    db: store.db,
    hooks: {
      afterAck: async () => {
        await store.compactJournal();
      },
      afterBulkApply: async () => {
        await store.maintain();
      },
    },
    backoff: { baseMs: 20, maxMs: 200 },
    tuning: { pullWaitMs: 1_000 },
    statusPollMs: 200,
    ...options.client,
  });
  if (options.code) {
    await client.enroll({ hqUrl: options.url, code: options.code });
  } else if (options.start !== false) {
    await client.start();
  }
  const clock = fixedClock(new Date('2026-11-20T10:00:00Z'), 1_000);
  // Real UUIDv7 unless a seed is asked for: two tills (or one reopened) must never repeat IDs.
  const ids = options.seed === undefined ? newId : seededIdGenerator(options.seed);
  let context: TillContext | undefined;
  const cashierId = demoStaff(options.storeId).find((s) => s.role === 'cashier')!.staffId;
  return {
    dir,
    store,
    client,
    cashierId,
    till: async () => {
      context ??= await createTillContext({
        db: store.db,
        journal: store.journal,
        clock,
        ids,
        isOnline: () => client.isOnline(),
      });
      return context;
    },
    close: async (closeOptions = {}) => {
      await client.stop();
      await store.close();
      if (!closeOptions.keepDir && !options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Ring up a cash sale of `lines` products at the till's current prices. */
export async function ringSale(
  t: TestTillHandle,
  options: { lines?: number; offset?: number } = {},
): Promise<SaleResult> {
  const till = await t.till();
  if (!(await currentShift(till))) {
    await openShift(till, { staffId: t.cashierId, openingFloatCents: 10_000 });
  }
  const { rows } = await t.store.db.query<{
    product_id: string;
    sku: string;
    product_name: string;
    category_id: number | null;
    cents: number;
  }>(
    `SELECT product_id, sku, product_name, category_id, (price * 100)::int AS cents
       FROM retail.products WHERE is_active ORDER BY sku OFFSET $1 LIMIT $2`,
    [options.offset ?? 0, options.lines ?? 2],
  );
  return commitSale(till, {
    cart: {
      lines: rows.map((r) => ({
        productId: r.product_id,
        sku: r.sku,
        productName: r.product_name,
        categoryId: r.category_id,
        unitPriceCents: Number(r.cents),
        quantity: 1,
      })),
    },
    tenders: [{ type: 'cash', tenderedCents: 100_000_000 }],
    cashierId: t.cashierId,
  });
}

/** Sales count and total in cents of a store at HQ (as the sync service's role, RLS on). */
export async function hqSales(
  hq: TestHq,
  storeId: string,
): Promise<{ count: number; totalCents: number }> {
  const { withTenant } = await import('../../db/central/tenant');
  return withTenant(hq.db.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ n: number; cents: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(total_amount * 100), 0)::bigint AS cents
         FROM retail.sales_transactions WHERE store_id = $1 AND device_id IS DISTINCT FROM 'hq-seed'`,
      [storeId],
    );
    return { count: Number(rows[0]?.n ?? 0), totalCents: Number(rows[0]?.cents ?? 0) };
  });
}

export async function tillSales(t: TestTillHandle): Promise<{ count: number; totalCents: number }> {
  const { rows } = await t.store.db.query<{ n: number; cents: number }>(
    `SELECT count(*)::int AS n, coalesce(sum(total_amount * 100), 0)::bigint AS cents
       FROM retail.sales_transactions`,
  );
  return { count: Number(rows[0]?.n ?? 0), totalCents: Number(rows[0]?.cents ?? 0) };
}

/** Poll until `check` passes (sync runs in the background). */
export async function eventually<T>(
  check: () => Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  // A hang limit, not a speed budget: generous so a loaded machine never fails a correct run.
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/**
 * Queue `count` generated sales of the till's store directly into its database (domain rows +
 * outbox, batched), as if rung up offline over days. Prices and products match HQ's seeded
 * catalog (seed 42, `products` items); no journal is written (not needed by these tests).
 */
export async function queueGeneratedSales(
  t: TestTillHandle,
  options: {
    count: number;
    seed?: number;
    products?: number;
    customers?: number;
    /**
     * Write only the outbox (what push reads), in bulk, not the till's own sale rows: for tests
     * of the upload alone, where writing 5,000 sales one by one would dominate the run time.
     */
    outboxOnly?: boolean;
  },
): Promise<Array<{ transactionId: string; totalCents: number }>> {
  const { generateCatalog, toProductEntity } = await import('../../db/seed/catalog');
  const { generateCustomers } = await import('../../db/seed/customers');
  const { generateSales } = await import('../../db/seed/sales');
  const { applyMutationAtEdge } = await import('../../db/mutations/apply-edge');
  const { insertOutbox, nextCounter } = await import('../../db/queries/outbox');
  const identity = await t.store.identity();
  if (!identity) throw new Error('till not enrolled');
  const catalog = generateCatalog({ seed: 42, products: options.products ?? 30 }).map(
    toProductEntity,
  );
  const customers = generateCustomers({ seed: 42, customers: options.customers ?? 40 });
  const wanted: GeneratedSale[] = [];
  for (const sale of generateSales({
    seed: options.seed ?? 5,
    // Seattle takes 40% of the generated chain's sales, the other stores 20% each.
    sales: options.count * (identity.storeId === 'seattle' ? 3 : 6),
    catalog,
    customers,
  })) {
    if (sale.storeId === identity.storeId) wanted.push(sale);
    if (wanted.length === options.count) break;
  }
  if (wanted.length < options.count) throw new Error('not enough generated sales');
  const { receiptNumber } = await import('../../db/checkout/shared');
  if (options.outboxOnly) {
    await t.store.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ name: string; value: number }>(
        `SELECT name, value FROM pos.counters`,
      );
      const counter = new Map(rows.map((r) => [r.name, Number(r.value)]));
      let receipt = counter.get('receipt') ?? 0;
      let mutation = counter.get('mutation') ?? 0;
      const entries = wanted.map(({ storeId: _s, ...generated }) => {
        receipt += 1;
        mutation += 1;
        return {
          mutation_id: mutation,
          mutation_type: 'sale.recorded',
          entity_id: generated.transactionId,
          payload: {
            ...generated,
            registerId: identity.registerId,
            receiptSeq: receipt,
            receiptNumber: receiptNumber(identity.storeId, identity.registerId, receipt),
          },
        };
      });
      for (let i = 0; i < entries.length; i += 1_000) {
        await tx.query(
          `INSERT INTO pos.outbox (mutation_id, mutation_type, entity_id, payload)
           SELECT mutation_id, mutation_type, entity_id, payload
             FROM jsonb_to_recordset($1::jsonb)
                  AS r(mutation_id bigint, mutation_type text, entity_id uuid, payload jsonb)`,
          [JSON.stringify(entries.slice(i, i + 1_000))],
        );
      }
      await tx.query(`UPDATE pos.counters SET value = $1 WHERE name = 'receipt'`, [receipt]);
      await tx.query(`UPDATE pos.counters SET value = $1 WHERE name = 'mutation'`, [mutation]);
    });
    return wanted.map((s) => ({ transactionId: s.transactionId, totalCents: s.totalCents }));
  }
  for (let i = 0; i < wanted.length; i += 250) {
    await t.store.db.transaction(async (tx) => {
      for (const { storeId: _s, ...generated } of wanted.slice(i, i + 250)) {
        // Rung up on this till's register, numbered by its own counter.
        const receiptSeq = await nextCounter(tx, 'receipt');
        const payload = {
          ...generated,
          registerId: identity.registerId,
          receiptSeq,
          receiptNumber: receiptNumber(identity.storeId, identity.registerId, receiptSeq),
        };
        const mutationId = await nextCounter(tx, 'mutation');
        const mutation = { mutationId, type: 'sale.recorded' as const, payload };
        await applyMutationAtEdge(tx, identity, mutation);
        await insertOutbox(tx, mutation);
      }
    });
  }
  return wanted.map((s) => ({ transactionId: s.transactionId, totalCents: s.totalCents }));
}

/** Every sale transaction ID and total at HQ pushed by this device (RLS on, as the app). */
export async function hqSalesOf(hq: TestHq, storeId: string): Promise<Map<string, number>> {
  const { withTenant } = await import('../../db/central/tenant');
  return withTenant(hq.db.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ id: string; cents: number }>(
      `SELECT transaction_id AS id, (total_amount * 100)::bigint AS cents
         FROM retail.sales_transactions WHERE store_id = $1 AND device_id IS DISTINCT FROM 'hq-seed'`,
      [storeId],
    );
    return new Map(rows.map((r) => [r.id, Number(r.cents)]));
  });
}

/** A further register at HQ (each test till gets a register of its own). */
export async function addRegister(hq: TestHq, storeId: string, registerId: string): Promise<void> {
  const { withTenant } = await import('../../db/central/tenant');
  await withTenant(hq.db.pools.app, storeId, async (tx) => {
    await tx.query(
      `INSERT INTO retail.registers (store_id, register_id, register_name) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [storeId, registerId, `Register ${registerId}`],
    );
    tx.changes.record('register', [registerId]);
  });
}

/**
 * Per-table checksums of a store's synced rows, computed by the same SQL on HQ's PostgreSQL
 * and on the till's PGlite: equal checksums mean the till holds exactly HQ's rows.
 */
export async function catalogChecksums(
  db: { query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> },
  storeId: string,
): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    products: `SELECT md5(coalesce(string_agg(product_id::text || ':' || version || ':' || (price * 100)::bigint
                 || ':' || product_name || ':' || is_active || ':' || coalesce(category_id::text, '-'), ',' ORDER BY product_id), ''))
                 AS sum, count(*)::int AS n FROM retail.products WHERE store_id = $1`,
    customers: `SELECT md5(coalesce(string_agg(customer_id::text || ':' || version || ':' || last_name || ':' || loyalty_tier,
                 ',' ORDER BY customer_id), '')) AS sum, count(*)::int AS n FROM retail.customers WHERE store_id = $1`,
    stock_levels: `SELECT md5(coalesce(string_agg(product_id::text || ':' || version || ':' || on_hand,
                 ',' ORDER BY product_id), '')) AS sum, count(*)::int AS n FROM retail.stock_levels WHERE store_id = $1`,
    staff: `SELECT md5(coalesce(string_agg(staff_id::text || ':' || version || ':' || display_name || ':' || is_active,
                 ',' ORDER BY staff_id), '')) AS sum, count(*)::int AS n FROM retail.staff WHERE store_id = $1`,
    categories: `SELECT md5(coalesce(string_agg(category_id::text || ':' || version || ':' || category_name,
                 ',' ORDER BY category_id), '')) AS sum, count(*)::int AS n FROM retail.product_categories
                 WHERE $1::text IS NOT NULL`,
    category_tax_rates: `SELECT md5(coalesce(string_agg(category_id::text || ':' || version || ':' || tax_rate_ppm,
                 ',' ORDER BY category_id), '')) AS sum, count(*)::int AS n FROM retail.category_tax_rates WHERE store_id = $1`,
    registers: `SELECT md5(coalesce(string_agg(register_id || ':' || version || ':' || is_active,
                 ',' ORDER BY register_id), '')) AS sum, count(*)::int AS n FROM retail.registers WHERE store_id = $1`,
  };
  const out: Record<string, string> = {};
  for (const [table, sql] of Object.entries(tables)) {
    const { rows } = await db.query<{ sum: string; n: number }>(sql, [storeId]);
    out[table] = `${Number(rows[0]?.n ?? 0)}:${rows[0]?.sum ?? ''}`;
  }
  return out;
}

export async function hqChecksums(hq: TestHq, storeId: string): Promise<Record<string, string>> {
  const { withTenant } = await import('../../db/central/tenant');
  return withTenant(hq.db.pools.app, storeId, (tx) => catalogChecksums(tx, storeId));
}
