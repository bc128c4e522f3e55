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
  PromotionEntity,
  ScheduledPriceEntity,
  RegisterEntity,
  StaffEntity,
  StockLevelEntity,
  StoredValueAllowanceEntity,
  StoreEntity,
} from '../../contract/catalog';
import { float4ArrayBinary, preparedStatement, runPrepared, type ProtocolDb } from '../prepared';
import type { Queryable } from '../queryable';
import { SYNCED_ENTITIES, tillUpsertSql, type SyncedEntityName } from '../synced/registry';

export const BATCH = 1_000;

const UPSERTS = new Map(SYNCED_ENTITIES.map((e) => [e.entity, tillUpsertSql(e)]));

/** Version-guarded upsert of rows of one synced entity (SQL from db/synced/registry.ts). */
async function upsertEntity(
  db: Queryable,
  entity: SyncedEntityName,
  storeId: string | null,
  rows: readonly unknown[],
  batchSize = BATCH,
): Promise<void> {
  const upsert = UPSERTS.get(entity)!;
  for (let i = 0; i < rows.length; i += batchSize) {
    const json = JSON.stringify(rows.slice(i, i + batchSize));
    if (upsert.storeParam) {
      if (storeId === null) throw new Error(`${entity} rows need their store`);
      await db.query(upsert.sql, [storeId, json]);
    } else {
      await db.query(upsert.sql, [json]);
    }
  }
}

export async function upsertStores(db: Queryable, rows: readonly StoreEntity[]): Promise<void> {
  await upsertEntity(db, 'store', null, rows);
}

export async function upsertCategories(
  db: Queryable,
  rows: readonly CategoryEntity[],
): Promise<void> {
  // Parents first, so a child's foreign key always finds its parent in the same batch run.
  const ordered = [...rows].sort(
    (a, b) => Number(a.parentCategoryId !== null) - Number(b.parentCategoryId !== null),
  );
  await upsertEntity(db, 'category', null, ordered);
}

export async function upsertCategoryTaxRates(
  db: Queryable,
  storeId: string,
  rows: readonly CategoryTaxRateEntity[],
): Promise<void> {
  await upsertEntity(db, 'category_tax_rate', storeId, rows);
}

export async function upsertRegisters(
  db: Queryable,
  storeId: string,
  rows: readonly RegisterEntity[],
): Promise<void> {
  await upsertEntity(db, 'register', storeId, rows);
}

export async function upsertStaff(
  db: Queryable,
  storeId: string,
  rows: readonly StaffEntity[],
): Promise<void> {
  await upsertEntity(db, 'staff', storeId, rows);
}

export async function upsertProducts(
  db: Queryable,
  storeId: string,
  rows: readonly ProductEntity[],
): Promise<void> {
  await upsertEntity(db, 'product', storeId, rows);
}

export async function upsertCustomers(
  db: Queryable,
  storeId: string,
  rows: readonly CustomerEntity[],
): Promise<void> {
  await upsertEntity(db, 'customer', storeId, rows);
}

export async function upsertStockLevels(
  db: Queryable,
  storeId: string,
  rows: readonly StockLevelEntity[],
): Promise<void> {
  await upsertEntity(db, 'stock_level', storeId, rows);
}

export async function upsertStoredValueAllowances(
  db: Queryable,
  storeId: string,
  rows: readonly StoredValueAllowanceEntity[],
): Promise<void> {
  await upsertEntity(db, 'stored_value_allowance', storeId, rows);
}

export async function upsertEmbeddings(
  db: Queryable,
  storeId: string,
  rows: readonly EmbeddingEntity[],
): Promise<void> {
  // pgvector's text form; smaller batches: a 384-dimension vector is ~4 KB of JSON.
  const asText = rows.map((r) => ({ ...r, embedding: `[${r.embedding.join(',')}]` }));
  await upsertEntity(db, 'embedding', storeId, asText, 250);
}

export async function upsertPromotions(
  db: Queryable,
  storeId: string,
  rows: readonly PromotionEntity[],
): Promise<void> {
  await upsertEntity(db, 'promotion', storeId, rows);
}

export async function upsertScheduledPrices(
  db: Queryable,
  storeId: string,
  rows: readonly ScheduledPriceEntity[],
): Promise<void> {
  await upsertEntity(db, 'scheduled_price', storeId, rows);
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
  promotions: { table: 'retail.promotions', key: 'promotion_id' },
  scheduled_prices: { table: 'retail.scheduled_prices', key: 'schedule_id' },
  stored_value_allowances: { table: 'retail.stored_value_allowances', key: 'allowance_id' },
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
