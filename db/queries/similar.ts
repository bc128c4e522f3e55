/**
 * Products near a vector or near a product, at the till.
 *
 * searchByVector  the seed's search_products_by_similarity contract (a vector in, products with
 *                 cosine similarity >= threshold out, at most max_results), minus its flaws:
 *                 no SECURITY DEFINER, no client-set tenant key: the store is an explicit
 *                 parameter (the till's own store), the vector's dimension is checked, and the
 *                 filters are applied inside an iterative index scan, so it returns
 *                 max_results rows whenever that many pass them.
 * substitutes     nearest in-stock products of this store to a given product, preferring the
 *                 same category and a close price.
 *
 * Both read the store's vector cells when they are built, else the HNSW index. Bad options
 * are a ValidationError (search.ts parseOptions), never a database error.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError, toPosError } from '../errors';
import type { Queryable } from '../queryable';
import { StoreId, Uuid } from '../../contract/mutations';
import type { ProductSummary } from '../../contract/till-api/catalog';
import { builtinEmbedder, isZeroVector } from '../search/embedding/builtin';
import { assertModel, vectorLiteral } from '../search/embedding/types';
import { loadProductTexts } from '../search/embeddings';
import { CELL_TUNING, probeCellsSql, vectorCellCount } from '../search/vector-cells';
import { hnswParams, hnswSettings } from '../search/vector-search';
import { ON_HAND_SQL, PRODUCT_COLUMNS, toProductSummary } from './catalog';
import { Limit, parseOptions, Similarity, type SearchDeps } from './search';

type ProductRow = Parameters<typeof toProductSummary>[0];

// ---------------------------------------------------------------------------------------
// The seed's similarity search, by vector
// ---------------------------------------------------------------------------------------

export const VectorSearchOptions = z.object({
  storeId: StoreId,
  embedding: z.array(z.number().finite()).min(1).max(4_096),
  model: z.object({ id: z.string(), dimension: z.number().int() }),
  /** Cosine similarity floor (the seed's similarity_threshold, default 0.7). */
  similarityThreshold: Similarity.default(0.7),
  /** The seed's max_results (default 20). */
  maxResults: Limit.default(20),
  inStockOnly: z.boolean().default(false),
});
export type VectorSearchOptions = z.input<typeof VectorSearchOptions>;

export interface SimilarProduct extends ProductSummary {
  similarity: number;
}

interface SimilarRow extends ProductRow {
  similarity: number;
}

export async function searchByVector(
  db: Queryable,
  options: VectorSearchOptions,
): Promise<SimilarProduct[]> {
  const o = parseOptions(VectorSearchOptions, options, 'vector search options');
  assertModel(o.model);
  if (o.embedding.length !== o.model.dimension) {
    throw new ValidationError(
      `The query vector has ${o.embedding.length} dimensions; ${o.model.id} has ${o.model.dimension}`,
    );
  }
  if (isZeroVector(o.embedding))
    throw new ValidationError('The query vector is all zeros (no direction to compare)');
  const vec = `vector(${o.model.dimension})`;
  try {
    // The filters sit inside the statement that walks the index, next to its ORDER BY and
    // LIMIT, so the answer is the maxResults nearest products that pass them (filtering a
    // fixed candidate list returned fewer rows than asked, or none, when few passed). Cells:
    // more cells are compared until enough pass (all of them at worst, an exact scan). HNSW
    // (a model whose cells are not built): pgvector's iterative scan keeps walking the graph.
    const cells = await vectorCellCount(db, { storeId: o.storeId, model: o.model });
    const filters = `f.is_active AND (NOT $5::boolean OR pos.on_hand(f.store_id, f.product_id) > 0)`;
    const run = async (probes: number): Promise<SimilarRow[]> =>
      (
        await db.query<SimilarRow>(
          cells > 0
            ? `SELECT ${PRODUCT_COLUMNS}, n.similarity, ${ON_HAND_SQL} AS on_hand
                 FROM (SELECT v.product_id, 1 - (v.embedding <=> $2::text::vector) AS similarity
                         FROM pos.vector_cells v
                         JOIN retail.products f ON f.store_id = v.store_id AND f.product_id = v.product_id
                        WHERE v.store_id = $1 AND v.model = $3 AND ${filters}
                          AND v.cell IN ${probeCellsSql({ store: '$1', model: '$3', target: '$2::text::vector', probes: '$7' })}
                        ORDER BY v.embedding <=> $2::text::vector, v.product_id
                        LIMIT $6) n
                 JOIN retail.products p ON p.store_id = $1 AND p.product_id = n.product_id
                WHERE n.similarity >= $4
                ORDER BY n.similarity DESC, p.product_id`
            : `SELECT ${PRODUCT_COLUMNS}, n.similarity, ${ON_HAND_SQL} AS on_hand
                 FROM ${hnswSettings(7)} hnsw
                 CROSS JOIN LATERAL (
                       SELECT e.product_id, 1 - (e.embedding::${vec} <=> $2::text::${vec}) AS similarity
                         FROM retail.product_embeddings e
                         JOIN retail.products f ON f.store_id = e.store_id AND f.product_id = e.product_id
                        WHERE e.embedding_model = $3 AND e.store_id = $1 AND hnsw.ready AND ${filters}
                        ORDER BY e.embedding::${vec} <=> $2::text::${vec}
                        LIMIT $6) n
                 JOIN retail.products p ON p.store_id = $1 AND p.product_id = n.product_id
                WHERE n.similarity >= $4
                ORDER BY n.similarity DESC, p.product_id`,
          [
            o.storeId,
            vectorLiteral(o.embedding),
            o.model.id,
            o.similarityThreshold,
            o.inStockOnly,
            o.maxResults,
            ...(cells > 0 ? [probes] : hnswParams()),
          ],
        )
      ).rows;
    let probes: number = CELL_TUNING.probes;
    let rows = await run(probes);
    // Fewer rows than asked, with cells left unread: some may hold nearer rows that pass.
    while (cells > 0 && rows.length < o.maxResults && probes < cells) {
      probes = Math.min(cells, probes * 4);
      rows = await run(probes);
    }
    return rows.map((r) => ({ ...toProductSummary(r), similarity: Number(r.similarity) }));
  } catch (error) {
    throw toPosError(error, 'vector search');
  }
}

// ---------------------------------------------------------------------------------------
// Substitutes for an item (e.g. out of stock)
// ---------------------------------------------------------------------------------------

export const SubstituteOptions = z.object({
  storeId: StoreId,
  productId: Uuid,
  limit: z.number().int().min(1).max(20).default(5),
  /** Only products with stock on hand at this till (default true: what the cashier can sell). */
  inStockOnly: z.boolean().default(true),
});
export type SubstituteOptions = z.input<typeof SubstituteOptions>;

/** How much a same-category match and a price gap move the substitute score. */
export const SUBSTITUTE_TUNING = {
  /** Nearest neighbours considered before the in-stock filter and re-ranking. */
  candidates: 40,
  sameCategoryBonus: 0.15,
  /** Subtracted per unit of |ln(price / source price)|, capped at one unit. */
  pricePenalty: 0.1,
} as const;

export interface Substitute extends ProductSummary {
  /** Final score: similarity + category bonus - price penalty. */
  score: number;
  similarity: number;
  sameCategory: boolean;
  /** Price difference to the original product, in cents (positive = dearer). */
  priceDeltaCents: number;
}

interface SubstituteRow extends ProductRow {
  similarity: number;
  same_category: boolean;
  score: number;
  source_price: string;
}

/**
 * Nearest products to `productId` by embedding (from its stored vector for the model, or
 * computed on the fly from its text when none is stored yet), re-ranked by category and price.
 * Throws NotFoundError when the product does not exist in this store.
 */
export async function substitutes(
  db: Queryable,
  options: SubstituteOptions,
  deps: SearchDeps = {},
): Promise<Substitute[]> {
  const o = parseOptions(SubstituteOptions, options, 'substitute options');
  const model = deps.embedder ?? builtinEmbedder;
  assertModel(model);
  const vec = `vector(${model.dimension})`;
  const source = await db.query<{ has_embedding: boolean; product_name: string }>(
    `SELECT p.product_name, EXISTS (
              SELECT 1 FROM retail.product_embeddings e
               WHERE e.store_id = p.store_id AND e.product_id = p.product_id AND e.embedding_model = $3
            ) AS has_embedding
       FROM retail.products p
      WHERE p.store_id = $1 AND p.product_id = $2`,
    [o.storeId, o.productId, model.id],
  );
  const src = source.rows[0];
  if (!src) throw new NotFoundError(`Product ${o.productId} is not in store ${o.storeId}`);
  // The stored vector is read inside the statement (no 256 floats through JavaScript and back,
  // nothing large for the planner to fold); only a product the refresher has not reached yet
  // is embedded here and passed in.
  let vector: string | null = null;
  if (!src.has_embedding) {
    const [text] = await loadProductTexts(db, o.storeId, [o.productId]);
    const [v] = await model.embed([text?.text ?? src.product_name]);
    if (!v) return [];
    vector = vectorLiteral(v);
  }
  const cells = await vectorCellCount(db, { storeId: o.storeId, model });
  const target = `coalesce($3::text::${vec}, (SELECT s.embedding::${vec} FROM retail.product_embeddings s
                    WHERE s.store_id = $1 AND s.product_id = $2 AND s.embedding_model = $4))`;
  try {
    const { rows } = await db.query<SubstituteRow>(
      `WITH src AS (
         SELECT p.category_id, p.price FROM retail.products p WHERE p.store_id = $1 AND p.product_id = $2
       ),
       near AS (
         ${
           cells > 0
             ? `SELECT v.product_id, 1 - (v.embedding <=> ${target}) AS similarity
                  FROM pos.vector_cells v
                 WHERE v.store_id = $1 AND v.model = $4
                   AND v.cell IN ${probeCellsSql({ store: '$1', model: '$4', target, probes: '$10' })}
                 ORDER BY v.embedding <=> ${target}, v.product_id
                 LIMIT $5`
             : `SELECT n.product_id, n.similarity
                  FROM ${hnswSettings(10)} hnsw
                  CROSS JOIN LATERAL (
                        SELECT e.product_id, 1 - (e.embedding::${vec} <=> ${target}) AS similarity
                          FROM retail.product_embeddings e
                         WHERE e.embedding_model = $4 AND e.store_id = $1 AND hnsw.ready
                         ORDER BY e.embedding::${vec} <=> ${target}
                         LIMIT $5) n`
         }
       ),
       scored AS (
         SELECT ${PRODUCT_COLUMNS}, p.store_id, n.similarity, src.price AS source_price,
                (p.category_id IS NOT DISTINCT FROM src.category_id) AS same_category,
                n.similarity
                  + CASE WHEN p.category_id IS NOT DISTINCT FROM src.category_id THEN $6::float8 ELSE 0 END
                  - $7::float8 * least(1.0, abs(ln(greatest(p.price, 0.01) / greatest(src.price, 0.01))))::float8
                  AS score
           FROM near n
           JOIN retail.products p ON p.store_id = $1 AND p.product_id = n.product_id
           CROSS JOIN src
          WHERE p.is_active AND p.product_id <> $2
          ORDER BY score DESC, p.product_id
         OFFSET 0
       )
       SELECT s.*, oh.on_hand
         FROM scored s
         CROSS JOIN LATERAL (SELECT pos.on_hand(s.store_id, s.product_id) AS on_hand) oh
        WHERE NOT $8::boolean OR oh.on_hand > 0
        LIMIT $9`,
      [
        o.storeId,
        o.productId,
        vector,
        model.id,
        SUBSTITUTE_TUNING.candidates,
        SUBSTITUTE_TUNING.sameCategoryBonus,
        SUBSTITUTE_TUNING.pricePenalty,
        o.inStockOnly,
        o.limit,
        ...(cells > 0 ? [CELL_TUNING.probes] : hnswParams()),
      ],
    );
    return rows.map((r) => {
      const summary = toProductSummary(r);
      const sourceCents = toProductSummary({ ...r, price: r.source_price }).priceCents;
      return {
        ...summary,
        score: Number(r.score),
        similarity: Number(r.similarity),
        sameCategory: r.same_category,
        priceDeltaCents: summary.priceCents - sourceCents,
      };
    });
  } catch (error) {
    throw toPosError(error, 'substitutes');
  }
}
