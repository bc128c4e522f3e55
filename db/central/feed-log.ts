/**
 * The writing side of the change feed that carries catalog changes down to the tills
 * (sync.change_log; the reading side is the sync service's feed).
 *
 * Numbering: every store has ONE counter, `sync.feed_state.last_seq`. A transaction that
 * changed synced rows of a store appends its entries at the very end, just before COMMIT, in one
 * statement that bumps the counter (taking the store's feed_state row lock until commit) and
 * inserts the entries with the numbers it got. So:
 *   - a store's entries are numbered in commit order on any topology: a second writer waits for
 *     the first one's commit before it gets its numbers, and a reader that sees entry n sees
 *     every entry below n (the lock is released after the commit is visible). A reader never
 *     needs a horizon, and a cursor is simply the last number it has;
 *   - no transaction ID or clock is involved, so the numbering survives restarts, restores and
 *     moves of the store's shard to another node (Citus), and is the same on every node;
 *   - the lock is held only from the append to the commit, so writers of one store run in
 *     parallel and serialise only their last statement and commit.
 * One append per transaction is the rule (withTenant does it); every entry of an append carries
 * the append's first number (`txn`), so the feed can deliver one HQ transaction at once.
 *
 * Entries carry no row data: the feed joins each key to the current row when it is read. An
 * `upsert` entry says "the row with this key changed", a `delete` entry says "the row that had
 * this key is gone": the feed sends it as a delete even if the key exists again by then
 * (deleted and re-created), followed by the current row, so a till that held the old row ends
 * with the new one whatever the versions (issue 11, item 3).
 */
import type { Queryable } from '../queryable';
import { intArray, textArray } from './pg-arrays';

export const FEED_ENTITIES = [
  'store',
  'category',
  'category_tax_rate',
  'register',
  'staff',
  'product',
  'customer',
  'stock_level',
  'stored_value_allowance',
  'embedding',
  'promotion',
  'scheduled_price',
  'device_ack',
] as const;
export type FeedEntity = (typeof FEED_ENTITIES)[number];

export type FeedOp = 'upsert' | 'delete';

export interface FeedEntry {
  entity: FeedEntity;
  key: string;
  op: FeedOp;
  /** device_ack: the device's last applied mutation ID. Otherwise null. */
  version: number | null;
}

/** The feed key of a product embedding: `<product ID>/<model>` (a UUID is 36 characters). */
export function embeddingKey(productId: string, model: string): string {
  return `${productId}/${model}`;
}

/** NOTIFY channel: payload is the store ID, or '*' when every store's feed grew. */
export const FEED_CHANNEL = 'edgepos_changes';

/**
 * The changes one transaction made to one store's synced rows, appended to the feed when the
 * transaction ends. Recording the same key twice keeps one entry (an upsert and a delete of a
 * key are both kept, in order: deleted and re-created in one transaction).
 */
export class ChangeBuffer {
  private entries: FeedEntry[] = [];
  private readonly seen = new Map<string, number>();

  /** Rows with these keys were inserted or updated (op 'upsert') or deleted (op 'delete'). */
  record(entity: Exclude<FeedEntity, 'device_ack'>, keys: Iterable<string>, op: FeedOp = 'upsert') {
    for (const key of keys) this.add({ entity, key, op, version: null });
  }

  /** The device's mutations up to `lastMutationId` are applied (the till's stock acknowledgement). */
  ack(deviceId: string, lastMutationId: number): void {
    const id = `device_ack\u0000${deviceId}`;
    const at = this.seen.get(id);
    const existing = at === undefined ? undefined : this.entries[at];
    if (existing) existing.version = Math.max(existing.version ?? 0, lastMutationId);
    else this.add({ entity: 'device_ack', key: deviceId, op: 'upsert', version: lastMutationId });
  }

  get size(): number {
    return this.entries.length;
  }

  /** A position to roll back to when a savepoint is rolled back. */
  mark(): number {
    return this.entries.length;
  }

  rollbackTo(mark: number): void {
    for (const dropped of this.entries.splice(mark)) {
      this.seen.delete(entryId(dropped));
    }
  }

  /** The entries in the order recorded; empties the buffer. */
  take(): FeedEntry[] {
    const out = this.entries;
    this.entries = [];
    this.seen.clear();
    return out;
  }

  private add(entry: FeedEntry): void {
    const id = entryId(entry);
    if (this.seen.has(id)) return;
    this.seen.set(id, this.entries.length);
    this.entries.push(entry);
  }
}

function entryId(e: FeedEntry): string {
  return e.entity === 'device_ack'
    ? `device_ack\u0000${e.key}`
    : `${e.entity}\u0000${e.op}\u0000${e.key}`;
}

/**
 * Append `entries` to the store's feed and wake its long-polling tills at commit. Call as the
 * last statement of the transaction (it holds the store's feed lock until commit), under the
 * store's tenant key, at most once per transaction. Returns the numbers taken, or undefined
 * when there was nothing to append.
 */
export async function appendChanges(
  tx: Queryable,
  storeId: string,
  entries: readonly FeedEntry[],
): Promise<{ first: number; last: number } | undefined> {
  if (entries.length === 0) return undefined;
  const { rows } = await tx.query<{ base: number; n: number }>(
    `WITH counter AS (
       INSERT INTO sync.feed_state AS f (store_id, last_seq) VALUES ($1, $2)
       ON CONFLICT (store_id) DO UPDATE SET last_seq = f.last_seq + EXCLUDED.last_seq
       RETURNING f.last_seq - $2 AS base
     ), appended AS (
       INSERT INTO sync.change_log (store_id, seq, txn, entity, key, op, version)
       SELECT $1, c.base + u.n, c.base + 1, u.entity, u.key, u.op, u.version
         FROM counter c,
              unnest($3::text[], $4::text[], $5::text[], $6::bigint[])
                WITH ORDINALITY AS u(entity, key, op, version, n)
       RETURNING 1
     )
     SELECT (SELECT base FROM counter) AS base, (SELECT count(*) FROM appended)::int AS n`,
    [
      storeId,
      entries.length,
      textArray(entries.map((e) => e.entity)),
      textArray(entries.map((e) => e.key)),
      textArray(entries.map((e) => e.op)),
      intArray(entries.map((e) => e.version)),
    ],
  );
  const row = rows[0];
  if (!row || Number(row.n) !== entries.length) {
    throw new Error(`appendChanges: ${row?.n ?? 0} of ${entries.length} feed entries written`);
  }
  await tx.query(`SELECT pg_notify($1, $2)`, [FEED_CHANNEL, storeId]);
  const first = Number(row.base) + 1;
  return { first, last: first + entries.length - 1 };
}
