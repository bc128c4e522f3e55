/**
 * The checks of a sale that need no database (sale-checks.ts runs them first): arithmetic and
 * internal consistency of one sale, and the period of time HQ accepts sales from. A sale that
 * fails them is not authentic and is rejected (kept whole in the quarantine).
 */
import type { Mutation, SaleRecorded } from '../../contract/mutations';
import { MutationRejectedError, RejectionCode, type RejectionCode as Code } from './rejections';

export type SaleMutation = Extract<Mutation, { type: 'sale.recorded' }>;

/** Sales dated further ahead than this (device clock) are refused. */
export const MAX_FUTURE_MS = 31 * 86_400_000;
/** ...and sales older than this, even before any retention ran. */
export const MAX_AGE_MS = 10 * 366 * 86_400_000;

export function reject(code: Code, message: string): never {
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
