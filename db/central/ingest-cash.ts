/**
 * Drawer events of a shift at HQ: cash paid in or out (`shift.cash_moved`) and no-sale drawer
 * opens (`shift.no_sale`, issue 13, item 5), both rows of retail.cash_movements, recorded once
 * by their ID. One that arrives after HQ recorded its shift's close is recorded with an
 * exception (the Z report does not include it); one of a shift HQ does not hold is refused.
 *
 * Contract: called inside withTenant and inside a savepoint (ingest.ts), like ingest-other.ts.
 */
import type { CashMoved, NoSaleRecorded } from '../../contract/mutations';
import { ExceptionKind } from '../../contract/exceptions';
import type { Applied, RaisedException } from './ingest-types';
import { MutationRejectedError, RejectionCode } from './rejections';
import type { TenantTx } from './tenant';
import { sqlCents as cents } from '../sql';

function reject(code: RejectionCode, message: string): never {
  throw new MutationRejectedError(code, message);
}

const applied = (exceptions: RaisedException[] = []): Applied => ({
  status: 'applied',
  exceptions,
});
const duplicate = (): Applied => ({ status: 'duplicate', exceptions: [] });

export async function applyCashMoved(tx: TenantTx, c: CashMoved): Promise<Applied> {
  const { rows } = await tx.query<{ exists: boolean; status: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM retail.cash_movements WHERE store_id = $1 AND movement_id = $2) AS exists,
            (SELECT status FROM retail.shifts WHERE store_id = $1 AND shift_id = $3) AS status`,
    [tx.storeId, c.movementId, c.shiftId],
  );
  const row = rows[0];
  if (row?.exists) return duplicate();
  if (!row?.status) reject(RejectionCode.unknownShift, `This store has no shift ${c.shiftId}`);
  const exceptions: RaisedException[] = [];
  if (row.status !== 'open') {
    exceptions.push({
      kind: ExceptionKind.cashInClosedShift,
      entity: 'cash_movement',
      entityId: c.movementId,
      reason: `Cash was paid ${c.kind === 'in' ? 'into' : 'out of'} shift ${c.shiftId} after HQ had recorded its close. The movement is recorded; the shift's Z report does not include it.`,
      detail: { shiftId: c.shiftId, kind: c.kind, amountCents: c.amountCents },
    });
  }
  await tx.query(
    `INSERT INTO retail.cash_movements
       (store_id, movement_id, shift_id, kind, amount, reason, staff_id, occurred_at)
     VALUES ($1, $2, $3, $4, ${cents('$5')}, $6, $7, $8)`,
    [tx.storeId, c.movementId, c.shiftId, c.kind, c.amountCents, c.reason, c.staffId, c.occurredAt],
  );
  return applied(exceptions);
}

/**
 * A no-sale drawer open: a row of retail.cash_movements of kind 'no_sale' (no money). Recorded
 * once by its event ID; one in a shift HQ already closed is recorded with an exception, as cash.
 */
export async function applyNoSale(tx: TenantTx, e: NoSaleRecorded): Promise<Applied> {
  const { rows } = await tx.query<{ exists: boolean; status: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM retail.cash_movements WHERE store_id = $1 AND movement_id = $2) AS exists,
            (SELECT status FROM retail.shifts WHERE store_id = $1 AND shift_id = $3) AS status`,
    [tx.storeId, e.eventId, e.shiftId],
  );
  const row = rows[0];
  if (row?.exists) return duplicate();
  if (!row?.status) reject(RejectionCode.unknownShift, `This store has no shift ${e.shiftId}`);
  const exceptions: RaisedException[] = [];
  if (row.status !== 'open') {
    exceptions.push({
      kind: ExceptionKind.cashInClosedShift,
      entity: 'cash_movement',
      entityId: e.eventId,
      reason: `The drawer was opened without a sale in shift ${e.shiftId} after HQ had recorded its close. The no-sale is recorded; the shift's Z report does not count it.`,
      detail: { shiftId: e.shiftId, kind: 'no_sale' },
    });
  }
  await tx.query(
    `INSERT INTO retail.cash_movements
       (store_id, movement_id, shift_id, kind, amount, reason, staff_id, approved_by, occurred_at)
     VALUES ($1, $2, $3, 'no_sale', 0, $4, $5, $6, $7)`,
    [tx.storeId, e.eventId, e.shiftId, e.reason, e.staffId, e.approvedBy, e.occurredAt],
  );
  return applied(exceptions);
}
