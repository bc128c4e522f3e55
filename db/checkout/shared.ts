/** Small checks every checkout operation makes inside its transaction. */
import { ApprovalRequiredError, ForbiddenError, InvalidStateError } from '../errors';
import type { Queryable } from '../queryable';
import { getStaff, verifyPin, type StaffMember } from '../queries/staff';
import type { TillContext } from './context';

export function receiptNumber(storeId: string, registerId: string, seq: number): string {
  return `${storeId.toUpperCase()}-${registerId}-${String(seq).padStart(6, '0')}`;
}

export async function requireStaff(
  tx: Queryable,
  till: TillContext,
  staffId: string,
): Promise<StaffMember> {
  const staff = await getStaff(tx, till.identity.storeId, staffId);
  if (!staff) throw new ForbiddenError('Unknown or inactive staff member; log in again');
  return staff;
}

export async function openShiftId(
  tx: Queryable,
  till: TillContext,
): Promise<{ shiftId: string; openedAt: Date } | undefined> {
  const { rows } = await tx.query<{ shift_id: string; opened_at: Date }>(
    `SELECT shift_id, opened_at FROM retail.shifts WHERE store_id = $1 AND register_id = $2 AND status = 'open'`,
    [till.identity.storeId, till.identity.registerId],
  );
  return rows[0] ? { shiftId: rows[0].shift_id, openedAt: new Date(rows[0].opened_at) } : undefined;
}

export async function requireOpenShift(tx: Queryable, till: TillContext): Promise<string> {
  const shift = await openShiftId(tx, till);
  if (!shift) throw new InvalidStateError('No shift is open on this register: open a shift first');
  return shift.shiftId;
}

/**
 * A manager's approval: the staff member acting may be a manager already; otherwise a manager
 * PIN must be given. Verified outside the sale's transaction so failed attempts still count.
 */
export async function managerApproval(
  till: TillContext,
  options: { actor: StaffMember; managerPin?: string | undefined; why: string },
): Promise<string> {
  if (options.actor.role === 'manager') return options.actor.staffId;
  if (!options.managerPin) throw new ApprovalRequiredError(options.why);
  const manager = await verifyPin(till.db, {
    storeId: till.identity.storeId,
    pin: options.managerPin,
    role: 'manager',
    now: till.clock.now(),
  });
  return manager.staffId;
}

/**
 * The open shift and the next receipt number in one round trip (the sale's hot path). Throws if
 * no shift is open; the counter bump is rolled back with the transaction.
 */
export async function shiftAndReceiptSeq(
  tx: Queryable,
  till: TillContext,
): Promise<{ shiftId: string; seq: number }> {
  const { rows } = await tx.query<{ seq: number; shift_id: string | null }>(
    `WITH c AS (UPDATE pos.counters SET value = value + 1 WHERE name = 'receipt' RETURNING value)
     SELECT (SELECT value FROM c) AS seq,
            (SELECT shift_id FROM retail.shifts WHERE store_id = $1 AND register_id = $2 AND status = 'open') AS shift_id`,
    [till.identity.storeId, till.identity.registerId],
  );
  const row = rows[0];
  if (!row?.shift_id)
    throw new InvalidStateError('No shift is open on this register: open a shift first');
  return { shiftId: row.shift_id, seq: Number(row.seq) };
}
