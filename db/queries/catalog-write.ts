/**
 * Writing pulled catalog rows into the till (the sync pull applier and seeding use this).
 *
 * Contract: every upsert is version-guarded, so applying a page twice, or an older page after
 * a newer one, never moves a row backwards. Rows are written in batches of `BATCH` through
 * jsonb_to_recordset: one statement per batch, not one per row. HQ's seed uses these too, also
 * on a Citus cluster, which refuses non-immutable functions in DO UPDATE: the update takes the
 * inserted row's values (EXCLUDED), clock included.
 */
import type {
  CategoryEntity,
  CategoryTaxRateEntity,
  CustomerEntity,
  EmbeddingEntity,
  ProductEntity,
  RegisterEntity,
  StaffEntity,
  StockLevelEntity,
  StoreEntity,
} from '../../contract/catalog';
import { float4ArrayBinary, preparedStatement, runPrepared, type ProtocolDb } from '../prepared';
import type { Queryable } from '../queryable';
import { sqlCents as n } from '../sql';

export const BATCH = 1_000;

async function inBatches<T>(
  rows: readonly T[],
  write: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

export async function upsertStores(db: Queryable, rows: readonly StoreEntity[]): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.stores AS s (store_id, store_name, store_location, store_type, region, currency,
         timezone, tax_rate_ppm, tax_included, tax_rounding, tax_components,
         manager_discount_threshold_ppm, offline_card_limit, price_override_limit_ppm,
         open_price_limit, is_active, version, updated_at)
       SELECT r."storeId", r."storeName", r."storeLocation", r."storeType", r.region, r.currency, r.timezone,
              r."taxRatePpm", r."taxIncluded", r."taxRounding", r."taxComponents",
              r."managerDiscountThresholdPpm", ${n('r."offlineCardLimitCents"')},
              r."priceOverrideLimitPpm", ${n('r."openPriceLimitCents"')}, r."isActive", r.version, now()
         FROM jsonb_to_recordset($1::jsonb) AS r("storeId" text, "storeName" text, "storeLocation" text,
              "storeType" text, region text, currency text, timezone text, "taxRatePpm" integer,
              "taxIncluded" boolean, "taxRounding" text, "taxComponents" jsonb,
              "managerDiscountThresholdPpm" integer, "offlineCardLimitCents" bigint,
              "priceOverrideLimitPpm" integer, "openPriceLimitCents" bigint, "isActive" boolean, version bigint)
       ON CONFLICT (store_id) DO UPDATE SET
         store_name = EXCLUDED.store_name, store_location = EXCLUDED.store_location,
         store_type = EXCLUDED.store_type, region = EXCLUDED.region, currency = EXCLUDED.currency,
         timezone = EXCLUDED.timezone, tax_rate_ppm = EXCLUDED.tax_rate_ppm,
         tax_included = EXCLUDED.tax_included, tax_rounding = EXCLUDED.tax_rounding,
         tax_components = EXCLUDED.tax_components,
         manager_discount_threshold_ppm = EXCLUDED.manager_discount_threshold_ppm,
         offline_card_limit = EXCLUDED.offline_card_limit,
         price_override_limit_ppm = EXCLUDED.price_override_limit_ppm,
         open_price_limit = EXCLUDED.open_price_limit, is_active = EXCLUDED.is_active,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE s.version < EXCLUDED.version`,
      [JSON.stringify(batch)],
    );
  });
}

export async function upsertCategories(
  db: Queryable,
  rows: readonly CategoryEntity[],
): Promise<void> {
  // Parents first, so a child's foreign key always finds its parent in the same batch run.
  const ordered = [...rows].sort(
    (a, b) => Number(a.parentCategoryId !== null) - Number(b.parentCategoryId !== null),
  );
  await inBatches(ordered, async (batch) => {
    await db.query(
      `INSERT INTO retail.product_categories AS c (category_id, category_name, parent_category_id, description, is_active, version, updated_at)
       SELECT r."categoryId", r."categoryName", r."parentCategoryId", r.description, r."isActive", r.version, now()
         FROM jsonb_to_recordset($1::jsonb) AS r("categoryId" integer, "categoryName" text,
              "parentCategoryId" integer, description text, "isActive" boolean, version bigint)
       ON CONFLICT (category_id) DO UPDATE SET
         category_name = EXCLUDED.category_name, parent_category_id = EXCLUDED.parent_category_id,
         description = EXCLUDED.description, is_active = EXCLUDED.is_active,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE c.version < EXCLUDED.version`,
      [JSON.stringify(batch)],
    );
  });
}

export async function upsertCategoryTaxRates(
  db: Queryable,
  storeId: string,
  rows: readonly CategoryTaxRateEntity[],
): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.category_tax_rates AS t (store_id, category_id, tax_rate_ppm, version, updated_at)
       SELECT $1, r."categoryId", r."taxRatePpm", r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("categoryId" integer, "taxRatePpm" integer, version bigint)
       ON CONFLICT (store_id, category_id) DO UPDATE SET
         tax_rate_ppm = EXCLUDED.tax_rate_ppm, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE t.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  });
}

export async function upsertRegisters(
  db: Queryable,
  storeId: string,
  rows: readonly RegisterEntity[],
): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.registers AS g (store_id, register_id, register_name, is_active, version, updated_at)
       SELECT $1, r."registerId", r."registerName", r."isActive", r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("registerId" text, "registerName" text, "isActive" boolean, version bigint)
       ON CONFLICT (store_id, register_id) DO UPDATE SET
         register_name = EXCLUDED.register_name, is_active = EXCLUDED.is_active,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE g.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  });
}

export async function upsertStaff(
  db: Queryable,
  storeId: string,
  rows: readonly StaffEntity[],
): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.staff AS s (store_id, staff_id, display_name, role, pin_hash, is_active, version, updated_at)
       SELECT $1, r."staffId", r."displayName", r.role, r."pinHash", r."isActive", r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("staffId" uuid, "displayName" text, role text,
              "pinHash" text, "isActive" boolean, version bigint)
       ON CONFLICT (store_id, staff_id) DO UPDATE SET
         display_name = EXCLUDED.display_name, role = EXCLUDED.role, pin_hash = EXCLUDED.pin_hash,
         is_active = EXCLUDED.is_active, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE s.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  });
}

export async function upsertProducts(
  db: Queryable,
  storeId: string,
  rows: readonly ProductEntity[],
): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.products AS p (store_id, product_id, sku, barcode, product_name, product_description,
         category_id, brand, model, color, size, weight_kg, price, cost, minimum_stock, reorder_point,
         supplier_name, is_active, is_featured, tags, metadata, version, updated_at)
       SELECT $1, r."productId", r.sku, r.barcode, r."productName", r."productDescription", r."categoryId",
              r.brand, r.model, r.color, r.size, r."weightKg"::numeric(8,3), ${n('r."priceCents"')},
              ${n('r."costCents"')}, r."minimumStock", r."reorderPoint", r."supplierName", r."isActive",
              r."isFeatured", coalesce(r.tags, '{}'), coalesce(r.metadata, '{}'), r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("productId" uuid, sku text, barcode text,
              "productName" text, "productDescription" text, "categoryId" integer, brand text, model text,
              color text, size text, "weightKg" text, "priceCents" bigint, "costCents" bigint,
              "minimumStock" integer, "reorderPoint" integer, "supplierName" text, "isActive" boolean,
              "isFeatured" boolean, tags text[], metadata jsonb, version bigint)
       ON CONFLICT (store_id, product_id) DO UPDATE SET
         sku = EXCLUDED.sku, barcode = EXCLUDED.barcode, product_name = EXCLUDED.product_name,
         product_description = EXCLUDED.product_description, category_id = EXCLUDED.category_id,
         brand = EXCLUDED.brand, model = EXCLUDED.model, color = EXCLUDED.color, size = EXCLUDED.size,
         weight_kg = EXCLUDED.weight_kg, price = EXCLUDED.price, cost = EXCLUDED.cost,
         minimum_stock = EXCLUDED.minimum_stock, reorder_point = EXCLUDED.reorder_point,
         supplier_name = EXCLUDED.supplier_name, is_active = EXCLUDED.is_active,
         is_featured = EXCLUDED.is_featured, tags = EXCLUDED.tags, metadata = EXCLUDED.metadata,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE p.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  });
}

export async function upsertCustomers(
  db: Queryable,
  storeId: string,
  rows: readonly CustomerEntity[],
): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.customers AS c (store_id, customer_id, first_name, last_name, email, phone,
         date_of_birth, gender, customer_since, loyalty_tier, total_lifetime_value, version, updated_at)
       SELECT $1, r."customerId", r."firstName", r."lastName", r.email, r.phone, r."dateOfBirth", r.gender,
              r."customerSince", r."loyaltyTier", ${n('r."totalLifetimeValueCents"')}, r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("customerId" uuid, "firstName" text, "lastName" text,
              email text, phone text, "dateOfBirth" date, gender text, "customerSince" date,
              "loyaltyTier" text, "totalLifetimeValueCents" bigint, version bigint)
       ON CONFLICT (store_id, customer_id) DO UPDATE SET
         first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = EXCLUDED.email,
         phone = EXCLUDED.phone, date_of_birth = EXCLUDED.date_of_birth, gender = EXCLUDED.gender,
         customer_since = EXCLUDED.customer_since, loyalty_tier = EXCLUDED.loyalty_tier,
         total_lifetime_value = EXCLUDED.total_lifetime_value, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE c.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  });
}

export async function upsertStockLevels(
  db: Queryable,
  storeId: string,
  rows: readonly StockLevelEntity[],
): Promise<void> {
  await inBatches(rows, async (batch) => {
    await db.query(
      `INSERT INTO retail.stock_levels AS l (store_id, product_id, on_hand, version, updated_at)
       SELECT $1, r."productId", r."onHand", r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("productId" uuid, "onHand" integer, version bigint)
       ON CONFLICT (store_id, product_id) DO UPDATE SET
         on_hand = EXCLUDED.on_hand, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE l.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  });
}

export async function upsertEmbeddings(
  db: Queryable,
  storeId: string,
  rows: readonly EmbeddingEntity[],
): Promise<void> {
  // Smaller batches: a 384-dimension vector is ~4 KB of JSON.
  for (let i = 0; i < rows.length; i += 250) {
    const batch = rows
      .slice(i, i + 250)
      .map((r) => ({ ...r, embedding: `[${r.embedding.join(',')}]` }));
    await db.query(
      `INSERT INTO retail.product_embeddings AS e (store_id, product_id, embedding_model, embedding_text, embedding, version, updated_at)
       SELECT $1, r."productId", r."embeddingModel", r."embeddingText", r.embedding::vector, r.version, now()
         FROM jsonb_to_recordset($2::jsonb) AS r("productId" uuid, "embeddingModel" text,
              "embeddingText" text, embedding text, version bigint)
       ON CONFLICT (store_id, product_id, embedding_model) DO UPDATE SET
         embedding_text = EXCLUDED.embedding_text, embedding = EXCLUDED.embedding,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE e.version < EXCLUDED.version`,
      [storeId, JSON.stringify(batch)],
    );
  }
}

const UPSERT_EMBEDDINGS_BINARY = preparedStatement(
  'edgepos_upsert_embeddings_binary',
  `INSERT INTO retail.product_embeddings AS e
     (store_id, product_id, embedding_model, embedding_text, embedding, version, updated_at)
   SELECT $1::text, r."productId", r."embeddingModel", r."embeddingText",
          (v.vecs[r.start + 1 : r.start + r.dim])::vector, r.version, now()
     FROM jsonb_to_recordset($2::jsonb) AS r("productId" uuid, "embeddingModel" text,
            "embeddingText" text, version bigint, start integer, dim integer),
          (SELECT $3::real[] AS vecs) v
   ON CONFLICT (store_id, product_id, embedding_model) DO UPDATE SET
     embedding_text = EXCLUDED.embedding_text, embedding = EXCLUDED.embedding,
     version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
   WHERE e.version < EXCLUDED.version`,
);

/**
 * upsertEmbeddings for bulk loads (a catalog download), same rows and version guard: the
 * vectors go in as ONE binary float4 array per batch and are cut into rows by offset in SQL,
 * so the database never parses their decimal text, and the JSON it parses is small. One
 * prepared call per batch, inside the caller's transaction (`db` is the PGlite instance whose
 * `transaction()` callback is running).
 */
export async function upsertEmbeddingsBinary(
  db: ProtocolDb,
  storeId: string,
  rows: readonly EmbeddingEntity[],
): Promise<void> {
  const batchSize = 2_000;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    const floats = new Float32Array(batch.reduce((n, r) => n + r.embedding.length, 0));
    let start = 0;
    const meta = batch.map((r) => {
      floats.set(r.embedding, start);
      const m = {
        productId: r.productId,
        embeddingModel: r.embeddingModel,
        embeddingText: r.embeddingText,
        version: r.version,
        start,
        dim: r.embedding.length,
      };
      start += r.embedding.length;
      return m;
    });
    await runPrepared(
      db,
      UPSERT_EMBEDDINGS_BINARY,
      [storeId, JSON.stringify(meta), float4ArrayBinary(floats)],
      { inTransaction: true },
    );
  }
}

/** Tombstones: rows HQ deleted. Embeddings go with their product (ON DELETE CASCADE). */
export const DELETABLE = {
  products: { table: 'retail.products', key: 'product_id' },
  customers: { table: 'retail.customers', key: 'customer_id' },
  staff: { table: 'retail.staff', key: 'staff_id' },
  stock_levels: { table: 'retail.stock_levels', key: 'product_id' },
} as const;

export async function deleteRows(
  db: Queryable,
  options: { storeId: string; entity: keyof typeof DELETABLE; ids: readonly string[] },
): Promise<void> {
  if (options.ids.length === 0) return;
  const { table, key } = DELETABLE[options.entity];
  await db.query(`DELETE FROM ${table} WHERE store_id = $1 AND ${key} = ANY($2::uuid[])`, [
    options.storeId,
    options.ids,
  ]);
}
