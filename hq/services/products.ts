/**
 * A store's products, as HQ staff list, create, edit and delete them. Rows are changed as
 * edgepos_app inside withTenant for the store named by the (authenticated) caller; every change
 * records the keys it wrote in the transaction's change buffer, appended to the store's change
 * feed (db/central/feed-log.ts), so tills receive it in commit order.
 */
import type pg from 'pg';
import type { ProductEntity } from '../../contract/catalog';
import type { ProductCreate, ProductPatch } from '../../contract/admin-protocol';
import { embeddingKey } from '../../db/central/feed-log';
import { withTenant, type TenantTx } from '../../db/central/tenant';
import { numericFromCents } from '../../core/money';
import { SPEC_BY_ENTITY } from './entities';
import { conflict, notFound } from './errors';
import { assertStore } from './stores';

const productJsonSql = SPEC_BY_ENTITY.get('product')!.json;

export async function listProducts(
  app: pg.Pool,
  options: { storeId: string; search?: string | undefined; limit?: number | undefined },
): Promise<ProductEntity[]> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const { rows } = await tx.query<{ j: ProductEntity }>(
      `SELECT ${productJsonSql} AS j FROM retail.products t
        WHERE t.store_id = $1
          AND ($2::text IS NULL OR t.sku = $2 OR t.product_name ILIKE '%' || $2 || '%')
        ORDER BY t.product_name, t.product_id LIMIT $3`,
      [options.storeId, options.search ?? null, options.limit ?? 50],
    );
    return rows.map((r) => r.j);
  });
}

/** Column and SQL cast for each patchable field; money arrives in cents. */
const PRODUCT_COLUMNS: Record<keyof ProductPatch, { column: string; cast: string }> = {
  sku: { column: 'sku', cast: 'text' },
  barcode: { column: 'barcode', cast: 'text' },
  productName: { column: 'product_name', cast: 'text' },
  productDescription: { column: 'product_description', cast: 'text' },
  categoryId: { column: 'category_id', cast: 'integer' },
  brand: { column: 'brand', cast: 'text' },
  model: { column: 'model', cast: 'text' },
  color: { column: 'color', cast: 'text' },
  size: { column: 'size', cast: 'text' },
  weightKg: { column: 'weight_kg', cast: 'numeric(8,3)' },
  priceCents: { column: 'price', cast: 'numeric(12,2)' },
  costCents: { column: 'cost', cast: 'numeric(12,2)' },
  minimumStock: { column: 'minimum_stock', cast: 'integer' },
  reorderPoint: { column: 'reorder_point', cast: 'integer' },
  supplierName: { column: 'supplier_name', cast: 'text' },
  isActive: { column: 'is_active', cast: 'boolean' },
  isFeatured: { column: 'is_featured', cast: 'boolean' },
  tags: { column: 'tags', cast: 'text[]' },
  metadata: { column: 'metadata', cast: 'jsonb' },
};

function sqlValue(key: keyof ProductPatch, value: unknown): unknown {
  if (value === null) return null;
  if (key === 'priceCents' || key === 'costCents') return numericFromCents(value as number);
  if (key === 'metadata') return JSON.stringify(value);
  return value;
}

/**
 * A product as the admin API returns it, read after the write (a distributed database refuses
 * json_build_object and text casts in the RETURNING clause of a write).
 */
async function productJson(tx: TenantTx, productId: string): Promise<ProductEntity> {
  const { rows } = await tx.query<{ j: ProductEntity }>(
    `SELECT ${productJsonSql} AS j FROM retail.products t
      WHERE t.store_id = $1 AND t.product_id = $2`,
    [tx.storeId, productId],
  );
  return rows[0]!.j;
}

export async function patchProduct(
  app: pg.Pool,
  options: { storeId: string; productId: string; patch: ProductPatch },
): Promise<ProductEntity> {
  await assertStore(app, options.storeId);
  const sets: string[] = [];
  const params: unknown[] = [options.storeId, options.productId];
  for (const [key, value] of Object.entries(options.patch) as Array<
    [keyof ProductPatch, unknown]
  >) {
    const target = PRODUCT_COLUMNS[key];
    if (value === undefined) continue;
    params.push(sqlValue(key, value));
    sets.push(`${target.column} = $${params.length}::${target.cast}`);
  }
  return withTenant(app, options.storeId, async (tx) => {
    const updated = await tx.query(
      `UPDATE retail.products t SET ${sets.join(', ')}
        WHERE t.store_id = $1 AND t.product_id = $2`,
      params,
    );
    if (!updated.affectedRows) {
      throw notFound(`Store ${options.storeId} has no product ${options.productId}`);
    }
    tx.changes.record('product', [options.productId]);
    return productJson(tx, options.productId);
  });
}

export async function createProduct(
  app: pg.Pool,
  options: {
    storeId: string;
    product: ProductCreate;
    /** Runs in the creating transaction (the console's audit entry). */
    audit?: ((tx: TenantTx, created: ProductEntity) => Promise<void>) | undefined;
  },
): Promise<ProductEntity> {
  await assertStore(app, options.storeId);
  const p = options.product;
  return withTenant(app, options.storeId, async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO retail.products AS t (store_id, product_id, sku, barcode, product_name,
         product_description, category_id, brand, model, color, size, weight_kg, price, cost,
         minimum_stock, reorder_point, supplier_name, is_active, is_featured, tags, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::numeric(8,3), $13::numeric(12,2),
               $14::numeric(12,2), $15, $16, $17, $18, $19, $20, $21::jsonb)
       ON CONFLICT DO NOTHING`,
      [
        options.storeId,
        p.productId,
        p.sku,
        p.barcode,
        p.productName,
        p.productDescription,
        p.categoryId,
        p.brand,
        p.model,
        p.color,
        p.size,
        p.weightKg,
        numericFromCents(p.priceCents),
        p.costCents === null ? null : numericFromCents(p.costCents),
        p.minimumStock,
        p.reorderPoint,
        p.supplierName,
        p.isActive,
        p.isFeatured,
        p.tags,
        JSON.stringify(p.metadata),
      ],
    );
    if (!inserted.affectedRows) {
      throw conflict(`Store ${options.storeId} already has this product ID, SKU or barcode`);
    }
    tx.changes.record('product', [p.productId]);
    const created = await productJson(tx, p.productId);
    await options.audit?.(tx, created);
    return created;
  });
}

export async function deleteProduct(
  app: pg.Pool,
  options: {
    storeId: string;
    productId: string;
    /** Runs in the deleting transaction, given the product as it was (the console's audit). */
    audit?: ((tx: TenantTx, deleted: ProductEntity) => Promise<void>) | undefined;
  },
): Promise<void> {
  await assertStore(app, options.storeId);
  await withTenant(app, options.storeId, async (tx) => {
    const { rows: existing } = await tx.query<{ j: ProductEntity }>(
      `SELECT ${productJsonSql} AS j FROM retail.products t
        WHERE t.store_id = $1 AND t.product_id = $2 FOR UPDATE`,
      [options.storeId, options.productId],
    );
    const before = existing[0]?.j;
    if (!before) throw notFound(`Store ${options.storeId} has no product ${options.productId}`);
    // Its embeddings first (the foreign key would cascade), so their deletes reach the feed.
    const embeddings = await tx.query<{ embedding_model: string }>(
      `DELETE FROM retail.product_embeddings WHERE store_id = $1 AND product_id = $2
       RETURNING embedding_model`,
      [options.storeId, options.productId],
    );
    // Its scheduled prices too, so their deletes reach the feed (the key would refuse).
    const schedules = await tx.query<{ schedule_id: string }>(
      `DELETE FROM retail.scheduled_prices WHERE store_id = $1 AND product_id = $2
       RETURNING schedule_id`,
      [options.storeId, options.productId],
    );
    tx.changes.record(
      'scheduled_price',
      schedules.rows.map((r) => r.schedule_id),
      'delete',
    );
    const result = await tx.query(
      `DELETE FROM retail.products WHERE store_id = $1 AND product_id = $2`,
      [options.storeId, options.productId],
    );
    if (!result.affectedRows) {
      throw notFound(`Store ${options.storeId} has no product ${options.productId}`);
    }
    tx.changes.record(
      'embedding',
      embeddings.rows.map((e) => embeddingKey(options.productId, e.embedding_model)),
      'delete',
    );
    tx.changes.record('product', [options.productId], 'delete');
    await options.audit?.(tx, before);
  });
}
