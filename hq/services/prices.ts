/**
 * Price changes by HQ staff: one store or every store, by product ID or SKU. Each store's part
 * runs in its own tenant transaction, and only prices that really change are written (and so
 * fed to the tills).
 */
import type pg from 'pg';
import type { PriceChange, PriceChangeResult } from '../../contract/admin-protocol';
import { supersedeScheduledPrices } from '../../db/central/scheduled-prices';
import { withTenant } from '../../db/central/tenant';
import { numericFromCents } from '../../core/money';
import { assertStore, listStoreIds } from './stores';

/** One transaction per store; only prices that really change are written (and synced). */
export async function changePrices(app: pg.Pool, change: PriceChange): Promise<PriceChangeResult> {
  const stores = change.storeId ? [change.storeId] : await listStoreIds(app);
  if (change.storeId) await assertStore(app, change.storeId);
  const byId = change.changes.filter(
    (c): c is { productId: string; priceCents: number } => 'productId' in c,
  );
  const bySku = change.changes.filter((c): c is { sku: string; priceCents: number } => 'sku' in c);
  const matched = new Set<string>();
  let updated = 0;
  for (const storeId of stores) {
    await withTenant(app, storeId, async (tx) => {
      const { rows } = await tx.query<{ product_id: string; sku: string; changed: boolean }>(
        `WITH wanted AS (
           SELECT p.product_id, p.sku, c.price
             FROM retail.products p
             JOIN (SELECT * FROM unnest($2::uuid[], $3::numeric[]) AS u(product_id, price)) c
               ON c.product_id = p.product_id
            WHERE p.store_id = $1
           UNION ALL
           SELECT p.product_id, p.sku, c.price
             FROM retail.products p
             JOIN (SELECT * FROM unnest($4::text[], $5::numeric[]) AS u(sku, price)) c
               ON c.sku = p.sku
            WHERE p.store_id = $1
         ), changed AS (
           UPDATE retail.products p SET price = w.price::numeric(12,2)
             FROM wanted w
            WHERE p.store_id = $1 AND p.product_id = w.product_id AND p.price <> w.price
           RETURNING p.product_id
         )
         SELECT w.product_id, w.sku, (w.product_id IN (SELECT product_id FROM changed)) AS changed
           FROM wanted w`,
        [
          storeId,
          byId.map((c) => c.productId),
          byId.map((c) => numericFromCents(c.priceCents)),
          bySku.map((c) => c.sku),
          bySku.map((c) => numericFromCents(c.priceCents)),
        ],
      );
      for (const r of rows) {
        matched.add(r.product_id);
        matched.add(r.sku);
        if (r.changed) updated += 1;
      }
      tx.changes.record(
        'product',
        rows.filter((r) => r.changed).map((r) => r.product_id),
      );
      // A price set now wins over a scheduled price in force (core/scheduled-prices.ts).
      await supersedeScheduledPrices(tx, {
        productIds: rows.map((r) => r.product_id),
        at: new Date(),
      });
    });
  }
  const unknown = [
    ...byId.map((c) => c.productId).filter((id) => !matched.has(id)),
    ...bySku.map((c) => c.sku).filter((sku) => !matched.has(sku)),
  ];
  return { updated, unknown };
}
