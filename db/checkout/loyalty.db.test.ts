/**
 * Loyalty points at the till (issue 18, item 6): a sale with a customer prints and sends the
 * points it earns (one per whole currency unit of its net amount, core/loyalty.ts), a return
 * prints and sends the points it takes back from the sale's customer, a sale without a customer
 * earns none; the receipt looked up again says the same. HQ recomputes them
 * (test/central/loyalty.pg.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitSale } from './sale';
import { commitReturn } from './returns';
import { createCustomer } from './customers';
import { getReceipt } from '../queries/receipts';
import { pointsEarned } from '../../core/loyalty';
import type { TestTill } from '../../test/fixtures/till';
import { cartLine, cash, openCheckoutTill } from '../../test/fixtures/checkout';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

async function sentPoints(transactionId: string): Promise<unknown> {
  const { rows } = await t.store.db.query<{ points: unknown }>(
    `SELECT payload -> 'loyaltyPointsEarned' AS points FROM pos.outbox
      WHERE mutation_type = 'sale.recorded' AND entity_id = $1`,
    [transactionId],
  );
  return rows[0]?.points;
}

describe('loyalty points at the till', () => {
  it('a sale with a customer prints and sends what it earns; a return what it takes back', async () => {
    const customer = await createCustomer(t.till, {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: null,
      phone: null,
    });
    const sale = await commitSale(t.till, {
      cart: { lines: [cartLine(t, 0, 3), cartLine(t, 1)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
      customerId: customer.customerId,
    });
    const earned = Math.floor((sale.receipt.totalCents - sale.receipt.taxCents) / 100);
    expect(earned).toBeGreaterThan(0);
    expect(sale.receipt.loyaltyPointsEarned).toBe(earned);
    expect(await sentPoints(sale.receipt.transactionId)).toBe(earned);
    const again = await getReceipt(t.till.db, t.till.identity.storeId, {
      receiptNumber: sale.receipt.receiptNumber,
    });
    expect(again?.loyaltyPointsEarned).toBe(earned);

    const line = sale.receipt.lines[0]!;
    const back = await commitReturn(t.till, {
      originalReceiptNumber: sale.receipt.receiptNumber,
      lines: [{ originalItemId: line.itemId, quantity: 1, reason: 'changed mind', restock: true }],
      tenders: [],
      cashierId: t.cashier.staffId,
    });
    const takenBack = pointsEarned(back.receipt);
    expect(takenBack).toBeLessThan(0);
    expect(back.receipt.customerId).toBe(customer.customerId);
    expect(back.receipt.loyaltyPointsEarned).toBe(takenBack);
    expect(await sentPoints(back.receipt.transactionId)).toBe(takenBack);
  });

  it('a sale without a customer earns nothing', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [cartLine(t, 0, 2)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    expect(sale.receipt.loyaltyPointsEarned).toBeNull();
    expect(await sentPoints(sale.receipt.transactionId)).toBeNull();
  });
});
