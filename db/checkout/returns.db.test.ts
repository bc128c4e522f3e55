/** Returns and exchanges against a receipt on a real till: refunds to the cent, restock, limits. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { commitSale } from './sale';
import { commitReturn, quoteReturn, returnableLines } from './returns';
import type { TestTill } from '../../test/fixtures/till';
import {
  cartLine,
  cash,
  expectRejected as rejected,
  openCheckoutTill,
} from '../../test/fixtures/checkout';
import type { CartLine } from '../../core/pricing';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

const line = (index: number, quantity = 1, extra: Partial<CartLine> = {}) =>
  cartLine(t, index, quantity, extra);
const expectRejected = (kind: string, fn: () => Promise<unknown>) => rejected(t, kind, fn);

describe('returns and exchanges', () => {
  it('returns part of a sale, refunds exactly what was paid across partial returns, and restocks', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(0, 3, { discount: { kind: 'percent', ppm: 100_000 } })] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    const original = sale.receipt.lines[0];
    if (!original) throw new Error('no line');
    const refunds: number[] = [];
    for (const quantity of [1, 2]) {
      const r = await commitReturn(t.till, {
        originalReceiptNumber: sale.receipt.receiptNumber,
        lines: [
          { originalItemId: original.itemId, quantity, reason: 'changed mind', restock: true },
        ],
        tenders: [],
        cashierId: t.cashier.staffId,
      });
      refunds.push(-r.receipt.totalCents);
      // No tender chosen: the refund goes back as it was paid (cash here).
      expect(r.receipt.payments.map((p) => [p.tenderType, p.amountCents])).toEqual([
        ['cash', r.receipt.totalCents],
      ]);
    }
    expect(refunds.reduce((a, b) => a + b, 0)).toBe(sale.receipt.totalCents);
    const left = await returnableLines(t.till, sale.receipt.receiptNumber);
    expect(left.lines[0]?.returnableQuantity).toBe(0);
  });

  it('refuses to return more than was sold and changes nothing', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(1, 1)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    const itemId = sale.receipt.lines[0]?.itemId ?? '';
    await expectRejected(ErrorKind.validation, () =>
      commitReturn(t.till, {
        originalReceiptNumber: sale.receipt.receiptNumber,
        lines: [{ originalItemId: itemId, quantity: 2, reason: 'x', restock: true }],
        tenders: [{ type: 'cash', tenderedCents: 1 }],
        cashierId: t.cashier.staffId,
      }),
    );
    await expectRejected(ErrorKind.notFound, () =>
      commitReturn(t.till, {
        originalReceiptNumber: 'SEATTLE-R01-999999',
        lines: [{ originalItemId: itemId, quantity: 1, reason: 'x', restock: true }],
        tenders: [],
        cashierId: t.cashier.staffId,
      }),
    );
  });

  it('exchanges one item for another in one transaction, settling the difference', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(2, 1)] },
      tenders: [
        { type: 'card', amountCents: 500, last4: '4242' },
        { type: 'cash', tenderedCents: 10_000_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const itemId = sale.receipt.lines[0]?.itemId ?? '';
    const request = {
      originalReceiptNumber: sale.receipt.receiptNumber,
      lines: [{ originalItemId: itemId, quantity: 1, reason: 'wrong size', restock: true }],
      newLines: [line(3, 1)],
      cashierId: t.cashier.staffId,
    };
    const quote = await quoteReturn(t.till, request);
    const tenders =
      quote.totalCents >= 0 ? [{ type: 'cash' as const, tenderedCents: quote.totalCents + 1 }] : [];
    const r = await commitReturn(t.till, { ...request, tenders });
    expect(r.receipt.transactionType).toBe('exchange');
    expect(r.receipt.totalCents).toBe(quote.totalCents);
    expect(r.receipt.lines.map((l) => Math.sign(l.quantity))).toEqual([-1, 1]);
    expect(r.receipt.payments.reduce((a, p) => a + p.amountCents, 0)).toBe(quote.totalCents);
    if (quote.totalCents < 0) {
      // A refund goes back to the card first (up to what was charged on it), then cash.
      expect(r.receipt.payments.find((p) => p.tenderType === 'card')?.amountCents).toBe(
        -Math.min(500, -quote.totalCents),
      );
    }
  });
});
