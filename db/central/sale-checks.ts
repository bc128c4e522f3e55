/**
 * Which sales of a push HQ accepts: the checks of ingestSales (ingest-sales.ts) before anything
 * is written. Shape and arithmetic need no database; references, duplicates and receipt numbers
 * are checked with one query for the whole run; returned lines with one more when present. A
 * sale this store already has is a duplicate (acknowledged without effect); a sale that breaks a
 * rule is rejected with a code (rejections.ts) and still advances the device's counter.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Only transient errors throw.
 */
import type { Mutation, SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import { MutationRejectedError, RejectionCode, type RejectionCode as Code } from './rejections';
import type { MutationOutcome } from './ingest-types';
import { intArray, textArray } from './pg-arrays';
import { taxDiscrepancy } from '../../core/tax';

export type SaleMutation = Extract<Mutation, { type: 'sale.recorded' }>;

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
    sale.totalCents !==
      sale.subtotalCents - sale.discountCents + (sale.taxIncluded ? 0 : sale.taxCents)
  ) {
    reject(RejectionCode.invalidTotals, `Sale ${id}: totals do not add up from its lines`);
  }
  // The same rules the till priced with (core/tax.ts), recomputed from the recorded lines.
  const taxProblem = taxDiscrepancy(sale);
  if (taxProblem !== null) reject(RejectionCode.invalidTotals, `Sale ${id}: ${taxProblem}`);
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

export interface AcceptedSale {
  /** Position in the run of mutations. */
  index: number;
  mutationId: number;
  sale: SaleRecorded;
}

/**
 * Steps 1-3 of ingestSales. Returns the sales to write, in input order; every other sale of the
 * run gets its outcome (duplicate or rejected) through `decide`.
 */
export async function screenSales(
  tx: TenantTx,
  options: {
    mutations: readonly SaleMutation[];
    decide: (index: number, outcome: MutationOutcome) => void;
  },
): Promise<AcceptedSale[]> {
  const { mutations, decide } = options;
  const rejectAt = (index: number, error: MutationRejectedError): void => {
    decide(index, {
      mutationId: mutations[index]?.mutationId ?? 0,
      status: 'rejected',
      code: error.code,
      message: error.message,
    });
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
  const accepted: AcceptedSale[] = [];
  const inBatch = new Map<string, SaleRecorded>();
  const receiptsInBatch = new Set<string>();
  const returnRefs: Array<{ index: number; transactionId: string; itemId: string }> = [];
  shaped.forEach((index, k) => {
    const m = mutations[index]!;
    const sale = m.payload;
    const c = checks[k]!;
    if (c.known || inBatch.has(sale.transactionId)) {
      decide(index, { mutationId: m.mutationId, status: 'duplicate' });
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
  return toWrite;
}
