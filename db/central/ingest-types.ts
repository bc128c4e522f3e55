/** Shared shapes of the ingest path (ingest.ts, ingest-sales.ts, ingest-other.ts). */
import type { RejectionCode } from './rejections';
import type { TenantTx } from './tenant';

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
 * stays usable (the caller records a rejection and carries on with the next mutation). The
 * changes `fn` recorded for the feed are undone with it.
 */
export async function withSavepoint<T>(tx: TenantTx, fn: () => Promise<T>): Promise<T> {
  await tx.query(`SAVEPOINT ${SAVEPOINT}`);
  const mark = tx.changes.mark();
  try {
    const result = await fn();
    await tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return result;
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    tx.changes.rollbackTo(mark);
    throw error;
  }
}
