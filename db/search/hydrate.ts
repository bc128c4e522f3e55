/**
 * The rows of a search page: products (active, this store) with on-hand as the till sees it,
 * for the ids fusion ranked. Prepared once per session like the other search statements
 * (statements.ts).
 */
import type { ProductSummary } from '../../contract/till-api/catalog';
import { ON_HAND_SQL, PRODUCT_COLUMNS, toProductSummary } from '../queries/catalog';
import type { Queryable } from '../queryable';
import { bool, runSearch, searchStatement } from './statements';

const PRODUCTS = searchStatement(
  'products',
  `SELECT ${PRODUCT_COLUMNS}, ${ON_HAND_SQL} AS on_hand
     FROM retail.products p
    WHERE p.store_id = $1::text AND p.product_id = ANY($2::uuid[]) AND p.is_active`,
);

/** Product rows (active, this store) with on-hand, by id; ids not found are absent. */
export async function productRows(
  db: Queryable,
  storeId: string,
  ids: readonly string[],
): Promise<Map<string, ProductSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await runSearch(db, PRODUCTS, [storeId, ids]);
  const out = new Map<string, ProductSummary>();
  for (const [productId, sku, barcode, name, brand, categoryId, price, active, onHand] of rows) {
    if (productId == null) continue;
    out.set(
      productId,
      toProductSummary({
        product_id: productId,
        sku: sku ?? '',
        barcode: barcode ?? null,
        product_name: name ?? '',
        brand: brand ?? null,
        category_id: categoryId == null ? null : Number(categoryId),
        price: price ?? '0',
        is_active: bool(active ?? null),
        on_hand: onHand == null ? null : Number(onHand),
      }),
    );
  }
  return out;
}
