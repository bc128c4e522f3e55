/**
 * HQ's recomputation of a recorded sale's catalog prices (issue 14, item 2): for every sold
 * line, the catalog price at the sale's time by the till's own function
 * (core/scheduled-prices.ts catalogPriceAt) over HQ's base price and scheduled rows of the
 * product, against what the line recorded (its unit price, or for a price set by hand the
 * catalog price it replaced). A till that held HQ's rows gives exactly the recorded prices on
 * lines of products with scheduled prices; `matches` is over those lines. Lines of products
 * without scheduled rows are reported too (`scheduled: false`): HQ keeps no history of prices
 * set directly, so a difference there is a later price change, not a wrong till.
 *
 * Contract: runs inside withTenant for the sale's store (RLS); reads only.
 */
import { catalogPriceAt } from '../../core/scheduled-prices';
import { centsFromNumeric } from '../../core/money';
import { scheduledPricesOf } from './scheduled-prices';
import type { TenantTx } from './tenant';

export interface PriceRecomputation {
  transactionId: string;
  occurredAt: string;
  lines: Array<{
    lineNumber: number;
    productId: string;
    recordedCents: number;
    recomputedCents: number;
    scheduled: boolean;
  }>;
  /** Every line of a product with scheduled prices was charged HQ's price at that time. */
  matches: boolean;
}

/** Undefined when the store has no such sale. */
export async function recomputeSalePrices(
  tx: TenantTx,
  options: { transactionId: string },
): Promise<PriceRecomputation | undefined> {
  const sale = await tx.query<{ occurred_at: Date }>(
    `SELECT occurred_at FROM retail.sales_transactions
      WHERE store_id = $1 AND transaction_id = $2`,
    [tx.storeId, options.transactionId],
  );
  const head = sale.rows[0];
  if (!head) return undefined;
  const items = await tx.query<{
    line_number: number;
    product_id: string;
    recorded: string;
    base: string | null;
  }>(
    `SELECT i.line_number, i.product_id,
            coalesce(i.override_catalog_price, i.unit_price)::text AS recorded,
            p.price::text AS base
       FROM retail.sales_transaction_items i
       LEFT JOIN retail.products p ON p.store_id = i.store_id AND p.product_id = i.product_id
      WHERE i.store_id = $1 AND i.transaction_id = $2 AND i.quantity > 0
        AND (i.override_catalog_price IS NULL OR i.override_catalog_price > 0)
      ORDER BY i.line_number`,
    [tx.storeId, options.transactionId],
  );
  const at = new Date(head.occurred_at);
  const scheduled = await scheduledPricesOf(tx, [...new Set(items.rows.map((r) => r.product_id))]);
  const lines = items.rows.map((r) => {
    const recorded = centsFromNumeric(r.recorded);
    const rows = scheduled.get(r.product_id) ?? [];
    const base = r.base === null ? recorded : centsFromNumeric(r.base);
    return {
      lineNumber: r.line_number,
      productId: r.product_id,
      recordedCents: recorded,
      recomputedCents: catalogPriceAt(base, rows, at),
      scheduled: rows.length > 0,
    };
  });
  return {
    transactionId: options.transactionId,
    occurredAt: at.toISOString(),
    lines,
    matches: lines.every((l) => !l.scheduled || l.recordedCents === l.recomputedCents),
  };
}
