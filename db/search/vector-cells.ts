/**
 * The deterministic vector index (migration 0007): build the cells of one model, and the SQL
 * that searches them.
 *
 * Build (`buildVectorCells`, after a bulk load; embedAllProducts calls it): read the model's
 * vectors in product order, compute ~sqrt(n) centroids by seeded k-means (kmeans.ts), store
 * them, and put every vector in the cell of its nearest centroid (in SQL, so the vectors are
 * copied inside the database). Later writes are placed by the trigger of migration 0007.
 *
 * Search: the `probes` cells whose centroids are nearest to the query, then an exact
 * comparison of their vectors, ties broken by product id. Nothing random: two builds of the
 * same store answer every query identically. `probes` trades speed for recall (figures in
 * docs/search.md; the bench reports recall against an exact scan).
 */
import type { Queryable } from '../queryable';
import type { Embedder } from './embedding/types';
import { assignCells, kMeans } from './kmeans';

export const CELL_TUNING = {
  /**
   * Cells per model: about 2·sqrt(n) (447 at 50,000 products), at least 1, at most 2,048.
   * Development catalog (seed 1000, 50,000 products, 100 labelled queries), recall@10 against
   * an exact scan: sqrt(n) cells 0.949 / 0.958 / 0.979 at 8 / 16 / 24 probes; 2·sqrt(n) cells
   * 0.959 / 0.972 / 0.979 at 12 / 16 / 24, and faster at equal recall (smaller cells).
   */
  cellsFor: (n: number): number => Math.max(1, Math.min(2_048, Math.round(2 * Math.sqrt(n)))),
  /** Cells compared per query (of 447 at 50,000 products: about 1,800 vectors). */
  probes: 16,
  iterations: 8,
  /** Vectors that train the centroids (an evenly spaced sample of the catalog). */
  sample: 12_000,
  seed: 0x5eed,
} as const;

function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(','), Number);
}

/**
 * (Re)build the cells of one model for one store. Deterministic: the same vectors give the
 * same centroids and the same cells. Runs in the caller's transaction when given one.
 */
export async function buildVectorCells(
  db: Queryable,
  options: { storeId: string; model: Pick<Embedder, 'id'> },
): Promise<{ vectors: number; cells: number }> {
  const { rows } = await db.query<{ product_id: string; embedding: string }>(
    `SELECT product_id, embedding::text AS embedding
       FROM retail.product_embeddings
      WHERE store_id = $1 AND embedding_model = $2
      ORDER BY product_id`,
    [options.storeId, options.model.id],
  );
  const vectors = rows.map((r) => parseVector(r.embedding));
  const centroids = kMeans(vectors, {
    k: CELL_TUNING.cellsFor(vectors.length),
    iterations: CELL_TUNING.iterations,
    sample: CELL_TUNING.sample,
    seed: CELL_TUNING.seed,
  });
  await db.query(`DELETE FROM pos.vector_cells WHERE store_id = $1 AND model = $2`, [
    options.storeId,
    options.model.id,
  ]);
  await db.query(`DELETE FROM pos.vector_centroids WHERE store_id = $1 AND model = $2`, [
    options.storeId,
    options.model.id,
  ]);
  if (centroids.length === 0) return { vectors: 0, cells: 0 };
  await db.query(
    `INSERT INTO pos.vector_centroids (store_id, model, cell, centroid)
     SELECT $1, $2, c.i::int - 1, c.v::vector FROM unnest($3::text[]) WITH ORDINALITY AS c(v, i)`,
    [options.storeId, options.model.id, centroids.map((c) => `[${Array.from(c).join(',')}]`)],
  );
  // Place every vector in its nearest cell (computed here: the trigger's SQL would compare
  // each vector with every centroid one row at a time); the vectors are copied in SQL.
  // Written cell by cell, so a cell's vectors share heap pages: a search reads its 16 cells
  // from about 450 pages instead of one page per vector (about 3,000 at 50,000 products),
  // which made the vector signal a third cheaper. Later writes (the trigger) land anywhere.
  const assigned = assignCells(vectors, centroids);
  const order = rows
    .map((r, i) => ({ productId: r.product_id, cell: assigned[i] ?? 0 }))
    .sort((a, b) => a.cell - b.cell || (a.productId < b.productId ? -1 : 1));
  for (let i = 0; i < order.length; i += 5_000) {
    const chunk = order.slice(i, i + 5_000);
    await db.query(
      `INSERT INTO pos.vector_cells (store_id, product_id, model, cell, embedding)
       SELECT e.store_id, e.product_id, e.embedding_model, u.cell, e.embedding
         FROM unnest($3::uuid[], $4::int[]) WITH ORDINALITY AS u(product_id, cell, ord)
         JOIN retail.product_embeddings e
           ON e.store_id = $1 AND e.product_id = u.product_id AND e.embedding_model = $2
        ORDER BY u.ord`,
      [options.storeId, options.model.id, chunk.map((c) => c.productId), chunk.map((c) => c.cell)],
    );
  }
  return { vectors: vectors.length, cells: centroids.length };
}

/** Forget a model's cells (before a bulk reload: the trigger then places nothing). */
export async function dropVectorCells(
  db: Queryable,
  options: { storeId: string; model: Pick<Embedder, 'id'> },
): Promise<void> {
  await db.query(`DELETE FROM pos.vector_cells WHERE store_id = $1 AND model = $2`, [
    options.storeId,
    options.model.id,
  ]);
  await db.query(`DELETE FROM pos.vector_centroids WHERE store_id = $1 AND model = $2`, [
    options.storeId,
    options.model.id,
  ]);
}

/** How many cells the model has in this store (0: not built, its HNSW index answers). */
export async function vectorCellCount(
  db: Queryable,
  options: { storeId: string; model: Pick<Embedder, 'id'> },
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pos.vector_centroids WHERE store_id = $1 AND model = $2`,
    [options.storeId, options.model.id],
  );
  return rows[0]?.n ?? 0;
}

/**
 * A FROM item listing the `probes` nearest cells to `target` (a vector SQL expression):
 * `(...) probe(cell)`. `store`, `model` and `probes` are SQL expressions (bind parameters).
 */
export function probeCellsSql(options: {
  store: string;
  model: string;
  target: string;
  probes: string;
}): string {
  return `(SELECT c.cell FROM pos.vector_centroids c
            WHERE c.store_id = ${options.store} AND c.model = ${options.model}
            ORDER BY c.centroid <=> ${options.target}, c.cell
            LIMIT ${options.probes})`;
}
