import type { Queryable } from '../queryable';

/**
 * Run an `INSERT ... SELECT ... FROM unnest(...)` and return how many rows it wrote.
 *
 * Written as a CTE with RETURNING for a distributed HQ: Citus executes an INSERT ... SELECT whose
 * rows are computed on the coordinator (here: from parameter arrays) as a COPY into the shards,
 * which row-level security refuses to the application role; with RETURNING it sends the rows
 * to the shards' nodes first and inserts them there with INSERT ... SELECT, policies checked as
 * usual. On one server it is the same insert.
 */
export async function insertSelect(db: Queryable, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH written AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM written`,
    params,
  );
  return Number(rows[0]?.n ?? 0);
}
