/**
 * Pull: HQ's change feed into the till, one page at a time, each page applied in ONE local
 * transaction together with the cursor that follows it (and the stock acknowledgement it
 * carries). A crash before commit leaves the old cursor, so the page is fetched again; after
 * commit the new cursor, so it is never applied twice (and a replay would be harmless
 * anyway: upserts are version-guarded, deletes idempotent).
 */
import { PullPage } from '../../contract/sync-protocol/pull';
import { applyChangesTolerant, applyDeletes, deleteCount, type RefusedRow } from './apply';
import type { SyncContext } from './context';
import { maybeMaintain } from './context';
import { SyncError } from './http';
import { readSyncState } from './local';
import { changeCount } from '../../contract/sync-protocol/changes';

export interface PullRound {
  entries: number;
  rows: number;
  more: boolean;
  /** Rows of the page the till's database refused (reported, left out). */
  refused: number;
}

/** Thrown when the till has no cursor yet: it must download a snapshot first. */
export class NeedsSnapshotError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NeedsSnapshotError';
  }
}

export async function pullOnce(
  ctx: SyncContext,
  options: { waitMs?: number; signal?: AbortSignal | undefined } = {},
): Promise<PullRound> {
  const state = await readSyncState(ctx.db);
  if (!state.cursor) throw new NeedsSnapshotError('first sync');
  const waitMs = options.waitMs ?? 0;
  const page = await ctx.http.request(
    'POST',
    '/v1/pull',
    { cursor: state.cursor, limit: ctx.tuning.pullLimit, waitMs },
    PullPage,
    { signal: options.signal, extraTimeoutMs: waitMs },
  );
  const rows = changeCount(page.changes) + deleteCount(page.deletes);
  const storeId = ctx.device.storeId;
  let refused: RefusedRow[] = [];
  await ctx.db.transaction(async (tx) => {
    await applyDeletes(tx, storeId, page.deletes);
    refused = await applyChangesTolerant(tx, storeId, page.changes);
    const moved = await tx.query(
      `UPDATE pos.sync_state
          SET pull_cursor = $1, last_pull_at = now(), last_error = $4, updated_at = now(),
              stock_ack_mutation_id = coalesce($2, stock_ack_mutation_id)
        WHERE pull_cursor IS NOT DISTINCT FROM $3`,
      [page.cursor, page.stockAck, state.cursor, refusedMessage(refused)],
    );
    if (!moved.affectedRows) {
      // Another writer moved the cursor meanwhile: this page was read against an old
      // position. Roll back; the next round reads from the current one.
      throw new SyncError({
        kind: 'conflict',
        errorClass: 'retryable',
        message: 'The pull cursor moved while a page was being applied',
      });
    }
  });
  if (refused.length > 0) {
    ctx.logger.warn(
      { refused: refused.map((r) => ({ field: r.field, row: r.row, message: r.message })) },
      'HQ sent catalog rows this till cannot store; they were left out',
    );
  }
  await maybeMaintain(ctx, rows);
  return { entries: page.entries, rows, more: page.more, refused: refused.length };
}

function refusedMessage(refused: readonly RefusedRow[]): string | null {
  const first = refused[0];
  if (!first) return null;
  return `HQ sent ${refused.length} catalog row(s) this till cannot store (first: ${first.field}: ${first.message}); ask HQ to correct them`;
}
