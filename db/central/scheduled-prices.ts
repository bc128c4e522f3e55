/**
 * HQ's scheduled price changes (issue 14, item 2; core/scheduled-prices.ts has the rules):
 * the rows of `retail.scheduled_prices` and what a direct price edit does to them. Every write
 * records its keys in the transaction's change buffer, so the store's tills receive it with
 * their next pull.
 *
 * Contract: runs inside withTenant / withTenants (RLS, the store's tenant key). Times come from
 * the caller (the service's clock), never now(): a Citus cluster refuses volatile functions
 * where RETURNING reads them, and tests inject the clock.
 */
import { centsFromNumeric, numericFromCents } from '../../core/money';
import type { TenantTx } from './tenant';

export interface ScheduledPriceRow {
  scheduleId: string;
  productId: string;
  sku: string;
  productName: string;
  priceCents: number;
  effectiveAt: string;
  supersededAt: string | null;
}

const ROW_SQL = `sp.schedule_id AS "scheduleId", sp.product_id AS "productId", p.sku,
       p.product_name AS "productName", sp.price::text AS price,
       to_char(sp.effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "effectiveAt",
       to_char(sp.superseded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "supersededAt"`;

type Raw = Omit<ScheduledPriceRow, 'priceCents'> & { price: string };
const toRow = ({ price, ...r }: Raw): ScheduledPriceRow => ({
  ...r,
  priceCents: centsFromNumeric(price),
});

/**
 * A price taking effect at `effectiveAt` for one product of the transaction's store. The ID
 * comes from the service (UUIDv7).
 */
export async function insertScheduledPrice(
  tx: TenantTx,
  row: { scheduleId: string; productId: string; priceCents: number; effectiveAt: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO retail.scheduled_prices (store_id, schedule_id, product_id, price, effective_at)
     VALUES ($1, $2, $3, $4::numeric(12,2), $5::timestamptz)`,
    [
      tx.storeId,
      row.scheduleId,
      row.productId,
      numericFromCents(row.priceCents),
      row.effectiveAt.toISOString(),
    ],
  );
  tx.changes.record('scheduled_price', [row.scheduleId]);
}

/** The store's scheduled prices, latest first (`forUpdate`: one row, locked). */
export async function readScheduledPrices(
  tx: TenantTx,
  options: { scheduleId?: string; forUpdate?: boolean; limit?: number } = {},
): Promise<ScheduledPriceRow[]> {
  const { rows } = await tx.query<Raw>(
    `SELECT ${ROW_SQL}
       FROM retail.scheduled_prices sp
       JOIN retail.products p ON p.store_id = sp.store_id AND p.product_id = sp.product_id
      WHERE sp.store_id = $1 AND ($2::uuid IS NULL OR sp.schedule_id = $2)
      ORDER BY sp.effective_at DESC, sp.schedule_id DESC
      LIMIT $3 ${options.forUpdate ? 'FOR UPDATE OF sp' : ''}`,
    [tx.storeId, options.scheduleId ?? null, options.limit ?? 500],
  );
  return rows.map(toRow);
}

/** Cancel (delete) one change; the deletion travels to the tills. */
export async function deleteScheduledPrice(tx: TenantTx, scheduleId: string): Promise<void> {
  await tx.query(`DELETE FROM retail.scheduled_prices WHERE store_id = $1 AND schedule_id = $2`, [
    tx.storeId,
    scheduleId,
  ]);
  tx.changes.record('scheduled_price', [scheduleId], 'delete');
}

/**
 * A price set directly at `at` wins over the scheduled prices of those products that had
 * taken effect by then: they stop applying at `at` (a sale before it keeps them, so HQ's
 * recomputation of a late offline sale still agrees). Changes still to come stay. Returns how
 * many rows it superseded.
 */
export async function supersedeScheduledPrices(
  tx: TenantTx,
  options: { productIds: readonly string[]; at: Date },
): Promise<number> {
  if (options.productIds.length === 0) return 0;
  const { rows } = await tx.query<{ schedule_id: string }>(
    `UPDATE retail.scheduled_prices SET superseded_at = $3::timestamptz
      WHERE store_id = $1 AND product_id = ANY ($2::uuid[])
        AND effective_at <= $3::timestamptz AND superseded_at IS NULL
      RETURNING schedule_id`,
    [tx.storeId, [...options.productIds], options.at.toISOString()],
  );
  tx.changes.record(
    'scheduled_price',
    rows.map((r) => r.schedule_id),
  );
  return rows.length;
}

/** Rows of these products (the rules' input), by product. */
export async function scheduledPricesOf(
  tx: TenantTx,
  productIds: readonly string[],
): Promise<Map<string, ScheduledPriceRow[]>> {
  const out = new Map<string, ScheduledPriceRow[]>();
  if (productIds.length === 0) return out;
  const { rows } = await tx.query<Raw>(
    `SELECT ${ROW_SQL}
       FROM retail.scheduled_prices sp
       JOIN retail.products p ON p.store_id = sp.store_id AND p.product_id = sp.product_id
      WHERE sp.store_id = $1 AND sp.product_id = ANY ($2::uuid[])`,
    [tx.storeId, [...productIds]],
  );
  for (const r of rows.map(toRow)) out.set(r.productId, [...(out.get(r.productId) ?? []), r]);
  return out;
}
