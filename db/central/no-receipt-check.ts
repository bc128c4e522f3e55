/**
 * Returns without a receipt (issue 13, item 1) checked again at HQ: the till asks a manager of
 * the store to approve every one (db/checkout/no-receipt.ts) and records who in `approvedBy`.
 * HQ does not trust that: a return without a receipt that arrives without an approver, or
 * approved by someone who is not a manager of this store (unknown here, a cashier, another
 * store's manager: RLS shows only this store's staff), is recorded all the same (the customer
 * has the money) with an exception for a person. One query for the run.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key), on sales already accepted.
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import type { RaisedException } from './ingest-types';
import { textArray } from './pg-arrays';
import type { TenantTx } from './tenant';

export async function checkNoReceiptApprovals(
  tx: TenantTx,
  accepted: ReadonlyArray<{ sale: SaleRecorded; exceptions: RaisedException[] }>,
): Promise<void> {
  const noReceipt = accepted.filter(
    (a) => a.sale.transactionType === 'return' && a.sale.noReceiptReason !== null,
  );
  if (noReceipt.length === 0) return;
  const approvers = [
    ...new Set(noReceipt.flatMap((a) => (a.sale.approvedBy ? [a.sale.approvedBy] : []))),
  ];
  const { rows } = await tx.query<{ staff_id: string }>(
    `SELECT staff_id::text AS staff_id FROM retail.staff
      WHERE store_id = $1 AND staff_id = ANY($2::uuid[]) AND role = 'manager'`,
    [tx.storeId, textArray(approvers)],
  );
  const managers = new Set(rows.map((r) => r.staff_id));
  for (const a of noReceipt) {
    const { sale } = a;
    const receipt = sale.receiptNumber;
    const detail = {
      receiptNumber: receipt,
      cashierId: sale.cashierId,
      approvedBy: sale.approvedBy,
      reason: sale.noReceiptReason,
      refundCents: -sale.totalCents,
    };
    if (sale.approvedBy === null) {
      a.exceptions.push({
        kind: ExceptionKind.noReceiptReturnNotApproved,
        entity: 'sale',
        entityId: sale.transactionId,
        reason: `Return ${receipt} without a receipt arrived without a manager's approval. The refund is recorded as given; check it with the cashier.`,
        detail,
      });
    } else if (!managers.has(sale.approvedBy)) {
      a.exceptions.push({
        kind: ExceptionKind.noReceiptReturnApproverNotManager,
        entity: 'sale',
        entityId: sale.transactionId,
        reason: `Return ${receipt} without a receipt was approved by someone who is not a manager of this store. The refund is recorded as given; check who approved it.`,
        detail,
      });
    }
  }
}
