/**
 * The less frequent mutations, one at a time: voids, shifts (open, cash in/out, close with the
 * Z report), customers created at a till, stock adjustments. Each function checks its business
 * rules against this store's rows and throws MutationRejectedError, or returns 'applied' /
 * 'duplicate' (the effect is already there, e.g. a re-sent mutation).
 *
 * Contract: called inside withTenant and inside a savepoint (ingest.ts), so a rejection thrown
 * half-way leaves nothing behind.
 */
import type {
  CashMoved,
  CustomerCreated,
  SaleVoided,
  ShiftClosed,
  ShiftOpened,
  StockAdjusted,
} from '../../contract/mutations';
import { removeVoidFromDailyRollup } from './derived';
import { insertMovements } from './ingest-sales';
import { MutationRejectedError, RejectionCode } from './rejections';
import type { TenantTx } from './tenant';
import { sqlCents as cents } from '../sql';
import { insertZReport } from '../queries/z-reports';

export type Applied = 'applied' | 'duplicate';

function reject(code: RejectionCode, message: string): never {
  throw new MutationRejectedError(code, message);
}

export async function applyVoid(
  tx: TenantTx,
  deviceId: string,
  mutationId: number,
  v: SaleVoided,
): Promise<Applied> {
  const { rows } = await tx.query<{ occurred_at: Date }>(
    `SELECT occurred_at FROM retail.sales_transaction_ids WHERE store_id = $1 AND transaction_id = $2`,
    [tx.storeId, v.transactionId],
  );
  const sale = rows[0];
  if (!sale)
    reject(
      RejectionCode.unknownTransaction,
      `This store has no transaction ${v.transactionId} to void`,
    );
  for (const m of v.stockMovements) {
    if (m.transactionId !== null && m.transactionId !== v.transactionId) {
      reject(
        RejectionCode.invalidStockMovement,
        `The void of ${v.transactionId} carries a movement for ${m.transactionId}`,
      );
    }
  }
  const updated = await tx.query(
    `UPDATE retail.sales_transactions
        SET status = 'voided', void_reason = $3, voided_by = $4, voided_at = $5
      WHERE store_id = $1 AND transaction_id = $2 AND occurred_at = $6 AND status = 'completed'
      RETURNING transaction_id`,
    [tx.storeId, v.transactionId, v.reason, v.voidedBy, v.voidedAt, sale.occurred_at],
  );
  if (updated.rows.length === 0) {
    const current = await tx.query<{ same: boolean }>(
      `SELECT voided_by = $3 AND voided_at = $4::timestamptz AS same
         FROM retail.sales_transactions
        WHERE store_id = $1 AND transaction_id = $2 AND occurred_at = $5`,
      [tx.storeId, v.transactionId, v.voidedBy, v.voidedAt, sale.occurred_at],
    );
    if (current.rows[0]?.same) return 'duplicate';
    reject(RejectionCode.alreadyVoided, `Transaction ${v.transactionId} is already voided`);
  }
  await removeVoidFromDailyRollup(tx, {
    transactionId: v.transactionId,
    occurredAt: new Date(sale.occurred_at),
  });
  await insertMovements(
    tx,
    deviceId,
    v.stockMovements.map((m) => ({ ...m, occurredAt: v.voidedAt, mutationId })),
  );
  return 'applied';
}

export async function applyShiftOpened(tx: TenantTx, s: ShiftOpened): Promise<Applied> {
  const { rows } = await tx.query<{ register_id: string; opened_at: Date }>(
    `SELECT register_id, opened_at FROM retail.shifts WHERE store_id = $1 AND shift_id = $2`,
    [tx.storeId, s.shiftId],
  );
  const existing = rows[0];
  if (existing) {
    if (
      existing.register_id === s.registerId &&
      existing.opened_at.getTime() === Date.parse(s.openedAt)
    ) {
      return 'duplicate';
    }
    reject(RejectionCode.shiftIdConflict, `Shift ${s.shiftId} already exists with other details`);
  }
  const refs = await tx.query<{ register_ok: boolean; open_shift: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM retail.registers WHERE store_id = $1 AND register_id = $2) AS register_ok,
            (SELECT shift_id::text FROM retail.shifts
              WHERE store_id = $1 AND register_id = $2 AND status = 'open') AS open_shift`,
    [tx.storeId, s.registerId],
  );
  const ref = refs.rows[0];
  if (!ref?.register_ok)
    reject(RejectionCode.unknownRegister, `This store has no register ${s.registerId}`);
  if (ref.open_shift) {
    reject(
      RejectionCode.shiftAlreadyOpen,
      `Register ${s.registerId} already has shift ${ref.open_shift} open`,
    );
  }
  await tx.query(
    `INSERT INTO retail.shifts (store_id, shift_id, register_id, opened_by, opened_at, opening_float)
     VALUES ($1, $2, $3, $4, $5, ${cents('$6')})`,
    [tx.storeId, s.shiftId, s.registerId, s.openedBy, s.openedAt, s.openingFloatCents],
  );
  return 'applied';
}

export async function applyCashMoved(tx: TenantTx, c: CashMoved): Promise<Applied> {
  const { rows } = await tx.query<{ exists: boolean; status: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM retail.cash_movements WHERE store_id = $1 AND movement_id = $2) AS exists,
            (SELECT status FROM retail.shifts WHERE store_id = $1 AND shift_id = $3) AS status`,
    [tx.storeId, c.movementId, c.shiftId],
  );
  const row = rows[0];
  if (row?.exists) return 'duplicate';
  if (!row?.status) reject(RejectionCode.unknownShift, `This store has no shift ${c.shiftId}`);
  if (row.status !== 'open')
    reject(RejectionCode.shiftClosed, `Shift ${c.shiftId} is already closed`);
  await tx.query(
    `INSERT INTO retail.cash_movements
       (store_id, movement_id, shift_id, kind, amount, reason, staff_id, occurred_at)
     VALUES ($1, $2, $3, $4, ${cents('$5')}, $6, $7, $8)`,
    [tx.storeId, c.movementId, c.shiftId, c.kind, c.amountCents, c.reason, c.staffId, c.occurredAt],
  );
  return 'applied';
}

export async function applyShiftClosed(tx: TenantTx, c: ShiftClosed): Promise<Applied> {
  const z = c.zReport;
  const { rows } = await tx.query<{
    register_id: string;
    status: string;
    z_report_id: string | null;
    z_taken: boolean;
  }>(
    `SELECT s.register_id, s.status,
            (SELECT z.z_report_id::text FROM retail.z_reports z
              WHERE z.store_id = s.store_id AND z.shift_id = s.shift_id) AS z_report_id,
            EXISTS (SELECT 1 FROM retail.z_reports z
                     WHERE z.store_id = s.store_id AND z.register_id = s.register_id
                       AND z.z_number = $3) AS z_taken
       FROM retail.shifts s
      WHERE s.store_id = $1 AND s.shift_id = $2`,
    [tx.storeId, c.shiftId, z.zNumber],
  );
  const shift = rows[0];
  if (!shift) reject(RejectionCode.unknownShift, `This store has no shift ${c.shiftId}`);
  if (shift.status !== 'open') {
    if (shift.z_report_id === z.zReportId) return 'duplicate';
    reject(RejectionCode.shiftAlreadyClosed, `Shift ${c.shiftId} is already closed`);
  }
  if (z.shiftId !== c.shiftId || z.registerId !== shift.register_id) {
    reject(
      RejectionCode.invalidZReport,
      `The Z report of shift ${c.shiftId} names shift ${z.shiftId} on register ${z.registerId}`,
    );
  }
  if (shift.z_taken) {
    reject(
      RejectionCode.zNumberTaken,
      `Register ${shift.register_id} already has Z report number ${z.zNumber}`,
    );
  }
  await tx.query(
    `UPDATE retail.shifts
        SET status = 'closed', closed_by = $3, closed_at = $4, expected_cash = ${cents('$5')},
            counted_cash = ${cents('$6')}, over_short = ${cents('$7')}
      WHERE store_id = $1 AND shift_id = $2`,
    [
      tx.storeId,
      c.shiftId,
      c.closedBy,
      c.closedAt,
      c.expectedCashCents,
      c.countedCashCents,
      c.overShortCents,
    ],
  );
  await insertZReport(tx, tx.storeId, z);
  return 'applied';
}

export async function applyCustomerCreated(tx: TenantTx, c: CustomerCreated): Promise<Applied> {
  const { rows } = await tx.query<{ exists: boolean; email_owner: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM retail.customers WHERE store_id = $1 AND customer_id = $2) AS exists,
            (SELECT customer_id::text FROM retail.customers
              WHERE store_id = $1 AND $3::text IS NOT NULL AND lower(email) = lower($3)
                AND customer_id <> $2) AS email_owner`,
    [tx.storeId, c.customerId, c.email],
  );
  const row = rows[0];
  if (row?.exists) return 'duplicate';
  if (row?.email_owner) {
    reject(RejectionCode.emailTaken, `Another customer of this store already uses ${c.email}`);
  }
  await tx.query(
    `INSERT INTO retail.customers
       (store_id, customer_id, first_name, last_name, email, phone, customer_since, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, ($7::timestamptz AT TIME ZONE 'UTC')::date, $7, $7)`,
    [tx.storeId, c.customerId, c.firstName, c.lastName, c.email, c.phone, c.createdAt],
  );
  tx.changes.record('customer', [c.customerId]);
  return 'applied';
}

export async function applyStockAdjusted(
  tx: TenantTx,
  deviceId: string,
  mutationId: number,
  s: StockAdjusted,
): Promise<Applied> {
  if (new Set(s.movements.map((m) => m.movementId)).size !== s.movements.length) {
    reject(RejectionCode.movementIdConflict, `Adjustment ${s.adjustmentId} repeats a movement ID`);
  }
  const { rows } = await tx.query<{
    existing: number;
    missing_product: string | null;
    missing_tx: string | null;
  }>(
    `SELECT (SELECT count(*) FROM retail.stock_movements m
              WHERE m.store_id = $1 AND m.movement_id = ANY ($2::uuid[]))::int AS existing,
            (SELECT p::text FROM unnest($3::uuid[]) AS p
              WHERE NOT EXISTS (SELECT 1 FROM retail.products x WHERE x.store_id = $1 AND x.product_id = p)
              LIMIT 1) AS missing_product,
            (SELECT t::text FROM unnest($4::uuid[]) AS t
              WHERE t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM retail.sales_transaction_ids r
                                  WHERE r.store_id = $1 AND r.transaction_id = t)
              LIMIT 1) AS missing_tx`,
    [
      tx.storeId,
      s.movements.map((m) => m.movementId),
      s.movements.map((m) => m.productId),
      s.movements.map((m) => m.transactionId),
    ],
  );
  const row = rows[0];
  if (row && row.existing === s.movements.length) return 'duplicate';
  if (row && row.existing > 0) {
    reject(
      RejectionCode.movementIdConflict,
      `Adjustment ${s.adjustmentId}: ${row.existing} of its movement IDs already exist`,
    );
  }
  if (row?.missing_product)
    reject(RejectionCode.unknownProduct, `This store has no product ${row.missing_product}`);
  if (row?.missing_tx)
    reject(RejectionCode.unknownTransaction, `This store has no transaction ${row.missing_tx}`);
  await insertMovements(
    tx,
    deviceId,
    s.movements.map((m) => ({ ...m, occurredAt: s.occurredAt, mutationId })),
  );
  return 'applied';
}
