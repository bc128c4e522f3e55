/**
 * Catalog reads for checkout: exact code lookup (scanner), category browsing and plain
 * full-text search. The hybrid (full-text + trigram + vector) search lives in queries/search.ts.
 */
import { ValidationError } from '../errors';
import { centsFromNumeric } from '../../core/money';
import type { Queryable } from '../queryable';
import type { ProductSummary } from '../../contract/till-api/catalog';

interface ProductRow {
  product_id: string;
  sku: string;
  barcode: string | null;
  product_name: string;
  brand: string | null;
  category_id: number | null;
  price: string;
  is_active: boolean;
  on_hand: number | null;
}

export const PRODUCT_COLUMNS = `p.product_id, p.sku, p.barcode, p.product_name, p.brand, p.category_id, p.price, p.is_active`;

/** On-hand for one product as the till sees it (HQ level + unacknowledged local movements). */
export const ON_HAND_SQL = `pos.on_hand(p.store_id, p.product_id)`;

export function toProductSummary(row: ProductRow): ProductSummary {
  return {
    productId: row.product_id,
    sku: row.sku,
    barcode: row.barcode,
    productName: row.product_name,
    brand: row.brand,
    categoryId: row.category_id,
    priceCents: centsFromNumeric(row.price),
    isActive: row.is_active,
    onHand: Number(row.on_hand ?? 0),
  };
}

const CODE = /^[0-9A-Za-z._-]{1,64}$/;

/** Scanner path: an exact barcode, else an exact SKU (case-insensitive). Active products only. */
export async function lookupByCode(
  db: Queryable,
  storeId: string,
  code: string,
): Promise<ProductSummary | undefined> {
  const trimmed = code.trim();
  if (!CODE.test(trimmed)) return undefined;
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS}, ${ON_HAND_SQL} AS on_hand
       FROM retail.products p
      WHERE p.store_id = $1 AND p.is_active AND (p.barcode = $2 OR p.sku = $2 OR upper(p.sku) = upper($2))
      ORDER BY (p.barcode = $2) DESC, (p.sku = $2) DESC
      LIMIT 1`,
    [storeId, trimmed],
  );
  return rows[0] ? toProductSummary(rows[0]) : undefined;
}

export async function getProductsByIds(
  db: Queryable,
  storeId: string,
  ids: readonly string[],
): Promise<ProductSummary[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS}, ${ON_HAND_SQL} AS on_hand
       FROM retail.products p WHERE p.store_id = $1 AND p.product_id = ANY($2::uuid[])`,
    [storeId, ids],
  );
  return rows.map(toProductSummary);
}

export interface Page {
  limit?: number;
  offset?: number;
}

function page(p: Page): { limit: number; offset: number } {
  const limit = p.limit ?? 50;
  const offset = p.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new ValidationError('limit must be 1..500');
  if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be >= 0');
  return { limit, offset };
}

export async function listByCategory(
  db: Queryable,
  options: { storeId: string; categoryId: number } & Page,
): Promise<ProductSummary[]> {
  const { limit, offset } = page(options);
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS}, ${ON_HAND_SQL} AS on_hand
       FROM retail.products p
      WHERE p.store_id = $1 AND p.category_id = $2 AND p.is_active
      ORDER BY p.product_name, p.product_id
      LIMIT $3 OFFSET $4`,
    [options.storeId, options.categoryId, limit, offset],
  );
  return rows.map(toProductSummary);
}

export interface Category {
  categoryId: number;
  categoryName: string;
  parentCategoryId: number | null;
}

export async function listCategories(db: Queryable): Promise<Category[]> {
  const { rows } = await db.query<{
    category_id: number;
    category_name: string;
    parent_category_id: number | null;
  }>(
    `SELECT category_id, category_name, parent_category_id FROM retail.product_categories
      WHERE is_active ORDER BY category_name`,
  );
  return rows.map((r) => ({
    categoryId: r.category_id,
    categoryName: r.category_name,
    parentCategoryId: r.parent_category_id,
  }));
}

/** Longest query we pass to the text-search parser; longer input is cut, never an error. */
export const MAX_QUERY_CHARS = 200;

/**
 * Full-text search by name, brand, model/colour/size and description. The user's text goes
 * through websearch_to_tsquery, which never raises on operators or quotes.
 */
export async function searchText(
  db: Queryable,
  options: { storeId: string; query: string } & Page,
): Promise<ProductSummary[]> {
  const { limit, offset } = page(options);
  const query = options.query.normalize('NFKC').slice(0, MAX_QUERY_CHARS).trim();
  if (query === '') return [];
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS}, ${ON_HAND_SQL} AS on_hand
       FROM retail.products p, websearch_to_tsquery('english', $2) q
      WHERE p.store_id = $1 AND p.is_active AND p.search_document @@ q
      ORDER BY ts_rank(p.search_document, q) DESC, p.product_name, p.product_id
      LIMIT $3 OFFSET $4`,
    [options.storeId, query, limit, offset],
  );
  return rows.map(toProductSummary);
}

/** Products this till believes are below zero: sold offline beyond the known stock. */
export async function negativeStock(
  db: Queryable,
  storeId: string,
): Promise<Array<{ productId: string; sku: string; onHand: number }>> {
  const { rows } = await db.query<{ product_id: string; sku: string; on_hand: number }>(
    `SELECT s.product_id, p.sku, s.on_hand FROM pos.stock_on_hand s
       JOIN retail.products p ON p.store_id = s.store_id AND p.product_id = s.product_id
      WHERE s.store_id = $1 AND s.on_hand < 0 ORDER BY s.on_hand, p.sku`,
    [storeId],
  );
  return rows.map((r) => ({ productId: r.product_id, sku: r.sku, onHand: Number(r.on_hand) }));
}

/** Catalog price and cost of products (price overrides: what was replaced, below-cost check). */
export async function pricesAndCosts(
  db: Queryable,
  storeId: string,
  ids: readonly string[],
): Promise<Map<string, { priceCents: number; costCents: number | null }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ product_id: string; price: string; cost: string | null }>(
    `SELECT product_id, price, cost FROM retail.products
      WHERE store_id = $1 AND product_id = ANY($2::uuid[])`,
    [storeId, ids],
  );
  return new Map(
    rows.map((r) => [
      r.product_id,
      {
        priceCents: centsFromNumeric(r.price),
        costCents: r.cost === null ? null : centsFromNumeric(r.cost),
      },
    ]),
  );
}
