/**
 * Re-applying and dismissing quarantined mutations (issue 11): nothing a till sent is ever
 * discarded. After staff fix the cause (add the missing shift, widen retention, correct the
 * catalog), the mutation is applied exactly as the till sent it, through the same ingest path
 * as a push; refused again, it stays held with one more attempt. Dismissing keeps it with the
 * person's reason.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key), as ONE transaction with the
 * facts it writes.
 */
import { Mutation } from '../../contract/mutations';
import { CorruptDataError } from '../errors';
import { ingestMutations } from './ingest';
import type { RaisedException } from './ingest-types';
import { decideQuarantined, lockQuarantined } from './queries/exceptions';
import { lockForSalesIngest } from './sales-ddl-lock';
import type { TenantTx } from './tenant';

export interface ReapplyOutcome {
  status: 'applied' | 'duplicate' | 'rejected';
  code: string | null;
  message: string | null;
  exceptions: RaisedException[];
}

export async function reapplyQuarantined(
  tx: TenantTx,
  options: { deviceId: string; mutationId: number; by: string },
): Promise<ReapplyOutcome> {
  // Same lock order as a push: the shared sales DDL lock first (sales-ddl-lock.ts).
  await lockForSalesIngest(tx);
  const held = await lockQuarantined(tx, options);
  const parsed = Mutation.safeParse(held.mutation);
  if (!parsed.success) {
    throw new CorruptDataError(
      `Quarantined mutation ${options.mutationId} of device ${options.deviceId} no longer reads as a mutation`,
    );
  }
  const [outcome] = await ingestMutations(tx, {
    deviceId: options.deviceId,
    mutations: [parsed.data],
  });
  if (!outcome) throw new Error('reapplyQuarantined: no outcome');
  if (outcome.status === 'rejected') {
    return { status: 'rejected', code: outcome.code, message: outcome.message, exceptions: [] };
  }
  await decideQuarantined(tx, {
    deviceId: options.deviceId,
    mutationId: options.mutationId,
    status: 'applied',
    by: options.by,
    resolution:
      outcome.status === 'applied'
        ? 'Re-applied: HQ recorded it.'
        : 'Re-applied: HQ already held its effect.',
  });
  return {
    status: outcome.status,
    code: null,
    message: null,
    exceptions: outcome.exceptions ?? [],
  };
}

export async function dismissQuarantined(
  tx: TenantTx,
  options: { deviceId: string; mutationId: number; by: string; reason: string },
): Promise<void> {
  await lockQuarantined(tx, options);
  await decideQuarantined(tx, {
    deviceId: options.deviceId,
    mutationId: options.mutationId,
    status: 'dismissed',
    by: options.by,
    resolution: `Dismissed: ${options.reason}`,
  });
}
