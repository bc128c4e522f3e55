import { describe, expect, it } from 'vitest';
import { priceCart, type CartLine } from './pricing';
import { applyPromotions, checkCoupon, Promotion, type PromotionLine } from './promotions';

const NOW = new Date('2027-03-10T12:00:00Z');
const P = (n: number) => `0190a0b0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const promo = (n: number, extra: Partial<Promotion> & Pick<Promotion, 'rule'>): Promotion =>
  Promotion.parse({
    promotionId: `0190ffff-0000-7000-8000-${String(n).padStart(12, '0')}`,
    name: `Promo ${n}`,
    target: { all: true, productIds: [], categoryIds: [] },
    couponCode: null,
    startsAt: '2027-03-01T00:00:00Z',
    endsAt: '2027-04-01T00:00:00Z',
    priority: 0,
    isActive: true,
    ...extra,
  });
const line = (product: number, unit: number, quantity: number, categoryId = 1): PromotionLine => ({
  productId: P(product),
  categoryId,
  unitPriceCents: unit,
  quantity,
  overridden: false,
});
const cents = (applied: ReturnType<typeof applyPromotions>) =>
  applied.map((l) => l.reduce((a, p) => a + p.cents, 0));

describe('applyPromotions', () => {
  it('takes a percentage off a category and an amount off a product, rounded per line', () => {
    const percent = promo(1, {
      rule: { kind: 'percent', ppm: 150_000 },
      target: { all: false, productIds: [], categoryIds: [7] },
    });
    const amount = promo(2, {
      rule: { kind: 'amount', cents: 250 },
      target: { all: false, productIds: [P(2)], categoryIds: [] },
    });
    const lines = [line(1, 333, 3, 7), line(2, 1000, 2), line(3, 1000, 1)];
    const applied = applyPromotions(lines, {
      promotions: [percent, amount],
      coupons: [],
      now: NOW,
    });
    // 999 x 15 % = 149.85 -> 150; 2 x 2.50 = 5.00; the third line is not targeted.
    expect(cents(applied)).toEqual([150, 500, 0]);
    expect(applied[0]?.[0]?.name).toBe('Promo 1');
  });

  it('buy 2 get 1 free gives the cheapest unit of each group, across lines', () => {
    const b2g1 = promo(1, { rule: { kind: 'buy_x_get_y', buy: 2, get: 1, ppm: 1_000_000 } });
    const lines = [line(1, 500, 2), line(2, 900, 3), line(3, 100, 1)];
    // Units by price: 900 900 900 500 500 100 -> two groups (900 900 900)(500 500 100):
    // the two cheapest of the six taken, 500 and 100, are free.
    const applied = applyPromotions(lines, { promotions: [b2g1], coupons: [], now: NOW });
    expect(cents(applied)).toEqual([500, 0, 100]);
    // Five units: one group only, the rest stays free for later promotions.
    const fewer = applyPromotions([line(1, 500, 5)], { promotions: [b2g1], coupons: [], now: NOW });
    expect(cents(fewer)).toEqual([500]);
  });

  it('mix and match: every 3 units for 10.00, the saving shared over the lines exactly', () => {
    const mix = promo(1, { rule: { kind: 'mix_match', quantity: 3, priceCents: 1000 } });
    const lines = [line(1, 450, 1), line(2, 400, 2), line(3, 350, 4)];
    const applied = applyPromotions(lines, { promotions: [mix], coupons: [], now: NOW });
    // Seven units -> two groups of the six dearest: 450+400+400+350+350+350 = 2300, for 2000.
    const off = cents(applied);
    expect(off.reduce((a, b) => a + b, 0)).toBe(300);
    expect(off).toEqual([59, 104, 137]);
  });

  it('never stacks two promotions on a unit: the higher priority takes it', () => {
    const low = promo(1, { rule: { kind: 'percent', ppm: 500_000 }, priority: 1 });
    const high = promo(2, { rule: { kind: 'amount', cents: 100 }, priority: 5 });
    const applied = applyPromotions([line(1, 1000, 2)], {
      promotions: [low, high],
      coupons: [],
      now: NOW,
    });
    expect(applied[0]).toEqual([{ promotionId: high.promotionId, name: 'Promo 2', cents: 200 }]);
  });

  it('applies only inside its dates, only with its coupon, and never to a price set by hand', () => {
    const coupon = promo(1, { rule: { kind: 'percent', ppm: 100_000 }, couponCode: 'SPRING10' });
    const l = [line(1, 1000, 1)];
    expect(cents(applyPromotions(l, { promotions: [coupon], coupons: [], now: NOW }))).toEqual([0]);
    expect(
      cents(applyPromotions(l, { promotions: [coupon], coupons: ['spring10'], now: NOW })),
    ).toEqual([100]);
    const ended = new Date('2027-04-01T00:00:00Z');
    expect(
      cents(applyPromotions(l, { promotions: [coupon], coupons: ['SPRING10'], now: ended })),
    ).toEqual([0]);
    expect(
      cents(
        applyPromotions([{ ...line(1, 1000, 1), overridden: true }], {
          promotions: [coupon],
          coupons: ['SPRING10'],
          now: NOW,
        }),
      ),
    ).toEqual([0]);
  });
});

describe('checkCoupon', () => {
  const spring = promo(1, { rule: { kind: 'percent', ppm: 100_000 }, couponCode: 'SPRING10' });
  const check = (code: string, now = NOW, entered: string[] = []) =>
    checkCoupon(code, { promotions: [spring], entered, now });
  it('finds the promotion a valid code unlocks, whatever its case', () => {
    expect(check(' spring10 ').promotionId).toBe(spring.promotionId);
  });
  it('says why a code is refused, in words', () => {
    expect(() => check('NOPE')).toThrow('No coupon NOPE in this store');
    expect(() => check('SPRING10', new Date('2027-02-01T00:00:00Z'))).toThrow(
      'Coupon SPRING10 is valid from 2027-03-01',
    );
    expect(() => check('SPRING10', new Date('2027-05-01T00:00:00Z'))).toThrow(
      'Coupon SPRING10 expired on 2027-04-01',
    );
    expect(() => check('SPRING10', NOW, ['spring10'])).toThrow('already on this sale');
    expect(() => check('no spaces')).toThrow('only letters, digits');
  });
});

describe('priceCart with promotions', () => {
  const rates = { storeRatePpm: 100_000, categoryRates: new Map<number, number>() };
  const cartLine = (unit: number, quantity: number, extra: Partial<CartLine> = {}): CartLine => ({
    productId: P(1),
    sku: 'SKU-1',
    productName: 'Thing',
    categoryId: 1,
    unitPriceCents: unit,
    quantity,
    ...extra,
  });
  it('takes promotions off first, then the line discount on what is left, then tax', () => {
    const tenOff = promo(1, { rule: { kind: 'percent', ppm: 100_000 } });
    const p = priceCart(
      { lines: [cartLine(1000, 2, { discount: { kind: 'percent', ppm: 100_000 } })] },
      rates,
      { promotions: [tenOff], now: NOW },
    );
    const l = p.lines[0]!;
    expect([l.promotionCents, l.lineDiscountCents, l.discountCents, l.netCents]).toEqual([
      200, 180, 380, 1620,
    ]);
    expect(l.taxCents).toBe(162);
    expect(p.totalCents).toBe(1782);
    // The cashier's 10 % of what the promotion left needs no more approval than 10 %.
    expect(p.maxDiscountPpm).toBe(100_000);
  });

  it('prices the same cart the same way every time, whatever else is in the list', () => {
    const promotions = [
      promo(3, { rule: { kind: 'mix_match', quantity: 2, priceCents: 1500 } }),
      promo(1, { rule: { kind: 'buy_x_get_y', buy: 1, get: 1, ppm: 500_000 }, priority: 2 }),
      promo(2, { rule: { kind: 'percent', ppm: 50_000 }, couponCode: 'X', endsAt: null }),
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let run = 0; run < 200; run += 1) {
      const lines = Array.from({ length: 1 + rand(6) }, (_, i) =>
        cartLine(1 + rand(5000), 1 + rand(4), { productId: P(i + 1), categoryId: 1 + rand(3) }),
      );
      const cart = { lines, coupons: rand(2) === 0 ? ['x'] : [] };
      const a = priceCart(cart, rates, { promotions, now: NOW });
      const b = priceCart(cart, rates, { promotions: [...promotions].reverse(), now: NOW });
      expect(b).toEqual(a);
      for (const l of a.lines) {
        expect(l.promotionCents).toBeGreaterThanOrEqual(0);
        expect(l.promotionCents).toBeLessThanOrEqual(l.grossCents);
      }
    }
  });
});
