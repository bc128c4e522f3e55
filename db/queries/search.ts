/**
 * Product search at the till: the one module the UI calls for "find a product".
 *
 * searchProducts  codes first (exact barcode/SKU, then SKU without dashes, SKU prefix, a
 *                 barcode one digit away), then weighted reciprocal rank fusion (RRF) of
 *                 full-text (db/search/text-search.ts: the cashier's words spell-checked
 *                 against the catalog, whole words before prefixes, category, tags and word
 *                 meanings in the document), trigram similarity on name+brand and vector
 *                 similarity (one embedding model). Active products of the given store only;
 *                 optional in-stock filter; paging; every hit says which signals found it.
 *                 When nothing is close enough it says so (`noMatch`) and offers the closest
 *                 categories instead of confident-looking junk.
 * Products near a vector or near a product (searchByVector, substitutes): ./similar.ts.
 *
 * Bad input never reaches the database as an error: a query longer than MAX_QUERY_CHARS or a
 * vector of the wrong dimension is a ValidationError; an empty, symbol-only or emoji query is
 * an empty result; user text is only ever a bind parameter (see search/query-text.ts).
 * Each signal's candidate list is capped, so a one-letter prefix costs the same as a full name.
 */
import { z } from 'zod';
import { ValidationError, toPosError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable } from '../queryable';
import { StoreId } from '../../contract/mutations';
import { CODE_SCORE, codeList } from '../search/code-search';
import { builtinEmbedder, isZeroVector } from '../search/embedding/builtin';
import {
  assertModel,
  EmbeddingProviderError,
  vectorLiteral,
  type Embedder,
} from '../search/embedding/types';
import {
  fuseRankings as fuse,
  SIGNALS,
  type Fused,
  type Ranked,
  type Signal,
  type Why,
} from '../search/fusion';
import { closestCategories, type CategorySuggestion } from '../search/no-match';
import { prepareQuery } from '../search/query-text';
import { categoryIntent, categoryList } from '../search/category-intent';
import { ftsList, relaxedList } from '../search/fts';
import { productRows } from '../search/hydrate';
import { analyzeWords, planTiers, planWords } from '../search/text-search';
import { trigramList } from '../search/trigram';
import { nearestVectors } from '../search/vector-search';
import type { ProductSummary } from '../../contract/till-api/catalog';

export { SIGNALS, type Signal, type SignalMatch } from '../search/fusion';
export type { CategorySuggestion } from '../search/no-match';

/** Tuning constants (see docs/search.md for how they were chosen). */
export const SEARCH_TUNING = {
  /** RRF constant: score = sum over signals of weight / (k + rank). 60 is the usual default. */
  rrfK: 60,
  /**
   * Signal weights in the fusion. Full-text ranks by tiers (whole words in the name fields
   * first), so its list leads: a product only trigram and vector found scores at most
   * 0.6 / 61 ≈ 0.0098, below any full-text match (at least 1 / 100 at depth 40). They reorder
   * the word matches and add what the words miss. (Development seeds, hybrid recall@10: 0.977
   * at 0.5/0.5, 0.978 at 0.3/0.3; 0.5 let near-identical names outrank the exact one.)
   */
  weights: { code: 1, fts: 1, trigram: 0.3, vector: 0.3 } as Record<Signal, number>,
  /**
   * From this many words, trigram runs only when full-text found nothing: there it only
   * reordered the word matches, at 8-18 ms CPU for a 30-50 character name on 50,000 products
   * (the keystroke p95 tail). Bench figures before/after in docs/search.md.
   */
  trigramWords: 3,
  /** Depth of each ranked list fed into the fusion. */
  listDepth: 40,
  /** Deepest list when paging far. */
  maxDepth: 200,
  /** Default vector similarity threshold per model; others use `defaultMinSimilarity`. */
  minSimilarity: { [builtinEmbedder.id]: 0.2 } as Record<string, number>,
  defaultMinSimilarity: 0.3,
  /**
   * With no code or word match, vector neighbours are shown only from this cosine similarity
   * (per model; others use `defaultVectorAlone`): below it, "pizza" or "dog food" got
   * confident-looking hits that share a few letters with a product.
   */
  vectorAlone: { [builtinEmbedder.id]: 0.45 } as Record<string, number>,
  defaultVectorAlone: 0.6,
  /** Categories offered when nothing matches. */
  suggestions: 3,
} as const;

/** Option bounds shared with similar.ts. */
export const Limit = z.number().int().min(1).max(100);
const Offset = z.number().int().min(0).max(1_000);
export const Similarity = z.number().min(-1).max(1);

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

export interface SearchHit extends ProductSummary {
  /** Fused score (RRF; a code match adds 0.5-1 so codes always come first). */
  score: number;
  matchedBy: Signal[];
  why: Why;
}

export interface SearchResult {
  hits: SearchHit[];
  /** True when another page exists after this one. */
  hasMore: boolean;
  /** The query as searched (cleaned). */
  query: string;
  /**
   * The embedding model whose vectors were compared, or null when the vector signal was off
   * or not needed (the words already filled the page).
   */
  vectorModel: string | null;
  /** Set when the configured model failed and the built-in model answered instead. */
  degraded?: { kind: string; message: string };
  /** Words the catalog does not know, read as the catalog words they are closest to. */
  corrections?: Array<{ word: string; readAs: string[] }>;
  /**
   * Set when nothing is close enough to show (the store does not seem to sell it): the
   * categories nearest to what was asked, to offer instead.
   */
  noMatch?: { suggestions: CategorySuggestion[] };
}

/** Options come from the UI over IPC: invalid ones are a ValidationError, never a crash. */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw toPosError(parsed.error, what);
  return parsed.data;
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

/**
 * Weighted reciprocal rank fusion with the till's constants; a code match adds its lift
 * (more than any fused score can reach, so codes are always first).
 */
export function fuseRankings(
  lists: Partial<Record<Signal, readonly Ranked[]>>,
  k: number = SEARCH_TUNING.rrfK,
  weights: Record<Signal, number> = SEARCH_TUNING.weights,
): Fused[] {
  return fuse(lists, k, weights);
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
    if (on.has('code')) {
      const codes = await codeList(db, { storeId: o.storeId, text: q.text, limit: depth });
      lists.code = codes.map((c) => ({
        productId: c.productId,
        score: CODE_SCORE[c.how],
        how: c.how,
      }));
    }
    if (on.has('fts') && q.words.length > 0) {
      const { words: analysis, categories } = await analyzeWords(db, {
        storeId: o.storeId,
        words: q.words,
        typing: q.typing,
      });
      const plan = planWords(analysis, q.typing);
      const corrected = plan.groups.filter((g) => g.corrected);
      if (corrected.length > 0)
        result.corrections = corrected.map((g) => ({ word: g.word, readAs: g.corrected ?? [] }));
      // A query that names a category ("furniture", "toys and games") ranks that category's
      // products first; then the words, tier by tier; then, if no product holds every word,
      // the products holding the most of them.
      const named = categoryIntent(plan, categories);
      const byCategory = await categoryList(db, { storeId: o.storeId, categoryIds: named, depth });
      const byWords =
        byCategory.length >= depth
          ? []
          : await ftsList(db, { storeId: o.storeId, tiers: planTiers(plan), depth });
      lists.fts = [
        ...byCategory,
        ...byWords.filter((w) => !byCategory.some((c) => c.productId === w.productId)),
      ].slice(0, depth);
      if (lists.fts.length === 0)
        lists.fts = await relaxedList(db, { storeId: o.storeId, plan, depth });
    }
    // Trigram runs alongside full-text (not as its fallback): it catches words cut short or
    // misspelt beyond what the spelling correction reads, and ranks names that share letters.
    // From SEARCH_TUNING.trigramWords words on, once full-text found products holding them,
    // it would only reorder those and is the costliest statement of a keystroke.
    const wordsMatched = on.has('fts') && (lists.fts?.length ?? 0) > 0;
    if (
      on.has('trigram') &&
      q.trigram !== null &&
      !(wordsMatched && q.words.length >= SEARCH_TUNING.trigramWords)
    ) {
      lists.trigram = await trigramList(db, { storeId: o.storeId, text: q.trigram, depth });
    }
    let nearby: Ranked[] = [];
    let aloneFloor: number = SEARCH_TUNING.defaultVectorAlone;
    // Meaning joins when the words found less than the page: with a page of word matches a
    // vector neighbour could only reorder them (its weight never lifts it above one), and
    // on the development catalog the hybrid scored the same without it (0.974 / 0.975).
    const wanted = o.offset + o.limit + 1;
    const wordsFilled =
      on.has('fts') && (lists.code?.length ?? 0) + (lists.fts?.length ?? 0) >= wanted;
    if (on.has('vector') && q.semantic !== null && !wordsFilled) {
      const model = deps.embedder ?? builtinEmbedder;
      assertModel(model);
      const embedded = await embedQuery(model, q.semantic, logger);
      if (embedded.degraded) result.degraded = embedded.degraded;
      if (!isZeroVector(embedded.vector)) {
        nearby = await nearestVectors(db, {
          storeId: o.storeId,
          model: embedded.model,
          vector: vectorLiteral(embedded.vector),
          depth,
          floor: similarityFloor(embedded.model.id, o.minSimilarity),
        });
        lists.vector = nearby;
        aloneFloor =
          SEARCH_TUNING.vectorAlone[embedded.model.id] ?? SEARCH_TUNING.defaultVectorAlone;
        result.vectorModel = embedded.model.id;
      }
    }
    // An honest "no match": meaning alone must be strong to be shown. With no code or word
    // match, weak vector neighbours are what made "pizza" return hoodies.
    const wordsFound =
      (lists.code?.length ?? 0) + (lists.fts?.length ?? 0) + (lists.trigram?.length ?? 0) > 0;
    if (!wordsFound && lists.vector && (o.signals === undefined || o.signals.length > 1)) {
      lists.vector = lists.vector.filter((v) => v.score >= aloneFloor);
    }

    const fused = fuseRankings(lists);
    // Hydrate in fused order until the page (+1 to know whether more exist) is full; inactive
    // products were already excluded from the text lists, vector hits are checked here.
    const kept: Array<{ f: Fused; p: ProductSummary }> = [];
    for (let from = 0; from < fused.length && kept.length < wanted;) {
      const chunk = fused.slice(
        from,
        from + (o.inStockOnly ? 4 * (wanted - kept.length) : wanted - kept.length + 4),
      );
      from += chunk.length;
      const rows = await productRows(
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
    if (kept.length === 0 && o.offset === 0 && /\p{L}/u.test(q.text)) {
      result.noMatch = {
        suggestions: await closestCategories(db, {
          storeId: o.storeId,
          productIds: nearby.map((n) => n.productId),
          limit: SEARCH_TUNING.suggestions,
        }),
      };
    }
    return result;
  } catch (error) {
    throw toPosError(error, 'product search');
  }
}
