/**
 * One advisory lock orders partition DDL (create or drop a month of the sales tables) against
 * sales ingest.
 *
 * Creating a partition locks the sales parents ACCESS EXCLUSIVE and then, for its foreign
 * keys, the registry and the other referenced tables SHARE ROW EXCLUSIVE. An ingest
 * transaction in flight may already hold the registry (it writes registry rows first) and next
 * want sales_transactions: each waits for the other, and PostgreSQL kills one after
 * deadlock_timeout (seen in the push benchmark: a till's push failed with 40P01 when another
 * till's late sales needed a new month). So:
 *   - every push transaction takes this lock SHARED as its first statement (pushes never wait
 *     for each other);
 *   - partition DDL takes it EXCLUSIVE in a short transaction of its own before any table lock:
 *     it waits until the pushes in flight have committed, new pushes queue behind it for the
 *     few milliseconds the DDL takes, and it never holds a table lock a push is waiting for.
 *
 * On a Citus cluster a month's partitions take foreign keys to the stores reference table and
 * to distributed tables (shifts, registers) in one transaction. Citus runs DDL on a distributed
 * table over one connection per shard (in parallel) but refuses that after DDL on a reference
 * table in the same transaction ("cannot execute parallel DDL on table shifts after DDL command
 * on reference table stores"), so there the transaction runs its shard commands sequentially,
 * one connection per node. Without Citus nothing is set.
 */
import type pg from 'pg';
import type { Queryable } from '../queryable';
import { isCitusDatabase } from './citus';

/** 'EPOS' + 'PART': any fixed 64-bit key, the same in every process of the deployment. */
const SALES_DDL_LOCK_KEY = '4543504f53504152';

/** First statement of a transaction that ingests sales. */
export async function lockForSalesIngest(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared(x'${SALES_DDL_LOCK_KEY}'::bigint)`);
}

/** Run partition DDL in its own transaction, after every ingest transaction in flight. */
export async function withSalesDdlLock<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(x'${SALES_DDL_LOCK_KEY}'::bigint)`);
    if (await isCitusDatabase(client)) {
      await client.query(`SET LOCAL citus.multi_shard_modify_mode = 'sequential'`);
    }
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
