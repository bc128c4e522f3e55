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
 * return past what was sold (return-checks.ts), a return of another store's receipt past what
 * the chain sold (returns-elsewhere.ts) are all recorded.
 * Only a sale that is not authentic is rejected (and kept whole in the quarantine).
 *
 * Shape and arithmetic need no database (sale-shape.ts); references, duplicates and receipt
 * numbers are checked with one query for the whole run, returned lines and products with one
 * more each (sale-precheck.ts); prices set by hand in override-checks.ts, returns past what was
 * sold in return-checks.ts.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Only transient errors throw.
 */
import { pointsEarned } from '../../core/loyalty';
import type { SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import { MutationRejectedError, RejectionCode } from './rejections';
import { ExceptionKind } from '../../contract/exceptions';
import type { MutationOutcome, RaisedException } from './ingest-types';
import { taxDiscrepancy } from '../../core/tax';
import { checkOverReturns } from './return-checks';
import { checkOverrides } from './override-checks';
import { checkNoReceiptApprovals } from './no-receipt-check';
import { checkReturnsElsewhere } from './returns-elsewhere';
import { missingOriginalItems, missingProducts, precheck } from './sale-precheck';
import { MAX_AGE_MS, MAX_FUTURE_MS, checkSaleShape, reject, type SaleMutation } from './sale-shape';

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
  /** A return of another store's receipt: that store (returns-elsewhere.ts). */
  originStoreId?: string | undefined;
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
      // Loyalty points: HQ credits what it computes (db/central/loyalty.ts); a till that
      // printed another number is told, the sale is not refused.
      const points = pointsEarned(sale);
      if (sale.loyaltyPointsEarned !== null && sale.loyaltyPointsEarned !== points) {
        raise(
          ExceptionKind.loyaltyPointsDiffer,
          `Sale ${receipt}: the till counted ${sale.loyaltyPointsEarned} loyalty points, HQ counts ${points}. The sale is recorded and the customer gets HQ's ${points}.`,
          { receiptNumber: receipt, tillPoints: sale.loyaltyPointsEarned, hqPoints: points },
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
  await checkNoReceiptApprovals(tx, accepted);
  await checkReturnsElsewhere(tx, accepted);
  await checkOverReturns(tx, accepted);
  return accepted;
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
