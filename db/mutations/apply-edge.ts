/**
 * Write a mutation's rows into the till's database. Used by the live commit path and by journal
 * replay, so a replayed sale is byte-for-byte the sale that was committed.
 *
 * Contract: call inside a transaction; the caller inserts the outbox row in the same one.
 * Each table is written with one statement (jsonb_to_recordset) to keep round trips constant.
 */
import { InvalidStateError, NotFoundError } from '../errors';
import type { Queryable } from '../queryable';
import type {
  CashMoved,
  NoSaleRecorded,
  CustomerCreated,
  Mutation,
  SaleRecorded,
  SaleVoided,
  ShiftClosed,
  ShiftOpened,
  StockAdjusted,
  StockMovement,
} from '../../contract/mutations';
import { sqlCents as n } from '../sql';
import { insertZReport } from '../queries/z-reports';

export interface TillIdentity {
  storeId: string;
  registerId: string;
  deviceId: string;
}

/** SQL for cents -> numeric(12,2): exact decimal division, no float anywhere. */

async function insertMovements(
  tx: Queryable,
  who: TillIdentity,
  movements: StockMovement[],
  occurredAt: string,
  mutationId: number,
): Promise<void> {
  if (movements.length === 0) return;
  await tx.query(
    `INSERT INTO retail.stock_movements
       (store_id, movement_id, product_id, quantity_delta, reason, transaction_id, note,
        occurred_at, device_id, mutation_id)
     SELECT $1, m."movementId", m."productId", m."quantityDelta", m.reason, m."transactionId",
            m.note, $3::timestamptz, $4, $5
     FROM jsonb_to_recordset($2::jsonb) AS m(
       "movementId" uuid, "productId" uuid, "quantityDelta" integer, reason text,
       "transactionId" uuid, note text)`,
    [who.storeId, JSON.stringify(movements), occurredAt, who.deviceId, mutationId],
  );
}

/**
 * The data-modifying CTEs that write a sale's rows from its payload: `t` the transaction, `i`
 * its lines, `p` its payments, `m` its stock movements. They read the payload from a CTE
 * `s(j)` the caller defines before them; `store`, `device` and `mutationId` are SQL expressions
 * (parameters). With `gate` (the name of a CTE), nothing is written unless it yields a row.
 * Shared by the journal replay (applySale below) and the sale's one-call commit
 * (db/checkout/sale-statements.ts), so both write exactly the same rows.
 */
export function saleRowsCtes(options: {
  store: string;
  device: string;
  mutationId: string;
  gate?: string;
}): string {
  const { store, device, mutationId } = options;
  const from = options.gate ? `s, ${options.gate}` : 's';
  return `t AS (
       INSERT INTO retail.sales_transactions
         (store_id, transaction_id, register_id, receipt_seq, receipt_number, transaction_type,
          customer_id, cashier_id, approved_by, shift_id, device_id, occurred_at,
          subtotal, discount_amount, tax_amount, total_amount, original_transaction_id, notes,
          tax_included, tax_rounding, tax_exempt_reference, no_receipt_reason, coupons)
       SELECT ${store}, (j->>'transactionId')::uuid, j->>'registerId', (j->>'receiptSeq')::int,
              j->>'receiptNumber', j->>'transactionType', (j->>'customerId')::uuid,
              (j->>'cashierId')::uuid, (j->>'approvedBy')::uuid, (j->>'shiftId')::uuid, ${device},
              (j->>'occurredAt')::timestamptz, ${n("(j->>'subtotalCents')::bigint")},
              ${n("(j->>'discountCents')::bigint")}, ${n("(j->>'taxCents')::bigint")},
              ${n("(j->>'totalCents')::bigint")}, (j->>'originalTransactionId')::uuid, j->>'notes',
              (j->>'taxIncluded')::boolean, j->>'taxRounding', j->>'taxExemptReference',
              j->>'noReceiptReason',
              coalesce(j->'coupons', '[]')
         FROM ${from}
       RETURNING transaction_id, occurred_at
     ),
     i AS (
       INSERT INTO retail.sales_transaction_items
         (store_id, item_id, transaction_id, line_number, product_id, sku, product_name, category_id,
          quantity, unit_price, discount_amount, tax_rate_ppm, tax_amount, total_price,
          original_item_id, return_reason, restock, occurred_at, taxes, override_catalog_price,
          override_reason, promotions)
       SELECT ${store}, l."itemId", t.transaction_id, l."lineNumber", l."productId", l.sku, l."productName",
              l."categoryId", l.quantity, ${n('l."unitPriceCents"')}, ${n('l."discountCents"')},
              l."taxRatePpm", ${n('l."taxCents"')}, ${n('l."totalCents"')}, l."originalItemId",
              l."returnReason", l.restock, t.occurred_at, l.taxes,
              ${n(`(l."priceOverride"->>'catalogPriceCents')::bigint`)}, l."priceOverride"->>'reason',
              coalesce(l.promotions, '[]')
         FROM t, s, jsonb_to_recordset(s.j->'lines') AS l(
           "itemId" uuid, "lineNumber" integer, "productId" uuid, sku text, "productName" text,
           "categoryId" integer, quantity integer, "unitPriceCents" bigint, "discountCents" bigint,
           "taxRatePpm" integer, "taxCents" bigint, "totalCents" bigint, "originalItemId" uuid,
           "returnReason" text, restock boolean, taxes jsonb, "priceOverride" jsonb,
           promotions jsonb)
     ),
     p AS (
       INSERT INTO retail.payments
         (store_id, payment_id, transaction_id, tender_type, amount, tendered, change_given,
          card_status, card_last4, auth_code, occurred_at, stored_value_card_id, mutation_id)
       SELECT ${store}, p."paymentId", t.transaction_id, p."tenderType", ${n('p."amountCents"')},
              ${n('p."tenderedCents"')}, ${n('p."changeCents"')}, p."cardStatus", p."cardLast4",
              p."authCode", t.occurred_at, p."storedValueCardId", ${mutationId}
         FROM t, s, jsonb_to_recordset(s.j->'payments') AS p(
           "paymentId" uuid, "tenderType" text, "amountCents" bigint, "tenderedCents" bigint,
           "changeCents" bigint, "cardStatus" text, "cardLast4" text, "authCode" text,
           "storedValueCardId" uuid)
     ),
     m AS (
       INSERT INTO retail.stock_movements
         (store_id, movement_id, product_id, quantity_delta, reason, transaction_id, note,
          occurred_at, device_id, mutation_id)
       SELECT ${store}, m."movementId", m."productId", m."quantityDelta", m.reason, m."transactionId",
              m.note, t.occurred_at, ${device}, ${mutationId}
         FROM t, s, jsonb_to_recordset(s.j->'stockMovements') AS m(
           "movementId" uuid, "productId" uuid, "quantityDelta" integer, reason text,
           "transactionId" uuid, note text)
     )`;
}

/**
 * One statement for the whole sale (data-modifying CTEs): transaction, lines, payments and stock
 * movements. Foreign keys are checked at the end of the statement, so the lines see their
 * transaction. One round trip instead of four keeps the commit path short.
 */
async function applySale(
  tx: Queryable,
  who: TillIdentity,
  sale: SaleRecorded,
  mutationId: number,
): Promise<void> {
  await tx.query(
    `WITH s AS (SELECT $2::jsonb AS j),
     ${saleRowsCtes({ store: '$1', device: '$3', mutationId: '$4' })}
     SELECT 1`,
    [who.storeId, JSON.stringify(sale), who.deviceId, mutationId],
  );
}

async function applyVoid(
  tx: Queryable,
  who: TillIdentity,
  v: SaleVoided,
  mutationId: number,
): Promise<void> {
  const { rows } = await tx.query<{ status: string }>(
    `UPDATE retail.sales_transactions
        SET status = 'voided', void_reason = $3, voided_by = $4, voided_at = $5
      WHERE store_id = $1 AND transaction_id = $2 AND status = 'completed'
      RETURNING status`,
    [who.storeId, v.transactionId, v.reason, v.voidedBy, v.voidedAt],
  );
  if (rows.length === 0) {
    throw new InvalidStateError(
      `Transaction ${v.transactionId} is not a completed sale on this till`,
    );
  }
  await insertMovements(tx, who, v.stockMovements, v.voidedAt, mutationId);
}

async function applyShiftOpened(tx: Queryable, who: TillIdentity, s: ShiftOpened): Promise<void> {
  await tx.query(
    `INSERT INTO retail.shifts (store_id, shift_id, register_id, opened_by, opened_at, opening_float)
     VALUES ($1, $2, $3, $4, $5, ${n('$6')})`,
    [who.storeId, s.shiftId, s.registerId, s.openedBy, s.openedAt, s.openingFloatCents],
  );
}

async function applyCashMoved(tx: Queryable, who: TillIdentity, c: CashMoved): Promise<void> {
  await tx.query(
    `INSERT INTO retail.cash_movements
       (store_id, movement_id, shift_id, kind, amount, reason, staff_id, occurred_at)
     VALUES ($1, $2, $3, $4, ${n('$5')}, $6, $7, $8)`,
    [
      who.storeId,
      c.movementId,
      c.shiftId,
      c.kind,
      c.amountCents,
      c.reason,
      c.staffId,
      c.occurredAt,
    ],
  );
}

async function applyNoSale(tx: Queryable, who: TillIdentity, e: NoSaleRecorded): Promise<void> {
  await tx.query(
    `INSERT INTO retail.cash_movements
       (store_id, movement_id, shift_id, kind, amount, reason, staff_id, approved_by, occurred_at)
     VALUES ($1, $2, $3, 'no_sale', 0, $4, $5, $6, $7)`,
    [who.storeId, e.eventId, e.shiftId, e.reason, e.staffId, e.approvedBy, e.occurredAt],
  );
}

async function applyShiftClosed(tx: Queryable, who: TillIdentity, c: ShiftClosed): Promise<void> {
  const { rows } = await tx.query(
    `UPDATE retail.shifts
        SET status = 'closed', closed_by = $3, closed_at = $4, expected_cash = ${n('$5')},
            counted_cash = ${n('$6')}, over_short = ${n('$7')}
      WHERE store_id = $1 AND shift_id = $2 AND status = 'open'
      RETURNING shift_id`,
    [
      who.storeId,
      c.shiftId,
      c.closedBy,
      c.closedAt,
      c.expectedCashCents,
      c.countedCashCents,
      c.overShortCents,
    ],
  );
  if (rows.length === 0) throw new InvalidStateError(`Shift ${c.shiftId} is not open`);
  const z = c.zReport;
  await insertZReport(tx, who.storeId, z);
}

async function applyCustomer(tx: Queryable, who: TillIdentity, c: CustomerCreated): Promise<void> {
  await tx.query(
    `INSERT INTO retail.customers
       (store_id, customer_id, first_name, last_name, email, phone, customer_since, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz::date, $7, $7, 0)`,
    [who.storeId, c.customerId, c.firstName, c.lastName, c.email, c.phone, c.createdAt],
  );
}

async function applyStockAdjusted(
  tx: Queryable,
  who: TillIdentity,
  s: StockAdjusted,
  mutationId: number,
): Promise<void> {
  const { rows } = await tx.query<{ missing: string | null }>(
    `SELECT m.id::text AS missing
       FROM jsonb_to_recordset($2::jsonb) AS m(id uuid)
      WHERE NOT EXISTS (SELECT 1 FROM retail.products p WHERE p.store_id = $1 AND p.product_id = m.id)
      LIMIT 1`,
    [who.storeId, JSON.stringify(s.movements.map((m) => ({ id: m.productId })))],
  );
  if (rows[0]?.missing) throw new NotFoundError(`Unknown product ${rows[0].missing}`);
  await insertMovements(tx, who, s.movements, s.occurredAt, mutationId);
}

export async function applyMutationAtEdge(
  tx: Queryable,
  who: TillIdentity,
  mutation: Mutation,
): Promise<void> {
  switch (mutation.type) {
    case 'sale.recorded':
      return applySale(tx, who, mutation.payload, mutation.mutationId);
    case 'sale.voided':
      return applyVoid(tx, who, mutation.payload, mutation.mutationId);
    case 'shift.opened':
      return applyShiftOpened(tx, who, mutation.payload);
    case 'shift.cash_moved':
      return applyCashMoved(tx, who, mutation.payload);
    case 'shift.no_sale':
      return applyNoSale(tx, who, mutation.payload);
    case 'shift.closed':
      return applyShiftClosed(tx, who, mutation.payload);
    case 'customer.created':
      return applyCustomer(tx, who, mutation.payload);
    case 'stock.adjusted':
      return applyStockAdjusted(tx, who, mutation.payload, mutation.mutationId);
  }
}
