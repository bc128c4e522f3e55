/**
 * Which sales of a push HQ records, and what is wrong around them: the checks of ingestSales
 * (ingest-sales.ts) before anything is written. A sale is a fact (issue 11): whenever it is
 * authentic (the device's own store, well formed, arithmetic that adds up, a time within the
 * sales HQ keeps) it is recorded, and a broken reference becomes an exception stored with it
 * (contract/exceptions.ts): an unknown customer or shift is recorded without the link (the
 * till's ID kept in the sale's metadata), an unknown register is added, an unknown product is
 * kept as sold with the till's name and price, a receipt number another transaction has, a
 * return of a sale HQ does not hold, a sale in a shift HQ holds as closed, a tax that does not
 * recompute with the store's rules (core/tax.ts), a price set by hand beyond the store's limits
 * without a manager's approval (or approved by someone who is not a manager of the store), a
 * return past what was sold (return-checks.ts) are all recorded.
 * Only a sale that is not authentic is rejected (and kept whole in the quarantine).
 *
 * Shape and arithmetic need no database; references, duplicates and receipt numbers are checked
 * with one query for the whole run; returned lines and products with one more each.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Only transient errors throw.
 */
import type { Mutation, SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import { MutationRejectedError, RejectionCode, type RejectionCode as Code } from './rejections';
import { ExceptionKind } from '../../contract/exceptions';
import type { MutationOutcome, RaisedException } from './ingest-types';
import { intArray, textArray } from './pg-arrays';
import { taxDiscrepancy } from '../../core/tax';
import { overrideApprovalReasons } from '../../core/overrides';
import { formatCurrency } from '../../core/money';
import { checkOverReturns } from './return-checks';
import { STORE_KEY } from './store-key';

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
    // A return without a receipt (issue 13) names no original line; its lines give a reason.
    const noReceipt = sale.noReceiptReason !== null && line.returnReason !== null;
    if (line.quantity < 0 && line.originalItemId === null && !noReceipt) {
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
  // A tax that does not recompute with the store's rules is not a shape error: the customer
  // paid it, so it is an exception stored with the sale (screenSales), never a rejection.
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
  if (
    sale.transactionType !== 'sale' &&
    sale.originalTransactionId === null &&
    !(sale.transactionType === 'return' && sale.noReceiptReason !== null)
  ) {
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
  shift_status: string | null;
  customer_ok: boolean;
  original_ok: boolean;
  receipt_owner: string | null;
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
              WHERE r.store_id = ${STORE_KEY} AND r.transaction_id = u.tid LIMIT 1) IS NOT NULL AS known,
            (SELECT 1 FROM retail.registers g
              WHERE g.store_id = ${STORE_KEY} AND g.register_id = u.reg LIMIT 1) IS NOT NULL AS register_ok,
            u.sh IS NULL OR (SELECT 1 FROM retail.shifts s
              WHERE s.store_id = ${STORE_KEY} AND s.shift_id = u.sh LIMIT 1) IS NOT NULL AS shift_ok,
            (SELECT s.status FROM retail.shifts s
              WHERE s.store_id = ${STORE_KEY} AND s.shift_id = u.sh LIMIT 1) AS shift_status,
            u.cust IS NULL OR (SELECT 1 FROM retail.customers c
              WHERE c.store_id = ${STORE_KEY} AND c.customer_id = u.cust LIMIT 1) IS NOT NULL AS customer_ok,
            u.orig IS NULL OR (SELECT 1 FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${STORE_KEY} AND r.transaction_id = u.orig LIMIT 1) IS NOT NULL AS original_ok,
            coalesce((SELECT r.transaction_id::text FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${STORE_KEY} AND r.receipt_number = u.rn AND r.transaction_id <> u.tid LIMIT 1),
              (SELECT r.transaction_id::text FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${STORE_KEY} AND r.register_id = u.reg AND r.receipt_seq = u.seq
                AND r.transaction_id <> u.tid LIMIT 1)) AS receipt_owner,
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
             WHERE r.store_id = ${STORE_KEY} AND r.transaction_id = u.t AND it.item_id = u.i
               AND it.quantity > 0)`,
    [tx.storeId, textArray(refs.map((r) => r.transactionId)), textArray(refs.map((r) => r.itemId))],
  );
  return new Set(rows.map((r) => `${r.t}/${r.i}`));
}

/** Products sold in these sales that this store's catalog does not hold (deleted meanwhile). */
async function missingProducts(tx: TenantTx, sales: readonly SaleRecorded[]): Promise<Set<string>> {
  const ids = [...new Set(sales.flatMap((s) => s.lines.map((l) => l.productId)))];
  if (ids.length === 0) return new Set();
  const { rows } = await tx.query<{ p: string }>(
    `SELECT u.p::text AS p FROM unnest($2::uuid[]) AS u(p)
      WHERE NOT EXISTS (SELECT 1 FROM retail.products x WHERE x.store_id = ${STORE_KEY} AND x.product_id = u.p)`,
    [tx.storeId, textArray(ids)],
  );
  return new Set(rows.map((r) => r.p));
}

export interface AcceptedSale {
  /** Position in the run of mutations. */
  index: number;
  mutationId: number;
  /** The sale as HQ records it: links HQ cannot make are cleared (kept in `metadata`). */
  sale: SaleRecorded;
  /** What the till named that HQ could not link (customer, shift), for the sale's metadata. */
  metadata: Record<string, string> | null;
  /** The sale names a register HQ does not have: add it before writing. */
  newRegister: boolean;
  exceptions: RaisedException[];
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
  const receiptsInBatch = new Map<string, string>();
  const returnRefs: Array<{ accepted: AcceptedSale; transactionId: string; itemId: string }> = [];
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
      if (sale.lines.some((l) => l.originalItemId !== null) && !sale.originalTransactionId) {
        reject(
          RejectionCode.invalidSale,
          `Sale ${sale.transactionId} returns lines without an original sale`,
        );
      }
      const receipt = sale.receiptNumber;
      const exceptions: RaisedException[] = [];
      const metadata: Record<string, string> = {};
      const raise = (kind: ExceptionKind, reason: string, detail: Record<string, unknown>) =>
        exceptions.push({ kind, entity: 'sale', entityId: sale.transactionId, reason, detail });
      let recorded = sale;
      if (!c.shift_ok && sale.shiftId) {
        metadata.tillShiftId = sale.shiftId;
        recorded = { ...recorded, shiftId: null };
        raise(
          ExceptionKind.unknownShift,
          `Sale ${receipt} was rung up in a shift HQ does not hold. The sale is recorded without its shift; the shift's Z report will not include it until the shift arrives.`,
          { receiptNumber: receipt, shiftId: sale.shiftId },
        );
      } else if (c.shift_status === 'closed') {
        raise(
          ExceptionKind.saleInClosedShift,
          `Sale ${receipt} belongs to a shift HQ had already recorded as closed. The sale is recorded in that shift; its Z report does not include it.`,
          { receiptNumber: receipt, shiftId: sale.shiftId },
        );
      }
      if (!c.customer_ok && sale.customerId) {
        metadata.tillCustomerId = sale.customerId;
        recorded = { ...recorded, customerId: null };
        raise(
          ExceptionKind.unknownCustomer,
          `Sale ${receipt} names a customer HQ does not hold. The sale is recorded without the customer; link it when the customer is found.`,
          { receiptNumber: receipt, customerId: sale.customerId },
        );
      }
      // The same rules the till priced with (core/tax.ts), recomputed from the recorded lines.
      // The totals add up (checkSaleShape); only the tax split differs from HQ's rules.
      const taxProblem = taxDiscrepancy(sale);
      if (taxProblem !== null) {
        raise(
          ExceptionKind.taxMismatch,
          `Sale ${receipt}: the tax does not recompute with the store's tax rules (${taxProblem}). The sale is recorded with the tax the customer paid.`,
          { receiptNumber: receipt, problem: taxProblem },
        );
      }
      const originalInBatch = sale.originalTransactionId
        ? inBatch.get(sale.originalTransactionId)
        : undefined;
      if (sale.originalTransactionId && !c.original_ok && !originalInBatch) {
        raise(
          ExceptionKind.unknownOriginalTransaction,
          `Return ${receipt} names an original sale HQ does not hold. The return is recorded; check the original receipt.`,
          { receiptNumber: receipt, originalTransactionId: sale.originalTransactionId },
        );
      }
      const receiptKeys = [`rn:${receipt}`, `seq:${sale.registerId}/${sale.receiptSeq}`];
      const owner =
        c.receipt_owner ??
        receiptKeys.map((key) => receiptsInBatch.get(key)).find((v) => v !== undefined);
      if (owner) {
        raise(
          ExceptionKind.receiptNumberTaken,
          `Receipt ${receipt} was issued twice: another transaction of this store has the same number. Both are recorded; check whether two tills use register ${sale.registerId}.`,
          { receiptNumber: receipt, registerId: sale.registerId, otherTransactionId: owner },
        );
      }
      const accept: AcceptedSale = {
        index,
        mutationId: m.mutationId,
        sale: recorded,
        metadata: Object.keys(metadata).length > 0 ? metadata : null,
        newRegister: !c.register_ok,
        exceptions,
      };
      for (const line of sale.lines) {
        if (line.originalItemId === null || !sale.originalTransactionId) continue;
        if (originalInBatch) {
          if (
            !originalInBatch.lines.some((l) => l.itemId === line.originalItemId && l.quantity > 0)
          ) {
            raiseItem(accept, line.originalItemId, originalInBatch.transactionId);
          }
        } else if (c.original_ok) {
          returnRefs.push({
            accepted: accept,
            transactionId: sale.originalTransactionId,
            itemId: line.originalItemId,
          });
        }
      }
      receiptKeys.forEach((key) => receiptsInBatch.set(key, sale.transactionId));
      inBatch.set(sale.transactionId, sale);
      accepted.push(accept);
    } catch (error) {
      if (error instanceof MutationRejectedError) rejectAt(index, error);
      else throw error;
    }
  });

  // 3. Returned lines should name sold lines of their original, and sold products should be
  //    in the catalog (one query each; the first only when there are returns).
  const missing = await missingOriginalItems(tx, returnRefs);
  for (const ref of returnRefs) {
    if (missing.has(`${ref.transactionId}/${ref.itemId}`)) {
      raiseItem(ref.accepted, ref.itemId, ref.transactionId);
    }
  }
  const unknownProducts = await missingProducts(
    tx,
    accepted.map((a) => a.sale),
  );
  if (unknownProducts.size > 0) {
    for (const a of accepted) {
      const lines = a.sale.lines.filter((l) => unknownProducts.has(l.productId));
      if (lines.length === 0) continue;
      a.exceptions.push({
        kind: ExceptionKind.unknownProduct,
        entity: 'sale',
        entityId: a.sale.transactionId,
        reason: `Sale ${a.sale.receiptNumber} sold ${lines.map((l) => l.productName).join(', ')}, which HQ's catalog does not hold (deleted meanwhile?). The lines are recorded as sold, with the till's name and price.`,
        detail: {
          receiptNumber: a.sale.receiptNumber,
          lines: lines.map((l) => ({
            productId: l.productId,
            sku: l.sku,
            productName: l.productName,
            unitPriceCents: l.unitPriceCents,
          })),
        },
      });
    }
  }
  await checkOverrides(tx, accepted);
  await checkOverReturns(tx, accepted);
  return accepted;
}

interface OverrideFacts {
  limit_ppm: number;
  open_limit: number;
  currency: string;
  costs: Record<string, number> | null;
  managers: string[] | null;
}

/**
 * Prices set by hand (issue 18), checked with the till's own rule (core/overrides.ts) against
 * the store's limits and HQ's product costs: beyond them, a manager of the store must have
 * approved the sale. Without one, or approved by someone who is not a manager of this store
 * (unknown here, a cashier, another store's manager: RLS shows only this store's staff), the
 * sale is recorded all the same with an exception (the customer paid). One query for the run.
 */
async function checkOverrides(tx: TenantTx, accepted: readonly AcceptedSale[]): Promise<void> {
  const withOverrides = accepted.filter((a) => a.sale.lines.some((l) => l.priceOverride !== null));
  if (withOverrides.length === 0) return;
  const products = [
    ...new Set(
      withOverrides.flatMap((a) =>
        a.sale.lines.filter((l) => l.priceOverride !== null).map((l) => l.productId),
      ),
    ),
  ];
  const approvers = [
    ...new Set(withOverrides.flatMap((a) => (a.sale.approvedBy ? [a.sale.approvedBy] : []))),
  ];
  const { rows } = await tx.query<OverrideFacts>(
    `SELECT s.price_override_limit_ppm AS limit_ppm,
            (s.open_price_limit * 100)::bigint AS open_limit,
            s.currency,
            (SELECT jsonb_object_agg(p.product_id::text, (p.cost * 100)::bigint)
               FROM retail.products p
              WHERE p.store_id = $1 AND p.product_id = ANY($2::uuid[]) AND p.cost IS NOT NULL)
              AS costs,
            (SELECT array_agg(st.staff_id::text) FROM retail.staff st
              WHERE st.store_id = $1 AND st.staff_id = ANY($3::uuid[]) AND st.role = 'manager')
              AS managers
       FROM retail.stores s WHERE s.store_id = $1`,
    [tx.storeId, textArray(products), textArray(approvers)],
  );
  const facts = rows[0];
  if (!facts) return;
  const costs = new Map(Object.entries(facts.costs ?? {}).map(([k, v]) => [k, Number(v)]));
  const managers = new Set(facts.managers ?? []);
  for (const a of withOverrides) {
    const sale = a.sale;
    const lines = sale.lines.flatMap((l) =>
      l.priceOverride === null
        ? []
        : [
            {
              productName: l.productName,
              unitPriceCents: l.unitPriceCents,
              catalogPriceCents: l.priceOverride.catalogPriceCents,
              costCents: costs.get(l.productId) ?? null,
            },
          ],
    );
    const reasons = overrideApprovalReasons(
      lines,
      { limitPpm: facts.limit_ppm, openPriceLimitCents: Number(facts.open_limit) },
      // HQ's words for its staff: one fixed locale, the store's currency.
      (cents) => formatCurrency(cents, facts.currency, 'en-US'),
    );
    const receipt = sale.receiptNumber;
    if (sale.approvedBy !== null && !managers.has(sale.approvedBy)) {
      a.exceptions.push({
        kind: ExceptionKind.overrideApproverNotManager,
        entity: 'sale',
        entityId: sale.transactionId,
        reason: `Sale ${receipt} has prices set by hand, approved by someone who is not a manager of this store. The sale is recorded as the customer paid it; check who approved it.`,
        detail: { receiptNumber: receipt, approvedBy: sale.approvedBy, reasons },
      });
    } else if (sale.approvedBy === null && reasons.length > 0) {
      a.exceptions.push({
        kind: ExceptionKind.overrideNotApproved,
        entity: 'sale',
        entityId: sale.transactionId,
        reason: `Sale ${receipt} has prices set by hand beyond the store's limits without a manager's approval (${reasons.join('; ')}). The sale is recorded as the customer paid it; check it with the cashier.`,
        detail: { receiptNumber: receipt, cashierId: sale.cashierId, reasons },
      });
    }
  }
}

/** A returned line that is not a sold line of the original: recorded, with an exception. */
function raiseItem(a: AcceptedSale, itemId: string, originalTransactionId: string): void {
  if (a.exceptions.some((e) => e.kind === ExceptionKind.unknownOriginalItem)) return;
  a.exceptions.push({
    kind: ExceptionKind.unknownOriginalItem,
    entity: 'sale',
    entityId: a.sale.transactionId,
    reason: `Return ${a.sale.receiptNumber} returns a line that is not a sold line of its original sale. The return is recorded; check it against the original receipt.`,
    detail: { receiptNumber: a.sale.receiptNumber, originalItemId: itemId, originalTransactionId },
  });
}
