import { describe, expect, it } from 'vitest';
import { priceCart, refundShare, type CartLine } from './pricing';
import {
  componentTaxes,
  lineRates,
  taxBreakdown,
  taxDiscrepancy,
  taxLines,
  type TaxComponent,
} from './tax';

const STATE: TaxComponent = {
  code: 'STATE',
  name: 'State tax',
  ratePpm: 60_000,
  categoryRates: {},
};
const CITY: TaxComponent = {
  code: 'CITY',
  name: 'City tax',
  ratePpm: 22_500,
  categoryRates: { '7': 0 },
};
const rates = (...c: TaxComponent[]) => lineRates(1, c);

let seq = 0;
const line = (unit: number, quantity = 1, extra: Partial<CartLine> = {}): CartLine => ({
  productId: `0190a0b0-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
  sku: `SKU-${seq}`,
  productName: 'Thing',
  categoryId: 1,
  unitPriceCents: unit,
  quantity,
  ...extra,
});

/** The sale a till would record from a priced cart (what HQ recomputes). */
function recorded(p: ReturnType<typeof priceCart>, exempt: string | null = null) {
  return {
    taxIncluded: p.taxIncluded,
    taxRounding: p.taxRounding,
    taxExemptReference: exempt,
    lines: p.lines.map((l, i) => ({
      lineNumber: i + 1,
      quantity: l.quantity,
      originalItemId: null,
      totalCents: l.netCents,
      taxRatePpm: l.taxRatePpm,
      taxCents: l.taxCents,
      taxes: l.taxes,
    })),
  };
}

describe('componentTaxes', () => {
  it('rounds each exclusive component on its own, half away from zero', () => {
    expect(componentTaxes(1000, [60_000, 22_500], false)).toEqual([60, 23]); // 22.5 -> 23
    expect(componentTaxes(-1000, [60_000, 22_500], false)).toEqual([-60, -23]);
  });

  it('takes the tax out of an inclusive amount once, then splits it by rate', () => {
    expect(componentTaxes(1200, [200_000], true)).toEqual([200]);
    expect(componentTaxes(999, [200_000], true)).toEqual([167]); // 166.5 -> 167
    // 1000 x 8.25 / 108.25 = 76.21 -> 76, split 60:22.5 = 55.27 / 20.72 -> 55 + 21
    expect(componentTaxes(1000, [60_000, 22_500], true)).toEqual([55, 21]);
  });
});

describe('taxLines', () => {
  it('leaves out a component at 0 % for the category', () => {
    expect(lineRates(7, [STATE, CITY]).map((r) => r.code)).toEqual(['STATE']);
  });

  it('per line rounds every line; per order pools the lines and shares the rounding', () => {
    const lines = [5, 5, 5].map((amountCents) => ({ amountCents, rates: rates(STATE) }));
    // Three lines of 5 cents at 6 %: 0.3 each -> 0 per line; 15 x 6 % = 0.9 -> 1 per order.
    const perLine = taxLines(lines, { included: false, rounding: 'line', exempt: false });
    expect(perLine.map((t) => t[0]?.taxCents)).toEqual([0, 0, 0]);
    const perOrder = taxLines(lines, { included: false, rounding: 'order', exempt: false });
    expect(perOrder.map((t) => t[0]?.taxCents)).toEqual([1, 0, 0]);
  });

  it('pools per order only lines with the same components', () => {
    const out = taxLines(
      [
        { amountCents: 250, rates: rates(STATE, CITY) },
        { amountCents: 250, rates: lineRates(7, [STATE, CITY]) },
        { amountCents: 250, rates: rates(STATE, CITY) },
      ],
      { included: false, rounding: 'order', exempt: false },
    );
    // Pool of 500 at STATE 6 % = 30 and CITY 2.25 % = 11.25 -> 11; the lone line alone.
    expect(out[0]!.map((t) => t.taxCents)).toEqual([15, 6]);
    expect(out[2]!.map((t) => t.taxCents)).toEqual([15, 5]);
    expect(out[1]!.map((t) => [t.code, t.taxCents])).toEqual([['STATE', 15]]);
  });

  it('charges nothing on an exempt sale', () => {
    const out = taxLines([{ amountCents: 1000, rates: rates(STATE, CITY) }], {
      included: false,
      rounding: 'line',
      exempt: true,
    });
    expect(out).toEqual([[]]);
  });
});

describe('priceCart with tax components', () => {
  it('adds exclusive state + city tax per line and breaks it down by rate', () => {
    const p = priceCart(
      { lines: [line(1000), line(333, 3), line(500, 1, { categoryId: 7 })] },
      { storeRatePpm: 0, categoryRates: new Map(), components: [STATE, CITY] },
    );
    expect(p.lines[0]!.taxes.map((t) => t.taxCents)).toEqual([60, 23]);
    expect(p.lines[0]!.taxRatePpm).toBe(82_500);
    expect(p.lines[2]!.taxes.map((t) => t.code)).toEqual(['STATE']);
    expect(p.taxCents).toBe(60 + 23 + 60 + 22 + 30); // 999: 59.94 -> 60, 22.48 -> 22
    expect(p.totalCents).toBe(p.subtotalCents + p.taxCents);
    expect(p.taxBreakdown).toEqual([
      { code: 'CITY', name: 'City tax', ratePpm: 22_500, taxableCents: 1999, taxCents: 45 },
      { code: 'STATE', name: 'State tax', ratePpm: 60_000, taxableCents: 2499, taxCents: 150 },
    ]);
  });

  it('keeps an inclusive (VAT) total at the shelf price, the tax inside it', () => {
    const vat: TaxComponent = { code: 'VAT', name: 'VAT', ratePpm: 200_000, categoryRates: {} };
    const p = priceCart(
      { lines: [line(1200, 2)], orderDiscount: { kind: 'amount', cents: 240 } },
      { storeRatePpm: 0, categoryRates: new Map(), components: [vat], included: true },
    );
    expect(p.totalCents).toBe(2160);
    expect(p.taxCents).toBe(360); // 2160 / 1.2 x 0.2
    expect(p.taxBreakdown[0]).toMatchObject({ taxableCents: 1800, taxCents: 360 });
  });

  it('gives the same tax when HQ recomputes it, for random carts in every mode', () => {
    let state = 42;
    const rnd = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let run = 0; run < 300; run++) {
      const lines = Array.from({ length: 1 + rnd(6) }, () =>
        line(1 + rnd(5000), 1 + rnd(4), {
          categoryId: rnd(3) === 0 ? 7 : 1,
          discount: rnd(3) === 0 ? { kind: 'percent', ppm: rnd(300_000) } : null,
        }),
      );
      const p = priceCart(
        { lines, orderDiscount: rnd(2) === 0 ? { kind: 'percent', ppm: rnd(150_000) } : null },
        {
          storeRatePpm: 0,
          categoryRates: new Map(),
          components: [STATE, CITY],
          included: rnd(2) === 0,
          rounding: rnd(2) === 0 ? 'line' : 'order',
        },
      );
      expect(taxDiscrepancy(recorded(p))).toBeNull();
      expect(p.taxCents).toBe(p.taxBreakdown.reduce((a, r) => a + r.taxCents, 0));
    }
  });

  it('lets HQ find a tax that does not recompute, or tax on an exempt sale', () => {
    const p = priceCart(
      { lines: [line(1000), line(2000)] },
      { storeRatePpm: 0, categoryRates: new Map(), components: [STATE, CITY] },
    );
    const sale = recorded(p);
    sale.lines[1] = {
      ...sale.lines[1]!,
      taxCents: sale.lines[1]!.taxCents + 1,
      taxes: sale.lines[1]!.taxes.map((t, k) => (k === 0 ? { ...t, taxCents: t.taxCents + 1 } : t)),
    };
    expect(taxDiscrepancy(sale)).toMatch(/line 2: tax 166 does not recompute \(expected 165\)/);
    expect(taxDiscrepancy(recorded(p, 'EX-1'))).toMatch(/tax-exempt/);
    const exempt = priceCart(
      { lines: [line(1000)] },
      { storeRatePpm: 0, categoryRates: new Map(), components: [STATE], exempt: true },
    );
    expect(exempt.taxCents).toBe(0);
    expect(taxDiscrepancy(recorded(exempt, 'EX-1'))).toBeNull();
  });
});

describe('refundShare with tax components', () => {
  it('refunds each component exactly over any sequence of partial returns', () => {
    const p = priceCart(
      { lines: [line(333, 7)] },
      { storeRatePpm: 0, categoryRates: new Map(), components: [STATE, CITY] },
    );
    const sold = p.lines[0]!;
    let returned = 0;
    const refunds = [2, 1, 3, 1].map((q) => {
      const share = refundShare(sold, returned, q);
      returned += q;
      return share;
    });
    for (const [k, t] of sold.taxes.entries()) {
      expect(refunds.reduce((a, r) => a + r.taxes[k]!.taxCents, 0)).toBe(t.taxCents);
    }
    expect(refunds.reduce((a, r) => a + r.taxCents, 0)).toBe(sold.taxCents);
    for (const r of refunds) expect(r.taxCents).toBe(r.taxes.reduce((a, t) => a + t.taxCents, 0));
  });
});

describe('taxBreakdown', () => {
  it('reports inclusive lines net of their tax', () => {
    expect(
      taxBreakdown(
        [
          {
            totalCents: 1200,
            taxCents: 200,
            taxes: [{ code: 'VAT', name: 'VAT', ratePpm: 200_000, taxCents: 200 }],
          },
        ],
        true,
      ),
    ).toEqual([{ code: 'VAT', name: 'VAT', ratePpm: 200_000, taxableCents: 1000, taxCents: 200 }]);
  });
});
