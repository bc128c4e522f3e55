/**
 * Every X and Z report foots (issue 13, item 7): gross − discounts + tax on sales − refunds =
 * net = cash + card; the refunded tax is counted once (inside the refunds, and taken off the
 * tax on sales to give the tax owed); the tax breakdown adds up to the tax; the drawer's
 * expected cash is the float plus the cash movements; each transaction is counted once (an
 * exchange is not both a sale and a return). A day with discounts, a split tender, a
 * partial return, an exchange, a void and cash in/out.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commitSale } from './sale';
import { commitReturn } from './returns';
import { voidTransaction } from './voids';
import { closeShift, moveCash, xReport } from './shifts';
import type { TestTill } from '../../test/fixtures/till';
import { cartLine, cash, openCheckoutTill } from '../../test/fixtures/checkout';
import type { ShiftFigures } from '../../contract/till-api/shift';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

function expectFoots(r: ShiftFigures): void {
  expect(r.taxOnSalesCents - r.returnsTaxCents, 'tax owed = tax on sales − tax refunded').toBe(
    r.taxCents,
  );
  expect(
    r.grossSalesCents - r.discountsCents + r.taxOnSalesCents - r.returnsCents,
    'gross − discounts + tax on sales − refunds = net',
  ).toBe(r.netCents);
  expect(
    r.cashCents + r.cardCents + r.giftCardCents + r.storeCreditCents,
    'cash + card + gift cards + store credit = net',
  ).toBe(r.netCents);
  expect(
    r.taxBreakdown.reduce((a, b) => a + b.taxCents, 0),
    'breakdown = tax',
  ).toBe(r.taxCents);
  expect(r.openingFloatCents + r.cashCents + r.cashInCents - r.cashOutCents).toBe(
    r.expectedCashCents,
  );
}

it('foots the X and Z reports of a full day', async () => {
  const who = { cashierId: t.cashier.staffId };
  const a = await commitSale(t.till, {
    cart: {
      lines: [
        cartLine(t, 0, 3, { discount: { kind: 'percent', ppm: 100_000 } }),
        cartLine(t, 1, 2),
        cartLine(t, 2, 1),
      ],
      orderDiscount: { kind: 'amount', cents: 333 },
    },
    tenders: cash(100_000_000),
    ...who,
  });
  const b = await commitSale(t.till, {
    cart: { lines: [cartLine(t, 3, 2), cartLine(t, 4, 1)] },
    tenders: [
      { type: 'card', amountCents: 1_000, last4: null, authCode: null },
      { type: 'cash', tenderedCents: 100_000_000 },
    ],
    ...who,
  });
  const c = await commitSale(t.till, {
    cart: { lines: [cartLine(t, 5, 1)] },
    tenders: cash(100_000_000),
    ...who,
  });
  const line = (r: typeof a, i: number): string => r.receipt.lines[i]?.itemId ?? '';
  // A partial return (2 of the 3 discounted units), refunded as paid.
  await commitReturn(t.till, {
    originalReceiptNumber: a.receipt.receiptNumber,
    lines: [{ originalItemId: line(a, 0), quantity: 2, reason: 'faulty', restock: true }],
    tenders: [],
    ...who,
  });
  // An exchange: one unit back, a dearer item out; the customer pays the difference.
  await commitReturn(t.till, {
    originalReceiptNumber: b.receipt.receiptNumber,
    lines: [{ originalItemId: line(b, 0), quantity: 1, reason: 'wrong size', restock: true }],
    newLines: [cartLine(t, 6, 2)],
    tenders: cash(100_000_000),
    ...who,
  });
  await voidTransaction(t.till, {
    receiptNumber: c.receipt.receiptNumber,
    reason: 'rung up by mistake',
    staffId: t.manager.staffId,
  });
  await moveCash(t.till, {
    staffId: t.cashier.staffId,
    kind: 'in',
    amountCents: 5_000,
    reason: 'coins',
  });
  await moveCash(t.till, {
    staffId: t.cashier.staffId,
    kind: 'out',
    amountCents: 2_000,
    reason: 'drop',
  });

  const x = await xReport(t.till);
  expect(x.returnsTaxCents).toBeGreaterThan(0);
  // Each transaction counted once: the exchange is neither a sale nor a return (the void is
  // not a sale any more).
  expect([x.salesCount, x.returnsCount, x.exchangesCount, x.voidsCount]).toEqual([2, 1, 1, 1]);
  expectFoots(x);
  const z = await closeShift(t.till, { staffId: t.manager.staffId, countedCashCents: 0 });
  expectFoots(z);
  expect(z.netCents).toBe(x.netCents);
});
