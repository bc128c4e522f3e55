/**
 * The full-text signal's statements: the tiers planned by text-search.ts (`planTiers`), run in
 * order until the list is deep enough, and the relaxed list for when no product holds every
 * word. Prepared once per session when the caller passes the PGlite instance (statements.ts).
 */
import type { Queryable } from '../queryable';
import { runSearch, searchStatement } from './statements';
import {
  andOfGroups,
  operands,
  TEXT_TUNING,
  type RankedText,
  type TextPlan,
  type Tier,
} from './text-search';

/**
 * One tier: its first `$4` matches not matched by an earlier tier (`$5`), ranked, best `$3`.
 * The tsquery reaches the index as an InitPlan `(SELECT $2::tsquery)`, not as a constant: for a
 * constant the planner estimates a short prefix ("fac", "app") to match thousands of rows and,
 * because of the LIMIT, reads the whole table in order hoping to stop early (a sequential scan
 * of 50,000 documents: 18-23 ms CPU for "fac", the slowest short keystrokes). Unknown to the
 * planner, the match takes its default estimate and the GIN index is always used; so the plan
 * does not depend on the parameters, and the prepared statement's cached plan is that one. The
 * rows are the same either way: both scans visit the table in physical order, so the first `$4`
 * matches are the same rows (tested in text-search.db.test.ts).
 */
export const TIER_SQL = `SELECT c.product_id, c.score
   FROM (SELECT ps.product_id, ts_rank_cd(ps.document, $2::tsquery) AS score
           FROM pos.product_search ps
          WHERE ps.store_id = $1::text AND ps.is_active AND ps.document @@ (SELECT $2::tsquery)
            AND NOT EXISTS (SELECT 1 FROM unnest($5::tsquery[]) b(q) WHERE ps.document @@ b.q)
          LIMIT $4::int) c
  ORDER BY c.score DESC, c.product_id
  LIMIT $3::int`;
const TIER = searchStatement('fts_tier', TIER_SQL);

/**
 * Run the tiers until `depth` products are found. Each later tier skips what the earlier ones
 * matched (a later tier's matches include them), so every tier's cap is spent on new rows.
 */
export async function ftsList(
  db: Queryable,
  options: { storeId: string; tiers: readonly Tier[]; depth: number },
): Promise<RankedText[]> {
  const out: RankedText[] = [];
  const seen = new Set<string>();
  const before: string[] = [];
  for (const tier of options.tiers) {
    if (out.length >= options.depth) break;
    const rows = await runSearch(db, TIER, [
      options.storeId,
      tier.tsquery,
      options.depth,
      TEXT_TUNING.tierCandidates,
      before,
    ]);
    before.push(tier.tsquery);
    for (const [productId, score] of rows) {
      if (productId == null || seen.has(productId)) continue;
      seen.add(productId);
      out.push({ productId, score: Number(score) });
    }
  }
  return out.slice(0, options.depth);
}

const RELAXED = searchStatement(
  'fts_relaxed',
  `SELECT c.product_id, c.matched, c.score
     FROM (SELECT ps.product_id,
                  (SELECT count(*) FROM unnest($2::tsquery[]) g(q) WHERE ps.document @@ g.q)::int AS matched,
                  ts_rank_cd(ps.document, q.q) AS score
             FROM pos.product_search ps,
                  (SELECT string_agg('(' || x::text || ')', ' | ')::tsquery AS q FROM unnest($2::tsquery[]) x) q
            WHERE ps.store_id = $1::text AND ps.is_active AND ps.document @@ q.q
            LIMIT $4::int) c
    ORDER BY c.matched DESC, c.score DESC, c.product_id
    LIMIT $3::int`,
);

/**
 * When no product holds every word (but the catalog knows each), the products holding the
 * most of them, in the name fields and broader terms: "kids toys" -> board games (category
 * "Toys & Games"). Not used when a word is unknown (see planTiers).
 */
export async function relaxedList(
  db: Queryable,
  options: { storeId: string; plan: TextPlan; depth: number },
): Promise<RankedText[]> {
  const groups = options.plan.groups.filter((g) => g.exact.length > 0);
  if (groups.length < 2 || options.plan.unmatched.length > 0) return [];
  const queries = groups.map((g) => andOfGroups([operands(g, false)], 'ABC'));
  const rows = await runSearch(db, RELAXED, [
    options.storeId,
    queries,
    options.depth,
    TEXT_TUNING.tierCandidates,
  ]);
  return rows.flatMap(([productId, , score]) =>
    productId == null ? [] : [{ productId, score: Number(score) }],
  );
}
