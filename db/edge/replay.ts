/**
 * Journal replay at open: put back every journaled mutation the database lost, exactly once,
 * in mutation order, each in its own transaction with its outbox row. Then raise the local
 * counters so no receipt number or mutation ID is ever issued twice.
 */
import { CorruptDataError } from '../errors';
import type { Logger } from '../logger';
import { applyMutationAtEdge, type TillIdentity } from '../mutations/apply-edge';
import type { Mutation } from '../../contract/mutations';
import { insertOutbox, outboxHas, raiseCounters, raiseLastAcked } from '../queries/outbox';
import { readIdentity } from '../queries/identity';
import type { Counters, Watermark } from './journal-types';
import type { LocalDb } from './record';
import { getErrorMessage } from '../../contract/errors';

export interface ReplayResult {
  replayed: number[];
  counters: Counters;
}

export async function replayJournal(options: {
  db: LocalDb;
  identity: TillIdentity;
  mutations: Mutation[];
  watermark: Watermark;
  logger: Logger;
}): Promise<ReplayResult> {
  const { db, identity, mutations, watermark, logger } = options;
  const replayed: number[] = [];
  for (const mutation of [...mutations].sort((a, b) => a.mutationId - b.mutationId)) {
    if (await outboxHas(db, mutation.mutationId)) continue;
    try {
      await db.transaction(async (tx) => {
        await applyMutationAtEdge(tx, identity, mutation);
        await insertOutbox(tx, mutation);
      });
    } catch (error) {
      throw new CorruptDataError(
        `Journal replay of mutation ${mutation.mutationId} (${mutation.type}) failed: ${getErrorMessage(
          error,
        )}. The database and the journal disagree; nothing was changed for this entry.`,
        { cause: error },
      );
    }
    replayed.push(mutation.mutationId);
  }
  if (replayed.length > 0) {
    logger.warn({ replayed }, 'restored mutations the database had lost from the sale journal');
  }
  const floor: Counters = {
    mutation: Math.max(watermark.mutation, ...mutations.map((m) => m.mutationId)),
    receipt: Math.max(
      watermark.receipt,
      ...mutations.map((m) => (m.type === 'sale.recorded' ? m.payload.receiptSeq : 0)),
    ),
    z_report: Math.max(
      watermark.z_report,
      ...mutations.map((m) => (m.type === 'shift.closed' ? m.payload.zReport.zNumber : 0)),
    ),
  };
  const counters = await db.transaction(async (tx) => {
    // HQ acknowledged up to here before the journal dropped those mutations: a database that
    // lost its record of the acknowledgement must not send from below it (a jammed queue).
    await raiseLastAcked(tx, watermark.acked);
    return raiseCounters(tx, floor);
  });
  return { replayed, counters };
}

/**
 * The open-time recovery both hosts run (Node store directory, browser IndexedDB): replay what
 * the database lost when the till is set up; refuse when the journal holds sales but the
 * database has no store at all (it was replaced by an empty one), leaving the journal untouched.
 */
export async function recoverFromJournal(options: {
  db: LocalDb;
  contents: { mutations: Mutation[]; watermark: Watermark };
  logger: Logger;
  /** Names the storage in the error ("/path/to/store", "This browser"). */
  where: string;
}): Promise<number[]> {
  const identity = await readIdentity(options.db);
  if (identity) {
    const result = await replayJournal({
      db: options.db,
      identity,
      mutations: options.contents.mutations,
      watermark: options.contents.watermark,
      logger: options.logger,
    });
    return result.replayed;
  }
  if (options.contents.mutations.length > 0) {
    throw new CorruptDataError(
      `${options.where} holds ${options.contents.mutations.length} journaled sales but its database has no store set up. Restore the database from a backup; the journal was left untouched.`,
    );
  }
  return [];
}
