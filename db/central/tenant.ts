/**
 * The only way service code touches tenant rows at HQ.
 *
 * withTenant(pool, storeId, fn) = BEGIN; set_config('app.current_store_id', storeId, true);
 * fn(tx); COMMIT (ROLLBACK on throw). The `true` makes the setting transaction-local: it ends
 * with the transaction, so the pooled connection goes back with no tenant key and the next
 * request cannot inherit this store (a session-level SET did exactly that in a lab run).
 *
 * Contract for callers: `storeId` comes from trusted server state (a verified device
 * credential, an authenticated admin session), never from a request body, path or cursor.
 * The tenant key is not authentication: any SQL session could set any value, which is why no
 * device ever gets a SQL connection.
 */
import type pg from 'pg';
import { ValidationError } from '../errors';
import { StoreId } from '../../contract/mutations';
import type { Queryable } from '../queryable';
import { pgQueryable } from './pool';

export interface TenantTx extends Queryable {
  /** The store whose rows this transaction may see and write. */
  readonly storeId: string;
}

export const TENANT_SETTING = 'app.current_store_id';

export interface TenantTxOptions {
  /**
   * Run as ONE consistent read-only snapshot (REPEATABLE READ READ ONLY): every statement
   * sees the same committed state. The sync feed reads a page this way.
   */
  snapshot?: boolean;
}

export async function withTenant<T>(
  pool: pg.Pool,
  storeId: string,
  fn: (tx: TenantTx) => Promise<T>,
  options: TenantTxOptions = {},
): Promise<T> {
  if (!StoreId.safeParse(storeId).success) {
    throw new ValidationError(`Not a store ID: ${JSON.stringify(storeId)}`);
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(
      options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN',
    );
    await client.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [storeId]);
    const tx: TenantTx = { ...pgQueryable(client), storeId };
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is unusable (it died mid-transaction): destroy it, never reuse it.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
