/**
 * MigrationDriver for a real PostgreSQL server (HQ). A session-level advisory lock on a
 * dedicated connection makes two processes that start at once migrate one after the other;
 * the second then finds everything applied and does nothing. Scripts run statement by
 * statement (split-statements.ts), inside the migration's one transaction.
 */
import type pg from 'pg';
import type { MigrationConnection, MigrationDriver } from './runner';
import { splitStatements } from './split-statements';

/** Arbitrary but fixed: "edge pos migrations". */
export const MIGRATION_LOCK_KEY = 0x45_50_4d_47;

function wrapClient(client: pg.PoolClient, depth: number): MigrationConnection {
  return {
    query: async <T>(sql: string, params?: unknown[]) => {
      const result = await client.query<T & pg.QueryResultRow>(sql, params);
      return { rows: result.rows as T[], affectedRows: result.rowCount ?? undefined };
    },
    // One statement per call: a Citus coordinator refuses to forward a multi-command text.
    exec: async (sql) => {
      for (const statement of splitStatements(sql)) await client.query(statement);
    },
    transaction: async (fn) => {
      if (depth > 0) return fn(wrapClient(client, depth));
      await client.query('BEGIN');
      try {
        const result = await fn(wrapClient(client, depth + 1));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

export function pgMigrationDriver(pool: pg.Pool, lockKey = MIGRATION_LOCK_KEY): MigrationDriver {
  return {
    withLock: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
        try {
          return await fn(wrapClient(client, 0));
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
        }
      } finally {
        client.release();
      }
    },
  };
}
