/**
 * The till API's catalog area (till/api/catalog.ts, till/api/search.ts): scanning a code,
 * searching the store's products, substitutes for an item, and the product rows they answer.
 */
import { z } from 'zod';
import { Uuid } from '../../core/ids';
import type { Cents } from '../../core/money';

export const CatalogInput = {
  scan: z.object({ code: z.string().max(10_000) }),
  search: z.object({
    query: z.string().max(10_000),
    limit: z.number().int().min(1).max(50).default(12),
    inStockOnly: z.boolean().default(false),
  }),
  substitutes: z.object({ productId: Uuid, limit: z.number().int().min(1).max(20).default(6) }),
} as const;

export interface ProductSummary {
  productId: string;
  sku: string;
  barcode: string | null;
  productName: string;
  brand: string | null;
  categoryId: number | null;
  priceCents: Cents;
  isActive: boolean;
  onHand: number;
}

export interface SearchHit extends ProductSummary {
  /** How a code matched ("barcode", "SKU", "barcode, one digit differs"), or "similar"; else empty. */
  matchedBy: string[];
}

/** A category offered when nothing matched ("Furniture" under "Home & Garden"). */
export interface CategorySuggestion {
  categoryId: number;
  name: string;
  parentName: string | null;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  hasMore: boolean;
  /** Set when the configured embedding model failed and the built-in one answered. */
  degraded: string | null;
  /** Set when nothing matched: the store does not seem to sell it; the closest categories. */
  noMatch: { suggestions: CategorySuggestion[] } | null;
}
