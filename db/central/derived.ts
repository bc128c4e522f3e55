/**
 * Derived data at HQ, maintained by the code that writes the facts, in the same transaction:
 *   daily_sales   per store, store-local day and product (late offline sales add to the day
 *                 they happened, a void subtracts from that day, returns are signed lines);
 *   daily_store_sales  per store and store-local day: the same amounts summed over products
 *                 (migration 0021; the HQ console's sales-by-day report reads a year of a
 *                 chain from it), changed by the same deltas in the same transaction;
 *   hourly_store_sales, daily_tender_sales, daily_cashier_sales  the console's report rollups
 *                 (migration 0026, derived-console.ts), changed with these in the same
 *                 transaction;
 *   stock_levels  on hand per store and product = the sum of the movement ledger;
 *   stock_alerts  at most one open low-stock alert per store and product, opened, refreshed
 *                 and resolved as stock crosses the product's reorder point.
 *
 * Until migration 0011 statement-level triggers with transition tables did this. A distributed
 * HQ (Citus, docs/scaling.md) cannot run such triggers (they write other distributed tables
 * from inside a shard), and written here every write that ingest makes is visible in one place.
 *
 * Contract: every function runs inside withTenant (tx.storeId is the tenant key) and only for
 * facts this transaction has just written (the callers are sale-write.ts,
 * stock-movements-write.ts and ingest-other.ts); calling one twice for the same facts counts them twice. Rows are written in
 * key order, so concurrent pushes of one store never deadlock on them. Stock levels are synced
 * to the tills: their changes are recorded in the transaction's change feed buffer.
 */
import { randomUUID } from 'node:crypto';
import { sqlCents as cents } from '../sql';
import { intArray, textArray } from './pg-arrays';
import type { TenantTx } from './tenant';
import { addHours, rebuildConsoleRollups } from './derived-console';
import type { LineColumns } from './line-columns';

export type { LineColumns } from './line-columns';

/** Sale lines as ingest has them: one entry per line, money in cents. */
/**
 * Add lines to the daily rollup (sign 1: a sale, return or exchange was recorded) or take them
 * out (sign -1: the transaction they belong to was voided). Returns the rows left with no line
 * (only possible with sign -1), which the caller deletes.
 */
async function addLines(tx: TenantTx, lines: LineColumns, sign: 1 | -1): Promise<string[]> {
  if (lines.productId.length === 0) return [];
  const { rows } = await tx.query<{ product_id: string; line_count: number }>(
    `INSERT INTO retail.daily_sales AS d
       (store_id, day, product_id, quantity, quantity_sold, quantity_returned, gross, discount,
        tax, net, returns, line_count)
     SELECT $1, (u.at AT TIME ZONE s.timezone)::date, u.product,
            $9 * sum(u.qty)::integer,
            $9 * sum(greatest(u.qty, 0))::integer,
            $9 * sum(greatest(-u.qty, 0))::integer,
            $9 * sum(u.qty * ${cents('u.price')}),
            $9 * sum(${cents('u.disc')}),
            $9 * sum(${cents('u.tax')}),
            $9 * sum(${cents('u.total')}),
            $9 * sum(CASE WHEN u.qty < 0 THEN -${cents('u.total')} ELSE 0 END),
            $9 * count(*)::integer
       FROM unnest($2::uuid[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
                   $8::timestamptz[]) AS u(product, qty, price, disc, tax, total, at)
      CROSS JOIN (SELECT timezone FROM retail.stores WHERE store_id = $1) s
      GROUP BY 2, 3
      ORDER BY 2, 3   -- a fixed lock order keeps concurrent batches from deadlocking
     ON CONFLICT (store_id, day, product_id) DO UPDATE SET
        quantity = d.quantity + EXCLUDED.quantity,
        quantity_sold = d.quantity_sold + EXCLUDED.quantity_sold,
        quantity_returned = d.quantity_returned + EXCLUDED.quantity_returned,
        gross = d.gross + EXCLUDED.gross,
        discount = d.discount + EXCLUDED.discount,
        tax = d.tax + EXCLUDED.tax,
        net = d.net + EXCLUDED.net,
        returns = d.returns + EXCLUDED.returns,
        line_count = d.line_count + EXCLUDED.line_count,
        updated_at = EXCLUDED.updated_at
     RETURNING d.product_id, d.line_count`,
    [
      tx.storeId,
      textArray(lines.productId),
      intArray(lines.quantity),
      intArray(lines.unitPriceCents),
      intArray(lines.discountCents),
      intArray(lines.taxCents),
      intArray(lines.totalCents),
      textArray(lines.occurredAt),
      sign,
    ],
  );
  await addStoreDays(tx, lines, sign);
  await addHours(tx, lines, sign);
  return rows.filter((r) => Number(r.line_count) === 0).map((r) => r.product_id);
}

/**
 * The store-day side of addLines: the same lines summed per store-local day. Store-days left
 * with no line (a void of a day's only sales) are deleted here, like product-days.
 */
async function addStoreDays(tx: TenantTx, lines: LineColumns, sign: 1 | -1): Promise<void> {
  const { rows } = await tx.query<{ day: string; line_count: number }>(
    `INSERT INTO retail.daily_store_sales AS d
       (store_id, day, quantity, quantity_sold, quantity_returned, gross, discount, tax, net,
        returns, line_count)
     SELECT $1, (u.at AT TIME ZONE s.timezone)::date,
            $8 * sum(u.qty)::integer,
            $8 * sum(greatest(u.qty, 0))::integer,
            $8 * sum(greatest(-u.qty, 0))::integer,
            $8 * sum(u.qty * ${cents('u.price')}),
            $8 * sum(${cents('u.disc')}),
            $8 * sum(${cents('u.tax')}),
            $8 * sum(${cents('u.total')}),
            $8 * sum(CASE WHEN u.qty < 0 THEN -${cents('u.total')} ELSE 0 END),
            $8 * count(*)::integer
       FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                   $7::timestamptz[]) AS u(qty, price, disc, tax, total, at)
      CROSS JOIN (SELECT timezone FROM retail.stores WHERE store_id = $1) s
      GROUP BY 2
      ORDER BY 2   -- the same fixed lock order as the product-days
     ON CONFLICT (store_id, day) DO UPDATE SET
        quantity = d.quantity + EXCLUDED.quantity,
        quantity_sold = d.quantity_sold + EXCLUDED.quantity_sold,
        quantity_returned = d.quantity_returned + EXCLUDED.quantity_returned,
        gross = d.gross + EXCLUDED.gross,
        discount = d.discount + EXCLUDED.discount,
        tax = d.tax + EXCLUDED.tax,
        net = d.net + EXCLUDED.net,
        returns = d.returns + EXCLUDED.returns,
        line_count = d.line_count + EXCLUDED.line_count,
        updated_at = EXCLUDED.updated_at
     RETURNING d.day::text AS day, d.line_count`,
    [
      tx.storeId,
      intArray(lines.quantity),
      intArray(lines.unitPriceCents),
      intArray(lines.discountCents),
      intArray(lines.taxCents),
      intArray(lines.totalCents),
      textArray(lines.occurredAt),
      sign,
    ],
  );
  const empty = rows.filter((r) => Number(r.line_count) === 0).map((r) => r.day);
  if (empty.length === 0) return;
  await tx.query(
    `DELETE FROM retail.daily_store_sales
      WHERE store_id = $1 AND day = ANY($2::date[]) AND line_count = 0`,
    [tx.storeId, textArray(empty)],
  );
}

/** The lines of newly recorded sales (completed transactions) count in their days. */
export async function addSalesToDailyRollup(tx: TenantTx, lines: LineColumns): Promise<void> {
  await addLines(tx, lines, 1);
}

/**
 * A void takes its transaction's lines out of the day they were sold (not the day of the void);
 * a day and product left with no line disappears, as if never sold.
 */
export async function removeVoidFromDailyRollup(
  tx: TenantTx,
  sale: { transactionId: string; occurredAt: Date },
): Promise<void> {
  const { rows } = await tx.query<{
    product_id: string;
    quantity: number;
    price: number;
    disc: number;
    tax: number;
    total: number;
  }>(
    `SELECT product_id, quantity, (unit_price * 100)::bigint AS price,
            (discount_amount * 100)::bigint AS disc, (tax_amount * 100)::bigint AS tax,
            (total_price * 100)::bigint AS total
       FROM retail.sales_transaction_items
      WHERE store_id = $1 AND transaction_id = $2 AND occurred_at = $3`,
    [tx.storeId, sale.transactionId, sale.occurredAt],
  );
  if (rows.length === 0) return;
  const at = sale.occurredAt.toISOString();
  const empty = await addLines(
    tx,
    {
      productId: rows.map((r) => r.product_id),
      quantity: rows.map((r) => Number(r.quantity)),
      unitPriceCents: rows.map((r) => Number(r.price)),
      discountCents: rows.map((r) => Number(r.disc)),
      taxCents: rows.map((r) => Number(r.tax)),
      totalCents: rows.map((r) => Number(r.total)),
      occurredAt: rows.map(() => at),
    },
    -1,
  );
  if (empty.length === 0) return;
  // Rows without lines exist only between these two statements (a row updated by a statement
  // cannot also be deleted by it), so the day need not be named.
  await tx.query(
    `DELETE FROM retail.daily_sales
      WHERE store_id = $1 AND product_id = ANY($2::uuid[]) AND line_count = 0`,
    [tx.storeId, textArray(empty)],
  );
}

/**
 * Recompute the rollup of one store for a range of store-local days from the raw lines:
 * after a store's timezone changes, after bulk loads, or to prove the incremental rollup exact.
 * Returns the rows written.
 */
export async function rebuildDailySales(
  tx: TenantTx,
  range: { from: string; to: string },
): Promise<number> {
  const { rows } = await tx.query<{ timezone: string }>(
    `SELECT timezone FROM retail.stores WHERE store_id = $1`,
    [tx.storeId],
  );
  const tz = rows[0]?.timezone;
  if (tz === undefined) throw new RangeError(`rebuildDailySales: unknown store ${tx.storeId}`);
  await tx.query(
    `DELETE FROM retail.daily_sales WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date`,
    [tx.storeId, range.from, range.to],
  );
  const written = await tx.query<{ n: number }>(
    `WITH rebuilt AS (
       INSERT INTO retail.daily_sales
         (store_id, day, product_id, quantity, quantity_sold, quantity_returned, gross, discount,
          tax, net, returns, line_count)
       SELECT i.store_id, (i.occurred_at AT TIME ZONE $4)::date, i.product_id,
              sum(i.quantity)::integer, sum(greatest(i.quantity, 0))::integer,
              sum(greatest(-i.quantity, 0))::integer, sum(i.quantity * i.unit_price),
              sum(i.discount_amount), sum(i.tax_amount), sum(i.total_price),
              sum(CASE WHEN i.quantity < 0 THEN -i.total_price ELSE 0 END), count(*)::integer
         FROM retail.sales_transaction_items i
         JOIN retail.sales_transactions t
           ON t.store_id = i.store_id AND t.transaction_id = i.transaction_id
          AND t.occurred_at = i.occurred_at
        WHERE i.store_id = $1 AND t.store_id = $1 AND t.status = 'completed'
          -- a day is at most 26 hours wide in any timezone: widen the UTC window, then filter
          AND i.occurred_at >= ($2::date::timestamp AT TIME ZONE 'UTC') - interval '1 day'
          AND i.occurred_at < (($3::date + 1)::timestamp AT TIME ZONE 'UTC') + interval '1 day'
          AND (i.occurred_at AT TIME ZONE $4)::date BETWEEN $2::date AND $3::date
        GROUP BY 1, 2, 3
       RETURNING 1)
     SELECT count(*)::int AS n FROM rebuilt`,
    [tx.storeId, range.from, range.to, tz],
  );
  // The store-days of the range, summed from the product-days just rebuilt.
  await tx.query(
    `DELETE FROM retail.daily_store_sales
      WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date`,
    [tx.storeId, range.from, range.to],
  );
  await tx.query(
    `INSERT INTO retail.daily_store_sales
       (store_id, day, quantity, quantity_sold, quantity_returned, gross, discount, tax, net,
        returns, line_count)
     SELECT store_id, day, sum(quantity), sum(quantity_sold), sum(quantity_returned),
            sum(gross), sum(discount), sum(tax), sum(net), sum(returns), sum(line_count)
       FROM retail.daily_sales
      WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date
      GROUP BY 1, 2`,
    [tx.storeId, range.from, range.to],
  );
  // And the console's rollups of the same days (hours, tenders, cashiers: 0026).
  await rebuildConsoleRollups(tx, { ...range, tz });
  return Number(written.rows[0]?.n ?? 0);
}

/** One ledger movement's effect on a product's stock. */
export interface StockDelta {
  productId: string;
  quantityDelta: number;
}

/**
 * Fold movements that were just inserted into the ledger into stock levels, then judge each
 * touched product against its reorder point: at or below it an alert is opened (or the open
 * one refreshed), above it the open alert is resolved. Movements of products the catalog no
 * longer has still move the level; they raise no alert.
 */
export async function applyStockMovements(
  tx: TenantTx,
  movements: readonly StockDelta[],
): Promise<void> {
  if (movements.length === 0) return;
  const byProduct = new Map<string, number>();
  for (const m of movements) {
    byProduct.set(m.productId, (byProduct.get(m.productId) ?? 0) + m.quantityDelta);
  }
  const products = [...byProduct.keys()].sort();
  const { rows: levels } = await tx.query<{ product_id: string; on_hand: number }>(
    `INSERT INTO retail.stock_levels AS l (store_id, product_id, on_hand)
     SELECT $1, d.product_id, d.delta
       FROM unnest($2::uuid[], $3::int[]) AS d(product_id, delta)
      ORDER BY d.product_id
     ON CONFLICT (store_id, product_id) DO UPDATE SET on_hand = l.on_hand + EXCLUDED.on_hand
     RETURNING l.product_id, l.on_hand`,
    [tx.storeId, textArray(products), intArray(products.map((p) => byProduct.get(p) ?? 0))],
  );
  tx.changes.record(
    'stock_level',
    levels.map((l) => l.product_id),
  );
  const { rows: points } = await tx.query<{ product_id: string; reorder_point: number }>(
    `SELECT product_id, reorder_point FROM retail.products
      WHERE store_id = $1 AND product_id = ANY($2::uuid[])`,
    [tx.storeId, textArray(levels.map((l) => l.product_id))],
  );
  const reorderPoint = new Map(points.map((p) => [p.product_id, Number(p.reorder_point)]));
  const low: Array<{ productId: string; onHand: number; reorderPoint: number }> = [];
  const fine: Array<{ productId: string; onHand: number }> = [];
  for (const level of levels) {
    const point = reorderPoint.get(level.product_id);
    if (point === undefined) continue;
    const onHand = Number(level.on_hand);
    if (onHand <= point) low.push({ productId: level.product_id, onHand, reorderPoint: point });
    else fine.push({ productId: level.product_id, onHand });
  }
  low.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  if (low.length > 0) {
    await tx.query(
      `INSERT INTO retail.stock_alerts AS a
         (store_id, alert_id, product_id, alert_type, on_hand, reorder_point, message)
       SELECT $1, j.id, j.product_id, 'low_stock', j.on_hand, j.point, j.message
         FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::text[])
              AS j(id, product_id, on_hand, point, message)
        ORDER BY j.product_id
       ON CONFLICT (store_id, product_id, alert_type) WHERE status = 'open' DO UPDATE SET
         on_hand = EXCLUDED.on_hand,
         reorder_point = EXCLUDED.reorder_point,
         message = EXCLUDED.message,
         updated_at = EXCLUDED.updated_at`,
      [
        tx.storeId,
        // A new alert's ID; ignored when the product already has one open.
        textArray(low.map(() => randomUUID())),
        textArray(low.map((l) => l.productId)),
        intArray(low.map((l) => l.onHand)),
        intArray(low.map((l) => l.reorderPoint)),
        textArray(
          low.map((l) => `On hand ${l.onHand} is at or below the reorder point ${l.reorderPoint}`),
        ),
      ],
    );
  }
  if (fine.length > 0) {
    await tx.query(
      `UPDATE retail.stock_alerts a
          SET status = 'resolved', resolved_at = now(), updated_at = now(), on_hand = j.on_hand
         FROM unnest($2::uuid[], $3::int[]) AS j(product_id, on_hand)
        WHERE a.store_id = $1 AND a.product_id = j.product_id
          AND a.alert_type = 'low_stock' AND a.status = 'open'`,
      [tx.storeId, textArray(fine.map((f) => f.productId)), intArray(fine.map((f) => f.onHand))],
    );
  }
}
