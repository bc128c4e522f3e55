/**
 * Catalog work from the console. Each change and its audit entry are one transaction; changes
 * to several stores are ONE transaction over all of them (withTenants), so they apply
 * everywhere or nowhere. Every write records the keys it changed in the transaction's change
 * feed buffer (tx.changes, as the admin API's services do), appended to the store's feed at
 * commit, which is how the tills receive it.
 */
import type pg from 'pg';
import type {
  ConsolePriceEdit,
  ConsolePriceEditResult,
  ConsoleProduct,
} from '../../../contract/console-protocol';
import { centsFromNumeric, numericFromCents } from '../../../core/money';
import { supersedeScheduledPrices } from '../../../db/central/scheduled-prices';
import { withTenant, withTenants } from '../../../db/central/tenant';
import { notFound } from '../errors';
import { assertStore } from '../stores';
import { recordAudit, type Actor } from './audit';

interface ProductRow {
  store_id: string;
  product_id: string;
  sku: string;
  barcode: string | null;
  product_name: string;
  category_id: number | null;
  price: string;
  is_active: boolean;
}

// No casts or functions: the same list serves RETURNING of writes, where a distributed
// database refuses them (numeric arrives as text from the driver anyway).
const PRODUCT_COLUMNS = `store_id, product_id, sku, barcode, product_name, category_id, price,
  is_active`;

function toProduct(r: ProductRow): ConsoleProduct {
  return {
    storeId: r.store_id,
    productId: r.product_id,
    sku: r.sku,
    barcode: r.barcode,
    productName: r.product_name,
    categoryId: r.category_id,
    priceCents: centsFromNumeric(r.price),
    isActive: r.is_active,
  };
}

export async function listConsoleProducts(
  app: pg.Pool,
  /** limit: at most this many (100 unless given); null = every product (the CSV export). */
  options: { storeId: string; search?: string | undefined; limit?: number | null },
): Promise<ConsoleProduct[]> {
  await assertStore(app, options.storeId);
  return withTenant(
    app,
    options.storeId,
    async (tx) => {
      const { rows } = await tx.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM retail.products
          WHERE store_id = $1
            AND ($2::text IS NULL OR sku ILIKE $2 || '%' OR barcode = $2
                 OR product_name ILIKE '%' || $2 || '%')
          ORDER BY product_name, product_id LIMIT $3`,
        [
          options.storeId,
          options.search || null,
          options.limit === null ? null : (options.limit ?? 100),
        ],
      );
      return rows.map(toProduct);
    },
    { snapshot: true },
  );
}

/** A new price for one SKU in several stores: every store has the SKU, or nothing changes. */
export async function editPrice(
  app: pg.Pool,
  options: { edit: ConsolePriceEdit; actor: Actor; now?: Date | undefined },
): Promise<ConsolePriceEditResult> {
  const { edit } = options;
  for (const storeId of edit.storeIds) await assertStore(app, storeId);
  const outcomes = await withTenants(app, [...new Set(edit.storeIds)], async (tx) => {
    const { rows } = await tx.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM retail.products WHERE store_id = $1 AND sku = $2 FOR UPDATE`,
      [tx.storeId, edit.sku],
    );
    const before = rows[0];
    if (!before) throw notFound(`Store ${tx.storeId} has no product ${edit.sku}`);
    // A price set now wins over a scheduled price in force (core/scheduled-prices.ts).
    const superseded = await supersedeScheduledPrices(tx, {
      productIds: [before.product_id],
      at: options.now ?? new Date(),
    });
    if (centsFromNumeric(before.price) === edit.priceCents)
      return { storeId: tx.storeId, changed: superseded > 0 };
    const { rows: after } = await tx.query<ProductRow>(
      `UPDATE retail.products SET price = $3::numeric(12,2)
        WHERE store_id = $1 AND product_id = $2 RETURNING ${PRODUCT_COLUMNS}`,
      [tx.storeId, before.product_id, numericFromCents(edit.priceCents)],
    );
    tx.changes.record('product', [before.product_id]);
    await recordAudit(tx, options.actor, {
      action: 'product.price',
      storeId: tx.storeId,
      target: edit.sku,
      before: { priceCents: centsFromNumeric(before.price) },
      after: { priceCents: centsFromNumeric(after[0]!.price) },
    });
    return { storeId: tx.storeId, changed: true };
  });
  return {
    updated: outcomes.filter((o) => o.changed).map((o) => o.storeId),
    unchanged: outcomes.filter((o) => !o.changed).map((o) => o.storeId),
  };
}

/** Deactivate (tills stop selling it) or reactivate one product of one store. */
export async function setProductActive(
  app: pg.Pool,
  options: { storeId: string; productId: string; active: boolean; actor: Actor },
): Promise<ConsoleProduct> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const { rows } = await tx.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM retail.products WHERE store_id = $1 AND product_id = $2 FOR UPDATE`,
      [options.storeId, options.productId],
    );
    const before = rows[0];
    if (!before) throw notFound(`Store ${options.storeId} has no such product`);
    const { rows: after } = await tx.query<ProductRow>(
      `UPDATE retail.products SET is_active = $3 WHERE store_id = $1 AND product_id = $2
       RETURNING ${PRODUCT_COLUMNS}`,
      [options.storeId, options.productId, options.active],
    );
    tx.changes.record('product', [options.productId]);
    const product = toProduct(after[0]!);
    await recordAudit(tx, options.actor, {
      action: options.active ? 'product.activate' : 'product.deactivate',
      storeId: options.storeId,
      target: before.sku,
      before: toProduct(before),
      after: product,
    });
    return product;
  });
}
