/**
 * When nothing matches, the till says so and offers the closest categories instead of junk:
 * the categories (with their parent) of the products nearest to the query by meaning or
 * spelling, even though none of them was close enough to show.
 */
import type { CategorySuggestion } from '../../contract/till-api/catalog';
import type { Queryable } from '../queryable';

export type { CategorySuggestion } from '../../contract/till-api/catalog';

/**
 * Up to `limit` categories of `productIds` (best first), weighted by how early each product
 * comes (1 / rank): the categories the nearest products share.
 */
export async function closestCategories(
  db: Queryable,
  options: { storeId: string; productIds: readonly string[]; limit: number },
): Promise<CategorySuggestion[]> {
  if (options.productIds.length === 0) return [];
  const { rows } = await db.query<{
    category_id: number;
    category_name: string;
    parent_name: string | null;
  }>(
    `SELECT c.category_id, c.category_name, parent.category_name AS parent_name
       FROM unnest($2::uuid[]) WITH ORDINALITY AS u(product_id, rank)
       JOIN retail.products p ON p.store_id = $1 AND p.product_id = u.product_id AND p.is_active
       JOIN retail.product_categories c ON c.category_id = p.category_id AND c.is_active
       LEFT JOIN retail.product_categories parent ON parent.category_id = c.parent_category_id
      GROUP BY c.category_id, c.category_name, parent.category_name
      ORDER BY sum(1.0 / u.rank) DESC, c.category_id
      LIMIT $3`,
    [options.storeId, options.productIds, options.limit],
  );
  return rows.map((r) => ({
    categoryId: r.category_id,
    name: r.category_name,
    parentName: r.parent_name,
  }));
}
