/**
 * The pull feed: a store's change log read in commit order, joined to current rows.
 *
 * Why it never skips a row: a store's entries are numbered by a counter of its own, taken under
 * the store's feed lock as the writing transaction's last statement and held until its commit
 * (db/central/feed-log.ts). A writer that commits later always gets higher numbers, and every
 * entry below the highest one a snapshot sees is visible in that snapshot. So a page is simply
 * the entries after the cursor, in number order, and the cursor is the last number returned.
 * No transaction IDs or clocks are involved: the same holds on a Citus cluster (where every
 * node has its own transaction counter), across restarts and restores, and when the store's
 * shards move to another node.
 *
 * Each page is read in ONE repeatable-read snapshot (rows, tombstones, the device's counter
 * all agree) and ends at a transaction boundary, so the till applies one HQ transaction at
 * once (a single transaction larger than HUGE_TRANSACTION entries is split).
 *
 * Deletes: a key with a `delete` entry in the page is sent as a delete even when it exists
 * again (it was deleted and re-created), and its current row follows as an upsert; the till
 * applies deletes first, so it ends with the new row whatever the versions. A key whose row is
 * gone is a tombstone as before.
 */
import type { Logger } from '../../db/logger';
import type { TenantTx } from '../../db/central/tenant';
import type { Queryable } from '../../db/queryable';
import { Cursor } from '../../contract/sync-protocol/cursor';
import { emptyDeletes, type Deletes } from '../../contract/sync-protocol/changes';
import type { VerifiedDevice } from './devices/verify';
import { SPEC_BY_ENTITY, changesJson, rowsByKeySql, type ENTITY_SPECS } from './entities';
import { resyncRequired } from './errors';

export const DEFAULT_PAGE_ENTRIES = 2_000;
/** One HQ transaction is delivered in one page up to this many entries. */
export const HUGE_TRANSACTION = 50_000;

export interface FeedPosition {
  epoch: string;
  /** The store's change number of the last entry the till has (0: none). */
  seq: number;
}

/**
 * `c1.<feed epoch>.0.<seq>`. The shape is the one cursors had when the feed was ordered by
 * transaction IDs (`c1.<epoch>.<txid>.<seq>`), so tills of either version accept both; the
 * third field, which held the transaction ID (always >= 3 in PostgreSQL), is 0.
 */
export function formatCursor(p: FeedPosition): string {
  return `c1.${p.epoch}.0.${p.seq}`;
}

export type ParsedCursor =
  | { kind: 'position'; position: FeedPosition }
  /** A cursor of the transaction-ID feed (before migration 0012): the till must resync once. */
  | { kind: 'legacy' }
  | { kind: 'invalid' };

export function parseCursor(cursor: string): ParsedCursor {
  if (!Cursor.safeParse(cursor).success) return { kind: 'invalid' };
  const [, epoch = '', txid = '', seq = ''] = cursor.split('.');
  if (txid !== '0') return { kind: 'legacy' };
  const n = Number(seq);
  if (!Number.isSafeInteger(n)) return { kind: 'invalid' };
  return { kind: 'position', position: { epoch, seq: n } };
}

export interface FeedState {
  epoch: string;
  /** Highest change number of the store (entries up to it are all visible to this snapshot). */
  lastSeq: number;
  /** Highest number retention dropped: a cursor below it has missed entries. */
  prunedSeq: number;
}

/** The store's feed state row, created when the first code or device of the store is made. */
export async function ensureFeedState(tx: Queryable, storeId: string): Promise<void> {
  await tx.query(
    `INSERT INTO sync.feed_state (store_id) VALUES ($1) ON CONFLICT (store_id) DO NOTHING`,
    [storeId],
  );
}

/** Undefined when the store has no feed state yet (no device was ever enrolled). */
export async function readFeedState(tx: TenantTx): Promise<FeedState | undefined> {
  const { rows } = await tx.query<{ epoch: string; last_seq: number; pruned_seq: number }>(
    `SELECT epoch, last_seq, pruned_seq FROM sync.feed_state WHERE store_id = $1`,
    [tx.storeId],
  );
  const row = rows[0];
  return row
    ? { epoch: row.epoch, lastSeq: Number(row.last_seq), prunedSeq: Number(row.pruned_seq) }
    : undefined;
}

/** Throws resync_required unless the cursor can be continued from this feed. */
export function checkCursor(state: FeedState, cursor: ParsedCursor): FeedPosition {
  if (cursor.kind === 'invalid') {
    throw resyncRequired('The pull cursor is not one HQ issued: download afresh.');
  }
  if (cursor.kind === 'legacy') {
    throw resyncRequired(
      "HQ's change feed now numbers each store's changes itself; this cursor is from before: download afresh.",
    );
  }
  const position = cursor.position;
  if (position.epoch !== state.epoch) {
    throw resyncRequired("HQ's change feed was reset since this cursor: download afresh.");
  }
  if (position.seq > state.lastSeq) {
    throw resyncRequired(
      'The pull cursor is ahead of HQ (was HQ restored from a backup?): download afresh.',
    );
  }
  if (position.seq < state.prunedSeq) {
    throw resyncRequired(
      'This till was away longer than HQ keeps its change feed: download afresh.',
    );
  }
  return position;
}

interface EntryRow {
  seq: number;
  txn: number;
  entity: string;
  key: string;
  op: 'upsert' | 'delete';
  version: number | null;
}

export interface FeedPage {
  /** The `data` of a PullPage, as JSON text. */
  json: string;
  entries: number;
  more: boolean;
  cursor: string;
}

async function readEntries(
  tx: TenantTx,
  from: FeedPosition,
  limit: number,
): Promise<{ entries: EntryRow[]; more: boolean }> {
  const select = `SELECT seq, txn, entity, key, op, version FROM sync.change_log
                   WHERE store_id = $1 AND seq > $2`;
  const { rows } = await tx.query<EntryRow>(`${select} ORDER BY seq LIMIT $3`, [
    tx.storeId,
    from.seq,
    limit + 1,
  ]);
  if (rows.length <= limit) return { entries: rows, more: false };
  const boundary = Number(rows[limit]!.txn);
  if (Number(rows[limit - 1]!.txn) !== boundary) {
    return { entries: rows.slice(0, limit), more: true };
  }
  const firstOfLast = rows.findIndex((r) => Number(r.txn) === boundary);
  if (firstOfLast > 0) return { entries: rows.slice(0, firstOfLast), more: true };
  // The page is one transaction larger than the limit: deliver it whole (up to a cap).
  const whole = await tx.query<EntryRow>(`${select} AND txn = $3 ORDER BY seq LIMIT $4`, [
    tx.storeId,
    from.seq,
    boundary,
    HUGE_TRANSACTION,
  ]);
  return { entries: whole.rows, more: true };
}

/**
 * One page after `position` for a verified device, inside a snapshot transaction
 * (withTenant(..., { snapshot: true })).
 */
export async function readFeedPage(
  tx: TenantTx,
  options: {
    device: VerifiedDevice;
    state: FeedState;
    position: FeedPosition;
    limit: number;
    logger: Logger;
  },
): Promise<FeedPage> {
  const { device, state, position } = options;
  const { entries, more } = await readEntries(tx, position, options.limit);

  const keys = new Map<string, Set<string>>();
  const deleted = new Map<string, Set<string>>();
  let ack: number | null = null;
  for (const e of entries) {
    if (e.entity === 'device_ack') {
      if (e.key === device.deviceId && e.version !== null)
        ack = Math.max(ack ?? 0, Number(e.version));
      continue;
    }
    const set = keys.get(e.entity) ?? new Set<string>();
    set.add(e.key);
    keys.set(e.entity, set);
    if (e.op === 'delete') {
      const gone = deleted.get(e.entity) ?? new Set<string>();
      gone.add(e.key);
      deleted.set(e.entity, gone);
    }
  }

  const parts = new Map<(typeof ENTITY_SPECS)[number]['field'], string>();
  const deletes: Deletes = emptyDeletes();
  for (const [entity, set] of keys) {
    const spec = SPEC_BY_ENTITY.get(entity);
    if (!spec) {
      options.logger.warn({ entity }, 'unknown entity in the change log; skipped');
      continue;
    }
    const wanted = [...set];
    const { rows } = await tx.query<{ json: string; keys: string[] }>(rowsByKeySql(spec), [
      tx.storeId,
      wanted,
    ]);
    const found = new Set(rows[0]?.keys ?? []);
    parts.set(spec.field, rows[0]?.json ?? '[]');
    // A store row is never deleted (sales reference it); every other table can lose rows. A
    // key deleted in this page goes as a delete even if it exists again (re-created): its
    // current row, sent as well, is then inserted afresh.
    const gone = deleted.get(entity);
    if (spec.field !== 'stores') {
      addDeletes(
        deletes,
        spec.field,
        wanted.filter((k) => !found.has(k) || gone?.has(k) === true),
      );
    }
  }

  const last = entries[entries.length - 1];
  const next = last ? { epoch: state.epoch, seq: Number(last.seq) } : position;

  // Caught up with everything this snapshot holds? Then the till's stock levels equal HQ's
  // now, and HQ's counter for this device (same snapshot) is exactly the set of its movements
  // they include.
  if (!more) {
    const { rows } = await tx.query<{ last_mutation_id: number }>(
      `SELECT last_mutation_id FROM sync.devices WHERE store_id = $1 AND device_id = $2`,
      [tx.storeId, device.deviceId],
    );
    const row = rows[0];
    if (row) ack = Number(row.last_mutation_id);
  }

  const cursor = formatCursor(next);
  const json =
    `{"cursor":${JSON.stringify(cursor)},"changes":${changesJson(parts)},` +
    `"deletes":${JSON.stringify(deletes)},"stockAck":${ack === null ? 'null' : ack},` +
    `"entries":${entries.length},"more":${more}}`;
  return { json, entries: entries.length, more, cursor };
}

function addDeletes(deletes: Deletes, field: keyof Deletes, keys: readonly string[]): void {
  if (keys.length === 0) return;
  switch (field) {
    case 'categories':
    case 'categoryTaxRates':
      deletes[field].push(...keys.map(Number));
      return;
    case 'embeddings':
      deletes.embeddings.push(
        ...keys.map((k) => ({ productId: k.slice(0, 36), embeddingModel: k.slice(37) })),
      );
      return;
    default:
      deletes[field].push(...keys);
  }
}
