/**
 * Derived data at HQ is exact: daily rollups against an independent model of what was sent
 * (late offline sales, voids, returns, exchanges, arrival out of order), stock levels against
 * the ledger, low-stock alerts de-duplicated, and the velocity / latest-snapshot queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import { Rng } from '../../db/seed/random';
import { chainStores } from '../../db/seed/chain';
import type { Mutation, SaleRecorded } from '../../contract/mutations';
import { centsFromNumeric } from '../../core/money';
import { rebuildDailySales } from '../../db/central/derived';
import { setTenantKey, withTenant } from '../../db/central/tenant';
import {
  dailySales,
  dailyTotals,
  salesFromLines,
  salesVelocity7d,
} from '../../db/central/queries/sales';
import {
  acknowledgeAlert,
  latestMovements,
  lowStock,
  stockAlerts,
  stockAsOf,
  stockLevels,
} from '../../db/central/queries/stock';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { asStore, buildSale, envelope, ingest, seedWorld, STORES, type World } from './builders';
import { PgCode } from '../../db/pg-errors';

let db: TestDatabase;
let world: World;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 20, customers: 16 });
});
afterAll(async () => {
  await db?.drop();
});

const timezones = new Map(chainStores().map((s) => [s.storeId, s.timezone]));

function localDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

interface Agg {
  quantity: number;
  sold: number;
  returned: number;
  gross: number;
  discount: number;
  tax: number;
  net: number;
  returns: number;
  lines: number;
}

/** The rollup computed in TypeScript from the sales we sent, minus the ones we voided. */
function expectedRollup(
  storeId: string,
  sales: readonly SaleRecorded[],
  voided: ReadonlySet<string>,
): Map<string, Agg> {
  const tz = timezones.get(storeId)!;
  const out = new Map<string, Agg>();
  for (const sale of sales) {
    if (voided.has(sale.transactionId)) continue;
    const day = localDay(sale.occurredAt, tz);
    for (const l of sale.lines) {
      const key = `${day}/${l.productId}`;
      const a = out.get(key) ?? {
        quantity: 0,
        sold: 0,
        returned: 0,
        gross: 0,
        discount: 0,
        tax: 0,
        net: 0,
        returns: 0,
        lines: 0,
      };
      a.quantity += l.quantity;
      a.sold += Math.max(l.quantity, 0);
      a.returned += Math.max(-l.quantity, 0);
      a.gross += l.quantity * l.unitPriceCents;
      a.discount += l.discountCents;
      a.tax += l.taxCents;
      a.net += l.totalCents;
      a.returns += l.quantity < 0 ? -l.totalCents : 0;
      a.lines += 1;
      out.set(key, a);
    }
  }
  return out;
}

async function actualRollup(storeId: string): Promise<Map<string, Agg>> {
  const { rows } = await db.pools.admin.query<{
    day: string;
    product_id: string;
    quantity: number;
    quantity_sold: number;
    quantity_returned: number;
    gross: string;
    discount: string;
    tax: string;
    net: string;
    returns: string;
    line_count: number;
  }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, product_id, quantity, quantity_sold, quantity_returned,
            gross, discount, tax, net, returns, line_count
       FROM retail.daily_sales WHERE store_id = $1`,
    [storeId],
  );
  return new Map(
    rows.map((r) => [
      `${r.day}/${r.product_id}`,
      {
        quantity: r.quantity,
        sold: r.quantity_sold,
        returned: r.quantity_returned,
        gross: centsFromNumeric(r.gross),
        discount: centsFromNumeric(r.discount),
        tax: centsFromNumeric(r.tax),
        net: centsFromNumeric(r.net),
        returns: centsFromNumeric(r.returns),
        lines: r.line_count,
      },
    ]),
  );
}

const stripTruth = <T extends { truth: unknown }>({ truth: _t, ...stored }: T) => stored;

/**
 * The console's rollups (hours, tenders, cashiers) as stored, and as computed from the raw
 * sales by the superuser (no row security), for every store; `truth` has the same shape.
 */
async function consoleRollupsAndTruth() {
  const q = async (sql: string) =>
    (await db.pools.admin.query<Record<string, string | number>>(sql)).rows;
  const hours = `SELECT store_id, day::text AS day, hour, quantity, net::text AS net, line_count
                   FROM retail.hourly_store_sales ORDER BY 1, 2, 3`;
  const hoursTruth = `SELECT i.store_id, (i.occurred_at AT TIME ZONE st.timezone)::date::text AS day,
            extract(hour FROM i.occurred_at AT TIME ZONE st.timezone)::smallint AS hour,
            sum(i.quantity)::int AS quantity, sum(i.total_price)::text AS net,
            count(*)::int AS line_count
       FROM retail.sales_transaction_items i
       JOIN retail.sales_transactions t ON t.store_id = i.store_id
        AND t.transaction_id = i.transaction_id AND t.occurred_at = i.occurred_at
       JOIN retail.stores st ON st.store_id = i.store_id
      WHERE t.status = 'completed' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  const tenders = `SELECT store_id, day::text AS day, tender_type, amount::text AS amount,
                          payment_count FROM retail.daily_tender_sales ORDER BY 1, 2, 3`;
  const tendersTruth = `SELECT p.store_id, (p.occurred_at AT TIME ZONE st.timezone)::date::text AS day,
            p.tender_type, sum(p.amount)::text AS amount, count(*)::int AS payment_count
       FROM retail.payments p
       JOIN retail.sales_transactions t ON t.store_id = p.store_id
        AND t.transaction_id = p.transaction_id AND t.occurred_at = p.occurred_at
       JOIN retail.stores st ON st.store_id = p.store_id
      WHERE t.status = 'completed' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  const cashiers = `SELECT store_id, day::text AS day, cashier_id, sales_count, returns_count,
                           returns_amount::text AS returns_amount, voids_count,
                           voids_amount::text AS voids_amount
                      FROM retail.daily_cashier_sales ORDER BY 1, 2, 3`;
  const cashiersTruth = `SELECT x.store_id, x.day::text AS day, x.cashier_id,
            sum(x.sales)::int AS sales_count, sum(x.returns)::int AS returns_count,
            sum(x.refunds)::numeric(12,2)::text AS returns_amount,
            sum(x.voids)::int AS voids_count, sum(x.voided)::numeric(12,2)::text AS voids_amount
       FROM (SELECT t.store_id, (t.occurred_at AT TIME ZONE st.timezone)::date AS day,
                    t.cashier_id, (t.transaction_type <> 'return')::int AS sales,
                    (t.transaction_type = 'return')::int AS returns,
                    CASE WHEN t.transaction_type = 'return' THEN -t.total_amount ELSE 0 END
                        AS refunds, 0 AS voids, 0 AS voided
               FROM retail.sales_transactions t JOIN retail.stores st USING (store_id)
              WHERE t.status = 'completed'
             UNION ALL
             SELECT t.store_id, (t.voided_at AT TIME ZONE st.timezone)::date, t.voided_by,
                    0, 0, 0, 1, t.total_amount
               FROM retail.sales_transactions t JOIN retail.stores st USING (store_id)
              WHERE t.status = 'voided') x
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  const stored = { hours: await q(hours), tenders: await q(tenders), cashiers: await q(cashiers) };
  return {
    ...stored,
    truth: {
      hours: await q(hoursTruth),
      tenders: await q(tendersTruth),
      cashiers: await q(cashiersTruth),
    },
  };
}

describe('daily_sales', () => {
  it('equals the model after late, out-of-order sales, voids, returns and exchanges', async () => {
    const rng = new Rng(20261121);
    const ids = seededIdGenerator(77, Date.UTC(2026, 10, 1));
    const sent = new Map<string, SaleRecorded[]>(STORES.map((s) => [s, []]));
    const voided = new Set<string>();
    const seq = new Map<string, number>();
    const now = Date.UTC(2026, 10, 20);

    for (const storeId of STORES) {
      const sales: SaleRecorded[] = [];
      // 60 sales over ~4 months (several month partitions, some far back: late offline sales),
      // at times of day that straddle local midnight.
      for (let i = 0; i < 60; i++) {
        const at = new Date(
          now - rng.int(0, 120) * 86_400_000 - rng.int(0, 86_399) * 1000,
        ).toISOString();
        const n = (seq.get(storeId) ?? 0) + 1;
        seq.set(storeId, n);
        sales.push(
          buildSale({
            ids,
            storeId,
            cashierId: world.cashierOf(storeId),
            receiptSeq: n,
            occurredAt: at,
            lines: rng.sample(world.catalog, rng.int(1, 4)).map((product) => ({
              product,
              quantity: rng.int(1, 3),
              discountCents: rng.chance(0.3) ? rng.int(1, 50) : 0,
            })),
          }),
        );
      }
      // Returns (some partial) and exchanges against earlier sales, dated after them.
      const returns: SaleRecorded[] = [];
      for (const original of rng.sample(sales, 12)) {
        const line = original.lines[0]!;
        const product = world.catalog.find((p) => p.productId === line.productId)!;
        const n = (seq.get(storeId) ?? 0) + 1;
        seq.set(storeId, n);
        const exchange = rng.chance(0.4);
        returns.push(
          buildSale({
            ids,
            storeId,
            cashierId: world.cashierOf(storeId),
            receiptSeq: n,
            occurredAt: new Date(
              new Date(original.occurredAt).getTime() + rng.int(1, 72) * 3_600_000,
            ).toISOString(),
            transactionType: exchange ? 'exchange' : 'return',
            originalTransactionId: original.transactionId,
            lines: [
              {
                product,
                quantity: -1,
                originalItemId: line.itemId,
                unitPriceCents: line.unitPriceCents,
              },
              ...(exchange ? [{ product: rng.pick(world.catalog), quantity: 1 }] : []),
            ],
          }),
        );
      }
      // Send sales in a shuffled order (offline tills deliver late), then the returns.
      const shuffled = rng.sample(sales, sales.length);
      const mutations: Mutation[] = [...shuffled, ...returns].map((s) =>
        envelope('sale.recorded', s),
      );
      for (let i = 0; i < mutations.length; i += 25) {
        const outcomes = await ingest(db, storeId, mutations.slice(i, i + 25));
        expect(outcomes.filter((o) => o.status !== 'applied')).toEqual([]);
      }
      // Void a few sales (never ones returned against) and one return.
      const returnedIds = new Set(returns.map((r) => r.originalTransactionId));
      const toVoid = [
        ...rng.sample(
          sales.filter((s) => !returnedIds.has(s.transactionId)),
          6,
        ),
        returns[0]!,
      ];
      const voids = toVoid.map((s) =>
        envelope('sale.voided', {
          transactionId: s.transactionId,
          reason: 'mistake',
          voidedBy: world.cashierOf(storeId),
          voidedAt: new Date(new Date(s.occurredAt).getTime() + 60_000).toISOString(),
          stockMovements: s.lines.map((l) => ({
            movementId: ids(),
            productId: l.productId,
            quantityDelta: l.quantity,
            reason: 'void' as const,
            transactionId: s.transactionId,
            note: null,
          })),
        }),
      );
      const voidOutcomes = await ingest(db, storeId, voids);
      expect(voidOutcomes.map((o) => o.status)).toEqual(voids.map(() => 'applied'));
      toVoid.forEach((s) => voided.add(s.transactionId));
      sent.set(storeId, [...sales, ...returns]);
    }

    for (const storeId of STORES) {
      const expected = expectedRollup(storeId, sent.get(storeId)!, voided);
      const actual = await actualRollup(storeId);
      const extra = [...actual.keys()].filter((k) => !expected.has(k));
      const missingKeys = [...expected.keys()].filter((k) => !actual.has(k));
      expect({ storeId, extra: extra.map((k) => [k, actual.get(k)]), missingKeys }).toEqual({
        storeId,
        extra: [],
        missingKeys: [],
      });
      expect(actual.size).toBe(expected.size);
      expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    }

    // The console's rollups (0026) equal the raw sales, through sales, voids and returns...
    const consoleRollups = await consoleRollupsAndTruth();
    expect(consoleRollups.hours.length).toBeGreaterThan(0);
    expect(consoleRollups.tenders.length).toBeGreaterThan(0);
    expect(consoleRollups.cashiers.some((c) => Number(c.voids_count) > 0)).toBe(true);
    expect(consoleRollups.cashiers.some((c) => Number(c.returns_count) > 0)).toBe(true);
    expect(stripTruth(consoleRollups)).toEqual(consoleRollups.truth);

    // The rebuild from raw lines gives the same rows (and is therefore exact too).
    const before = await db.pools.admin.query<Record<string, unknown>>(
      `SELECT * FROM retail.daily_sales ORDER BY store_id, day, product_id`,
    );
    for (const storeId of STORES) {
      await withTenant(db.pools.owner, storeId, (tx) =>
        rebuildDailySales(tx, { from: '2020-01-01', to: '2030-12-31' }),
      );
    }
    const after = await db.pools.admin.query<Record<string, unknown>>(
      `SELECT * FROM retail.daily_sales ORDER BY store_id, day, product_id`,
    );
    const strip = (rows: Array<Record<string, unknown>>) =>
      rows.map(({ updated_at: _u, ...rest }) => rest);
    expect(strip(after.rows)).toEqual(strip(before.rows));

    // The store-day rollup (0021) always equals the product-day rollup summed per store-day,
    // through sales, voids, returns and the rebuild's delete + insert.
    const storeDays = await db.pools.admin.query<Record<string, string>>(
      `SELECT store_id, day::text AS day, quantity, quantity_sold, quantity_returned,
              gross::text AS gross, discount::text AS discount, tax::text AS tax, net::text AS net,
              returns::text AS returns, line_count
         FROM retail.daily_store_sales WHERE line_count <> 0 ORDER BY store_id, day`,
    );
    const summed = await db.pools.admin.query<Record<string, string>>(
      `SELECT store_id, day::text AS day, sum(quantity)::int AS quantity,
              sum(quantity_sold)::int AS quantity_sold,
              sum(quantity_returned)::int AS quantity_returned, sum(gross)::text AS gross,
              sum(discount)::text AS discount, sum(tax)::text AS tax, sum(net)::text AS net,
              sum(returns)::text AS returns, sum(line_count)::int AS line_count
         FROM retail.daily_sales GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(storeDays.rows.length).toBeGreaterThan(0);
    expect(storeDays.rows).toEqual(summed.rows);
    // ...and after the rebuild (which rebuilds them too).
    const rebuilt = await consoleRollupsAndTruth();
    expect(stripTruth(rebuilt)).toEqual(rebuilt.truth);
    expect(rebuilt.truth).toEqual(consoleRollups.truth);

    // Query functions agree with the rollup and with the raw lines (partition-pruned path).
    const seattle = expectedRollup('seattle', sent.get('seattle')!, voided);
    const rows = await asStore(db, 'seattle', (tx) =>
      dailySales(tx, { from: '2026-01-01', to: '2026-12-31' }),
    );
    expect(rows).toHaveLength(seattle.size);
    const totals = await asStore(db, 'seattle', (tx) =>
      dailyTotals(tx, { from: '2026-01-01', to: '2026-12-31' }),
    );
    expect(totals.reduce((a, t) => a + t.netCents, 0)).toBe(
      [...seattle.values()].reduce((a, v) => a + v.net, 0),
    );
    const raw = await asStore(db, 'seattle', (tx) =>
      salesFromLines(tx, {
        from: new Date('2025-01-01T00:00:00Z'),
        to: new Date('2027-01-01T00:00:00Z'),
      }),
    );
    expect(raw.reduce((a, r) => a + r.netCents, 0)).toBe(
      [...seattle.values()].reduce((a, v) => a + v.net, 0),
    );
  });
});

describe('stock levels and alerts', () => {
  it('stock_levels always equals the sum of the movement ledger', async () => {
    const { rows } = await db.pools.admin.query(
      `SELECT l.store_id, l.product_id, l.on_hand, m.total
         FROM retail.stock_levels l
         FULL JOIN (SELECT store_id, product_id, sum(quantity_delta)::int AS total
                      FROM retail.stock_movements GROUP BY 1, 2) m USING (store_id, product_id)
        WHERE l.on_hand IS DISTINCT FROM m.total`,
    );
    expect(rows).toEqual([]);
    const count = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.stock_levels`,
    );
    expect(count.rows[0]!.n).toBeGreaterThan(0);
  });

  it('opens one alert per low product, updates it while low, resolves it on restock, re-opens later', async () => {
    const storeId = 'bellevue';
    const ids = seededIdGenerator(91, Date.UTC(2026, 10, 2));
    const product = world.catalog[5]!;
    const [level] = await asStore(db, storeId, (tx) => stockLevels(tx, [product.productId]));
    // Alerts this product may already have from earlier tests are not this test's business.
    const earlier = new Set(
      (await asStore(db, storeId, (tx) => stockAlerts(tx, { productId: product.productId }))).map(
        (a) => a.alertId,
      ),
    );
    const alertsNow = async () =>
      (
        await asStore(db, storeId, (tx) => stockAlerts(tx, { productId: product.productId }))
      ).filter((a) => !earlier.has(a.alertId));
    expect((await alertsNow()).length).toBe(0);
    expect(
      (
        await asStore(db, storeId, (tx) =>
          stockAlerts(tx, { productId: product.productId, status: 'open' }),
        )
      ).length,
    ).toBeLessThanOrEqual(1);
    const adjust = (delta: number) =>
      envelope('stock.adjusted', {
        adjustmentId: ids(),
        occurredAt: '2026-11-15T09:00:00.000Z',
        staffId: world.cashierOf(storeId),
        movements: [
          {
            movementId: ids(),
            productId: product.productId,
            quantityDelta: delta,
            reason: 'count',
            transactionId: null,
            note: null,
          },
        ],
      });
    // Bring it to exactly the reorder point + 2, then sell below it several times.
    const target = product.reorderPoint + 2 - (level?.onHand ?? 0);
    if (target !== 0) await ingest(db, storeId, [adjust(target)]);
    let receipt = 5000;
    const sell = (quantity: number) =>
      envelope(
        'sale.recorded',
        buildSale({
          ids,
          storeId,
          cashierId: world.cashierOf(storeId),
          receiptSeq: ++receipt,
          occurredAt: '2026-11-15T10:00:00.000Z',
          lines: [{ product, quantity }],
        }),
      );
    await ingest(db, storeId, [sell(1)]);
    expect(await alertsNow()).toEqual([]);
    await ingest(db, storeId, [sell(2), sell(1)]);
    await ingest(db, storeId, [sell(3)]);
    let alerts = await alertsNow();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      status: 'open',
      onHand: product.reorderPoint - 5,
      reorderPoint: product.reorderPoint,
    });
    // Two concurrent transactions keep it at one open alert (partial unique index + upsert).
    await Promise.all([ingest(db, storeId, [sell(1)]), ingest(db, storeId, [sell(1)])]);
    alerts = await alertsNow();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.onHand).toBe(product.reorderPoint - 7);
    // Acknowledged: still the one open alert, still de-duplicating.
    expect(
      await asStore(db, storeId, (tx) =>
        acknowledgeAlert(tx, { alertId: alerts[0]!.alertId, staffId: world.cashierOf(storeId) }),
      ),
    ).toBe(true);
    await ingest(db, storeId, [sell(1)]);
    alerts = await alertsNow();
    expect(alerts.map((a) => [a.status, a.acknowledgedAt !== null])).toEqual([['open', true]]);
    expect(
      (await asStore(db, storeId, (tx) => lowStock(tx))).some(
        (l) => l.productId === product.productId,
      ),
    ).toBe(true);
    // Restock above the reorder point: resolved. Sell below again: a new open alert.
    await ingest(db, storeId, [adjust(50)]);
    alerts = await alertsNow();
    expect(alerts.map((a) => a.status)).toEqual(['resolved']);
    await ingest(db, storeId, [adjust(-60)]);
    alerts = await alertsNow();
    expect(alerts.map((a) => a.status).sort()).toEqual(['open', 'resolved']);
    // The database itself refuses a second open alert for the same product.
    const client = await db.pools.owner.connect();
    try {
      await client.query('BEGIN');
      await setTenantKey(client, storeId);
      await expect(
        client.query(
          `INSERT INTO retail.stock_alerts (store_id, product_id, alert_type, on_hand, reorder_point, message)
           VALUES ($1, $2, 'low_stock', 0, 1, 'dup')`,
          [storeId, product.productId],
        ),
      ).rejects.toMatchObject({ code: PgCode.uniqueViolation });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('answers latest-snapshot and as-of queries from the ledger', async () => {
    const storeId = 'online';
    const ids = seededIdGenerator(93, Date.UTC(2026, 10, 3));
    const product = world.catalog[7]!;
    const before = await asStore(db, storeId, (tx) => stockLevels(tx, [product.productId]));
    const adjust = (delta: number, at: string) =>
      envelope('stock.adjusted', {
        adjustmentId: ids(),
        occurredAt: at,
        staffId: world.cashierOf(storeId),
        movements: [
          {
            movementId: ids(),
            productId: product.productId,
            quantityDelta: delta,
            reason: 'receiving',
            transactionId: null,
            note: null,
          },
        ],
      });
    await ingest(db, storeId, [
      adjust(10, '2026-11-16T08:00:00.000Z'),
      adjust(5, '2026-11-17T08:00:00.000Z'),
    ]);
    const [latest] = await asStore(db, storeId, (tx) => latestMovements(tx, [product.productId]));
    expect(latest).toMatchObject({ quantityDelta: 5, onHand: (before[0]?.onHand ?? 0) + 15 });
    expect(latest!.occurredAt.toISOString()).toBe('2026-11-17T08:00:00.000Z');
    const asOf = await asStore(db, storeId, (tx) =>
      stockAsOf(tx, new Date('2026-11-16T12:00:00.000Z')),
    );
    expect(asOf.find((r) => r.productId === product.productId)?.onHand).toBe(
      (before[0]?.onHand ?? 0) + 10,
    );
  });
});

describe('sales velocity', () => {
  it('is a 7-day rolling mean over calendar days, zero-filled', async () => {
    const storeId = 'redmond';
    const ids = seededIdGenerator(95, Date.UTC(2026, 10, 4));
    const product = world.catalog[11]!;
    // 7 units on Mar 1 (local noon), 14 on Mar 4; nothing else for this product in March (the
    // other tests sell from late July on).
    const sale = (quantity: number, at: string, seq: number) =>
      envelope(
        'sale.recorded',
        buildSale({
          ids,
          storeId,
          cashierId: world.cashierOf(storeId),
          receiptSeq: 7000 + seq,
          occurredAt: at,
          lines: [{ product, quantity }],
        }),
      );
    await ingest(db, storeId, [
      sale(7, '2026-03-01T19:00:00.000Z', 1),
      sale(14, '2026-03-04T19:00:00.000Z', 2),
    ]);
    const rows = await asStore(db, storeId, (tx) =>
      salesVelocity7d(tx, {
        from: '2026-03-01',
        to: '2026-03-12',
        productIds: [product.productId],
      }),
    );
    expect(rows.map((r) => [r.day, r.quantity, r.avg7d])).toEqual([
      ['2026-03-01', 7, 1],
      ['2026-03-02', 0, 1],
      ['2026-03-03', 0, 1],
      ['2026-03-04', 14, 3],
      ['2026-03-05', 0, 3],
      ['2026-03-06', 0, 3],
      ['2026-03-07', 0, 3],
      ['2026-03-08', 0, 2],
      ['2026-03-09', 0, 2],
      ['2026-03-10', 0, 2],
      ['2026-03-11', 0, 0],
      ['2026-03-12', 0, 0],
    ]);
  });
});
