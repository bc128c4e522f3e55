/**
 * The pull feed: a store's change log read in commit order, joined to current rows.
 *
 * Why it never skips a row: a change-log row carries the ID of the transaction that wrote it
 * (txid). A page returns only rows with txid < xmin of the reading snapshot: every
 * transaction below xmin has finished, so no new row can ever appear below it, while a
 * transaction that started earlier but commits later has a txid >= xmin and is simply not
 * returned yet. Pages are ordered by (txid, seq) and the cursor is the last (txid, seq)
 * returned. A sequence or timestamp cursor would skip the late committer.
 *
 * Each page is read in ONE repeatable-read snapshot (rows, tombstones, the device's counter
 * all agree) and ends at a transaction boundary, so the till applies one HQ transaction at
 * once (a single transaction larger than HUGE_TRANSACTION entries is split).
 */
import type { Logger } from '../../db/logger';
import type { TenantTx } from '../../db/central/tenant';
import type { Queryable } from '../../db/queryable';
import { Cursor, emptyDeletes, type Deletes } from '../../contract/sync-protocol';
import type { VerifiedDevice } from './devices';
import { SPEC_BY_ENTITY, changesJson, rowsByKeySql, type ENTITY_SPECS } from './entities';
import { resyncRequired } from './errors';

export const DEFAULT_PAGE_ENTRIES = 2_000;
/** One HQ transaction is delivered in one page up to this many entries. */
export const HUGE_TRANSACTION = 50_000;

export interface FeedPosition {
  epoch: string;
  /** xid8 as decimal text (may exceed 2^53). */
  txid: string;
  seq: number;
}

export function formatCursor(p: FeedPosition): string {
  return `c1.${p.epoch}.${p.txid}.${p.seq}`;
}

export function parseCursor(cursor: string): FeedPosition | undefined {
  if (!Cursor.safeParse(cursor).success) return undefined;
  const [, epoch = '', txid = '', seq = ''] = cursor.split('.');
  const n = Number(seq);
  if (!Number.isSafeInteger(n)) return undefined;
  return { epoch, txid: BigInt(txid).toString(), seq: n };
}

/** (a.txid, a.seq) compared with (b.txid, b.seq). */
function comparePosition(a: { txid: string; seq: number }, b: { txid: string; seq: number }) {
  const x = BigInt(a.txid);
  const y = BigInt(b.txid);
  if (x !== y) return x < y ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

export interface FeedState {
  epoch: string;
  prunedTxid: string;
  prunedSeq: number;
  /** pg_snapshot_xmin of this transaction's snapshot: the read horizon. */
  horizon: string;
  /** pg_snapshot_xmax: no transaction ID at or above it has been assigned yet. */
  nextTxid: string;
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
  const { rows } = await tx.query<{
    epoch: string;
    pruned_txid: string;
    pruned_seq: number;
    horizon: string;
    next_txid: string;
  }>(
    `SELECT epoch, pruned_txid::text, pruned_seq,
            pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next_txid
       FROM sync.feed_state WHERE store_id = $1`,
    [tx.storeId],
  );
  const row = rows[0];
  return row
    ? {
        epoch: row.epoch,
        prunedTxid: row.pruned_txid,
        prunedSeq: Number(row.pruned_seq),
        horizon: row.horizon,
        nextTxid: row.next_txid,
      }
    : undefined;
}

/** Throws resync_required unless the cursor can be continued from this feed. */
export function checkCursor(state: FeedState, position: FeedPosition | undefined): FeedPosition {
  if (!position) throw resyncRequired('The pull cursor is not one HQ issued: download afresh.');
  if (position.epoch !== state.epoch) {
    throw resyncRequired("HQ's change feed was reset since this cursor: download afresh.");
  }
  if (BigInt(position.txid) >= BigInt(state.nextTxid)) {
    throw resyncRequired(
      'The pull cursor is ahead of HQ (was HQ restored from a backup?): download afresh.',
    );
  }
  if (comparePosition(position, { txid: state.prunedTxid, seq: state.prunedSeq }) < 0) {
    throw resyncRequired(
      'This till was away longer than HQ keeps its change feed: download afresh.',
    );
  }
  return position;
}

interface EntryRow {
  txid: string;
  seq: number;
  entity: string;
  key: string;
  version: number | null;
}

export interface FeedPage {
  /** The `data` of a PullPage, as JSON text. */
  json: string;
  entries: number;
  more: boolean;
  /** Nothing returned although committed entries exist above the horizon: retry shortly. */
  blockedByHorizon: boolean;
  cursor: string;
}

async function readEntries(
  tx: TenantTx,
  from: FeedPosition,
  horizon: string,
  limit: number,
): Promise<{ entries: EntryRow[]; more: boolean }> {
  // Qualified names in ORDER BY: the output column `txid` is text, and sorting text would put
  // transaction 1000 before 999.
  const select = `SELECT c.txid::text AS txid, c.seq, c.entity, c.key, c.version FROM sync.change_log c
                   WHERE c.store_id = $1 AND (c.txid, c.seq) > ($2::xid8, $3::bigint)
                     AND c.txid < $4::xid8`;
  const { rows } = await tx.query<EntryRow>(`${select} ORDER BY c.txid, c.seq LIMIT $5`, [
    tx.storeId,
    from.txid,
    from.seq,
    horizon,
    limit + 1,
  ]);
  if (rows.length <= limit) return { entries: rows, more: false };
  const boundary = rows[limit]!.txid;
  if (rows[limit - 1]!.txid !== boundary) return { entries: rows.slice(0, limit), more: true };
  const firstOfLast = rows.findIndex((r) => r.txid === boundary);
  if (firstOfLast > 0) return { entries: rows.slice(0, firstOfLast), more: true };
  // The page is one transaction larger than the limit: deliver it whole (up to a cap).
  const whole = await tx.query<EntryRow>(
    `${select} AND c.txid = $5::xid8 ORDER BY c.seq LIMIT $6`,
    [tx.storeId, from.txid, from.seq, horizon, boundary, HUGE_TRANSACTION],
  );
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
  const { entries, more } = await readEntries(tx, position, state.horizon, options.limit);

  const keys = new Map<string, Set<string>>();
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
    // A store row is never deleted (sales reference it); every other table can lose rows.
    if (spec.field !== 'stores') {
      addDeletes(
        deletes,
        spec.field,
        wanted.filter((k) => !found.has(k)),
      );
    }
  }

  const last = entries[entries.length - 1];
  const next = last ? { epoch: state.epoch, txid: last.txid, seq: Number(last.seq) } : position;

  // Caught up with everything committed that this snapshot can see? Then the till's stock
  // levels equal HQ's now, and HQ's counter for this device (same snapshot) is exactly the set
  // of its movements they include.
  let blockedByHorizon = false;
  if (!more) {
    const { rows } = await tx.query<{ behind: boolean; last_mutation_id: number }>(
      `SELECT EXISTS (SELECT 1 FROM sync.change_log
                       WHERE store_id = $1 AND (txid, seq) > ($2::xid8, $3::bigint)) AS behind,
              (SELECT last_mutation_id FROM sync.devices
                WHERE store_id = $1 AND device_id = $4) AS last_mutation_id`,
      [tx.storeId, next.txid, next.seq, device.deviceId],
    );
    const row = rows[0];
    if (row && !row.behind) ack = Number(row.last_mutation_id);
    blockedByHorizon = Boolean(row?.behind) && entries.length === 0;
  }

  const cursor = formatCursor(next);
  const json =
    `{"cursor":${JSON.stringify(cursor)},"changes":${changesJson(parts)},` +
    `"deletes":${JSON.stringify(deletes)},"stockAck":${ack === null ? 'null' : ack},` +
    `"entries":${entries.length},"more":${more}}`;
  return { json, entries: entries.length, more, blockedByHorizon, cursor };
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
