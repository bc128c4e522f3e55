/**
 * One sync round of the client (always inside its exclusive lane): push everything, then
 * download the catalog or pull until caught up; and what a failed round means for the next
 * one. Browser-safe.
 */
import { getErrorMessage } from '../../contract/errors';
import type { Backoff } from './backoff';
import { maybeMaintain, type SyncContext } from './context';
import { SyncError } from './http';
import { NeedsSnapshotError, pullOnce } from './pull';
import { pushOnce } from './push';
import { readSyncState } from './local';
import { beginSnapshot, downloadSnapshot, readSnapshot } from './snapshot';

/** What a round tells the client, and asks of it. */
export interface RoundHooks {
  /** The client was stopped: end the round at the next step. */
  closed(): boolean;
  /** Re-read and publish the status (counts, download progress). */
  refresh(): Promise<unknown>;
  /** HQ acknowledged mutations: run the client's afterAck hook if the mark moved. */
  afterAck(): Promise<void>;
  /** The till has a catalog: it can sell (waiters of `whenReady` resolve). */
  markReady(): void;
  /** A full download finished (and was maintained): compare it with HQ's soon. */
  afterFullDownload(): void;
  /** A download page was applied: the download's progress moved. */
  onProgress(progress: SyncContext['progress']): void;
}

/** Push until the outbox is empty, the status re-read after every push (the client's drain). */
export async function drainOutbox(ctx: SyncContext, hooks: RoundHooks): Promise<void> {
  for (;;) {
    const round = await pushOnce(ctx);
    await hooks.refresh();
    if (!round.more) break;
  }
  await hooks.afterAck();
}

/**
 * Runs the afterAck hook (journal compaction) when HQ's acknowledgement moved since it last
 * ran, so an idle till does not compact its journal every round.
 */
export class AckWatch {
  private lastHooked = -1;

  async check(ctx: SyncContext | undefined): Promise<void> {
    const hook = ctx?.hooks.afterAck;
    if (!ctx || !hook) return;
    const state = await readSyncState(ctx.db);
    if (state.lastAcked === this.lastHooked) return;
    await hook(state.lastAcked);
    this.lastHooked = state.lastAcked;
  }
}

/** Answers that refuse the device itself: a failed push with one of these ends the round. */
const DEVICE_REFUSALS = new Set<string>([
  'unauthorized',
  'forbidden',
  'upgrade_required',
  'protocol_too_new',
]);

/**
 * Push all, then download or pull until caught up. Pushing and pulling fail independently:
 * a push that fails (HQ's write path down, a gap) does not keep catalog and price changes
 * from arriving; its error is raised after the pull, so the round is retried with backoff.
 */
export async function syncRound(ctx: SyncContext, hooks: RoundHooks): Promise<void> {
  let pushError: Error | undefined;
  try {
    for (;;) {
      const round = await pushOnce(ctx);
      if (!round.more || hooks.closed()) break;
      await hooks.refresh();
    }
    await hooks.afterAck();
  } catch (error) {
    // Refused as a device (credential, app version): pulling would be refused too.
    if (error instanceof SyncError && DEVICE_REFUSALS.has(error.kind)) throw error;
    pushError = error instanceof Error ? error : new Error(getErrorMessage(error));
    ctx.logger.warn({ error: getErrorMessage(error) }, 'push failed; pulling anyway');
  }
  await pullAll(ctx, hooks);
  if (pushError !== undefined) throw pushError;
}

async function pullAll(ctx: SyncContext, hooks: RoundHooks): Promise<void> {
  while (!hooks.closed()) {
    if (await readSnapshot(ctx.db)) {
      const round = await downloadSnapshot(ctx, {
        onPage: async () => {
          hooks.onProgress(ctx.progress);
          await hooks.refresh();
        },
        stop: () => hooks.closed(),
      });
      if (round.done && !(await readSnapshot(ctx.db))) {
        hooks.markReady();
        // After a whole catalog: vacuum and the deferred index builds. Only now, so that
        // the till is ready first (the Node host runs them at its next idle moment).
        await maybeMaintain(ctx, 0, true);
        // After every full download, compare the result with HQ's (at the next idle moment).
        hooks.afterFullDownload();
      }
      continue;
    }
    try {
      const round = await pullOnce(ctx);
      if (!round.more) break;
    } catch (error) {
      if (error instanceof NeedsSnapshotError) {
        await beginSnapshot(ctx, error.reason);
        continue;
      }
      if (error instanceof SyncError && error.kind === 'resync_required') {
        ctx.logger.warn({ reason: error.message }, 'HQ asks for a full download');
        await beginSnapshot(ctx, error.message);
        continue;
      }
      throw error;
    }
  }
  if (!hooks.closed()) hooks.markReady();
}

/**
 * How long to wait after a failed round: at once for a download that must start, with backoff
 * (Retry-After honoured) for what may pass, and at least 30 s for the fatal (revoked, too old,
 * invalid) or a local failure: the queue is kept, the status says why, and the till looks
 * again later (an administrator may fix it). `refused`: HQ refused the device itself, so
 * whoever waits for the till to become ready is told.
 */
export function afterFailure(
  error: unknown,
  backoff: Backoff,
): { delayMs: number; refused: boolean } {
  if (error instanceof NeedsSnapshotError) return { delayMs: 0, refused: false };
  if (error instanceof SyncError && error.errorClass !== 'fatal') {
    return { delayMs: backoff.next(error.retryAfterMs), refused: false };
  }
  return { delayMs: Math.max(backoff.next(), 30_000), refused: error instanceof SyncError };
}
