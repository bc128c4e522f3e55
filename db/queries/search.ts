/**
 * Product search at the till: the one module the UI calls for "find a product".
 *
 * searchProducts  exact barcode/SKU first, then reciprocal rank fusion (RRF) of three ranked
 *                 lists: full-text (search_document), trigram word similarity on name+brand
 *                 (pg_trgm) and vector similarity (one embedding model only). Active products
 *                 of the given store only; optional in-stock filter; paging; every hit says
 *                 which signals found it, at which rank and with which score.
 * searchByVector  the seed's search_products_by_similarity contract (a vector in, products with
 *                 cosine similarity >= threshold out, at most max_results), minus its flaws:
 *                 no SECURITY DEFINER, no client-set tenant key: the store is an explicit
 *                 parameter (the till's own store), the vector's dimension is checked.
 * substitutes     nearest in-stock products of this store to a given product, preferring the
 *                 same category and a close price.
 *
 * Bad input never reaches the database as an error: a query longer than MAX_QUERY_CHARS or a
 * vector of the wrong dimension is a ValidationError; an empty, symbol-only or emoji query is
 * an empty result; user text is only ever a bind parameter (see search/query-text.ts).
 * Each signal's candidate list is capped, so a one-letter prefix costs the same as a full name.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError, toPosError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable } from '../queryable';
import { StoreId, Uuid } from '../../contract/mutations';
import { builtinEmbedder, isZeroVector } from '../search/embedding/builtin';
import {
  assertModel,
  EmbeddingProviderError,
  vectorLiteral,
  type Embedder,
} from '../search/embedding/types';
import { loadProductTexts } from '../search/embeddings';
import { prepareQuery } from '../search/query-text';
import { ON_HAND_SQL, PRODUCT_COLUMNS, toProductSummary } from './catalog';
import type { ProductSummary } from '../../contract/till-api';

export const SIGNALS = ['code', 'fts', 'trigram', 'vector'] as const;
export type Signal = (typeof SIGNALS)[number];

/** Tuning constants (see docs/search.md for how they were chosen). */
export const SEARCH_TUNING = {
  /** RRF constant: score = sum over signals of weight / (k + rank). 60 is the usual default. */
  rrfK: 60,
  /**
   * Signal weights in the fusion. Vector evidence counts half: on 50,000-product development
   * catalogs the HNSW list is approximate (vector recall@10 0.77 against 0.95 for an exact
   * scan) and at full weight its near misses pushed text matches off the first page (hybrid
   * recall@10 0.88/0.91 at weight 1, 0.93/0.95 at any weight from 0.3 to 0.7).
   */
  weights: { code: 1, fts: 1, trigram: 1, vector: 0.5 } as Record<Signal, number>,
  /** Depth of each ranked list fed into the fusion. */
  listDepth: 40,
  /** Deepest list when paging far (vectors also stop at hnswEfSearch). */
  maxDepth: 200,
  /**
   * HNSW candidate list width per vector query (pgvector default 40). Vector recall@10 alone on
   * the 5,000-product development catalog: 0.85 at 40, 0.90 at 100, 0.93 at 200; the hybrid
   * result is the same at 40, 100 and 200 on the 50,000-product ones, so 100 keeps it cheap.
   */
  hnswEfSearch: 100,
  /** Rows a text signal may rank before fusion: bounds the cost of broad prefixes ("ni"). */
  textCandidates: 300,
  trigramCandidates: 100,
  /** Default vector similarity threshold per model; others use `defaultMinSimilarity`. */
  minSimilarity: { [builtinEmbedder.id]: 0.2 } as Record<string, number>,
  defaultMinSimilarity: 0.3,
} as const;

const Limit = z.number().int().min(1).max(100);
const Offset = z.number().int().min(0).max(1_000);
const Similarity = z.number().min(-1).max(1);

export const SearchOptions = z.object({
  storeId: StoreId,
  query: z.string(),
  /** Max results per page (the seed's max_results). */
  limit: Limit.default(20),
  offset: Offset.default(0),
  inStockOnly: z.boolean().default(false),
  /** Vector hits below this cosine similarity are ignored (the seed's similarity_threshold). */
  minSimilarity: Similarity.optional(),
  /** Which signals to use (all by default); the evaluation runs them one at a time. */
  signals: z.array(z.enum(SIGNALS)).min(1).optional(),
});
export type SearchOptions = z.input<typeof SearchOptions>;

export interface SearchDeps {
  /** The embedding model for the vector signal; defaults to the built-in model. */
  embedder?: Embedder;
  logger?: Logger;
}

export interface SignalMatch {
  /** 1-based rank within that signal's list. */
  rank: number;
  /** fts: ts_rank_cd; trigram: word similarity 0..1; vector: cosine similarity; code: 1. */
  score: number;
}

export interface SearchHit extends ProductSummary {
  /** Fused score (RRF; an exact code match adds 1 so it always comes first). */
  score: number;
  matchedBy: Signal[];
  why: Partial<Record<Signal, SignalMatch>> & { codeField?: 'barcode' | 'sku' };
}

export interface SearchResult {
  hits: SearchHit[];
  /** True when another page exists after this one. */
  hasMore: boolean;
  /** The query as searched (cleaned). */
  query: string;
  /** The embedding model whose vectors were compared, or null when the vector signal was off. */
  vectorModel: string | null;
  /** Set when the configured model failed and the built-in model answered instead. */
  degraded?: { kind: string; message: string };
}

type ProductRow = Parameters<typeof toProductSummary>[0];

/** Options come from the UI over IPC: invalid ones are a ValidationError, never a crash. */
function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw toPosError(parsed.error, what);
  return parsed.data;
}

/** One signal's ranked list: product ids best first, with that signal's own score. */
interface Ranked {
  productId: string;
  score: number;
  how?: 'barcode' | 'sku';
}

function similarityFloor(model: string, override: number | undefined): number {
  return override ?? SEARCH_TUNING.minSimilarity[model] ?? SEARCH_TUNING.defaultMinSimilarity;
}

/**
 * Embed the query with the configured model; if that provider fails, answer with the built-in
 * model instead and say so. Vectors are always compared within one model (the one returned).
 */
async function embedQuery(
  embedder: Embedder,
  text: string,
  logger: Logger,
): Promise<{
  model: Embedder;
  vector: ArrayLike<number>;
  degraded?: { kind: string; message: string };
}> {
  try {
    const [vector] = await embedder.embed([text]);
    if (!vector || vector.length !== embedder.dimension) {
      throw new ValidationError(`${embedder.id} returned a vector of the wrong dimension`);
    }
    return { model: embedder, vector };
  } catch (error) {
    if (embedder.id === builtinEmbedder.id) throw error;
    const e = toPosError(error, `embed query with ${embedder.id}`);
    logger.warn(
      {
        model: embedder.id,
        error: e.message,
        reason: error instanceof EmbeddingProviderError ? error.reason : e.kind,
      },
      'query embedding failed; using the built-in model',
    );
    return {
      model: builtinEmbedder,
      vector: builtinEmbedder.embedSync(text),
      degraded: { kind: e.kind, message: e.message },
    };
  }
}

const NAME_BRAND = `(p.product_name || ' ' || coalesce(p.brand, ''))`;

// Each signal is its own small statement: small statements plan in well under a millisecond
// and get the plan they need; one big CTE statement took 3-25 ms just to plan.

async function codeList(db: Queryable, storeId: string, code: string): Promise<Ranked[]> {
  const { rows } = await db.query<{ product_id: string; how: 'barcode' | 'sku' }>(
    `SELECT p.product_id, CASE WHEN p.barcode = $2 THEN 'barcode' ELSE 'sku' END AS how
       FROM retail.products p
      WHERE p.store_id = $1 AND p.is_active AND (p.barcode = $2 OR upper(p.sku) = upper($2))
      ORDER BY (p.barcode = $2) DESC, p.product_id
      LIMIT 5`,
    [storeId, code],
  );
  return rows.map((r) => ({ productId: r.product_id, score: 1, how: r.how }));
}

/** Full-text: match (capped), then rank the matches by ts_rank_cd. */
async function ftsList(
  db: Queryable,
  storeId: string,
  tsquery: string,
  depth: number,
): Promise<Ranked[]> {
  const { rows } = await db.query<{ product_id: string; score: number }>(
    `SELECT c.product_id, c.score
       FROM (SELECT p.product_id, ts_rank_cd(p.search_document, q) AS score
               FROM retail.products p, to_tsquery('english', $2) q
              WHERE p.store_id = $1 AND p.is_active AND p.search_document @@ q
              LIMIT $4) c
      ORDER BY c.score DESC, c.product_id
      LIMIT $3`,
    [storeId, tsquery, depth, SEARCH_TUNING.textCandidates],
  );
  return rows.map((r) => ({ productId: r.product_id, score: Number(r.score) }));
}

/** Trigram word similarity on name + brand (the expression of index products_name_trgm). */
async function trigramList(
  db: Queryable,
  storeId: string,
  text: string,
  depth: number,
): Promise<Ranked[]> {
  // `<%` uses pg_trgm.word_similarity_threshold (default 0.6). A lower threshold (0.5) found a
  // few more typos but let the GIN index pass many more candidates (18 ms instead of 1 ms for
  // "cordelss" on 50,000 products), so the default stays.
  const { rows } = await db.query<{ product_id: string; score: number }>(
    `SELECT c.product_id, c.score
       FROM (SELECT p.product_id, word_similarity($2, ${NAME_BRAND}) AS score
               FROM retail.products p
              WHERE p.store_id = $1 AND p.is_active AND $2 <% ${NAME_BRAND}
              LIMIT $4) c
      ORDER BY c.score DESC, c.product_id
      LIMIT $3`,
    [storeId, text, depth, SEARCH_TUNING.trigramCandidates],
  );
  return rows.map((r) => ({ productId: r.product_id, score: Number(r.score) }));
}

/**
 * HNSW search width for this statement only. pgvector reads hnsw.ef_search when the index scan
 * starts; the LATERAL subquery that holds the scan references this row, so it runs after
 * set_config, and is_local=true ends the setting with the statement's transaction (see
 * SEARCH_TUNING.hnswEfSearch for the width chosen).
 */
const hnswSession = (param: number): string =>
  `(SELECT set_config('hnsw.ef_search', $${param}::text, true) IS NOT NULL AS ready)`;

/**
 * Nearest vectors of ONE model through its partial HNSW index (same cast, same predicate),
 * at least `floor` cosine similarity.
 */
async function vectorList(
  db: Queryable,
  options: {
    storeId: string;
    model: Pick<Embedder, 'id' | 'dimension'>;
    vector: string;
    depth: number;
    floor: number;
  },
): Promise<Ranked[]> {
  const vec = `vector(${options.model.dimension})`;
  const { rows } = await db.query<{ product_id: string; score: number }>(
    `SELECT n.product_id, n.score
       FROM ${hnswSession(6)} hnsw
       CROSS JOIN LATERAL (
             SELECT e.product_id, 1 - (e.embedding::${vec} <=> $2::text::${vec}) AS score
               FROM retail.product_embeddings e
              WHERE e.embedding_model = $3 AND e.store_id = $1 AND hnsw.ready
              ORDER BY e.embedding::${vec} <=> $2::text::${vec}
              LIMIT $4) n
      WHERE n.score >= $5`,
    [
      options.storeId,
      options.vector,
      options.model.id,
      options.depth,
      options.floor,
      SEARCH_TUNING.hnswEfSearch,
    ],
  );
  return rows.map((r) => ({ productId: r.product_id, score: Number(r.score) }));
}

interface Fused {
  productId: string;
  score: number;
  why: SearchHit['why'];
  matchedBy: Signal[];
}

/**
 * Weighted reciprocal rank fusion; an exact code match adds 1 (more than any fused score can
 * reach, so it is always first).
 */
export function fuseRankings(
  lists: Partial<Record<Signal, readonly Ranked[]>>,
  k: number = SEARCH_TUNING.rrfK,
  weights: Record<Signal, number> = SEARCH_TUNING.weights,
): Fused[] {
  const fused = new Map<string, Fused>();
  for (const signal of SIGNALS) {
    const list = lists[signal] ?? [];
    list.forEach((item, index) => {
      const rank = index + 1;
      const entry = fused.get(item.productId) ?? {
        productId: item.productId,
        score: 0,
        why: {},
        matchedBy: [],
      };
      entry.score += signal === 'code' ? 1 : weights[signal] / (k + rank);
      entry.why[signal] = { rank, score: item.score };
      if (item.how) entry.why.codeField = item.how;
      entry.matchedBy.push(signal);
      fused.set(item.productId, entry);
    });
  }
  return [...fused.values()].sort(
    (a, b) =>
      b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0),
  );
}

/** Product rows (active, this store) with on-hand, in the order of `ids`. */
async function hydrate(
  db: Queryable,
  storeId: string,
  ids: readonly string[],
): Promise<Map<string, ProductSummary>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS}, ${ON_HAND_SQL} AS on_hand
       FROM retail.products p
      WHERE p.store_id = $1 AND p.product_id = ANY($2::uuid[]) AND p.is_active`,
    [storeId, ids],
  );
  return new Map(rows.map((r) => [r.product_id, toProductSummary(r)]));
}

/**
 * Search this store's active products. See the module comment for the contract.
 * Throws ValidationError for invalid options or a query longer than MAX_QUERY_CHARS.
 */
export async function searchProducts(
  db: Queryable,
  options: SearchOptions,
  deps: SearchDeps = {},
): Promise<SearchResult> {
  const o = parseOptions(SearchOptions, options, 'search options');
  const q = prepareQuery(o.query);
  const logger = deps.logger ?? silentLogger;
  const on = new Set<Signal>(o.signals ?? SIGNALS);
  const result: SearchResult = { hits: [], hasMore: false, query: q.text, vectorModel: null };
  if (q.text === '') return result;
  const depth = Math.min(
    SEARCH_TUNING.maxDepth,
    Math.max(SEARCH_TUNING.listDepth, o.offset + o.limit + 1),
  );
  try {
    const lists: Partial<Record<Signal, Ranked[]>> = {};
    if (on.has('code') && q.code !== null) lists.code = await codeList(db, o.storeId, q.code);
    if (on.has('fts') && q.ftsAll !== null)
      lists.fts = await ftsList(db, o.storeId, q.ftsAll, depth);
    // Fuzzy matching is the fallback for words the full-text index does not know (typos,
    // words cut short beyond their stem): it runs only when full-text found nothing. On the
    // development catalogs that was as good as running it always (hybrid recall@10 0.929 and
    // 0.955 against 0.923 and 0.950) at a fraction of the cost: it is the slowest signal.
    const ftsFound = on.has('fts') && (lists.fts?.length ?? 0) > 0;
    if (on.has('trigram') && q.trigram !== null && !ftsFound) {
      lists.trigram = await trigramList(db, o.storeId, q.trigram, depth);
    }
    if (on.has('vector') && q.semantic !== null) {
      const model = deps.embedder ?? builtinEmbedder;
      assertModel(model);
      const embedded = await embedQuery(model, q.semantic, logger);
      if (embedded.degraded) result.degraded = embedded.degraded;
      if (!isZeroVector(embedded.vector)) {
        lists.vector = await vectorList(db, {
          storeId: o.storeId,
          model: embedded.model,
          vector: vectorLiteral(embedded.vector),
          depth,
          floor: similarityFloor(embedded.model.id, o.minSimilarity),
        });
        result.vectorModel = embedded.model.id;
      }
    }

    const fused = fuseRankings(lists);
    // Hydrate in fused order until the page (+1 to know whether more exist) is full; inactive
    // products were already excluded from the text lists, vector hits are checked here.
    const wanted = o.offset + o.limit + 1;
    const kept: Array<{ f: Fused; p: ProductSummary }> = [];
    for (let from = 0; from < fused.length && kept.length < wanted;) {
      const chunk = fused.slice(
        from,
        from + (o.inStockOnly ? 4 * (wanted - kept.length) : wanted - kept.length + 4),
      );
      from += chunk.length;
      const rows = await hydrate(
        db,
        o.storeId,
        chunk.map((f) => f.productId),
      );
      for (const f of chunk) {
        const p = rows.get(f.productId);
        if (p && (!o.inStockOnly || p.onHand > 0)) kept.push({ f, p });
      }
    }
    const page = kept.slice(o.offset, o.offset + o.limit);
    result.hits = page.map(({ f, p }) => ({
      ...p,
      score: f.score,
      matchedBy: f.matchedBy,
      why: f.why,
    }));
    result.hasMore = kept.length > o.offset + o.limit;
    return result;
  } catch (error) {
    throw toPosError(error, 'product search');
  }
}

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
    const { rows } = await db.query<SimilarRow>(
      `SELECT ${PRODUCT_COLUMNS}, n.similarity, ${ON_HAND_SQL} AS on_hand
         FROM ${hnswSession(8)} hnsw
         CROSS JOIN LATERAL (
               SELECT e.product_id, 1 - (e.embedding::${vec} <=> $2::text::${vec}) AS similarity
                 FROM retail.product_embeddings e
                WHERE e.embedding_model = $3 AND e.store_id = $1 AND hnsw.ready
                ORDER BY e.embedding::${vec} <=> $2::text::${vec}
                LIMIT $6) n
         JOIN retail.products p ON p.store_id = $1 AND p.product_id = n.product_id
        WHERE p.is_active AND n.similarity >= $4
          AND (NOT $5::boolean OR ${ON_HAND_SQL} > 0)
        ORDER BY n.similarity DESC, p.product_id
        LIMIT $7`,
      [
        o.storeId,
        vectorLiteral(o.embedding),
        o.model.id,
        o.similarityThreshold,
        o.inStockOnly,
        Math.max(SEARCH_TUNING.listDepth, 2 * o.maxResults),
        o.maxResults,
        SEARCH_TUNING.hnswEfSearch,
      ],
    );
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
  const target = `coalesce($3::text::${vec}, (SELECT s.embedding::${vec} FROM retail.product_embeddings s
                    WHERE s.store_id = $1 AND s.product_id = $2 AND s.embedding_model = $4))`;
  try {
    const { rows } = await db.query<SubstituteRow>(
      `WITH src AS (
         SELECT p.category_id, p.price FROM retail.products p WHERE p.store_id = $1 AND p.product_id = $2
       ),
       near AS (
         SELECT n.product_id, n.similarity
           FROM ${hnswSession(10)} hnsw
           CROSS JOIN LATERAL (
                 SELECT e.product_id, 1 - (e.embedding::${vec} <=> ${target}) AS similarity
                   FROM retail.product_embeddings e
                  WHERE e.embedding_model = $4 AND e.store_id = $1 AND hnsw.ready
                  ORDER BY e.embedding::${vec} <=> ${target}
                  LIMIT $5) n
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
        SEARCH_TUNING.hnswEfSearch,
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
