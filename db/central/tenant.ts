/**
 * The only way service code touches tenant rows at HQ.
 *
 * withTenant(pool, storeId, fn) = BEGIN; SET LOCAL app.current_store_id = '<store>'; fn(tx);
 * append the changes fn recorded to the store's change feed; COMMIT (ROLLBACK on throw).
 * LOCAL makes the setting transaction-local: it ends with the transaction, so the pooled
 * connection goes back with no tenant key and the next request cannot inherit this store (a
 * session-level SET did exactly that in a lab run).
 *
 * Why SET LOCAL and not set_config(): on a Citus cluster the row-level security policies are
 * evaluated on the workers, and Citus forwards SET LOCAL to every worker connection of the
 * transaction (with `citus.propagate_set_commands = 'local'`, set in the same statement) but
 * not set_config(). SET takes no parameters, so the store ID is validated against the store ID
 * pattern (lower-case letters, digits, '_' and '-') before it is quoted into the statement.
 * On PostgreSQL without Citus the propagation setting is an inert custom setting.
 *
 * Change feed: code that inserts, updates or deletes rows the tills sync records their keys in
 * `tx.changes`; the entries are appended as the transaction's last statement (feed-log.ts), so
 * they are numbered in commit order and the store's feed lock is held only until COMMIT.
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
import { ChangeBuffer, appendChanges, type FeedEntry } from './feed-log';
import { pgQueryable } from './pool';
import { storeKeyFor } from './store-key';

export interface TenantTx extends Queryable {
  /** The store whose rows this transaction may see and write. */
  readonly storeId: string;
  /** Changes to synced rows, appended to the store's change feed at commit. */
  readonly changes: ChangeBuffer;
  /** How key lookups name the store: db/central/store-key.ts (Citus routes only on `$1`). */
  readonly storeKey: string;
}

const citusPools = new WeakMap<pg.Pool, Promise<boolean>>();

/** Whether the pool's database is a Citus coordinator: asked once per pool. */
function onCitus(pool: pg.Pool): Promise<boolean> {
  let known = citusPools.get(pool);
  if (!known) {
    known = pool
      .query<{ citus: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`,
      )
      .then((r) => r.rows[0]?.citus === true);
    // A failed question is asked again next time, not remembered.
    known.catch(() => citusPools.delete(pool));
    citusPools.set(pool, known);
  }
  return known;
}

export const TENANT_SETTING = 'app.current_store_id';

export interface TenantTxOptions {
  /**
   * Run as ONE consistent read-only snapshot (REPEATABLE READ READ ONLY): every statement
   * sees the same committed state. The sync feed reads a page this way.
   */
  snapshot?: boolean;
}

function assertStoreId(storeId: string): void {
  if (!StoreId.safeParse(storeId).success) {
    throw new ValidationError(`Not a store ID: ${JSON.stringify(storeId)}`);
  }
}

/** `SET LOCAL` statements that make `storeId` the tenant key, on one server or a cluster. */
function setKeySql(storeId: string): string {
  assertStoreId(storeId);
  // Validated: [a-z0-9_-] only, so it cannot close the quotes.
  return (
    `SET LOCAL citus.propagate_set_commands = 'local'; ` +
    `SET LOCAL ${TENANT_SETTING} = '${storeId}'`
  );
}

/**
 * Set the tenant key for the rest of the current transaction (inside BEGIN ... COMMIT only).
 * Trusted callers only, as withTenant.
 */
export async function setTenantKey(tx: Queryable, storeId: string): Promise<void> {
  await tx.query(setKeySql(storeId));
}

/** Clear the tenant key for the rest of the current transaction. */
export async function clearTenantKey(tx: Queryable): Promise<void> {
  await tx.query(`SET LOCAL ${TENANT_SETTING} = ''`);
}

/**
 * For writers of shared tables that every store syncs (categories): append `entries` to every
 * store's change feed, each under its store's tenant key, in store order (two such writers
 * never deadlock), as the last statements of the caller's transaction. Leaves no tenant key.
 */
export async function appendToEveryStoreFeed(
  tx: Queryable,
  entries: readonly FeedEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const { rows } = await tx.query<{ store_id: string }>(
    `SELECT store_id FROM retail.stores ORDER BY store_id`,
  );
  for (const { store_id: storeId } of rows) {
    await setTenantKey(tx, storeId);
    await appendChanges(tx, storeId, entries);
  }
  await clearTenantKey(tx);
}

export async function withTenant<T>(
  pool: pg.Pool,
  storeId: string,
  fn: (tx: TenantTx) => Promise<T>,
  options: TenantTxOptions = {},
): Promise<T> {
  assertStoreId(storeId);
  const storeKey = storeKeyFor(await onCitus(pool));
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // One round trip. (A distributed statement must not share this string: Citus refuses to
    // run it from within a multi-statement query.)
    await client.query(
      `${options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN'}; ${setKeySql(storeId)}`,
    );
    const tx: TenantTx = {
      ...pgQueryable(client),
      storeId,
      changes: new ChangeBuffer(),
      storeKey,
    };
    const result = await fn(tx);
    const entries = tx.changes.take();
    if (entries.length > 0) {
      if (options.snapshot) throw new Error('withTenant: a read-only snapshot recorded changes');
      await appendChanges(tx, storeId, entries);
    }
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

/**
 * `fn` once per store, all in ONE transaction: the tenant key is switched (SET LOCAL, as
 * withTenant sets it, so a Citus cluster forwards it) before each store's turn, so each call
 * sees and writes only its own store's rows, and the whole set commits or rolls back together
 * (a price change for several stores is never half applied). Each store's turn has its own
 * change buffer; the entries are appended to each store's feed as the transaction's last
 * statements, in store order. Stores are visited in store order too (two such transactions
 * lock rows in the same order, never deadlock); results come back in the order asked. Same
 * caller contract as withTenant: the store IDs come from trusted server state (an
 * authenticated, authorised session), never straight from a request.
 */
export async function withTenants<T>(
  pool: pg.Pool,
  storeIds: readonly string[],
  fn: (tx: TenantTx) => Promise<T>,
  options: TenantTxOptions = {},
): Promise<T[]> {
  for (const storeId of storeIds) assertStoreId(storeId);
  const storeKey = storeKeyFor(await onCitus(pool));
  const order = storeIds.map((storeId, i) => ({ storeId, i }));
  order.sort((a, b) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : a.i - b.i));
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(
      options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN',
    );
    const results = new Array<T>(storeIds.length);
    // One append per store (a store named twice gets one), in store order.
    const feeds = new Map<string, FeedEntry[]>();
    for (const { storeId, i } of order) {
      await client.query(setKeySql(storeId));
      const tx: TenantTx = {
        ...pgQueryable(client),
        storeId,
        changes: new ChangeBuffer(),
        storeKey,
      };
      results[i] = await fn(tx);
      const entries = tx.changes.take();
      if (entries.length > 0) feeds.set(storeId, [...(feeds.get(storeId) ?? []), ...entries]);
    }
    if (feeds.size > 0) {
      if (options.snapshot) throw new Error('withTenants: a read-only snapshot recorded changes');
      for (const [storeId, entries] of feeds) {
        await client.query(setKeySql(storeId));
        await appendChanges(pgQueryable(client), storeId, entries);
      }
    }
    await client.query('COMMIT');
    return results;
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

/** One store's statement for readEachStore. */
export interface StoreStatement {
  text: string;
  values: unknown[];
}

/**
 * Read-only: one statement per store, each under its store's tenant key (SET LOCAL, as
 * withTenants), all in ONE read-only snapshot transaction. On a pipelined connection (the
 * reporting pool, db/central/pool.ts) every SET LOCAL and statement is written at once, so a
 * chain of 50 stores costs one round trip rather than 100 (the console's year-long report
 * spent most of its time waiting on those round trips on a loaded machine). Each statement is
 * still its own protocol message (not a multi-statement string, which Citus refuses for
 * distributed statements). Any failure fails the whole read (the transaction is rolled back).
 * Same caller contract as withTenant: the store IDs come from trusted server state.
 */
export async function readEachStore<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  storeIds: readonly string[],
  statement: (storeId: string) => StoreStatement,
): Promise<Array<{ storeId: string; rows: R[] }>> {
  for (const storeId of storeIds) assertStoreId(storeId);
  const client = await pool.connect();
  let broken: Error | undefined;
  // Issued without awaiting: a pipelined client sends them together; any other client gets
  // each when the previous one is answered (same result, more round trips).
  const sent: Array<Promise<unknown>> = [];
  let previous: Promise<unknown> = Promise.resolve();
  const issue = <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    const p = client.pipeline
      ? client.query<T>(text, values)
      : previous.then(() => client.query<T>(text, values));
    previous = p.then(
      () => undefined,
      () => undefined,
    );
    sent.push(p);
    return p;
  };
  try {
    void issue('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const reads = storeIds.map((storeId) => {
      void issue(setKeySql(storeId));
      const { text, values } = statement(storeId);
      return { storeId, result: issue<R>(text, values) };
    });
    void issue('COMMIT');
    // Every promise is settled (and so handled) before any is read.
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return await Promise.all(
      reads.map(async ({ storeId, result }) => ({ storeId, rows: (await result).rows })),
    );
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
