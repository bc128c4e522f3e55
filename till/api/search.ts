/**
 * Product search for the checkout screen, over the till's hybrid search (codes, then a
 * fusion of full-text, trigram and vector similarity) and its in-stock substitutes. This module
 * only adapts the query module's answer to what the screen shows: a code match in the
 * cashier's words, and an honest "no match" with the closest categories. Which internal signal
 * found a product is not shown: it means nothing at the counter.
 */
import type { TillContext } from '../../db/checkout/context';
import { searchProducts, type SearchHit as DbHit } from '../../db/queries/search';
import { substitutes as nearestSubstitutes } from '../../db/queries/similar';
import { withPricesAt } from '../../db/queries/scheduled-prices';
import type { ProductSummary, SearchHit, SearchResult } from '../../contract/till-api/catalog';

/** The longest query sent to the database; the screen's field holds no more either. */
export const MAX_QUERY = 200;

function reasons(hit: DbHit): string[] {
  switch (hit.why.codeField) {
    case 'barcode':
      return ['barcode'];
    case 'barcode_corrected':
      return ['barcode, one digit differs'];
    case 'sku':
    case 'sku_key':
    case 'sku_prefix':
      return ['SKU'];
    default:
      return [];
  }
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
  // Prices now by the till's clock: a scheduled price in force wins (offline too).
  const hits = await withPricesAt(
    till.db,
    { storeId: till.identity.storeId, at: till.clock.now() },
    result.hits.map((hit) => ({ ...summary(hit), matchedBy: reasons(hit) })),
  );
  return {
    query: input.query,
    hits,
    hasMore: result.hasMore,
    degraded: result.degraded ? result.degraded.message : null,
    noMatch: result.noMatch ?? null,
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
  return withPricesAt(
    till.db,
    { storeId: till.identity.storeId, at: till.clock.now() },
    found.map((s) => ({
      ...summary(s),
      matchedBy: [s.sameCategory ? 'similar, same category' : 'similar'],
    })),
  );
}

export const productSearch = { search, substitutes };
