/**
 * A plain transaction on a pool, for the console's chain-level tables (users, sessions, audit),
 * which are not tenant tables. Store rows are never touched here: they go through withTenant.
 */
import type pg from 'pg';
import { pgQueryable } from '../../../db/central/pool';
import type { Queryable } from '../../../db/queryable';

export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(pgQueryable(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
