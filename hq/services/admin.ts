/**
 * What HQ staff do, as database operations. Tenant rows are changed as edgepos_app inside
 * withTenant for the store named by the (authenticated) administrator; shared categories,
 * which the application role may only read, through the owner pool. Every change records the
 * keys it wrote in the same transaction's change feed (db/central/feed-log.ts), so tills
 * receive it in commit order.
 */
import type pg from 'pg';
import type { CategoryEntity, ProductEntity } from '../../contract/catalog';
import { deleteCustomer } from '../../db/central/customers';
import { embeddingKey } from '../../db/central/feed-log';
import { appendToEveryStoreFeed, withTenant, type TenantTx } from '../../db/central/tenant';
import { pgQueryable } from '../../db/central/pool';
import type { Queryable } from '../../db/queryable';
import { numericFromCents } from '../../core/money';
import type {
  StaffPinSet,
  CategoryUpsert,
  PriceChange,
  PriceChangeResult,
  ProductCreate,
  ProductPatch,
} from '../../contract/admin-protocol';
import { ENTITY_SPECS } from './entities';
import { badRequest, conflict, notFound } from './errors';
import { ValidationError } from '../../db/errors';
import { hashPin } from '../../db/queries/staff';
import type { StaffRole } from '../../contract/till-api';
import { assertStore, listStoreIds } from './stores';

const spec = (entity: string) => ENTITY_SPECS.find((s) => s.entity === entity)!;

export async function listCategories(app: pg.Pool): Promise<CategoryEntity[]> {
  const { rows } = await app.query<{ j: CategoryEntity }>(
    `SELECT ${spec('category').json} AS j FROM retail.product_categories t ORDER BY t.category_id`,
  );
  return rows.map((r) => r.j);
}

/** Runs in a category change's transaction, before the feed append (the console's audit). */
export type CategoryAudit = (tx: Queryable, after: CategoryEntity) => Promise<void>;

/**
 * A change to the shared categories in one owner transaction: `write` changes the row and
 * returns its ID; the row is read back, `audit` runs, and the change is appended to every
 * store's feed as the transaction's last statements.
 */
async function changeCategory(
  owner: pg.Pool,
  write: (tx: Queryable) => Promise<number>,
  audit: CategoryAudit | undefined,
): Promise<CategoryEntity> {
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    const tx = pgQueryable(client);
    const categoryId = await write(tx);
    // As its own statement: a distributed database refuses functions like json_build_object
    // in the RETURNING clause of a write.
    const { rows } = await tx.query<{ j: CategoryEntity }>(
      `SELECT ${spec('category').json} AS j FROM retail.product_categories t WHERE t.category_id = $1`,
      [categoryId],
    );
    const after = rows[0]!.j;
    await audit?.(tx, after);
    await appendToEveryStoreFeed(tx, [
      { entity: 'category', key: String(categoryId), op: 'upsert', version: null },
    ]);
    await client.query('COMMIT');
    return after;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Shared reference data: written by the owner role (the app role may only read it), and the
 * change appended to every store's feed in the same transaction.
 */
export async function upsertCategory(
  owner: pg.Pool,
  c: CategoryUpsert,
  options: { audit?: CategoryAudit | undefined } = {},
): Promise<CategoryEntity> {
  return changeCategory(
    owner,
    async (tx) => {
      await tx.query(
        `INSERT INTO retail.product_categories AS t
           (category_id, category_name, parent_category_id, description, is_active)
         VALUES ($1, $2, $3, $4, coalesce($5, true))
         ON CONFLICT (category_id) DO UPDATE SET
           category_name = EXCLUDED.category_name,
           parent_category_id = CASE WHEN $6 THEN EXCLUDED.parent_category_id ELSE t.parent_category_id END,
           description = CASE WHEN $7 THEN EXCLUDED.description ELSE t.description END,
           is_active = coalesce($5, t.is_active),
           updated_at = EXCLUDED.updated_at
         RETURNING t.category_id`,
        [
          c.categoryId,
          c.categoryName,
          c.parentCategoryId ?? null,
          c.description ?? null,
          c.isActive ?? null,
          c.parentCategoryId !== undefined,
          c.description !== undefined,
        ],
      );
      return c.categoryId;
    },
    options.audit,
  );
}

/**
 * A new category with the next free number. The table is locked against other writers for the
 * rest of the transaction, so two new categories never take the same number (and an upsert
 * cannot overwrite one).
 */
export async function createCategory(
  owner: pg.Pool,
  c: Omit<CategoryUpsert, 'categoryId'>,
  options: { audit?: CategoryAudit | undefined } = {},
): Promise<CategoryEntity> {
  return changeCategory(
    owner,
    async (tx) => {
      await tx.query(`LOCK TABLE retail.product_categories IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await tx.query<{ id: number }>(
        `SELECT coalesce(max(category_id), 0)::int + 1 AS id FROM retail.product_categories`,
      );
      const categoryId = Number(rows[0]!.id);
      await tx.query(
        `INSERT INTO retail.product_categories
           (category_id, category_name, parent_category_id, description, is_active)
         VALUES ($1, $2, $3, $4, coalesce($5, true))`,
        [
          categoryId,
          c.categoryName,
          c.parentCategoryId ?? null,
          c.description ?? null,
          c.isActive ?? null,
        ],
      );
      return categoryId;
    },
    options.audit,
  );
}

export async function listProducts(
  app: pg.Pool,
  options: { storeId: string; search?: string | undefined; limit?: number | undefined },
): Promise<ProductEntity[]> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const { rows } = await tx.query<{ j: ProductEntity }>(
      `SELECT ${spec('product').json} AS j FROM retail.products t
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
    `SELECT ${spec('product').json} AS j FROM retail.products t
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
      `SELECT ${spec('product').json} AS j FROM retail.products t
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

/** A customer of the store is deleted; their sales stay and lose only the link. */
export async function removeCustomer(
  app: pg.Pool,
  options: { storeId: string; customerId: string },
): Promise<void> {
  await assertStore(app, options.storeId);
  const deleted = await withTenant(app, options.storeId, (tx) =>
    deleteCustomer(tx, options.customerId),
  );
  if (!deleted) throw notFound(`Store ${options.storeId} has no customer ${options.customerId}`);
}

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
    });
  }
  const unknown = [
    ...byId.map((c) => c.productId).filter((id) => !matched.has(id)),
    ...bySku.map((c) => c.sku).filter((sku) => !matched.has(sku)),
  ];
  return { updated, unknown };
}

/**
 * Set a staff member's PIN: hashed inside the tenant transaction by pgcrypto at the till's cost
 * (`hashPin`, which also refuses a manager's PIN under 6 digits), version bumped by the table's
 * trigger, and the change fed to the store's tills like any catalog edit.
 */
export async function setStaffPin(
  app: pg.Pool,
  options: { storeId: string; staffId: string; pin: string },
): Promise<StaffPinSet> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const { rows } = await tx.query<{ role: StaffRole; display_name: string }>(
      `SELECT role, display_name FROM retail.staff WHERE store_id = $1 AND staff_id = $2 FOR UPDATE`,
      [options.storeId, options.staffId],
    );
    const person = rows[0];
    if (!person) throw notFound(`Store ${options.storeId} has no staff member ${options.staffId}`);
    let hash: string;
    try {
      hash = await hashPin(tx, { pin: options.pin, role: person.role });
    } catch (error) {
      if (error instanceof ValidationError) throw badRequest(error.message);
      throw error;
    }
    const updated = await tx.query<{ version: string }>(
      `UPDATE retail.staff SET pin_hash = $3 WHERE store_id = $1 AND staff_id = $2
       RETURNING version::text`,
      [options.storeId, options.staffId, hash],
    );
    tx.changes.record('staff', [options.staffId]);
    return {
      staffId: options.staffId,
      displayName: person.display_name,
      role: person.role,
      version: Number(updated.rows[0]?.version ?? 0),
    };
  });
}
