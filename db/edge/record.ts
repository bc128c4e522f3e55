/**
 * The one write path for everything that must reach HQ: in ONE local transaction allocate the
 * mutation ID, write the domain rows and the outbox row; then append the mutation to the sale
 * journal and fsync it. Only after that does the caller get a result (and show a receipt).
 */
import type { Transaction } from '@electric-sql/pglite';
import { toPosError } from '../errors';
import { applyMutationAtEdge, type TillIdentity } from '../mutations/apply-edge';
import type { Mutation, NewMutation } from '../../contract/mutations';
import { appendToOutbox } from '../queries/outbox';
import type { Queryable } from '../queryable';
import type { Journal } from './journal-types';
import type { ProtocolDb } from '../prepared';

/**
 * What the record path needs from a PGlite instance: queries, transactions, and the protocol
 * access prepared statements use (db/prepared.ts).
 */
export interface LocalDb extends Queryable, ProtocolDb {
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

export interface RecordContext {
  db: LocalDb;
  journal: Journal;
  identity: TillIdentity;
}

/**
 * `build` runs inside the transaction (it may read state and take counters through `tx`) and
 * returns the mutation to record. Throwing from `build` rolls everything back.
 */
export async function recordMutation<T extends NewMutation>(
  ctx: RecordContext,
  build: (tx: Queryable) => Promise<T>,
  context = 'record change',
): Promise<Extract<Mutation, { type: T['type'] }>> {
  let mutation: Mutation;
  try {
    mutation = await ctx.db.transaction(async (tx) => {
      // `build` is the till's own code over inputs validated at their boundary (the till API),
      // and its result is typed as a mutation: it is not validated again here. The mutation is
      // validated where it crosses a boundary: read back from the journal or the outbox, and
      // at HQ on push.
      const draft: NewMutation = await build(tx);
      const recorded: Mutation = { ...draft, mutationId: await appendToOutbox(tx, draft) };
      await applyMutationAtEdge(tx, ctx.identity, recorded);
      return recorded;
    });
  } catch (error) {
    throw toPosError(error, context);
  }
  await ctx.journal.append(mutation);
  return mutation as Extract<Mutation, { type: T['type'] }>;
}
