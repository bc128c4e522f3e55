/**
 * Category intent: a query that names a category ("furniture", "toys and games", "skincare",
 * "furnit" while typing) ranks that category's products first, subcategories included. Used by
 * db/queries/search.ts before the full-text tiers of text-search.ts.
 */
import type { Queryable } from '../queryable';
import { runSearch, searchStatement } from './statements';
import type { CategoryRow, RankedText, TextPlan } from './text-search';

export type { CategoryRow } from './text-search';

/**
 * Categories the query names: every word of the query is a word of the category's name
 * ("lighting", "toys", "home and garden", "furnit" while typing). Best first: the category
 * whose name the query covers most ("garden" is Garden before Home & Garden), each followed
 * by its subcategories. Empty when a word is unknown or the query names no category.
 */
export function categoryIntent(plan: TextPlan, categories: readonly CategoryRow[]): number[] {
  if (plan.groups.length === 0 || plan.unmatched.length > 0) return [];
  const named = categories
    .map((c) => {
      const used = new Set<string>();
      const all = plan.groups.every((g) => {
        // A word being typed names a category by its start only when it is no whole word
        // of the catalog ("furnit"), not when it is one ("cam" is Dash Cam, not Camping).
        const hit =
          c.lexemes.find((l) => g.exact.includes(l)) ??
          (g.prefix && g.exact.length === 0
            ? c.lexemes.find((l) => l.startsWith(g.word) || g.completions.includes(l))
            : undefined);
        if (hit) used.add(hit);
        return hit !== undefined;
      });
      return { c, all, coverage: c.lexemes.length === 0 ? 0 : used.size / c.lexemes.length };
    })
    .filter((x) => x.all && x.coverage > 0)
    .sort((a, b) => b.coverage - a.coverage || a.c.categoryId - b.c.categoryId);
  const out: number[] = [];
  const add = (id: number, depth: number): void => {
    if (out.includes(id) || depth > 3) return;
    out.push(id);
    for (const child of categories.filter((c) => c.parentId === id))
      add(child.categoryId, depth + 1);
  };
  for (const { c } of named) add(c.categoryId, 0);
  return out;
}

// Per category through index products_category (store, category, name): no sort of the
// whole category.
const CATEGORY = searchStatement(
  'category',
  `SELECT x.product_id
     FROM unnest($2::int[]) WITH ORDINALITY AS c(id, ord)
     CROSS JOIN LATERAL (
           SELECT p.product_id, p.product_name FROM retail.products p
            WHERE p.store_id = $1::text AND p.is_active AND p.category_id = c.id
            ORDER BY p.product_name, p.product_id
            LIMIT $3::int) x
    ORDER BY c.ord, x.product_name, x.product_id
    LIMIT $3::int`,
);

/** Active products of the given categories, in the categories' order. */
export async function categoryList(
  db: Queryable,
  options: { storeId: string; categoryIds: readonly number[]; depth: number },
): Promise<RankedText[]> {
  if (options.categoryIds.length === 0) return [];
  const rows = await runSearch(db, CATEGORY, [
    options.storeId,
    options.categoryIds.map(String),
    options.depth,
  ]);
  return rows.flatMap(([productId]) => (productId == null ? [] : [{ productId, score: 1 }]));
}
