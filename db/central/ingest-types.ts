/** Shared shapes of the ingest path (ingest.ts, ingest-sales.ts, ingest-other.ts). */
import type { ExceptionEntity, ExceptionKind } from '../../contract/exceptions';
import type { RejectionCode } from './rejections';
import type { TenantTx } from './tenant';

/**
 * Something wrong around a fact HQ recorded anyway (contract/exceptions.ts): stored in
 * sync.exceptions with the mutation that carried it, for a person to work.
 */
export interface RaisedException {
  kind: ExceptionKind;
  entity: ExceptionEntity;
  entityId: string;
  /** Plain language: what happened and what HQ did with it. */
  reason: string;
  detail: Record<string, unknown>;
  /**
   * What makes this finding distinct beyond its kind and entity (e.g. a fingerprint of the
   * differences a reconciliation found): the same finding is recorded once, a changed one again.
   */
  key?: string | undefined;
}

/**
 * What became of one mutation. `duplicate`: HQ already had its effect (same transaction,
 * shift, customer or movements), so it is acknowledged without changing anything. `rejected`:
 * HQ could not record it; it is kept whole in the quarantine (exceptions.ts).
 */
export type MutationOutcome =
  | { mutationId: number; status: 'applied'; exceptions?: RaisedException[] }
  | { mutationId: number; status: 'duplicate'; exceptions?: RaisedException[] }
  | { mutationId: number; status: 'rejected'; code: RejectionCode; message: string };

/** The result of applying one mutation of the less frequent types (ingest-other.ts). */
export interface Applied {
  status: 'applied' | 'duplicate';
  exceptions: RaisedException[];
}

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
