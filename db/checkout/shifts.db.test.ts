/** Shifts on a real till: X report, cash movements, the immutable Z report, once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { commitSale } from './sale';
import { commitReturn } from './returns';
import { closeShift, listZReports, moveCash, xReport } from './shifts';
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

describe('shifts', () => {
  it('closes with a Z report whose figures match the sales, once', async () => {
    const a = await commitSale(t.till, {
      cart: { lines: [line(0, 1), line(1, 2)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    const b = await commitSale(t.till, {
      cart: { lines: [line(2, 1)] },
      tenders: [
        { type: 'card', amountCents: 0 + 1 },
        { type: 'cash', tenderedCents: 10_000_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const itemId = a.receipt.lines[0]?.itemId ?? '';
    const refund = await commitReturn(t.till, {
      originalReceiptNumber: a.receipt.receiptNumber,
      lines: [{ originalItemId: itemId, quantity: 1, reason: 'faulty', restock: false }],
      tenders: [
        {
          type: 'cash',
          tenderedCents: a.receipt.lines[0]
            ? a.receipt.lines[0].totalCents + a.receipt.lines[0].taxCents
            : 0,
        },
      ],
      cashierId: t.cashier.staffId,
    });
    await moveCash(t.till, {
      staffId: t.cashier.staffId,
      kind: 'out',
      amountCents: 5_000,
      reason: 'bank drop',
    });
    const x = await xReport(t.till);
    expect(x.salesCount).toBe(2);
    expect(x.returnsCount).toBe(1);
    expect(x.netCents).toBe(
      a.receipt.totalCents + b.receipt.totalCents + refund.receipt.totalCents,
    );
    expect(x.cashCents + x.cardCents).toBe(x.netCents);
    expect(x.expectedCashCents).toBe(20_000 + x.cashCents - 5_000);
    const z = await closeShift(t.till, {
      staffId: t.cashier.staffId,
      countedCashCents: x.expectedCashCents - 100,
    });
    expect(z.zNumber).toBe(1);
    expect(z.overShortCents).toBe(-100);
    expect(z.netCents).toBe(x.netCents);
    await expectRejected(ErrorKind.invalidState, () =>
      closeShift(t.till, { staffId: t.cashier.staffId, countedCashCents: 0 }),
    );
    await expectRejected(ErrorKind.invalidState, () =>
      commitSale(t.till, {
        cart: { lines: [line(0)] },
        tenders: cash(10_000_000),
        cashierId: t.cashier.staffId,
      }),
    );
    expect((await listZReports(t.till)).map((r) => r.zNumber)).toEqual([1]);
    await expect(t.store.db.query(`UPDATE retail.z_reports SET counted_cash = 0`)).rejects.toThrow(
      /immutable/,
    );
  });
});
