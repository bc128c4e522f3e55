import { describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import type { SaleRecorded } from '../../contract/mutations';
import { checkSaleShape } from './sale-shape';
import { MutationRejectedError } from './rejections';

const ids = seededIdGenerator(1);

function sale(): SaleRecorded {
  const transactionId = ids();
  const line = (n: number, quantity: number, price: number, discount: number, tax: number) => ({
    itemId: ids(),
    lineNumber: n,
    productId: ids(),
    sku: `SKU-${n}`,
    productName: `Product ${n}`,
    categoryId: 1,
    quantity,
    unitPriceCents: price,
    discountCents: discount,
    taxRatePpm: 100_000,
    taxCents: tax,
    taxes: [],
    priceOverride: null,
    promotions: [],
    totalCents: quantity * price - discount,
    originalItemId: null,
    returnReason: null,
    restock: null,
  });
  const lines = [line(1, 2, 500, 100, 90), line(2, 1, 250, 0, 25)];
  return {
    transactionId,
    registerId: 'R01',
    receiptSeq: 1,
    receiptNumber: 'S-R01-000001',
    transactionType: 'sale',
    customerId: null,
    cashierId: ids(),
    approvedBy: null,
    shiftId: null,
    occurredAt: '2026-11-01T10:00:00.000Z',
    subtotalCents: 1250,
    discountCents: 100,
    taxCents: 115,
    totalCents: 1265,
    taxIncluded: false,
    taxRounding: 'line',
    taxExemptReference: null,
    originalTransactionId: null,
    noReceiptReason: null,
    notes: null,
    coupons: [],
    loyaltyPointsEarned: null,
    lines,
    payments: [
      {
        paymentId: ids(),
        tenderType: 'cash',
        amountCents: 1265,
        tenderedCents: 2000,
        changeCents: 735,
        cardStatus: null,
        cardLast4: null,
        authCode: null,
        storedValueCardId: null,
      },
    ],
    stockMovements: lines.map((l) => ({
      movementId: ids(),
      productId: l.productId,
      quantityDelta: -l.quantity,
      reason: 'sale' as const,
      transactionId,
      note: null,
    })),
  };
}

function code(s: SaleRecorded): string | undefined {
  try {
    checkSaleShape(s);
    return undefined;
  } catch (error) {
    if (error instanceof MutationRejectedError) return error.code;
    throw error;
  }
}

describe('checkSaleShape', () => {
  it('accepts a sale whose lines, totals and tenders add up', () => {
    expect(code(sale())).toBeUndefined();
  });

  it('refuses arithmetic that does not add up, wherever it breaks', () => {
    const line = sale();
    line.lines[0]!.totalCents += 1;
    const total = sale();
    total.totalCents += 1;
    const tax = sale();
    tax.taxCents -= 1;
    const tenders = sale();
    tenders.payments[0]!.amountCents -= 1;
    expect([code(line), code(total), code(tax), code(tenders)]).toEqual([
      'invalid_totals',
      'invalid_totals',
      'invalid_totals',
      'invalid_totals',
    ]);
  });

  it('refuses inconsistent shapes', () => {
    const repeated = sale();
    repeated.lines[1]!.lineNumber = 1;
    const orphanReturn = sale();
    orphanReturn.lines[0]!.quantity = -2;
    orphanReturn.lines[0]!.totalCents = -1100;
    const foreignMovement = sale();
    foreignMovement.stockMovements[0]!.transactionId = ids();
    const returnWithoutOriginal = { ...sale(), transactionType: 'return' as const };
    expect([
      code(repeated),
      code(orphanReturn),
      code(foreignMovement),
      code(returnWithoutOriginal),
    ]).toEqual(['invalid_sale', 'invalid_sale', 'invalid_stock_movement', 'invalid_sale']);
  });
});
