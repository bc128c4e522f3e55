/**
 * HQ's recomputation of a sale's promotions (issue 18, item 4): the same function the till
 * priced with (core/promotions.ts applyPromotions), over what the sale recorded — its sold
 * lines (product, category, unit price, quantity, whether the price was set by hand), its
 * coupon codes and its time — and HQ's promotions of the store. A till that priced with the
 * promotions HQ holds gives exactly the recorded amounts, line by line.
 *
 * A promotion HQ changed after the sale (its dates, its rule) recomputes differently: the
 * difference is then the change, not a wrong till; `matches` says which lines differ.
 *
 * Contract: runs inside withTenant for the sale's store (RLS).
 */
import { PromotionEntity } from '../../contract/catalog';
import { applyPromotions, type AppliedPromotion } from '../../core/promotions';
import { centsFromNumeric } from '../../core/money';
import { hqJsonSql, syncedEntity } from '../synced/registry';
import type { Queryable } from '../queryable';

export interface PromotionRecomputation {
  transactionId: string;
  occurredAt: string;
  coupons: string[];
  lines: Array<{
    lineNumber: number;
    recorded: AppliedPromotion[];
    recomputed: AppliedPromotion[];
  }>;
  /** Recorded and recomputed promotions are the same on every line. */
  matches: boolean;
  recordedCents: number;
  recomputedCents: number;
}

/** Same promotions, same order, same amounts (jsonb does not keep the keys' order). */
function sameApplied(a: readonly AppliedPromotion[], b: readonly AppliedPromotion[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (p, i) =>
        p.promotionId === b[i]?.promotionId && p.name === b[i]?.name && p.cents === b[i]?.cents,
    )
  );
}

/** Undefined when the store has no such sale. */
export async function recomputeSalePromotions(
  tx: Queryable,
  options: { storeId: string; transactionId: string },
): Promise<PromotionRecomputation | undefined> {
  const sale = await tx.query<{ occurred_at: Date; coupons: string[] }>(
    `SELECT occurred_at, coupons FROM retail.sales_transactions
      WHERE store_id = $1 AND transaction_id = $2`,
    [options.storeId, options.transactionId],
  );
  const head = sale.rows[0];
  if (!head) return undefined;
  const [items, promotions] = await Promise.all([
    tx.query<{
      line_number: number;
      product_id: string;
      category_id: number | null;
      unit_price: string;
      quantity: number;
      overridden: boolean;
      promotions: AppliedPromotion[];
    }>(
      `SELECT line_number, product_id, category_id, unit_price, quantity,
              override_catalog_price IS NOT NULL AS overridden, promotions
         FROM retail.sales_transaction_items
        WHERE store_id = $1 AND transaction_id = $2 AND quantity > 0
        ORDER BY line_number`,
      [options.storeId, options.transactionId],
    ),
    tx.query<{ j: unknown }>(
      `SELECT ${hqJsonSql(syncedEntity('promotion'))} AS j
         FROM retail.promotions t WHERE t.store_id = $1`,
      [options.storeId],
    ),
  ]);
  const recomputed = applyPromotions(
    items.rows.map((r) => ({
      productId: r.product_id,
      categoryId: r.category_id,
      unitPriceCents: centsFromNumeric(r.unit_price),
      quantity: r.quantity,
      overridden: r.overridden,
    })),
    {
      promotions: promotions.rows.map((r) => PromotionEntity.parse(r.j)),
      coupons: head.coupons,
      now: new Date(head.occurred_at),
    },
  );
  const lines = items.rows.map((r, i) => ({
    lineNumber: r.line_number,
    recorded: r.promotions,
    recomputed: recomputed[i] ?? [],
  }));
  const sum = (list: AppliedPromotion[]) => list.reduce((a, p) => a + p.cents, 0);
  return {
    transactionId: options.transactionId,
    occurredAt: new Date(head.occurred_at).toISOString(),
    coupons: head.coupons,
    lines,
    matches: lines.every((l) => sameApplied(l.recorded, l.recomputed)),
    recordedCents: lines.reduce((a, l) => a + sum(l.recorded), 0),
    recomputedCents: lines.reduce((a, l) => a + sum(l.recomputed), 0),
  };
}
