/**
 * The code signal: what a scanned or typed code can mean, best first. Exact barcode, exact
 * SKU, the SKU typed without separators, a SKU's first characters, and, for a barcode whose
 * check digit is wrong, the valid codes one digit (or one swap) away. See codes.ts.
 */
import type { Queryable } from '../queryable';
import { runSearch, searchStatement } from './statements';
import { gtinCorrections, isGtinShaped, isValidGtin, looksLikeSkuFragment, skuKey } from './codes';

export type CodeMatch = 'barcode' | 'sku' | 'sku_key' | 'sku_prefix' | 'barcode_corrected';

export interface CodeHit {
  productId: string;
  how: CodeMatch;
}

/** How far a code match lifts a product above every fused score (exact first, then the rest). */
export const CODE_SCORE: Record<CodeMatch, number> = {
  barcode: 1,
  sku: 1,
  sku_key: 0.9,
  barcode_corrected: 0.6,
  sku_prefix: 0.5,
};

const CODES = searchStatement(
  'codes',
  `WITH matches AS (
     SELECT p.product_id, CASE WHEN p.barcode = $2::text THEN 'barcode' ELSE 'sku' END AS how,
            CASE WHEN p.barcode = $2::text THEN 0 ELSE 1 END AS pri, 0 AS pos, '' AS sku_key
       FROM retail.products p
      WHERE $6::boolean AND p.store_id = $1::text AND p.is_active AND (p.barcode = $2::text OR upper(p.sku) = upper($2::text))
     UNION ALL
     SELECT s.product_id, 'sku_key', 2, 0, ''
       FROM pos.product_search s
      WHERE $7::boolean AND s.store_id = $1::text AND s.is_active AND s.sku_key = $3::text
     UNION ALL
     SELECT p.product_id, 'barcode_corrected', 3, array_position($4::text[], p.barcode), ''
       FROM retail.products p
      WHERE cardinality($4::text[]) > 0 AND p.store_id = $1::text AND p.is_active
        AND p.barcode = ANY($4::text[])
     UNION ALL
     (SELECT s.product_id, 'sku_prefix', 4, 0, s.sku_key
        FROM pos.product_search s
       WHERE $7::boolean AND s.store_id = $1::text AND s.is_active AND s.sku_key LIKE $3::text || '%'
         AND s.sku_key <> $3::text
       ORDER BY s.sku_key
       LIMIT $5::int)
   )
   SELECT b.product_id, b.how
     FROM (SELECT DISTINCT ON (m.product_id) m.*
             FROM matches m
            ORDER BY m.product_id, m.pri, m.pos) b
    ORDER BY b.pri, b.pos, b.sku_key, b.product_id
    LIMIT $5::int`,
);

/** Products a code-like query may mean, best first, at most `limit`; [] for plain words. */
export async function codeList(
  db: Queryable,
  options: { storeId: string; text: string; limit: number },
): Promise<CodeHit[]> {
  const text = options.text.trim();
  const single = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/.test(text);
  const fragment = looksLikeSkuFragment(text);
  if (!single && !fragment) return [];
  const key = skuKey(text);
  // A code with a broken check digit: the codes one mistake away (one per position).
  const repairs = isGtinShaped(text) && !isValidGtin(text) ? gtinCorrections(text) : [];
  const rows = await runSearch(db, CODES, [
    options.storeId,
    text,
    key,
    repairs,
    options.limit,
    single,
    fragment,
  ]);
  return rows.flatMap(([productId, how]) =>
    productId == null ? [] : [{ productId, how: how as CodeMatch }],
  );
}
