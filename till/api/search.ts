/**
 * Product search for the checkout screen, over the till's hybrid search (exact code, then a
 * fusion of full-text, trigram and vector similarity) and its in-stock substitutes. This module
 * only adapts the query module's answer to what the screen shows: why each hit matched, in
 * the cashier's words.
 */
import type { TillContext } from '../../db/checkout/context';
import {
  searchProducts,
  substitutes as nearestSubstitutes,
  type SearchHit as DbHit,
} from '../../db/queries/search';
import type { ProductSummary, SearchHit, SearchResult } from '../../contract/till-api';

/** The longest query sent to the database; the screen's field holds no more either. */
export const MAX_QUERY = 200;

function reasons(hit: DbHit): string[] {
  return hit.matchedBy.map((signal) => {
    switch (signal) {
      case 'code':
        return hit.why.codeField === 'barcode' ? 'barcode' : 'SKU';
      case 'fts':
        return 'words';
      case 'trigram':
        return 'spelling';
      case 'vector':
        return 'meaning';
    }
  });
}

function summary(p: ProductSummary): ProductSummary {
  return {
    productId: p.productId,
    sku: p.sku,
    barcode: p.barcode,
    productName: p.productName,
    brand: p.brand,
    categoryId: p.categoryId,
    priceCents: p.priceCents,
    isActive: p.isActive,
    onHand: p.onHand,
  };
}

async function search(
  till: TillContext,
  input: { query: string; limit: number; inStockOnly: boolean },
): Promise<SearchResult> {
  // Over-long input is cut here rather than refused: the cashier sees results for what fits.
  const query = input.query.slice(0, MAX_QUERY);
  const result = await searchProducts(
    till.db,
    { storeId: till.identity.storeId, query, limit: input.limit, inStockOnly: input.inStockOnly },
    { logger: till.logger },
  );
  return {
    query: input.query,
    hits: result.hits.map((hit) => ({ ...summary(hit), matchedBy: reasons(hit) })),
    hasMore: result.hasMore,
    degraded: result.degraded ? result.degraded.message : null,
  };
}

async function substitutes(
  till: TillContext,
  input: { productId: string; limit: number },
): Promise<SearchHit[]> {
  const found = await nearestSubstitutes(
    till.db,
    {
      storeId: till.identity.storeId,
      productId: input.productId,
      limit: input.limit,
      inStockOnly: true,
    },
    { logger: till.logger },
  );
  return found.map((s) => ({
    ...summary(s),
    matchedBy: [s.sameCategory ? 'similar, same category' : 'similar'],
  }));
}

export const productSearch = { search, substitutes };
