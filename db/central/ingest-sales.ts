/**
 * Sales into HQ, set-based: a run of consecutive sale.recorded mutations is checked with one
 * query and written with one INSERT per table (unnest of typed arrays), so a 1,000-sale batch
 * costs a handful of round trips. The rollup, stock level and alert triggers (migration 0003)
 * fire once per statement in the same transaction.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Returns one outcome per sale
 * in input order: applied, duplicate (this store already has the transaction ID: acknowledged
 * without effect) or rejected with a code. Only transient errors throw.
 */
import type { Mutation, SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import {
  MutationRejectedError,
  RejectionCode,
  isPermanentDataError,
  type RejectionCode as Code,
} from './rejections';
import type { MutationOutcome } from './ingest-types';
import { withSavepoint } from './ingest-types';
import { boolArray, intArray, textArray } from './pg-arrays';
import { sqlCents as cents } from '../sql';

type SaleMutation = Extract<Mutation, { type: 'sale.recorded' }>;

/** Sales dated further ahead than this (device clock) are refused. */
export const MAX_FUTURE_MS = 31 * 86_400_000;
/** ...and sales older than this, even before any retention ran. */
export const MAX_AGE_MS = 10 * 366 * 86_400_000;

function reject(code: Code, message: string): never {
  throw new MutationRejectedError(code, message);
}

/** Checks that need no database: arithmetic and internal consistency of one sale. */
export function checkSaleShape(sale: SaleRecorded): void {
  const id = sale.transactionId;
  let subtotal = 0;
  let discount = 0;
  let tax = 0;
  const lineNumbers = new Set<number>();
  const itemIds = new Set<string>();
  for (const line of sale.lines) {
    if (line.totalCents !== line.quantity * line.unitPriceCents - line.discountCents) {
      reject(
        RejectionCode.invalidTotals,
        `Sale ${id} line ${line.lineNumber}: total ${line.totalCents} is not quantity x price - discount`,
      );
    }
    if (line.quantity < 0 && line.originalItemId === null) {
      reject(
        RejectionCode.invalidSale,
        `Sale ${id} line ${line.lineNumber} is returned without naming the original line`,
      );
    }
    if (lineNumbers.has(line.lineNumber) || itemIds.has(line.itemId)) {
      reject(RejectionCode.invalidSale, `Sale ${id} repeats line ${line.lineNumber}`);
    }
    lineNumbers.add(line.lineNumber);
    itemIds.add(line.itemId);
    subtotal += line.quantity * line.unitPriceCents;
    discount += line.discountCents;
    tax += line.taxCents;
  }
  if (
    subtotal !== sale.subtotalCents ||
    discount !== sale.discountCents ||
    tax !== sale.taxCents ||
    sale.totalCents !== sale.subtotalCents - sale.discountCents + sale.taxCents
  ) {
    reject(RejectionCode.invalidTotals, `Sale ${id}: totals do not add up from its lines`);
  }
  const paid = sale.payments.reduce((sum, p) => sum + p.amountCents, 0);
  if (paid !== sale.totalCents) {
    reject(
      RejectionCode.invalidTotals,
      `Sale ${id}: tenders add up to ${paid} cents, the total is ${sale.totalCents}`,
    );
  }
  if (new Set(sale.payments.map((p) => p.paymentId)).size !== sale.payments.length) {
    reject(RejectionCode.invalidSale, `Sale ${id} repeats a payment ID`);
  }
  if (sale.transactionType !== 'sale' && sale.originalTransactionId === null) {
    reject(RejectionCode.invalidSale, `A ${sale.transactionType} must name its original sale`);
  }
  const movementIds = new Set<string>();
  for (const m of sale.stockMovements) {
    if (m.transactionId !== null && m.transactionId !== id) {
      reject(
        RejectionCode.invalidStockMovement,
        `Sale ${id} carries a stock movement for transaction ${m.transactionId}`,
      );
    }
    if (movementIds.has(m.movementId)) {
      reject(RejectionCode.invalidSale, `Sale ${id} repeats stock movement ${m.movementId}`);
    }
    movementIds.add(m.movementId);
  }
}

interface Precheck {
  known: boolean;
  register_ok: boolean;
  shift_ok: boolean;
  customer_ok: boolean;
  original_ok: boolean;
  receipt_taken: boolean;
  server_now: Date;
  retained_from: Date | string;
}

/**
 * One row per sale. Every check is a scalar sub-select with LIMIT 1 on a unique index: the
 * planner must run it per row (an EXISTS may become a hashed sub-plan over a whole store's
 * rows, which is what it chose on tables with fresh statistics), so the cost stays O(batch).
 */
async function precheck(tx: TenantTx, sales: readonly SaleRecorded[]): Promise<Precheck[]> {
  const { rows } = await tx.query<Precheck & { ord: number }>(
    `SELECT u.ord,
            (SELECT 1 FROM retail.sales_transaction_ids r
              WHERE r.store_id = $1 AND r.transaction_id = u.tid LIMIT 1) IS NOT NULL AS known,
            (SELECT 1 FROM retail.registers g
              WHERE g.store_id = $1 AND g.register_id = u.reg LIMIT 1) IS NOT NULL AS register_ok,
            u.sh IS NULL OR (SELECT 1 FROM retail.shifts s
              WHERE s.store_id = $1 AND s.shift_id = u.sh LIMIT 1) IS NOT NULL AS shift_ok,
            u.cust IS NULL OR (SELECT 1 FROM retail.customers c
              WHERE c.store_id = $1 AND c.customer_id = u.cust LIMIT 1) IS NOT NULL AS customer_ok,
            u.orig IS NULL OR (SELECT 1 FROM retail.sales_transaction_ids r
              WHERE r.store_id = $1 AND r.transaction_id = u.orig LIMIT 1) IS NOT NULL AS original_ok,
            coalesce((SELECT r.transaction_id <> u.tid FROM retail.sales_transaction_ids r
              WHERE r.store_id = $1 AND r.receipt_number = u.rn LIMIT 1), false)
            OR coalesce((SELECT r.transaction_id <> u.tid FROM retail.sales_transaction_ids r
              WHERE r.store_id = $1 AND r.register_id = u.reg AND r.receipt_seq = u.seq LIMIT 1), false)
              AS receipt_taken,
            now() AS server_now,
            (SELECT retained_from FROM retail.sales_retention) AS retained_from
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::uuid[], $7::uuid[], $8::uuid[])
            WITH ORDINALITY AS u(tid, rn, reg, seq, cust, sh, orig, ord)
      ORDER BY u.ord`,
    [
      tx.storeId,
      textArray(sales.map((s) => s.transactionId)),
      textArray(sales.map((s) => s.receiptNumber)),
      textArray(sales.map((s) => s.registerId)),
      intArray(sales.map((s) => s.receiptSeq)),
      textArray(sales.map((s) => s.customerId)),
      textArray(sales.map((s) => s.shiftId)),
      textArray(sales.map((s) => s.originalTransactionId)),
    ],
  );
  return rows;
}

/** Returned lines whose original line this store does not have (as a sold line). */
async function missingOriginalItems(
  tx: TenantTx,
  refs: ReadonlyArray<{ transactionId: string; itemId: string }>,
): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const { rows } = await tx.query<{ t: string; i: string }>(
    `SELECT u.t, u.i
       FROM unnest($2::uuid[], $3::uuid[]) AS u(t, i)
      WHERE NOT EXISTS (
            SELECT 1
              FROM retail.sales_transaction_ids r
              JOIN retail.sales_transaction_items it
                ON it.store_id = r.store_id AND it.transaction_id = r.transaction_id
               AND it.occurred_at = r.occurred_at
             WHERE r.store_id = $1 AND r.transaction_id = u.t AND it.item_id = u.i
               AND it.quantity > 0)`,
    [tx.storeId, textArray(refs.map((r) => r.transactionId)), textArray(refs.map((r) => r.itemId))],
  );
  return new Set(rows.map((r) => `${r.t}/${r.i}`));
}

/** Write accepted sales: registry first (it decides duplicates under concurrency), then rows. */
async function writeSales(
  tx: TenantTx,
  deviceId: string,
  sales: ReadonlyArray<{ mutationId: number; sale: SaleRecorded }>,
): Promise<Set<string>> {
  const registered = await tx.query<{ transaction_id: string }>(
    `INSERT INTO retail.sales_transaction_ids
       (store_id, transaction_id, occurred_at, register_id, receipt_seq, receipt_number)
     SELECT $1, u.tid, u.at, u.reg, u.seq, u.rn
       FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::int[], $6::text[])
            AS u(tid, at, reg, seq, rn)
     ON CONFLICT (store_id, transaction_id) DO NOTHING
     RETURNING transaction_id`,
    [
      tx.storeId,
      textArray(sales.map((s) => s.sale.transactionId)),
      textArray(sales.map((s) => s.sale.occurredAt)),
      textArray(sales.map((s) => s.sale.registerId)),
      intArray(sales.map((s) => s.sale.receiptSeq)),
      textArray(sales.map((s) => s.sale.receiptNumber)),
    ],
  );
  const fresh = new Set(registered.rows.map((r) => r.transaction_id));
  // Another transaction registered some of these first (two drains at once): theirs won.
  const todo = sales.filter((s) => fresh.has(s.sale.transactionId));
  if (todo.length === 0) return fresh;
  const txs = todo.map((s) => s.sale);

  await tx.query(
    `INSERT INTO retail.sales_transactions
       (store_id, transaction_id, register_id, receipt_seq, receipt_number, transaction_type,
        customer_id, cashier_id, approved_by, shift_id, device_id, occurred_at, subtotal,
        discount_amount, tax_amount, total_amount, original_transaction_id, notes)
     SELECT $1, u.tid, u.reg, u.seq, u.rn, u.typ, u.cust, u.cashier, u.approver, u.shift, $2,
            u.at, ${cents('u.sub')}, ${cents('u.disc')}, ${cents('u.tax')}, ${cents('u.total')},
            u.orig, u.notes
       FROM unnest($3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::uuid[],
                   $9::uuid[], $10::uuid[], $11::uuid[], $12::timestamptz[], $13::bigint[],
                   $14::bigint[], $15::bigint[], $16::bigint[], $17::uuid[], $18::text[])
            AS u(tid, reg, seq, rn, typ, cust, cashier, approver, shift, at, sub, disc, tax,
                 total, orig, notes)`,
    [
      tx.storeId,
      deviceId,
      textArray(txs.map((s) => s.transactionId)),
      textArray(txs.map((s) => s.registerId)),
      intArray(txs.map((s) => s.receiptSeq)),
      textArray(txs.map((s) => s.receiptNumber)),
      textArray(txs.map((s) => s.transactionType)),
      textArray(txs.map((s) => s.customerId)),
      textArray(txs.map((s) => s.cashierId)),
      textArray(txs.map((s) => s.approvedBy)),
      textArray(txs.map((s) => s.shiftId)),
      textArray(txs.map((s) => s.occurredAt)),
      intArray(txs.map((s) => s.subtotalCents)),
      intArray(txs.map((s) => s.discountCents)),
      intArray(txs.map((s) => s.taxCents)),
      intArray(txs.map((s) => s.totalCents)),
      textArray(txs.map((s) => s.originalTransactionId)),
      textArray(txs.map((s) => s.notes)),
    ],
  );

  const items = lineColumns(txs);
  await tx.query(
    `INSERT INTO retail.sales_transaction_items
       (store_id, item_id, transaction_id, line_number, product_id, sku, product_name,
        category_id, quantity, unit_price, discount_amount, tax_rate_ppm, tax_amount,
        total_price, original_item_id, return_reason, restock, occurred_at)
     SELECT $1, u.item, u.tid, u.line, u.product, u.sku, u.name, u.cat, u.qty,
            ${cents('u.price')}, ${cents('u.disc')}, u.rate, ${cents('u.tax')},
            ${cents('u.total')}, u.orig, u.reason, u.restock, u.at
       FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::uuid[], $6::text[], $7::text[],
                   $8::int[], $9::int[], $10::bigint[], $11::bigint[], $12::int[],
                   $13::bigint[], $14::bigint[], $15::uuid[], $16::text[], $17::boolean[],
                   $18::timestamptz[])
            AS u(item, tid, line, product, sku, name, cat, qty, price, disc, rate, tax, total,
                 orig, reason, restock, at)`,
    [
      tx.storeId,
      textArray(items.itemId),
      textArray(items.transactionId),
      intArray(items.lineNumber),
      textArray(items.productId),
      textArray(items.sku),
      textArray(items.productName),
      intArray(items.categoryId),
      intArray(items.quantity),
      intArray(items.unitPriceCents),
      intArray(items.discountCents),
      intArray(items.taxRatePpm),
      intArray(items.taxCents),
      intArray(items.totalCents),
      textArray(items.originalItemId),
      textArray(items.returnReason),
      boolArray(items.restock),
      textArray(items.occurredAt),
    ],
  );

  const payments = paymentColumns(txs);
  if (payments.paymentId.length > 0) {
    await tx.query(
      `INSERT INTO retail.payments
         (store_id, payment_id, transaction_id, tender_type, amount, tendered, change_given,
          card_status, card_last4, auth_code, occurred_at)
       SELECT $1, u.pid, u.tid, u.typ, ${cents('u.amount')}, ${cents('u.tendered')},
              ${cents('u.change')}, u.status, u.last4, u.auth, u.at
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::bigint[],
                     $7::bigint[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
              AS u(pid, tid, typ, amount, tendered, change, status, last4, auth, at)`,
      [
        tx.storeId,
        textArray(payments.paymentId),
        textArray(payments.transactionId),
        textArray(payments.tenderType),
        intArray(payments.amountCents),
        intArray(payments.tenderedCents),
        intArray(payments.changeCents),
        textArray(payments.cardStatus),
        textArray(payments.cardLast4),
        textArray(payments.authCode),
        textArray(payments.occurredAt),
      ],
    );
  }

  const movements: MovementRow[] = [];
  for (const { mutationId, sale } of todo) {
    for (const m of sale.stockMovements) {
      movements.push({
        movementId: m.movementId,
        productId: m.productId,
        quantityDelta: m.quantityDelta,
        reason: m.reason,
        transactionId: m.transactionId,
        note: m.note,
        occurredAt: sale.occurredAt,
        mutationId,
      });
    }
  }
  await insertMovements(tx, deviceId, movements);
  return fresh;
}

/*
 * Column arrays for the unnest INSERTs, filled in one pass over the sales. (Copying each line
 * into a new object with its sale's ID and time first cost more than the INSERT's own
 * serialization: V8 keeps such spread copies of wide objects in slow dictionary mode.)
 */
function lineColumns(sales: readonly SaleRecorded[]) {
  const c = {
    itemId: [] as string[],
    transactionId: [] as string[],
    lineNumber: [] as number[],
    productId: [] as string[],
    sku: [] as string[],
    productName: [] as string[],
    categoryId: [] as Array<number | null>,
    quantity: [] as number[],
    unitPriceCents: [] as number[],
    discountCents: [] as number[],
    taxRatePpm: [] as number[],
    taxCents: [] as number[],
    totalCents: [] as number[],
    originalItemId: [] as Array<string | null>,
    returnReason: [] as Array<string | null>,
    restock: [] as Array<boolean | null>,
    occurredAt: [] as string[],
  };
  for (const sale of sales) {
    for (const l of sale.lines) {
      c.itemId.push(l.itemId);
      c.transactionId.push(sale.transactionId);
      c.lineNumber.push(l.lineNumber);
      c.productId.push(l.productId);
      c.sku.push(l.sku);
      c.productName.push(l.productName);
      c.categoryId.push(l.categoryId);
      c.quantity.push(l.quantity);
      c.unitPriceCents.push(l.unitPriceCents);
      c.discountCents.push(l.discountCents);
      c.taxRatePpm.push(l.taxRatePpm);
      c.taxCents.push(l.taxCents);
      c.totalCents.push(l.totalCents);
      c.originalItemId.push(l.originalItemId);
      c.returnReason.push(l.returnReason);
      c.restock.push(l.restock);
      c.occurredAt.push(sale.occurredAt);
    }
  }
  return c;
}

function paymentColumns(sales: readonly SaleRecorded[]) {
  const c = {
    paymentId: [] as string[],
    transactionId: [] as string[],
    tenderType: [] as string[],
    amountCents: [] as number[],
    tenderedCents: [] as Array<number | null>,
    changeCents: [] as Array<number | null>,
    cardStatus: [] as Array<string | null>,
    cardLast4: [] as Array<string | null>,
    authCode: [] as Array<string | null>,
    occurredAt: [] as string[],
  };
  for (const sale of sales) {
    for (const p of sale.payments) {
      c.paymentId.push(p.paymentId);
      c.transactionId.push(sale.transactionId);
      c.tenderType.push(p.tenderType);
      c.amountCents.push(p.amountCents);
      c.tenderedCents.push(p.tenderedCents);
      c.changeCents.push(p.changeCents);
      c.cardStatus.push(p.cardStatus);
      c.cardLast4.push(p.cardLast4);
      c.authCode.push(p.authCode);
      c.occurredAt.push(sale.occurredAt);
    }
  }
  return c;
}

export interface MovementRow {
  movementId: string;
  productId: string;
  quantityDelta: number;
  reason: string;
  transactionId: string | null;
  note: string | null;
  occurredAt: string;
  mutationId: number;
}

export async function insertMovements(
  tx: TenantTx,
  deviceId: string,
  movements: readonly MovementRow[],
): Promise<number> {
  if (movements.length === 0) return 0;
  const result = await tx.query(
    `INSERT INTO retail.stock_movements
       (store_id, movement_id, product_id, quantity_delta, reason, transaction_id, note,
        occurred_at, device_id, mutation_id)
     SELECT $1, u.mid, u.pid, u.delta, u.reason, u.tid, u.note, u.at, $2, u.mut
       FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::uuid[], $8::text[],
                   $9::timestamptz[], $10::bigint[])
            AS u(mid, pid, delta, reason, tid, note, at, mut)`,
    [
      tx.storeId,
      deviceId,
      textArray(movements.map((m) => m.movementId)),
      textArray(movements.map((m) => m.productId)),
      intArray(movements.map((m) => m.quantityDelta)),
      textArray(movements.map((m) => m.reason)),
      textArray(movements.map((m) => m.transactionId)),
      textArray(movements.map((m) => m.note)),
      textArray(movements.map((m) => m.occurredAt)),
      intArray(movements.map((m) => m.mutationId)),
    ],
  );
  return result.affectedRows ?? movements.length;
}

function monthsOf(sales: ReadonlyArray<{ sale: SaleRecorded }>): string[] {
  const months = new Set<string>();
  for (const { sale } of sales) {
    const d = new Date(sale.occurredAt);
    months.add(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString());
  }
  return [...months];
}

/** Apply a run of consecutive sale.recorded mutations; one outcome per input, in order. */
export async function ingestSales(
  tx: TenantTx,
  deviceId: string,
  mutations: readonly SaleMutation[],
  options: { partitionsPrepared?: boolean } = {},
): Promise<MutationOutcome[]> {
  const outcomes: Array<MutationOutcome | undefined> = mutations.map(() => undefined);
  const rejectAt = (index: number, error: MutationRejectedError): void => {
    outcomes[index] = {
      mutationId: mutations[index]?.mutationId ?? 0,
      status: 'rejected',
      code: error.code,
      message: error.message,
    };
  };

  // 1. Shape and arithmetic, no database.
  const shaped: number[] = [];
  mutations.forEach((m, index) => {
    try {
      checkSaleShape(m.payload);
      shaped.push(index);
    } catch (error) {
      if (error instanceof MutationRejectedError) rejectAt(index, error);
      else throw error;
    }
  });

  // 2. References and duplicates, one query for the whole run.
  const checks =
    shaped.length > 0
      ? await precheck(
          tx,
          shaped.map((i) => mutations[i]!.payload),
        )
      : [];
  const accepted: Array<{ index: number; mutationId: number; sale: SaleRecorded }> = [];
  const inBatch = new Map<string, SaleRecorded>();
  const receiptsInBatch = new Set<string>();
  const returnRefs: Array<{ index: number; transactionId: string; itemId: string }> = [];
  shaped.forEach((index, k) => {
    const m = mutations[index]!;
    const sale = m.payload;
    const c = checks[k]!;
    if (c.known || inBatch.has(sale.transactionId)) {
      outcomes[index] = { mutationId: m.mutationId, status: 'duplicate' };
      return;
    }
    try {
      const at = new Date(sale.occurredAt).getTime();
      const now = new Date(c.server_now).getTime();
      const horizon = c.retained_from instanceof Date ? c.retained_from.getTime() : -Infinity;
      if (at < horizon || at < now - MAX_AGE_MS || at > now + MAX_FUTURE_MS) {
        reject(
          RejectionCode.occurredAtOutOfRange,
          `Sale ${sale.transactionId} is dated ${sale.occurredAt}, outside the period HQ accepts`,
        );
      }
      if (!c.register_ok)
        reject(RejectionCode.unknownRegister, `This store has no register ${sale.registerId}`);
      if (!c.shift_ok)
        reject(RejectionCode.unknownShift, `This store has no shift ${sale.shiftId}`);
      if (!c.customer_ok)
        reject(RejectionCode.unknownCustomer, `This store has no customer ${sale.customerId}`);
      const originalInBatch = sale.originalTransactionId
        ? inBatch.get(sale.originalTransactionId)
        : undefined;
      if (!c.original_ok && !originalInBatch) {
        reject(
          RejectionCode.unknownOriginalTransaction,
          `This store has no transaction ${sale.originalTransactionId} to return against`,
        );
      }
      const receiptKeys = [`rn:${sale.receiptNumber}`, `seq:${sale.registerId}/${sale.receiptSeq}`];
      if (c.receipt_taken || receiptKeys.some((key) => receiptsInBatch.has(key))) {
        reject(
          RejectionCode.receiptNumberTaken,
          `Receipt ${sale.receiptNumber} is already used by another transaction of this store`,
        );
      }
      for (const line of sale.lines) {
        if (line.originalItemId === null) continue;
        if (!sale.originalTransactionId) {
          reject(
            RejectionCode.invalidSale,
            `Returned line ${line.lineNumber} without an original sale`,
          );
        }
        if (originalInBatch) {
          if (
            !originalInBatch.lines.some((l) => l.itemId === line.originalItemId && l.quantity > 0)
          ) {
            reject(
              RejectionCode.unknownOriginalItem,
              `Line ${line.originalItemId} is not a sold line of ${originalInBatch.transactionId}`,
            );
          }
        } else {
          returnRefs.push({
            index,
            transactionId: sale.originalTransactionId,
            itemId: line.originalItemId,
          });
        }
      }
      receiptKeys.forEach((key) => receiptsInBatch.add(key));
      inBatch.set(sale.transactionId, sale);
      accepted.push({ index, mutationId: m.mutationId, sale });
    } catch (error) {
      if (error instanceof MutationRejectedError) rejectAt(index, error);
      else throw error;
    }
  });

  // 3. Returned lines must name sold lines of their original (rare: one query when present).
  const missing = await missingOriginalItems(tx, returnRefs);
  const refused = new Set<number>();
  for (const ref of returnRefs) {
    if (missing.has(`${ref.transactionId}/${ref.itemId}`) && !refused.has(ref.index)) {
      refused.add(ref.index);
      rejectAt(
        ref.index,
        new MutationRejectedError(
          RejectionCode.unknownOriginalItem,
          `Line ${ref.itemId} is not a sold line of transaction ${ref.transactionId}`,
        ),
      );
    }
  }
  // A sale whose original was refused in this batch cannot be applied either.
  const refusedIds = new Set([...refused].map((i) => mutations[i]!.payload.transactionId));
  let toWrite = accepted.filter((a) => !refused.has(a.index));
  for (let changed = true; changed;) {
    changed = false;
    toWrite = toWrite.filter((a) => {
      const orig = a.sale.originalTransactionId;
      if (orig && refusedIds.has(orig) && inBatch.has(orig)) {
        refusedIds.add(a.sale.transactionId);
        rejectAt(
          a.index,
          new MutationRejectedError(
            RejectionCode.unknownOriginalTransaction,
            `The original transaction ${orig} was refused`,
          ),
        );
        changed = true;
        return false;
      }
      return true;
    });
  }

  if (toWrite.length > 0) {
    // 4. Month partitions for late or future-dated sales (rare: usually all exist already),
    //    unless the caller prepared them before the transaction.
    if (!options.partitionsPrepared) {
      await tx.query('SELECT retail.ensure_sales_partitions_for($1::timestamptz[])', [
        monthsOf(toWrite),
      ]);
    }
    // 5. Everything in one go; if the database refuses a row, find which sale it was.
    let written: Set<string> | undefined;
    try {
      written = await withSavepoint(tx, () => writeSales(tx, deviceId, toWrite));
    } catch (error) {
      if (!isPermanentDataError(error)) throw error;
    }
    const failed = new Set<string>();
    for (const a of toWrite) {
      if (written) {
        outcomes[a.index] = written.has(a.sale.transactionId)
          ? { mutationId: a.mutationId, status: 'applied' }
          : { mutationId: a.mutationId, status: 'duplicate' };
        continue;
      }
      const orig = a.sale.originalTransactionId;
      if (orig && failed.has(orig)) {
        failed.add(a.sale.transactionId);
        rejectAt(
          a.index,
          new MutationRejectedError(
            RejectionCode.unknownOriginalTransaction,
            `The original transaction ${orig} was refused`,
          ),
        );
        continue;
      }
      try {
        const one = await withSavepoint(tx, () => writeSales(tx, deviceId, [a]));
        outcomes[a.index] = one.has(a.sale.transactionId)
          ? { mutationId: a.mutationId, status: 'applied' }
          : { mutationId: a.mutationId, status: 'duplicate' };
      } catch (error) {
        if (!isPermanentDataError(error)) throw error;
        failed.add(a.sale.transactionId);
        rejectAt(
          a.index,
          new MutationRejectedError(
            RejectionCode.constraintViolation,
            `Sale ${a.sale.transactionId} was refused: ${error.message}`,
            { cause: error },
          ),
        );
      }
    }
  }

  return outcomes.map((o, index) => {
    if (!o) throw new Error(`ingestSales: no outcome for mutation at ${index}`);
    return o;
  });
}
