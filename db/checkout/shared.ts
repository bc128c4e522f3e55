/** Small checks every checkout operation makes inside its transaction. */
import {
  ApprovalRequiredError,
  ForbiddenError,
  InvalidStateError,
  ValidationError,
} from '../errors';
import type { Queryable } from '../queryable';
import { getStaff, soleManager, verifyPin } from '../queries/staff';
import type { TillContext } from './context';
import type { StaffMember } from '../../contract/till-api/session';

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
 * A manager's approval: the staff member acting may be a manager already; otherwise the PIN of
 * the manager named (`managerId`; in a store with one manager, that one) must be given, and a
 * wrong one counts against that manager only. Verified outside the sale's transaction so failed
 * attempts still count.
 */
export async function managerApproval(
  till: TillContext,
  options: {
    /** Who is acting; null before anyone is logged in (unlocking at the login screen). */
    actor: StaffMember | null;
    managerId?: string | undefined;
    managerPin?: string | undefined;
    why: string;
  },
): Promise<string> {
  if (options.actor?.role === 'manager') return options.actor.staffId;
  if (!options.managerPin) throw new ApprovalRequiredError(options.why);
  const storeId = till.identity.storeId;
  const managerId = options.managerId ?? (await soleManager(till.db, storeId));
  if (!managerId) throw new ValidationError('Choose the approving manager');
  const manager = await verifyPin(till.db, {
    storeId,
    staffId: managerId,
    pin: options.managerPin,
    role: 'manager',
    now: till.clock.now(),
  });
  return manager.staffId;
}

/**
 * The open shift, the next receipt number and the on-hand stock of the products about to be
 * sold, in one round trip (the sale's hot path). Throws if no shift is open; the counter bump is
 * rolled back with the transaction. On-hand is read before this sale's own movements.
 */
export async function shiftAndReceiptSeq(
  tx: Queryable,
  till: TillContext,
  productIds: readonly string[] = [],
): Promise<{ shiftId: string; seq: number; onHandBefore: ReadonlyMap<string, number> }> {
  const { rows } = await tx.query<{
    seq: number;
    shift_id: string | null;
    on_hand: Record<string, number>;
  }>(
    `WITH c AS (UPDATE pos.counters SET value = value + 1 WHERE name = 'receipt' RETURNING value)
     SELECT (SELECT value FROM c) AS seq,
            (SELECT shift_id FROM retail.shifts WHERE store_id = $1 AND register_id = $2 AND status = 'open') AS shift_id,
            (SELECT coalesce(json_object_agg(p.product_id, pos.on_hand(p.store_id, p.product_id)), '{}')
               FROM retail.products p WHERE p.store_id = $1 AND p.product_id = ANY($3::uuid[])) AS on_hand`,
    [till.identity.storeId, till.identity.registerId, productIds],
  );
  const row = rows[0];
  if (!row?.shift_id)
    throw new InvalidStateError('No shift is open on this register: open a shift first');
  return {
    shiftId: row.shift_id,
    seq: Number(row.seq),
    onHandBefore: new Map(Object.entries(row.on_hand)),
  };
}

/** Products this sale takes below zero (the sale is never blocked; the cashier is told). */
export function stockWarningsAfter(
  onHandBefore: ReadonlyMap<string, number>,
  sold: ReadonlyArray<{ productId: string; sku: string; quantity: number }>,
): Array<{ productId: string; sku: string; onHand: number }> {
  const taken = new Map<string, { sku: string; quantity: number }>();
  for (const line of sold) {
    const entry = taken.get(line.productId) ?? { sku: line.sku, quantity: 0 };
    entry.quantity += line.quantity;
    taken.set(line.productId, entry);
  }
  const out: Array<{ productId: string; sku: string; onHand: number }> = [];
  for (const [productId, { sku, quantity }] of taken) {
    const before = onHandBefore.get(productId);
    if (before === undefined) continue;
    if (before - quantity < 0) out.push({ productId, sku, onHand: before - quantity });
  }
  return out;
}
