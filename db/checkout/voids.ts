/**
 * Voiding a completed transaction: allowed only in the shift it was rung up in, on the same
 * register, with a reason and a manager's approval, and never once anything was returned
 * against it (then it is a return, not a void). Stock movements are reversed.
 *
 * The input is trusted: validated by the till API (contract/till-api/sale.ts `SaleInput.voidSale`).
 */
import { ForbiddenError, InvalidStateError, NotFoundError } from '../errors';
import { getReceipt } from '../queries/receipts';
import { getStaff } from '../queries/staff';
import { recordMutation } from '../edge/record';
import type { TillContext } from './context';
import { managerApproval, openShiftId, requireStaff } from './shared';
import type { Receipt } from '../../contract/till-api/receipts';

export interface VoidInput {
  receiptNumber: string;
  /** Trimmed, not empty. */
  reason: string;
  staffId: string;
  managerPin?: string | undefined;
  /** The manager whose PIN that is (optional in a store with one manager). */
  managerId?: string | undefined;
}

export async function voidTransaction(till: TillContext, input: VoidInput): Promise<Receipt> {
  const actor = await getStaff(till.db, till.identity.storeId, input.staffId);
  if (!actor) throw new ForbiddenError('Unknown or inactive staff member; log in again');
  const target = await getReceipt(till.db, till.identity.storeId, {
    receiptNumber: input.receiptNumber,
  });
  if (!target) throw new NotFoundError(`No receipt ${input.receiptNumber} on this till`);
  if (target.status === 'voided')
    throw new InvalidStateError(`Receipt ${target.receiptNumber} is already voided`);
  const approver = await managerApproval(till, {
    actor,
    managerPin: input.managerPin,
    managerId: input.managerId,
    why: 'Voiding needs a manager PIN',
  });

  await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.staffId);
      const current = await getReceipt(tx, till.identity.storeId, {
        transactionId: target.transactionId,
      });
      if (!current || current.status !== 'completed')
        throw new InvalidStateError(`Receipt ${target.receiptNumber} is already voided`);
      const shift = await openShiftId(tx, till);
      if (
        current.registerId !== till.identity.registerId ||
        !shift ||
        current.shiftId !== shift.shiftId
      ) {
        throw new InvalidStateError(
          'Only transactions of the current shift on this register can be voided; use a return instead',
        );
      }
      const { rows } = await tx.query(
        `SELECT 1 FROM retail.sales_transactions WHERE store_id = $1 AND original_transaction_id = $2 AND status = 'completed' LIMIT 1`,
        [till.identity.storeId, current.transactionId],
      );
      if (rows.length > 0)
        throw new InvalidStateError(
          'Items were already returned against this receipt; it cannot be voided',
        );
      const stockMovements = current.lines
        .filter((l) => l.quantity > 0 || l.restock === true)
        .map((l) => ({
          movementId: till.ids(),
          productId: l.productId,
          quantityDelta: l.quantity,
          reason: 'void' as const,
          transactionId: current.transactionId,
          note: input.reason,
        }));
      return {
        type: 'sale.voided' as const,
        payload: {
          transactionId: current.transactionId,
          reason: input.reason,
          // The manager who authorised the void (the cashier themself when they are a manager).
          voidedBy: approver,
          voidedAt: till.clock.now().toISOString(),
          stockMovements,
        },
      };
    },
    'void transaction',
  );
  const receipt = await getReceipt(till.db, till.identity.storeId, {
    transactionId: target.transactionId,
  });
  if (!receipt) throw new Error('voided transaction disappeared');
  return receipt;
}
