/**
 * Push: the outbox to HQ, in mutation order, in batches.
 *
 * Exactly once: HQ applies a batch and bumps this device's counter in one transaction, so a
 * retry of a batch whose acknowledgement was lost is answered "already applied" with the
 * original results (rejections included). The till records results and its acknowledgement
 * in ONE local transaction and never acknowledges beyond what it sent.
 *
 * Handled here, never silently:
 *   gap                    HQ's counter is behind what the till counts as acknowledged (HQ
 *                          was restored): resend from HQ's counter out of the outbox.
 *   hole in the outbox     mutations after the acknowledged ones are missing locally (a power
 *                          cut lost them after HQ acknowledged them and the journal dropped
 *                          them): the next run is sent as it is. HQ accepts it exactly when it
 *                          holds everything before it (the hole was harmless) and the till's
 *                          acknowledgement moves past the hole; otherwise HQ answers `gap`
 *                          and the till reports which mutations neither side holds.
 *   mutation_id_conflict   the till's counter went backwards (its database was restored
 *                          without its journal) and a new mutation reuses an ID HQ applied
 *                          with other content: the till continues as a new device whose
 *                          numbering starts at that ID (rebase), so the new sale is applied.
 *   payload_too_large      smaller batches.
 */
import { v4 as uuidv4 } from 'uuid';
import { PushResult } from '../../contract/sync-protocol/push';
import { RebaseResult } from '../../contract/sync-protocol/enrollment';
import type { SyncContext } from './context';
import { SyncError } from './http';
import {
  completeRebase,
  outboxAfter,
  readDevice,
  readSyncState,
  recordPushResult,
  saveRebaseIntent,
} from './local';
import { keepSecret } from './secrets';

export interface PushRound {
  sent: number;
  rejected: number;
  /** Call again: more may be waiting. */
  more: boolean;
}

function randomSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Finish (or start) moving to a new device. Safe to repeat: HQ answers the same again. */
export async function rebase(ctx: SyncContext, fromMutationId: number): Promise<void> {
  const current = await readDevice(ctx.db, ctx.sealer);
  if (!current) throw new Error('Not enrolled');
  let intent = current.rebase;
  if (!intent) {
    intent = { deviceId: uuidv4(), secret: randomSecret(), fromMutationId };
    await saveRebaseIntent(ctx.db, {
      ...intent,
      secret: await keepSecret(ctx.sealer, intent.secret),
    });
  }
  ctx.logger.warn(
    { oldDeviceId: current.deviceId, newDeviceId: intent.deviceId, from: intent.fromMutationId },
    'mutation counter went backwards: continuing as a new device',
  );
  const result = await ctx.http.request(
    'POST',
    '/v1/rebase',
    {
      newDeviceId: intent.deviceId,
      newSecret: intent.secret,
      fromMutationId: intent.fromMutationId,
    },
    RebaseResult,
  );
  // Sealed before the transaction: no database transaction waits on the keychain.
  const token = await keepSecret(ctx.sealer, result.token);
  await ctx.db.transaction((tx) =>
    completeRebase(tx, {
      deviceId: result.deviceId,
      token,
      storeId: current.storeId,
      registerId: current.registerId,
      counters: result.counters,
    }),
  );
  const updated = await readDevice(ctx.db, ctx.sealer);
  if (updated) ctx.device = updated;
}

export async function pushOnce(ctx: SyncContext, signal?: AbortSignal): Promise<PushRound> {
  if (ctx.device.rebase) await rebase(ctx, ctx.device.rebase.fromMutationId);
  const state = await readSyncState(ctx.db);
  const from = ctx.resendFrom ?? state.lastAcked;
  const batch = await outboxAfter(ctx.db, {
    afterId: from,
    limit: ctx.tuning.pushBatch,
    maxBytes: ctx.tuning.pushMaxBytes,
  });
  const first = batch[0];
  const last = batch[batch.length - 1];
  if (!first || !last) {
    ctx.resendFrom = undefined;
    return { sent: 0, rejected: 0, more: false };
  }
  const hole = first.mutationId !== from + 1;
  if (hole) {
    ctx.logger.warn(
      { from: from + 1, to: first.mutationId - 1 },
      'outbox has a hole below its next mutation; asking HQ whether it holds them',
    );
  }

  let result: PushResult;
  try {
    result = await ctx.http.request('POST', '/v1/push', { mutations: batch }, PushResult, {
      signal,
    });
  } catch (error) {
    if (!(error instanceof SyncError) || error.errorClass !== 'protocol') throw error;
    if (error.kind === 'payload_too_large' && ctx.tuning.pushBatch > 1) {
      ctx.tuning.pushBatch = Math.max(1, Math.floor(batch.length / 2));
      return { sent: 0, rejected: 0, more: true };
    }
    if (
      hole &&
      error.kind === 'gap' &&
      error.lastMutationId !== undefined &&
      error.lastMutationId >= from
    ) {
      throw new SyncError({
        kind: 'gap',
        errorClass: 'fatal',
        message: `Mutations ${error.lastMutationId + 1} to ${first.mutationId - 1} of this till are neither in its outbox nor at HQ; the rest cannot be received in order. Contact support.`,
      });
    }
    if (error.kind === 'gap' && error.lastMutationId !== undefined && error.lastMutationId < from) {
      ctx.logger.warn(
        { hqLast: error.lastMutationId, tillAcked: state.lastAcked },
        'HQ lost mutations it had acknowledged (restored?): sending them again',
      );
      ctx.resendFrom = error.lastMutationId;
      return { sent: 0, rejected: 0, more: true };
    }
    if (error.kind === 'mutation_id_conflict' && error.firstConflictingId !== undefined) {
      const firstNew = error.firstConflictingId;
      // Everything before it in this batch matched what HQ applied under those IDs.
      await ctx.db.transaction((tx) =>
        recordPushResult(tx, { results: [], ackThrough: firstNew - 1 }),
      );
      await rebase(ctx, firstNew);
      ctx.resendFrom = undefined;
      return { sent: 0, rejected: 0, more: true };
    }
    throw error;
  }

  if (result.results.length !== batch.length) {
    throw new SyncError({
      kind: 'bad_response',
      errorClass: 'retryable',
      message: `HQ answered ${result.results.length} results for ${batch.length} mutations`,
    });
  }
  const ackThrough = Math.min(result.lastMutationId, last.mutationId);
  await ctx.db.transaction((tx) => recordPushResult(tx, { results: result.results, ackThrough }));
  if (ctx.resendFrom !== undefined) {
    ctx.resendFrom = ackThrough >= state.lastAcked ? undefined : ackThrough;
  }
  const rejected = result.results.filter((r) => r.status === 'rejected').length;
  if (rejected > 0)
    ctx.logger.warn({ rejected }, 'HQ rejected mutations (kept and shown at the till)');
  return { sent: batch.length, rejected, more: true };
}
