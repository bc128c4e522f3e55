/**
 * The tenant's store in key lookups, as a value the planner cannot see: `WHERE
 * x.store_id = ${STORE_KEY} AND x.key = ...` with the store ID as parameter $1.
 *
 * Why: every index at HQ leads with store_id, so a lookup by a full key could use any of
 * them on the store_id prefix alone. Planned with the store's literal value, the estimate for
 * that prefix comes from the table's statistics, and a store absent from the last ANALYZE
 * (a new store, a table analysed while only one store had rows; autovacuum does this) is
 * estimated at no rows: every index then looks as cheap, and the planner picked the smallest,
 * scanning the store's whole registry for each sale of a push through the receipt-sequence
 * index (ingest quadratic in the store's sales: 2 s per 1,000-sale batch after 5,000 sales,
 * the cause of the fall from ~10,000 to ~5,000 items/s in the sync benchmark, issue 19). An
 * uncorrelated sub-select is an InitPlan: evaluated once per statement, and planned as an
 * unknown value, i.e. as an average store (1 / number of stores of the table's rows), for
 * which only the index of the full key is cheap. test/central/plan-stability.pg.test.ts
 * analyses the tables while one store has rows and counts the rows another store's push reads.
 */
export const STORE_KEY = '(SELECT $1::text)';

/**
 * On a Citus cluster the store is the distribution value: the coordinator routes a statement
 * to the store's shard only when it sees `store_id = $1` itself, and refuses the InitPlan form
 * inside the per-sale sub-selects ("complex joins are only supported when all distributed
 * tables are co-located and joined on their distribution columns"). There each shard's
 * statistics are the store's own shard's, and the receipt indexes no longer lead with
 * store_id (central migration 0025), so the plain parameter is safe.
 */
export const ROUTED_STORE_KEY = '$1';

/** The store key a transaction's key lookups use: `$1` on a Citus cluster, else STORE_KEY. */
export function storeKeyFor(citus: boolean): string {
  return citus ? ROUTED_STORE_KEY : STORE_KEY;
}
