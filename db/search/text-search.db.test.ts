import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSearchDb, type SearchDb } from './fixtures/search-db';
import { prepareQuery } from './query-text';
import { searchProducts } from '../queries/search';
import { TIER_SQL } from './fts';
import { arrayLiteral } from './statements';
import { analyzeWords, planTiers, planWords, TEXT_TUNING } from './text-search';

let s: SearchDb;
beforeAll(async () => {
  s = await openSearchDb({ products: 3_000, embed: false });
});
afterAll(async () => {
  await s.close();
});

/** The tier statement as it was: the tsquery a constant the planner estimates. */
const CONSTANT_TIER_SQL = `SELECT c.product_id, c.score
   FROM (SELECT ps.product_id, ts_rank_cd(ps.document, q.q) AS score
           FROM pos.product_search ps, (SELECT $2::tsquery AS q) q
          WHERE ps.store_id = $1 AND ps.is_active AND ps.document @@ q.q
            AND NOT EXISTS (SELECT 1 FROM unnest($5::tsquery[]) b(q) WHERE ps.document @@ b.q)
          LIMIT $4) c
  ORDER BY c.score DESC, c.product_id
  LIMIT $3`;

/** Every tier of a query as typed, each with the tiers before it (what ftsList passes). */
async function tiersOf(text: string): Promise<Array<{ tsquery: string; before: string[] }>> {
  const q = prepareQuery(text);
  const { words } = await analyzeWords(s.db, {
    storeId: s.storeId,
    words: q.words,
    typing: q.typing,
  });
  const tiers = planTiers(planWords(words, q.typing));
  return tiers.map((t, i) => ({
    tsquery: t.tsquery,
    before: tiers.slice(0, i).map((b) => b.tsquery),
  }));
}

const TYPED = [
  'fac',
  'app',
  'bla',
  'black',
  'black sh',
  'sho',
  'wireless head',
  'something for movie nig',
];

describe('full-text tiers', () => {
  it('match the same rows as the statement with a constant tsquery, capped and ranked alike', async () => {
    let compared = 0;
    for (const text of TYPED) {
      for (const tier of await tiersOf(text)) {
        const params = [s.storeId, tier.tsquery, 40, TEXT_TUNING.tierCandidates, tier.before];
        const now = await s.db.query(TIER_SQL, params);
        const before = await s.db.query(CONSTANT_TIER_SQL, params);
        expect(now.rows, `${text}: ${tier.tsquery}`).toEqual(before.rows);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(TYPED.length);
  });

  it('read the documents through the GIN index, never the whole table, even for a short prefix', async () => {
    for (const text of TYPED) {
      for (const tier of await tiersOf(text)) {
        const { rows } = await s.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${TIER_SQL}`, [
          s.storeId,
          tier.tsquery,
          40,
          TEXT_TUNING.tierCandidates,
          tier.before,
        ]);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan, `${text}: ${tier.tsquery}`).toContain('on product_search_document');
        expect(plan, `${text}: ${tier.tsquery}`).not.toMatch(/Seq Scan on product_search/);
      }
    }
  });

  it('keep the GIN index in the plan PostgreSQL caches for the prepared tier statement', async () => {
    // Six runs and more: PostgreSQL may switch a prepared statement to its generic plan.
    for (const text of [...TYPED, ...TYPED])
      await searchProducts(s.db, { storeId: s.storeId, query: text, signals: ['fts'] });
    const { rows: used } = await s.db.query<{ generic_plans: number }>(
      `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'search_fts_tier'`,
    );
    expect(used[0]?.generic_plans).toBeGreaterThan(0);
    for (const text of TYPED) {
      for (const tier of await tiersOf(text)) {
        const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`;
        const before = literal(arrayLiteral(tier.before));
        const { rows } = await s.db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN EXECUTE search_fts_tier(${literal(s.storeId)}, ${literal(tier.tsquery)}, 40, ${TEXT_TUNING.tierCandidates}, ${before})`,
        );
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan, `${text}: ${tier.tsquery}`).toContain('on product_search_document');
        expect(plan, `${text}: ${tier.tsquery}`).not.toMatch(/Seq Scan on product_search/);
      }
    }
  });
});
