import { describe, expect, it } from 'vitest';
import { Cart, priceCart, refundShare, type CartLine } from './pricing';

const rates = { storeRatePpm: 103_500, categoryRates: new Map([[5, 0]]) };
const line = (unit: number, quantity: number, extra: Partial<CartLine> = {}): CartLine => ({
  productId: '0190a0b0-0000-7000-8000-000000000001',
  sku: 'SKU-1',
  productName: 'Thing',
  categoryId: 1,
  unitPriceCents: unit,
  quantity,
  ...extra,
});

describe('priceCart', () => {
  it('computes line tax on the net amount and sums lines into the total', () => {
    const p = priceCart({ lines: [line(1999, 2), line(500, 1, { categoryId: 5 })] }, rates);
    expect(p.subtotalCents).toBe(4498);
    expect(p.lines[0]?.taxCents).toBe(414); // 3998 * 10.35% = 413.79
    expect(p.lines[1]?.taxCents).toBe(0); // category override: books untaxed
    expect(p.totalCents).toBe(4498 + 414);
  });

  it('allocates an order discount across lines exactly and reports the largest discount share', () => {
    const p = priceCart(
      {
        lines: [line(1000, 1), line(1000, 1), line(1000, 1)],
        orderDiscount: { kind: 'amount', cents: 100 },
      },
      rates,
    );
    expect(p.lines.map((l) => l.orderDiscountCents)).toEqual([34, 33, 33]);
    expect(p.discountCents).toBe(100);
    expect(p.maxDiscountPpm).toBe(33_334);
    const q = priceCart(
      { lines: [line(1000, 1, { discount: { kind: 'percent', ppm: 250_000 } })] },
      rates,
    );
    expect(q.maxDiscountPpm).toBe(250_000);
    expect(q.lines[0]?.netCents).toBe(750);
  });

  it('is given only carts its schema accepts: no negative or fractional quantity, no discount over 100 %', () => {
    // The shape is checked once, where the cart enters (the till API's input schema uses
    // `Cart`); priceCart itself trusts it.
    expect(Cart.safeParse({ lines: [line(100, 1)] }).success).toBe(true);
    expect(Cart.safeParse({ lines: [line(100, -1)] }).success).toBe(false);
    expect(Cart.safeParse({ lines: [line(100, 0.5)] }).success).toBe(false);
    expect(
      Cart.safeParse({ lines: [line(100, 1, { discount: { kind: 'percent', ppm: 1_500_000 } })] })
        .success,
    ).toBe(false);
  });

  it('refuses a discount over the amount it applies to', () => {
    expect(() =>
      priceCart({ lines: [line(100, 1, { discount: { kind: 'amount', cents: 101 } })] }, rates),
    ).toThrow(/more than/);
    expect(() =>
      priceCart({ lines: [line(100, 1)], orderDiscount: { kind: 'amount', cents: 101 } }, rates),
    ).toThrow(/more than/);
  });
});

describe('refundShare', () => {
  it('refunds exactly the line total over any sequence of partial returns', () => {
    const original = { quantity: 7, unitPriceCents: 333, discountCents: 101, taxCents: 219 };
    for (const split of [[7], [1, 6], [3, 3, 1], [1, 1, 1, 1, 1, 1, 1], [2, 5]]) {
      let returned = 0;
      let discount = 0;
      let tax = 0;
      for (const q of split) {
        const s = refundShare(original, returned, q);
        returned += q;
        discount += s.discountCents;
        tax += s.taxCents;
      }
      expect([discount, tax]).toEqual([101, 219]);
    }
  });
});
