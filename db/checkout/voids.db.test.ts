/** Voids on a real till: a manager's call, stock reversed, never twice. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { commitSale } from './sale';
import { voidTransaction } from './voids';
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

describe('voids', () => {
  it('voids a sale of the current shift with a manager and reverses its stock', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(4, 2)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    await expectRejected(ErrorKind.approvalRequired, () =>
      voidTransaction(t.till, {
        receiptNumber: sale.receipt.receiptNumber,
        reason: 'customer left',
        staffId: t.cashier.staffId,
      }),
    );
    const voided = await voidTransaction(t.till, {
      receiptNumber: sale.receipt.receiptNumber,
      reason: 'customer left',
      staffId: t.cashier.staffId,
      managerPin: t.manager.pin,
    });
    expect(voided.status).toBe('voided');
    const { rows } = await t.store.db.query<{ q: number }>(
      `SELECT sum(quantity_delta)::int q FROM retail.stock_movements WHERE transaction_id = $1`,
      [sale.receipt.transactionId],
    );
    expect(rows[0]?.q).toBe(0);
    await expectRejected(ErrorKind.invalidState, () =>
      voidTransaction(t.till, {
        receiptNumber: sale.receipt.receiptNumber,
        reason: 'again',
        staffId: t.manager.staffId,
      }),
    );
  });
});
