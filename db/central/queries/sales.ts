/**
 * Sales reports at HQ, for one store (the transaction's tenant key): daily rollups, the 7-day
 * rolling sales velocity, and the same report computed from raw lines (partition-pruned).
 * Money comes back as integer cents.
 */
import { centsFromNumeric, type Cents } from '../../../core/money';
import type { TenantTx } from '../tenant';

export interface DailySalesRow {
  day: string;
  productId: string;
  quantity: number;
  quantitySold: number;
  quantityReturned: number;
  grossCents: Cents;
  discountCents: Cents;
  taxCents: Cents;
  netCents: Cents;
  returnsCents: Cents;
  lineCount: number;
}

interface DailySalesDbRow {
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
}

function toDailyRow(r: DailySalesDbRow): DailySalesRow {
  return {
    day: r.day,
    productId: r.product_id,
    quantity: r.quantity,
    quantitySold: r.quantity_sold,
    quantityReturned: r.quantity_returned,
    grossCents: centsFromNumeric(r.gross),
    discountCents: centsFromNumeric(r.discount),
    taxCents: centsFromNumeric(r.tax),
    netCents: centsFromNumeric(r.net),
    returnsCents: centsFromNumeric(r.returns),
    lineCount: r.line_count,
  };
}

/** Rollup rows for store-local days `from`..`to` (YYYY-MM-DD, inclusive). */
export async function dailySales(
  tx: TenantTx,
  range: { from: string; to: string; productId?: string },
): Promise<DailySalesRow[]> {
  const { rows } = await tx.query<DailySalesDbRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, product_id, quantity, quantity_sold,
            quantity_returned, gross, discount, tax, net, returns, line_count
       FROM retail.daily_sales
      WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date
        AND ($4::uuid IS NULL OR product_id = $4)
      ORDER BY day, product_id`,
    [tx.storeId, range.from, range.to, range.productId ?? null],
  );
  return rows.map(toDailyRow);
}

export interface DailyTotal {
  day: string;
  quantity: number;
  grossCents: Cents;
  discountCents: Cents;
  taxCents: Cents;
  netCents: Cents;
  returnsCents: Cents;
  lineCount: number;
}

/** Store totals per day: the HQ dashboard's "last 30 days" chart. */
export async function dailyTotals(
  tx: TenantTx,
  range: { from: string; to: string },
): Promise<DailyTotal[]> {
  const { rows } = await tx.query<
    Omit<DailySalesDbRow, 'product_id' | 'quantity_sold' | 'quantity_returned'>
  >(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(quantity)::int AS quantity, sum(gross) AS gross,
            sum(discount) AS discount, sum(tax) AS tax, sum(net) AS net, sum(returns) AS returns,
            sum(line_count)::int AS line_count
       FROM retail.daily_sales
      WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date
      GROUP BY day
      ORDER BY day`,
    [tx.storeId, range.from, range.to],
  );
  return rows.map((r) => ({
    day: r.day,
    quantity: r.quantity,
    grossCents: centsFromNumeric(r.gross),
    discountCents: centsFromNumeric(r.discount),
    taxCents: centsFromNumeric(r.tax),
    netCents: centsFromNumeric(r.net),
    returnsCents: centsFromNumeric(r.returns),
    lineCount: r.line_count,
  }));
}

export interface VelocityRow {
  day: string;
  productId: string;
  quantity: number;
  /** Mean units per day over the 7 days ending on `day` (days without sales count as 0). */
  avg7d: number;
}

/**
 * 7-day rolling sales velocity per product (the seed's pattern, made exact): a dense calendar
 * so days without sales count as zero, and a RANGE window over dates rather than "6 preceding
 * rows" (which would stretch over gaps). Products with no sales in the window are omitted.
 */
export async function salesVelocity7d(
  tx: TenantTx,
  range: { from: string; to: string; productIds?: readonly string[] },
): Promise<VelocityRow[]> {
  const { rows } = await tx.query<{
    day: string;
    product_id: string;
    quantity: number;
    avg7d: number;
  }>(
    `WITH products AS (
         SELECT DISTINCT product_id FROM retail.daily_sales
          WHERE store_id = $1 AND day BETWEEN $2::date - 6 AND $3::date
            AND ($4::uuid[] IS NULL OR product_id = ANY ($4))
     ), grid AS (
         SELECT p.product_id, d::date AS day
           FROM products p
          CROSS JOIN generate_series($2::date - 6, $3::date, interval '1 day') AS d
     ), daily AS (
         SELECT g.day, g.product_id, coalesce(s.quantity, 0) AS quantity
           FROM grid g
           LEFT JOIN retail.daily_sales s
             ON s.store_id = $1 AND s.day = g.day AND s.product_id = g.product_id
     ), rolled AS (
         SELECT day, product_id, quantity,
                sum(quantity) OVER (PARTITION BY product_id ORDER BY day
                                    RANGE BETWEEN interval '6 days' PRECEDING AND CURRENT ROW) AS sum7
           FROM daily
     )
     SELECT to_char(day, 'YYYY-MM-DD') AS day, product_id, quantity::int AS quantity,
            round(sum7 / 7.0, 3)::float8 AS avg7d
       FROM rolled
      WHERE day BETWEEN $2::date AND $3::date
      ORDER BY product_id, day`,
    [tx.storeId, range.from, range.to, range.productIds ?? null],
  );
  return rows.map((r) => ({
    day: r.day,
    productId: r.product_id,
    quantity: r.quantity,
    avg7d: r.avg7d,
  }));
}

/**
 * Net sales per product computed from the raw lines between two instants (UTC), excluding
 * voided transactions. Only the month partitions overlapping [from, to) are read: the time
 * bounds are plain parameters on the partition key, so the planner prunes the rest.
 */
export async function salesFromLines(
  tx: TenantTx,
  range: { from: Date; to: Date },
): Promise<Array<{ productId: string; quantity: number; netCents: Cents; lineCount: number }>> {
  const { rows } = await tx.query<{
    product_id: string;
    quantity: number;
    net: string;
    line_count: number;
  }>(
    `SELECT i.product_id, sum(i.quantity)::int AS quantity, sum(i.total_price) AS net,
            count(*)::int AS line_count
       FROM retail.sales_transaction_items i
       JOIN retail.sales_transactions t
         ON t.store_id = i.store_id AND t.transaction_id = i.transaction_id
        AND t.occurred_at = i.occurred_at
      WHERE i.store_id = $1 AND i.occurred_at >= $2 AND i.occurred_at < $3
        AND t.store_id = $1 AND t.occurred_at >= $2 AND t.occurred_at < $3
        AND t.status = 'completed'
      GROUP BY i.product_id
      ORDER BY i.product_id`,
    [tx.storeId, range.from.toISOString(), range.to.toISOString()],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    quantity: r.quantity,
    netCents: centsFromNumeric(r.net),
    lineCount: r.line_count,
  }));
}
