/** Hold and recall on a real till, with the customer parked alongside the cart. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { createCustomer } from './customers';
import { holdCart, listHeldCarts, recallCart } from './holds';
import type { TestTill } from '../../test/fixtures/till';
import {
  cartLine,
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

describe('holds', () => {
  it('holds and recalls a cart exactly once', async () => {
    const cart = { lines: [line(0, 2)], orderDiscount: null };
    const held = await holdCart(t.till, {
      cart,
      label: 'blue jacket lady',
      staffId: t.cashier.staffId,
    });
    expect((await listHeldCarts(t.till)).map((h) => h.holdId)).toEqual([held.holdId]);
    const back = await recallCart(t.till, held.holdId);
    expect(back.cart.lines[0]?.quantity).toBe(2);
    await expectRejected(ErrorKind.notFound, () => recallCart(t.till, held.holdId));
  });

  it('parks the customer with the cart and brings them back on recall', async () => {
    const ada = await createCustomer(t.till, { firstName: 'Ada', lastName: 'Byron' });
    const cart = { lines: [line(1)], orderDiscount: null };
    const held = await holdCart(t.till, {
      cart,
      label: '',
      staffId: t.cashier.staffId,
      customerId: ada.customerId,
    });
    expect(held.customerName).toBe('Ada Byron');
    expect((await listHeldCarts(t.till))[0]?.customerName).toBe('Ada Byron');
    const back = await recallCart(t.till, held.holdId);
    expect(back.customer?.customerId).toBe(ada.customerId);
    expect(back.customerMissing).toBe(false);

    // The customer is deleted (an HQ tombstone) while the cart is parked: recall says so.
    const again = await holdCart(t.till, {
      cart,
      label: 'x',
      staffId: t.cashier.staffId,
      customerId: ada.customerId,
    });
    await t.store.db.query(`DELETE FROM retail.customers WHERE customer_id = $1`, [ada.customerId]);
    const orphan = await recallCart(t.till, again.holdId);
    expect(orphan.customer).toBeNull();
    expect(orphan.customerMissing).toBe(true);
    expect(orphan.cart.lines).toHaveLength(1);

    // A customer this store does not have is refused, and nothing is held.
    await expectRejected(ErrorKind.validation, () =>
      holdCart(t.till, {
        cart,
        label: 'y',
        staffId: t.cashier.staffId,
        customerId: '0190f0e0-0000-7000-8000-000000000001',
      }),
    );
    expect(await listHeldCarts(t.till)).toEqual([]);
  });
});
