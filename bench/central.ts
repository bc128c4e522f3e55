/**
 * HQ database figures, all from one run on one embedded PostgreSQL (durable: fsync on), or on
 * DATABASE_URL's server in a scratch database:
 *   central.ingest_rows_per_s       sale items per second through db/central/ingest.ts, the path
 *                                   the sync service uses: as edgepos_app, RLS on, one durable
 *                                   transaction per batch of 1,000 sales, with rollups, stock
 *                                   levels and alerts maintained by the triggers
 *   central.copy_rows_per_s         the ceiling, in the same unit (sale items per second): EVERY
 *                                   row that ingest wrote (items, transactions, payments, stock
 *                                   movements, registry, mutation log, rollups, stock levels...:
 *                                   each table's rows as they stand after ingest) by plain COPY
 *                                   into tables with the same columns and indexes (no RLS, no
 *                                   triggers, no foreign keys, not partitioned), one durable
 *                                   transaction per batch holding each table's share of the rows
 *   central.ingest_copy_ratio       ingest_rows_per_s / copy_rows_per_s of this run (target >= 0.5)
 *   central.ingest_written_rows     rows per table that ingest wrote, per 1,000 sale items
 *   central.ingest_cpu_us_per_item  CPU time per sale item {postgres: the server during ingest;
 *                                   node: this process during ingest (validation, hashing,
 *                                   node-postgres); copy_postgres: the server during the
 *                                   ceiling's COPY} (Linux only): not inflated by a busy machine
 *   central.daily_sales_query_ms    median time of one store's 30-day daily sales report (a total
 *                                   per day, from the rollup, as edgepos_app with RLS) with
 *                                   1,000,000 sale items in the database
 *   central.daily_sales_products_query_ms  the same 30 days per day AND product (every rollup row)
 *   central.daily_sales_raw_query_ms the same 30 days per product computed from the raw lines
 *                                   instead of the rollup (partition-pruned), for comparison
 * --quick: small sizes, figures not comparable.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import pg from 'pg';
import { startCentral, type Central } from '../hq/ops/central';
import { createRolePool } from '../db/central/pool';
import { rebuildDailySales } from '../db/central/derived';
import { ingestMutations } from '../db/central/ingest';
import { dailySales, dailyTotals, salesFromLines } from '../db/central/queries/sales';
import { withTenant } from '../db/central/tenant';
import type { Mutation } from '../contract/mutations';
import { generateCatalog, toProductEntity } from '../db/seed/catalog';
import { generateCustomers } from '../db/seed/customers';
import { generateSales, type GeneratedSale } from '../db/seed/sales';
import { seedCentral } from '../db/seed/write-central';
import type { BenchContext, Figures, Suite } from './suite';
import { percentile, round } from './stats';
import { postmasterOf, serverCpuSeconds } from './proc-cpu';

const BATCH_SALES = 1_000;
const STORES = ['seattle', 'redmond', 'bellevue', 'online'] as const;

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Every row that ingest wrote since transaction ID `since`, per table (a partitioned table as
 * one), in COPY text format: each table's rows as they stand now, so a rollup row upserted a
 * thousand times counts once. Read as the superuser, so RLS hides nothing.
 */
async function rowsWrittenSince(
  admin: pg.PoolClient,
  since: number,
): Promise<Array<{ table: string; lines: string[] }>> {
  const { rows: tables } = await admin.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
        AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1`,
  );
  const out: Array<{ table: string; lines: string[] }> = [];
  for (const { name } of tables) {
    let text = '';
    const stream = admin.query(
      copyTo(`COPY (SELECT * FROM ${name} WHERE xmin::text::bigint >= ${since}) TO STDOUT`),
    );
    for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString();
    const lines = text.split('\n').filter((line) => line.length > 0);
    if (lines.length > 0) out.push({ table: name, lines });
  }
  return out;
}

/**
 * The ceiling: the rows of `written` COPYed into same-shaped tables (columns, defaults, checks,
 * indexes; no RLS, triggers, foreign keys or partitions) in `batches` durable transactions,
 * each holding its share of every table. Returns the seconds it took.
 */
async function copyCeiling(
  owner: pg.PoolClient,
  written: ReadonlyArray<{ table: string; lines: string[] }>,
  batches: number,
): Promise<number> {
  const targets = written.map((w, i) => ({ ...w, copy: `public.bench_copy_${i}` }));
  for (const t of targets) {
    await owner.query(
      `CREATE TABLE ${t.copy} (LIKE ${t.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
    );
  }
  const payloads = Array.from({ length: batches }, (_, b) =>
    targets.map((t) => {
      const size = Math.ceil(t.lines.length / batches);
      const share = t.lines.slice(b * size, (b + 1) * size);
      return { copy: t.copy, text: share.length > 0 ? `${share.join('\n')}\n` : '' };
    }),
  );
  try {
    const started = performance.now();
    for (const payload of payloads) {
      await owner.query('BEGIN');
      for (const { copy, text } of payload) {
        if (text === '') continue;
        await pipeline(Readable.from([text]), owner.query(copyFrom(`COPY ${copy} FROM STDIN`)));
      }
      await owner.query('COMMIT');
    }
    return (performance.now() - started) / 1000;
  } finally {
    for (const t of targets) await owner.query(`DROP TABLE IF EXISTS ${t.copy}`);
  }
}

async function bulkFill(
  central: Central,
  targetItems: number,
  log: (m: string) => void,
): Promise<number> {
  const admin = await central.pools.admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transaction_items`,
    );
    const have = rows[0]?.n ?? 0;
    const transactions = Math.max(0, Math.ceil((targetItems - have) / 3));
    if (transactions === 0) return have;
    log(
      `generating ${transactions * 3} more sale items in SQL (superuser, triggers off, rollups rebuilt after)`,
    );
    await central.pools.owner.query(
      `SELECT retail.ensure_sales_partitions(now() - interval '3 months', now())`,
    );
    await admin.query(`SET session_replication_role = replica`);
    await admin.query(
      `CREATE TEMP TABLE bench_gen AS
       SELECT g, (ARRAY['seattle','redmond','bellevue','online'])[1 + g % 4] AS store_id,
              md5('bench-' || g)::uuid AS tid,
              date_trunc('second', now() - ((g::bigint * 7919) % (88 * 86400)) * interval '1 second') AS at
         FROM generate_series(1, $1::int) AS g`,
      [transactions],
    );
    await admin.query(
      `INSERT INTO retail.sales_transaction_ids (store_id, transaction_id, occurred_at, register_id, receipt_seq, receipt_number)
       SELECT store_id, tid, at, 'R02', 1000000 + g, 'BENCH-' || g FROM bench_gen`,
    );
    await admin.query(
      `CREATE TEMP TABLE bench_lines AS
       SELECT b.g, b.store_id, b.tid, b.at, l AS line,
              p.ids[1 + ((b.g * 3 + l) % array_length(p.ids, 1))] AS product_id,
              (1 + (b.g + l) % 3) AS qty, (1 + (b.g + l) % 50)::numeric(12,2) AS price
         FROM bench_gen b
         CROSS JOIN generate_series(1, 3) AS l
         CROSS JOIN (SELECT array_agg(product_id ORDER BY product_id) AS ids FROM retail.products WHERE store_id = 'seattle') p`,
    );
    await admin.query(
      `INSERT INTO retail.sales_transactions
         (store_id, transaction_id, register_id, receipt_seq, receipt_number, transaction_type, cashier_id,
          occurred_at, subtotal, discount_amount, tax_amount, total_amount)
       SELECT b.store_id, b.tid, 'R02', 1000000 + b.g, 'BENCH-' || b.g, 'sale', md5('cashier')::uuid, b.at,
              t.subtotal, 0, t.tax, t.subtotal + t.tax
         FROM bench_gen b
         JOIN (SELECT g, sum(qty * price) AS subtotal, sum(round(qty * price * 0.1, 2)) AS tax
                 FROM bench_lines GROUP BY g) t USING (g)`,
    );
    await admin.query(
      `INSERT INTO retail.sales_transaction_items
         (store_id, item_id, transaction_id, line_number, product_id, sku, product_name, category_id,
          quantity, unit_price, discount_amount, tax_rate_ppm, tax_amount, total_price, occurred_at)
       SELECT store_id, md5('item-' || g || '-' || line)::uuid, tid, line, product_id, 'BENCH-SKU',
              'Bench product', 1, qty, price, 0, 100000, round(qty * price * 0.1, 2), qty * price, at
         FROM bench_lines`,
    );
    await admin.query(`SET session_replication_role = DEFAULT`);
    await admin.query(`DROP TABLE bench_gen, bench_lines`);
  } finally {
    admin.release();
  }
  log('rebuilding the daily rollups from the raw lines and analysing');
  for (const store of STORES) {
    const day = (offset: number): string =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await withTenant(central.pools.owner, store, (tx) =>
      rebuildDailySales(tx, { from: day(-120), to: day(1) }),
    );
  }
  await central.pools.admin.query(`VACUUM ANALYZE`);
  const { rows } = await central.pools.admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.sales_transaction_items`,
  );
  return rows[0]?.n ?? 0;
}

async function run(ctx: BenchContext): Promise<Figures> {
  const saleCount = ctx.quick ? 2_000 : 40_000;
  const targetItems = ctx.quick ? 30_000 : 1_000_000;
  const queryRuns = ctx.quick ? 5 : 25;
  const useUrl = Boolean(process.env.DATABASE_URL);
  const root = await mkdtemp(join(tmpdir(), 'edgepos-bench-hq-'));
  await chmod(root, 0o711); // PostgreSQL runs as the postgres OS user when we are root
  const central = await startCentral({
    dataDir: join(root, 'hq'),
    durable: true,
    ...(useUrl ? { database: `edgepos_bench_${process.pid}` } : {}),
  });
  try {
    ctx.log(
      `HQ database on ${central.mode === 'embedded' ? 'the embedded server' : 'DATABASE_URL'}; seeding the chain`,
    );
    await seedCentral({
      owner: central.pools.owner,
      app: central.pools.app,
      seed: 42,
      products: 500,
      customers: 2_000,
      sales: 0,
    });

    const now = new Date();
    const catalog = generateCatalog({ seed: 42, products: 500 }).map(toProductEntity);
    const customers = generateCustomers({ seed: 42, customers: 2_000 });
    ctx.log(`pricing ${saleCount} sales with the checkout rules`);
    const byStore = new Map<string, GeneratedSale[]>();
    for (const sale of generateSales({
      seed: 7,
      sales: saleCount,
      catalog,
      customers,
      days: 28,
      now,
    })) {
      byStore.set(sale.storeId, [...(byStore.get(sale.storeId) ?? []), sale]);
    }
    const batches: Array<{ storeId: string; sales: GeneratedSale[] }> = [];
    for (const [storeId, sales] of byStore) {
      for (let i = 0; i < sales.length; i += BATCH_SALES)
        batches.push({ storeId, sales: sales.slice(i, i + BATCH_SALES) });
    }
    // Months exist before timing: partition creation is not what this figure measures.
    await central.pools.owner.query(
      `SELECT retail.ensure_sales_partitions(now() - interval '2 months', now())`,
    );

    // Rows with this transaction ID or later are ingest's (nothing else writes meanwhile).
    const { rows: xids } = await central.pools.owner.query<{ xid: string }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid`,
    );
    const ingestXid = Number(xids[0]?.xid);
    ctx.log(`ingesting ${batches.length} batches through ingest.ts as edgepos_app`);
    let mutationId = 0;
    let items = 0;
    const { rows: backend } = await central.pools.owner.query<{ pid: number }>(
      'SELECT pg_backend_pid() AS pid',
    );
    const postmaster = postmasterOf(backend[0]!.pid);
    const pgCpu = (): number | null => (postmaster === null ? null : serverCpuSeconds(postmaster));
    const ingestPgBefore = pgCpu();
    const ingestNodeBefore = process.cpuUsage();
    const ingestStart = performance.now();
    for (const batch of batches) {
      const mutations: Mutation[] = batch.sales.map(({ storeId: _s, ...payload }) => ({
        mutationId: ++mutationId,
        type: 'sale.recorded',
        payload,
      }));
      const outcomes = await withTenant(central.pools.app, batch.storeId, (tx) =>
        ingestMutations(tx, { deviceId: 'bench-till', mutations }),
      );
      const refused = outcomes.find((o) => o.status !== 'applied');
      if (refused) throw new Error(`bench sale not applied: ${JSON.stringify(refused)}`);
      items += batch.sales.reduce((sum, s) => sum + s.lines.length, 0);
    }
    const ingestSeconds = (performance.now() - ingestStart) / 1000;
    const ingestNode = process.cpuUsage(ingestNodeBefore);
    const ingestPgAfter = pgCpu();
    const ingestRate = items / ingestSeconds;
    ctx.log(`ingest: ${items} items in ${ingestSeconds.toFixed(2)} s`);

    // The ceiling: plain COPY of every row ingest wrote, same batches, same server, durable.
    const admin = await central.pools.admin.connect();
    let written: Array<{ table: string; lines: string[] }>;
    try {
      written = await rowsWrittenSince(admin, ingestXid);
    } finally {
      admin.release();
    }
    const owner = await central.pools.owner.connect();
    let copySeconds: number;
    let copyPg: number | null = null;
    try {
      const before = pgCpu();
      copySeconds = await copyCeiling(owner, written, batches.length);
      const after = pgCpu();
      if (before !== null && after !== null) copyPg = after - before;
    } finally {
      owner.release();
    }
    const copyRate = items / copySeconds;
    ctx.log(
      `copy: ${written.reduce((n, w) => n + w.lines.length, 0)} rows of ${written.length} tables (${items} items) in ${copySeconds.toFixed(2)} s`,
    );

    const total = await bulkFill(central, targetItems, ctx.log);
    ctx.log(`${total} sale items in the database; timing the 30-day report`);
    const to = new Date();
    const from = new Date(to.getTime() - 29 * 86_400_000);
    const totalsMs: number[] = [];
    const rollupMs: number[] = [];
    const rawMs: number[] = [];
    let reportRows = 0;
    const time = async (into: number[], fn: () => Promise<unknown>): Promise<void> => {
      const start = performance.now();
      await fn();
      into.push(performance.now() - start);
    };
    for (let i = 0; i < queryRuns; i++) {
      await time(totalsMs, () =>
        withTenant(central.pools.app, 'seattle', (tx) =>
          dailyTotals(tx, { from: day(from), to: day(to) }),
        ),
      );
      await time(rollupMs, async () => {
        const rows = await withTenant(central.pools.app, 'seattle', (tx) =>
          dailySales(tx, { from: day(from), to: day(to) }),
        );
        reportRows = rows.length;
      });
      await time(rawMs, () =>
        withTenant(central.pools.app, 'seattle', (tx) =>
          salesFromLines(tx, {
            from: new Date(`${day(from)}T00:00:00Z`),
            to: new Date(to.getTime() + 86_400_000),
          }),
        ),
      );
    }
    ctx.log(`report: ${reportRows} day-product rows for one store`);
    return {
      'central.ingest_rows_per_s': Math.round(ingestRate),
      'central.copy_rows_per_s': Math.round(copyRate),
      'central.ingest_copy_ratio': round(ingestRate / copyRate, 2),
      ...(ingestPgBefore !== null && ingestPgAfter !== null && copyPg !== null
        ? {
            'central.ingest_cpu_us_per_item': {
              postgres: round(((ingestPgAfter - ingestPgBefore) * 1e6) / items, 1),
              node: round((ingestNode.user + ingestNode.system) / items, 1),
              copy_postgres: round((copyPg * 1e6) / items, 1),
            },
          }
        : {}),
      'central.ingest_written_rows': Object.fromEntries(
        written.map((w) => [w.table, round((w.lines.length * 1_000) / items, 1)]),
      ),
      'central.daily_sales_query_ms': round(percentile(totalsMs, 50)),
      'central.daily_sales_products_query_ms': round(percentile(rollupMs, 50)),
      'central.daily_sales_raw_query_ms': round(percentile(rawMs, 50)),
    };
  } finally {
    const { target } = central;
    await central.stop();
    if (useUrl) {
      const admin = createRolePool(target, 'admin', {
        database: target.maintenanceDatabase,
        max: 1,
      });
      await admin.query(
        `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(target.database)} WITH (FORCE)`,
      );
      await admin.end();
    }
    await rm(root, { recursive: true, force: true });
  }
}

export const suite: Suite = { name: 'central', run };
