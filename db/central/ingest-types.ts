/** Shared shapes of the ingest path (ingest.ts, ingest-sales.ts, ingest-other.ts). */
import type { Queryable } from '../queryable';
import type { RejectionCode } from './rejections';

/**
 * What became of one mutation. `duplicate`: HQ already had its effect (same transaction,
 * shift, customer or movements), so it is acknowledged without changing anything.
 */
export type MutationOutcome =
  | { mutationId: number; status: 'applied' }
  | { mutationId: number; status: 'duplicate' }
  | { mutationId: number; status: 'rejected'; code: RejectionCode; message: string };

const SAVEPOINT = 'edgepos_ingest';

/**
 * Run `fn` so that if it throws, only its own work is undone and the surrounding transaction
 * stays usable (the caller records a rejection and carries on with the next mutation).
 */
export async function withSavepoint<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  await tx.query(`SAVEPOINT ${SAVEPOINT}`);
  try {
    const result = await fn();
    await tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return result;
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    throw error;
  }
}
