/**
 * The less frequent mutations, one at a time: voids, shifts (open, close with the Z report;
 * cash in/out and no-sales are in ingest-cash.ts), customers created at a till, stock
 * adjustments. A fact born at a till is recorded whenever it can be; what is wrong around it (a second shift open on a register, a customer
 * email another record has, cash paid into a closed shift...) is returned as an exception
 * (contract/exceptions.ts) for a person to work. Only what HQ cannot record at all (a void of a
 * sale HQ does not hold, a close of a shift HQ does not hold) throws MutationRejectedError and
 * is kept whole in the quarantine (exceptions.ts).
 *
 * Contract: called inside withTenant and inside a savepoint (ingest.ts), so a rejection thrown
 * half-way leaves nothing behind.
 */
import { voidReturnElsewhere } from './returns-elsewhere';
import type {
  CustomerCreated,
  SaleVoided,
  ShiftClosed,
  ShiftOpened,
  StockAdjusted,
} from '../../contract/mutations';
import { ExceptionKind } from '../../contract/exceptions';
import { removeVoidFromDailyRollup } from './derived';
import { removeVoidFromConsoleRollups } from './derived-console';
import { insertMovements } from './stock-movements-write';
import { creditVoidedStoredValue } from './stored-value-settle';
import { takeBackVoidedPoints } from './loyalty';
import type { Applied, RaisedException } from './ingest-types';
import { MutationRejectedError, RejectionCode } from './rejections';
import { reconcileShift } from './reconcile';
import { addMissingRegisters } from './registers';
import type { TenantTx } from './tenant';
import { sqlCents as cents } from '../sql';
import { insertZReport } from '../queries/z-reports';

export type { Applied } from './ingest-types';

function reject(code: RejectionCode, message: string): never {
  throw new MutationRejectedError(code, message);
}

const applied = (exceptions: RaisedException[] = []): Applied => ({
  status: 'applied',
  exceptions,
});
const duplicate = (exceptions: RaisedException[] = []): Applied => ({
  status: 'duplicate',
  exceptions,
});

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
    if (current.rows[0]?.same) return duplicate();
    // Voided twice (two registers, or a retry with another cashier): the sale is voided once;
    // the second void and its stock movements are kept in the exception, not applied again.
    return duplicate([
      {
        kind: ExceptionKind.alreadyVoided,
        entity: 'void',
        entityId: v.transactionId,
        reason: `Transaction ${v.transactionId} was voided again at a till after HQ had already recorded its void. HQ kept the first void; check the second with the cashier.`,
        detail: { secondVoid: v },
      },
    ]);
  }
  await removeVoidFromDailyRollup(tx, {
    transactionId: v.transactionId,
    occurredAt: new Date(sale.occurred_at),
  });
  await removeVoidFromConsoleRollups(tx, {
    transactionId: v.transactionId,
    occurredAt: new Date(sale.occurred_at),
    voidedBy: v.voidedBy,
    voidedAt: v.voidedAt,
  });
  await insertMovements(
    tx,
    deviceId,
    v.stockMovements.map((m) => ({ ...m, occurredAt: v.voidedAt, mutationId })),
  );
  await creditVoidedStoredValue(tx, {
    transactionId: v.transactionId,
    occurredAt: new Date(sale.occurred_at),
    voidedAt: v.voidedAt,
    deviceId,
    mutationId,
  });
  // A return of another store's receipt: that store stops counting it (returns-elsewhere.ts).
  await voidReturnElsewhere(tx, {
    transactionId: v.transactionId,
    occurredAt: new Date(sale.occurred_at),
  });
  await takeBackVoidedPoints(tx, {
    transactionId: v.transactionId,
    voidedAt: v.voidedAt,
    mutationId,
    asOf: new Date(),
  });
  return applied();
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
      return duplicate();
    }
    reject(RejectionCode.shiftIdConflict, `Shift ${s.shiftId} already exists with other details`);
  }
  const exceptions = await addMissingRegisters(tx, [s.registerId]);
  const refs = await tx.query<{ open_shift: string | null }>(
    `SELECT (SELECT shift_id::text FROM retail.shifts
              WHERE store_id = $1 AND register_id = $2 AND status = 'open'
              ORDER BY opened_at LIMIT 1) AS open_shift`,
    [tx.storeId, s.registerId],
  );
  const openShift = refs.rows[0]?.open_shift;
  if (openShift) {
    // Two tills on one register (enrolled twice), or a close HQ has not received yet: both
    // shifts happened, and sales are about to arrive in each.
    exceptions.push({
      kind: ExceptionKind.shiftAlreadyOpen,
      entity: 'shift',
      entityId: s.shiftId,
      reason: `A shift was opened on register ${s.registerId} while HQ still holds shift ${openShift} open on it. Both are recorded; check whether two tills use this register.`,
      detail: { registerId: s.registerId, openShiftId: openShift },
    });
  }
  await tx.query(
    `INSERT INTO retail.shifts (store_id, shift_id, register_id, opened_by, opened_at, opening_float)
     VALUES ($1, $2, $3, $4, $5, ${cents('$6')})`,
    [tx.storeId, s.shiftId, s.registerId, s.openedBy, s.openedAt, s.openingFloatCents],
  );
  return applied(exceptions);
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
    if (shift.z_report_id === z.zReportId) return duplicate();
    // Closed twice: HQ keeps the first close; the second Z report is kept in the exception.
    return duplicate([
      {
        kind: ExceptionKind.shiftAlreadyClosed,
        entity: 'shift',
        entityId: c.shiftId,
        reason: `Shift ${c.shiftId} was closed again at a till with another Z report (number ${z.zNumber}). HQ kept the first close; compare the two reports.`,
        detail: { secondClose: c },
      },
    ]);
  }
  if (z.shiftId !== c.shiftId || z.registerId !== shift.register_id) {
    reject(
      RejectionCode.invalidZReport,
      `The Z report of shift ${c.shiftId} names shift ${z.shiftId} on register ${z.registerId}`,
    );
  }
  const exceptions: RaisedException[] = [];
  if (shift.z_taken) {
    exceptions.push({
      kind: ExceptionKind.zNumberTaken,
      entity: 'z_report',
      entityId: z.zReportId,
      reason: `Register ${shift.register_id} already has a Z report number ${z.zNumber}. Both reports are recorded; check whether two tills use this register.`,
      detail: { registerId: shift.register_id, zNumber: z.zNumber, shiftId: c.shiftId },
    });
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
  exceptions.push(...(await reconcileShift(tx, z)));
  return applied(exceptions);
}

export async function applyCustomerCreated(tx: TenantTx, c: CustomerCreated): Promise<Applied> {
  // Two tills pushing the same new email at once: without this, both see no owner, both
  // insert a primary record, and the one-primary-email index refuses the later one. Held to
  // the end of the transaction, so the later one looks after the first committed and links.
  if (c.email !== null) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `customer-email:${tx.storeId}:${c.email.toLowerCase()}`,
    ]);
  }
  const { rows } = await tx.query<{ exists: boolean; email_owner: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM retail.customers WHERE store_id = $1 AND customer_id = $2) AS exists,
            (SELECT customer_id::text FROM retail.customers
              WHERE store_id = $1 AND $3::text IS NOT NULL AND lower(email) = lower($3)
                AND customer_id <> $2 AND linked_customer_id IS NULL) AS email_owner`,
    [tx.storeId, c.customerId, c.email],
  );
  const row = rows[0];
  if (row?.exists) return duplicate();
  // Two registers offline each created this person: both records are kept (sales already
  // name each), the later one linked to the first, for a person to merge or correct.
  const linkedTo = row?.email_owner ?? null;
  await tx.query(
    `INSERT INTO retail.customers
       (store_id, customer_id, first_name, last_name, email, phone, customer_since, created_at,
        updated_at, linked_customer_id)
     VALUES ($1, $2, $3, $4, $5, $6, ($7::timestamptz AT TIME ZONE 'UTC')::date, $7, $7, $8)`,
    [tx.storeId, c.customerId, c.firstName, c.lastName, c.email, c.phone, c.createdAt, linkedTo],
  );
  tx.changes.record('customer', [c.customerId]);
  if (!linkedTo) return applied();
  return applied([
    {
      kind: ExceptionKind.customerEmailShared,
      entity: 'customer',
      entityId: c.customerId,
      reason: `A till created customer ${c.firstName} ${c.lastName} with ${c.email ?? ''}, which another customer of this store already has. Both records are kept and linked; merge them or correct the email.`,
      detail: { customerId: c.customerId, linkedCustomerId: linkedTo, email: c.email },
    },
  ]);
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
  if (row && row.existing === s.movements.length) return duplicate();
  if (row && row.existing > 0) {
    reject(
      RejectionCode.movementIdConflict,
      `Adjustment ${s.adjustmentId}: ${row.existing} of its movement IDs already exist`,
    );
  }
  const exceptions: RaisedException[] = [];
  if (row?.missing_product) {
    // Movements do not reference products (a product deleted meanwhile must not lose the
    // count): recorded, and a person decides what the stock of that product means.
    exceptions.push({
      kind: ExceptionKind.unknownProduct,
      entity: 'stock',
      entityId: s.adjustmentId,
      reason: `A stock adjustment counts product ${row.missing_product}, which HQ does not have (deleted?). The movement is recorded; check the product.`,
      detail: { productId: row.missing_product },
    });
  }
  if (row?.missing_tx)
    reject(RejectionCode.unknownTransaction, `This store has no transaction ${row.missing_tx}`);
  await insertMovements(
    tx,
    deviceId,
    s.movements.map((m) => ({ ...m, occurredAt: s.occurredAt, mutationId })),
  );
  return applied(exceptions);
}
