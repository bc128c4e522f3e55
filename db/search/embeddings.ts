/**
 * Reading and writing product embeddings and the refresh queue (pos.embedding_queue, filled by
 * the triggers of migration 0002). Used by the refresher, the bulk loader and substitutes.
 *
 * Version contract: embeddings computed locally are written with version 0 on insert and keep
 * the row's version on update, so an embedding that HQ sends later (version >= 1, through
 * catalog-write.upsertEmbeddings) always wins the version guard, and a local recompute never
 * pretends to be newer than HQ's.
 */
import type { Queryable } from '../queryable';
import { productEmbeddingTextFromRow, type ProductTextRow } from './embedding/product-text';
import { assertModel, vectorLiteral, type Embedder } from './embedding/types';

type Model = Pick<Embedder, 'id' | 'dimension'>;

export interface ProductText {
  productId: string;
  text: string;
}

/** The current embedding text of products (missing products are simply absent). */
export async function loadProductTexts(
  db: Queryable,
  storeId: string,
  productIds: readonly string[],
): Promise<ProductText[]> {
  if (productIds.length === 0) return [];
  const { rows } = await db.query<ProductTextRow & { product_id: string }>(
    `SELECT p.product_id, p.product_name, p.brand, c.category_name, p.color, p.size, p.tags, p.product_description
       FROM retail.products p
       LEFT JOIN retail.product_categories c ON c.category_id = p.category_id
      WHERE p.store_id = $1 AND p.product_id = ANY($2::uuid[])
      ORDER BY p.product_id`,
    [storeId, productIds],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    text: productEmbeddingTextFromRow(r),
  }));
}

/** Stored embedding texts per product for one model. */
export async function storedTexts(
  db: Queryable,
  storeId: string,
  modelId: string,
  productIds: readonly string[],
): Promise<Map<string, string>> {
  if (productIds.length === 0) return new Map();
  const { rows } = await db.query<{ product_id: string; embedding_text: string }>(
    `SELECT product_id, embedding_text FROM retail.product_embeddings
      WHERE store_id = $1 AND embedding_model = $2 AND product_id = ANY($3::uuid[])`,
    [storeId, modelId, productIds],
  );
  return new Map(rows.map((r) => [r.product_id, r.embedding_text]));
}

export interface EmbeddingRow {
  productId: string;
  text: string;
  vector: ArrayLike<number>;
}

/**
 * Upsert locally computed embeddings (see the version contract above). Rows for products that
 * no longer exist are skipped rather than failing the batch. Returns rows written.
 */
export async function writeEmbeddings(
  db: Queryable,
  options: { storeId: string; model: Model; rows: readonly EmbeddingRow[] },
): Promise<number> {
  assertModel(options.model);
  if (options.rows.length === 0) return 0;
  for (const r of options.rows) {
    if (r.vector.length !== options.model.dimension) {
      throw new RangeError(
        `${options.model.id} vector for ${r.productId} has ${r.vector.length} dimensions, not ${options.model.dimension}`,
      );
    }
  }
  const result = await db.query(
    `INSERT INTO retail.product_embeddings AS e (store_id, product_id, embedding_model, embedding_text, embedding, version)
     SELECT $1, r.product_id, $2, r.embedding_text, r.embedding::vector, 0
       FROM unnest($3::uuid[], $4::text[], $5::text[]) AS r(product_id, embedding_text, embedding)
       JOIN retail.products p ON p.store_id = $1 AND p.product_id = r.product_id
     ON CONFLICT (store_id, product_id, embedding_model) DO UPDATE SET
       embedding_text = EXCLUDED.embedding_text, embedding = EXCLUDED.embedding, updated_at = now()`,
    [
      options.storeId,
      options.model.id,
      options.rows.map((r) => r.productId),
      options.rows.map((r) => r.text),
      options.rows.map((r) => vectorLiteral(r.vector)),
    ],
  );
  return result.affectedRows ?? 0;
}

// ---------------------------------------------------------------------------------------
// Queue
// ---------------------------------------------------------------------------------------

export interface QueueItem {
  productId: string;
  /** Exact text of the enqueue time: completing compares it, so a re-enqueue is not lost. */
  enqueuedAt: string;
  attempts: number;
}

/** The oldest due queue rows. Reading does not lock or remove anything. */
export async function dueQueueItems(
  db: Queryable,
  storeId: string,
  limit: number,
): Promise<QueueItem[]> {
  const { rows } = await db.query<{ product_id: string; enqueued_at: string; attempts: number }>(
    `SELECT product_id, enqueued_at::text AS enqueued_at, attempts FROM pos.embedding_queue
      WHERE store_id = $1 AND not_before <= now()
      ORDER BY enqueued_at, product_id
      LIMIT $2`,
    [storeId, limit],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    enqueuedAt: r.enqueued_at,
    attempts: r.attempts,
  }));
}

/** Remove processed rows, unless the product was enqueued again since they were read. */
export async function completeQueueItems(
  db: Queryable,
  storeId: string,
  items: readonly QueueItem[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `DELETE FROM pos.embedding_queue q
      USING unnest($2::uuid[], $3::timestamptz[]) AS d(product_id, enqueued_at)
      WHERE q.store_id = $1 AND q.product_id = d.product_id AND q.enqueued_at = d.enqueued_at`,
    [storeId, items.map((i) => i.productId), items.map((i) => i.enqueuedAt)],
  );
}

/** Keep failed rows with exponential backoff: 5 s, 10 s, 20 s ... capped at one hour. */
export async function failQueueItems(
  db: Queryable,
  storeId: string,
  items: readonly QueueItem[],
  error: string,
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `UPDATE pos.embedding_queue q
        SET attempts = q.attempts + 1, last_error = left($4, 500),
            not_before = now() + make_interval(secs => least(3600, 5 * power(2, least(q.attempts, 20))))
       FROM unnest($2::uuid[], $3::timestamptz[]) AS d(product_id, enqueued_at)
      WHERE q.store_id = $1 AND q.product_id = d.product_id AND q.enqueued_at = d.enqueued_at`,
    [storeId, items.map((i) => i.productId), items.map((i) => i.enqueuedAt), error],
  );
}

/** Queue every product of the store that has no embedding for `modelId` (e.g. a new model). */
export async function enqueueMissing(
  db: Queryable,
  storeId: string,
  modelId: string,
): Promise<number> {
  const result = await db.query(
    `INSERT INTO pos.embedding_queue (store_id, product_id)
     SELECT p.store_id, p.product_id FROM retail.products p
      WHERE p.store_id = $1
        AND NOT EXISTS (SELECT 1 FROM retail.product_embeddings e
                         WHERE e.store_id = p.store_id AND e.product_id = p.product_id
                           AND e.embedding_model = $2)
     ON CONFLICT (store_id, product_id) DO NOTHING`,
    [storeId, modelId],
  );
  return result.affectedRows ?? 0;
}

export interface EmbeddingStatus {
  products: number;
  embedded: number;
  /** Embedded with a text that is no longer the product's text (waiting for a refresh). */
  queued: number;
}

export async function embeddingStatus(
  db: Queryable,
  storeId: string,
  modelId: string,
): Promise<EmbeddingStatus> {
  const { rows } = await db.query<{ products: number; embedded: number; queued: number }>(
    `SELECT (SELECT count(*)::int FROM retail.products WHERE store_id = $1) AS products,
            (SELECT count(*)::int FROM retail.product_embeddings WHERE store_id = $1 AND embedding_model = $2) AS embedded,
            (SELECT count(*)::int FROM pos.embedding_queue WHERE store_id = $1) AS queued`,
    [storeId, modelId],
  );
  return rows[0] ?? { products: 0, embedded: 0, queued: 0 };
}
