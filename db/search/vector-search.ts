/**
 * Nearest-vector lists through one model's partial HNSW index (migration 0002 for the
 * built-in model, db/search/indexes.ts for others), and the same list by an exact scan, which
 * the benchmark compares them against (`search.vector_index_recall`).
 *
 * pgvector (0.8 in @electric-sql/pglite-pgvector 0.0.15) applies a WHERE clause after the
 * index has produced its candidate list (hnsw.ef_search wide), so a selective filter could
 * return fewer than k rows, or none. Iterative index scans (0.8.0+) fix that: with
 * hnsw.iterative_scan = strict_order the scan keeps going, in exact distance order, until
 * the LIMIT is met by rows that pass the filters, or hnsw.max_scan_tuples were visited.
 * Settings are made with set_config(..., is_local = true) inside the statement (a LATERAL
 * subquery that references them runs after), so they end with the statement's transaction.
 */
import type { Queryable } from '../queryable';
import type { Embedder } from './embedding/types';
import { runSearch, searchStatement } from './statements';
import { CELL_TUNING, probeCellsSql } from './vector-cells';

export const VECTOR_TUNING = {
  /** HNSW candidate list width (see docs/search.md for the figures behind it). */
  efSearch: 200,
  /** Iterative scan: keep scanning until LIMIT rows pass the filters, in distance order. */
  iterativeScan: 'strict_order',
  /** Upper bound on tuples one iterative scan visits (pgvector's default is 20,000). */
  maxScanTuples: 20_000,
} as const;

/**
 * A FROM item that applies the HNSW settings; the index scan must sit in a LATERAL subquery
 * that references `hnsw.ready`. `first` is the number of the first of three bind parameters
 * (ef_search, iterative_scan, max_scan_tuples), see `hnswParams`.
 */
export function hnswSettings(first: number): string {
  return `(SELECT set_config('hnsw.ef_search', $${first}::text, true) IS NOT NULL
                 AND set_config('hnsw.iterative_scan', $${first + 1}::text, true) IS NOT NULL
                 AND set_config('hnsw.max_scan_tuples', $${first + 2}::text, true) IS NOT NULL
                 AS ready)`;
}
export const hnswParams = (): [number, string, number] => [
  VECTOR_TUNING.efSearch,
  VECTOR_TUNING.iterativeScan,
  VECTOR_TUNING.maxScanTuples,
];

export interface Neighbour {
  productId: string;
  /** Cosine similarity. */
  score: number;
}

/**
 * The cells' answer, and how many cells the model has (a row even when nothing is near
 * enough), so a store without cells costs no extra round trip.
 */
const CELLS = searchStatement(
  'vector_cells',
  `SELECT c.cells, n.product_id, n.score
     FROM (SELECT count(*)::int AS cells FROM pos.vector_centroids
            WHERE store_id = $1::text AND model = $3::text) c
     LEFT JOIN LATERAL (
           SELECT v.product_id, 1 - (v.embedding <=> $2::text::vector) AS score
             FROM pos.vector_cells v
            WHERE c.cells > 0 AND v.store_id = $1::text AND v.model = $3::text
              AND v.cell IN ${probeCellsSql({ store: '$1::text', model: '$3::text', target: '$2::text::vector', probes: '$6::int' })}
            ORDER BY v.embedding <=> $2::text::vector, v.product_id
            LIMIT $4::int) n ON n.score >= $5::float8
    ORDER BY n.score DESC, n.product_id`,
);

/**
 * The `depth` nearest vectors of ONE model to `vector` (a vector literal), at least `floor`
 * cosine similarity: through the model's cells (vector-cells.ts) when they are built, else its
 * HNSW index; or by an exact scan with `exact` (the reference for index recall; about 100 ms
 * at 50,000 products). `via` forces one index (the benchmark compares them).
 */
export async function nearestVectors(
  db: Queryable,
  options: {
    storeId: string;
    model: Pick<Embedder, 'id' | 'dimension'>;
    vector: string;
    depth: number;
    floor: number;
    exact?: boolean;
    via?: 'cells' | 'hnsw';
    probes?: number;
  },
): Promise<Neighbour[]> {
  if (!options.exact && options.via !== 'hnsw') {
    const rows = await runSearch(db, CELLS, [
      options.storeId,
      options.vector,
      options.model.id,
      options.depth,
      options.floor,
      options.probes ?? CELL_TUNING.probes,
    ]);
    if (Number(rows[0]?.[0] ?? 0) > 0 || options.via === 'cells') {
      return rows.flatMap(([, productId, score]) =>
        productId == null ? [] : [{ productId, score: Number(score) }],
      );
    }
  }
  const vec = `vector(${options.model.dimension})`;
  const distance = `e.embedding::${vec} <=> $2::text::${vec}`;
  // "+ 0" makes the ORDER BY an expression no index provides: a sequential, exact scan.
  const order = options.exact ? `(${distance}) + 0` : distance;
  const { rows } = await db.query<{ product_id: string; score: number }>(
    `SELECT n.product_id, n.score
       FROM ${hnswSettings(6)} hnsw
       CROSS JOIN LATERAL (
             SELECT e.product_id, 1 - (${distance}) AS score
               FROM retail.product_embeddings e
              WHERE e.embedding_model = $3 AND e.store_id = $1 AND hnsw.ready
              ORDER BY ${order}
              LIMIT $4) n
      WHERE n.score >= $5`,
    [
      options.storeId,
      options.vector,
      options.model.id,
      options.depth,
      options.floor,
      ...hnswParams(),
    ],
  );
  return rows.map((r) => ({ productId: r.product_id, score: Number(r.score) }));
}

/**
 * Share of the exact k nearest that the index finds, counting ties at the k-th distance as
 * found (with many near-identical products, which of several equal vectors comes tenth is
 * arbitrary). 1.0 = the index lost nothing.
 */
export function indexRecall(
  index: readonly Neighbour[],
  exact: readonly Neighbour[],
  k: number,
): number {
  const want = exact.slice(0, k);
  if (want.length === 0) return 1;
  const kth = want[want.length - 1]?.score ?? 1;
  const found = index.slice(0, k).filter((n) => n.score >= kth - 1e-6).length;
  return Math.min(1, found / want.length);
}
