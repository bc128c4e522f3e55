/**
 * Cart pricing, pure and deterministic. All amounts are integer cents.
 *
 * Rounding rules (documented in docs/checkout.md):
 * 1. Line gross = quantity x unit price (exact).
 * 2. A percentage line discount is rounded half away from zero per line.
 * 3. An order discount (percentage of the discounted subtotal, rounded half away from zero, or
 *    a fixed amount) is allocated to lines in proportion to their discounted amounts by the
 *    largest-remainder method, so the allocations sum exactly to the order discount.
 * 1b. Promotions (core/promotions.ts) come off the line gross first; a cashier's line discount
 *    then applies to what is left (a percentage of it; an amount no larger than it).
 * 4. Tax follows core/tax.ts: components per store (state + city...), inclusive or exclusive,
 *    rounded per line or per order; the order's tax is always the sum of line taxes, so every
 *    receipt line reconciles with the total. Exclusive: total = net + tax; inclusive: the net
 *    already contains the tax, total = net.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import { Uuid } from './ids';
import { PriceOverrideInput, type PriceOverrideInput as OverrideIn } from './overrides';
import { applyPromotions, CouponCode, type AppliedPromotion, type Promotion } from './promotions';
import {
  legacyTaxSettings,
  lineRates,
  taxBreakdown,
  taxLines,
  type LineTax,
  type TaxBreakdownRow,
  type TaxComponent,
  type TaxRounding,
} from './tax';
import {
  allocateProportionally,
  applyRatePpm,
  Cents as CentsSchema,
  formatCents,
  Ppm,
  type Cents,
} from './money';

export const Discount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), ppm: Ppm }),
  z.object({ kind: z.literal('amount'), cents: CentsSchema.nonnegative() }),
]);
export type Discount = z.infer<typeof Discount>;

export const MAX_LINE_QUANTITY = 9_999;

export const CartLine = z.object({
  productId: Uuid,
  sku: z.string().min(1).max(50),
  productName: z.string().min(1).max(200),
  categoryId: z.number().int().nullable(),
  unitPriceCents: CentsSchema.nonnegative(),
  quantity: z
    .number()
    .int('quantity must be a whole number')
    .positive('quantity must be at least 1')
    .max(MAX_LINE_QUANTITY),
  discount: Discount.nullable().default(null),
  /** The cashier set this line's price (unitPriceCents) by hand, or entered an open price. */
  priceOverride: PriceOverrideInput.nullable().default(null),
});
export type CartLine = z.input<typeof CartLine>;

export const Cart = z.object({
  lines: z.array(CartLine).max(500),
  orderDiscount: Discount.nullable().default(null),
  /** Coupon codes the cashier entered (each unlocks a coupon promotion; checked at commit). */
  coupons: z.array(CouponCode).max(10).default([]),
});
export type Cart = z.input<typeof Cart>;

/** The store's promotions and the pricing time (none: no promotion applies). */
export interface PromotionContext {
  promotions: readonly Promotion[];
  now: Date;
}

export interface TaxRates {
  storeRatePpm: number;
  categoryRates: ReadonlyMap<number, number>;
  /** Prices contain tax (VAT style). Default false. */
  included?: boolean | undefined;
  /** Default 'line'. */
  rounding?: TaxRounding | undefined;
  /** The store's tax components; none = one component at the store/category rate. */
  components?: readonly TaxComponent[] | undefined;
  /** A tax-exempt sale: no tax on any line. */
  exempt?: boolean | undefined;
}

export interface PricedLine {
  productId: string;
  sku: string;
  productName: string;
  categoryId: number | null;
  quantity: number;
  unitPriceCents: Cents;
  grossCents: Cents;
  /** What promotions took off the line, and which (core/promotions.ts). */
  promotionCents: Cents;
  promotions: AppliedPromotion[];
  lineDiscountCents: Cents;
  orderDiscountCents: Cents;
  discountCents: Cents;
  netCents: Cents;
  taxRatePpm: number;
  taxCents: Cents;
  taxes: LineTax[];
  priceOverride: OverrideIn | null;
}

export interface PricedCart {
  lines: PricedLine[];
  subtotalCents: Cents;
  discountCents: Cents;
  taxCents: Cents;
  totalCents: Cents;
  taxIncluded: boolean;
  taxRounding: TaxRounding;
  taxBreakdown: TaxBreakdownRow[];
  /** Coupon codes the sale carries (normalised as entered). */
  coupons: string[];
  /**
   * Largest share a cashier's discount takes on any line (of what promotions left) or on the
   * order, in ppm: drives manager approval. Promotions are HQ's and need no approval.
   */
  maxDiscountPpm: number;
}

export function taxRateFor(categoryId: number | null, rates: TaxRates): number {
  return (
    (categoryId !== null ? rates.categoryRates.get(categoryId) : undefined) ?? rates.storeRatePpm
  );
}

function discountAmount(discount: Discount | null, baseCents: Cents, what: string): Cents {
  if (!discount) return 0;
  if (discount.kind === 'percent') return applyRatePpm(baseCents, discount.ppm);
  if (discount.cents > baseCents) {
    throw new ValidationError(
      `${what} discount of ${formatCents(discount.cents)} is more than the ${formatCents(baseCents)} it applies to`,
    );
  }
  return discount.cents;
}

/** Share of `part` in `whole`, in ppm, rounded up so a threshold is never undercut by rounding. */
function sharePpm(part: Cents, whole: Cents): number {
  if (whole <= 0 || part <= 0) return 0;
  return Number((BigInt(part) * 1_000_000n + BigInt(whole) - 1n) / BigInt(whole));
}

/**
 * Price a cart. The cart is trusted: it was validated at its trust boundary (the till API's
 * input schema, contract/till-api/sale.ts, which uses `Cart`), or built by the screen's own reducer
 * or the seed generator. What is checked here are the rules, not the shape: a discount larger
 * than what it applies to.
 */
export function priceCart(
  cart: Cart,
  rates: TaxRates,
  promotions: PromotionContext = { promotions: [], now: new Date(0) },
): PricedCart {
  const coupons = (cart.coupons ?? []).map((c) => c.trim().toUpperCase());
  const applied = applyPromotions(
    cart.lines.map((line) => ({
      productId: line.productId,
      categoryId: line.categoryId,
      unitPriceCents: line.unitPriceCents,
      quantity: line.quantity,
      overridden: (line.priceOverride ?? null) !== null,
    })),
    { promotions: promotions.promotions, coupons, now: promotions.now },
  );
  const staged = cart.lines.map((line, i) => {
    const grossCents = line.quantity * line.unitPriceCents;
    const linePromotions = applied[i] ?? [];
    const promotionCents = linePromotions.reduce((a, p) => a + p.cents, 0);
    const base = grossCents - promotionCents;
    const lineDiscountCents = discountAmount(line.discount ?? null, base, `Line ${line.sku}`);
    return {
      line,
      grossCents,
      promotionCents,
      linePromotions,
      base,
      lineDiscountCents,
      afterLine: base - lineDiscountCents,
    };
  });
  const afterLines = staged.reduce((sum, s) => sum + s.afterLine, 0);
  const orderDiscountCents = discountAmount(cart.orderDiscount ?? null, afterLines, 'Order');
  const allocation = allocateProportionally(
    orderDiscountCents,
    staged.map((s) => s.afterLine),
  );

  const settings =
    rates.components && rates.components.length > 0
      ? {
          included: rates.included ?? false,
          rounding: rates.rounding ?? 'line',
          components: rates.components,
        }
      : {
          ...legacyTaxSettings(rates.storeRatePpm, rates.categoryRates),
          included: rates.included ?? false,
          rounding: rates.rounding ?? 'line',
        };
  const nets = staged.map((s, i) => s.afterLine - (allocation[i] ?? 0));
  const taxes = taxLines(
    staged.map((s, i) => ({
      amountCents: nets[i] ?? 0,
      rates: lineRates(s.line.categoryId, settings.components),
    })),
    { included: settings.included, rounding: settings.rounding, exempt: rates.exempt ?? false },
  );

  let maxDiscountPpm = sharePpm(orderDiscountCents, afterLines);
  const lines: PricedLine[] = staged.map((s, i) => {
    const orderShare = allocation[i] ?? 0;
    const discountCents = s.promotionCents + s.lineDiscountCents + orderShare;
    const netCents = s.grossCents - discountCents;
    const lineTaxes = taxes[i] ?? [];
    maxDiscountPpm = Math.max(maxDiscountPpm, sharePpm(s.lineDiscountCents, s.base));
    return {
      productId: s.line.productId,
      sku: s.line.sku,
      productName: s.line.productName,
      categoryId: s.line.categoryId,
      quantity: s.line.quantity,
      unitPriceCents: s.line.unitPriceCents,
      grossCents: s.grossCents,
      promotionCents: s.promotionCents,
      promotions: s.linePromotions,
      lineDiscountCents: s.lineDiscountCents,
      orderDiscountCents: orderShare,
      discountCents,
      netCents,
      taxRatePpm: lineTaxes.reduce((a, t) => a + t.ratePpm, 0),
      taxCents: lineTaxes.reduce((a, t) => a + t.taxCents, 0),
      taxes: lineTaxes,
      priceOverride: s.line.priceOverride ?? null,
    };
  });

  const subtotalCents = lines.reduce((a, l) => a + l.grossCents, 0);
  const discountCents = lines.reduce((a, l) => a + l.discountCents, 0);
  const taxCents = lines.reduce((a, l) => a + l.taxCents, 0);
  return {
    lines,
    subtotalCents,
    discountCents,
    taxCents,
    totalCents: subtotalCents - discountCents + (settings.included ? 0 : taxCents),
    taxIncluded: settings.included,
    taxRounding: settings.rounding,
    coupons,
    taxBreakdown: taxBreakdown(
      lines.map((l) => ({ totalCents: l.netCents, taxCents: l.taxCents, taxes: l.taxes })),
      settings.included,
    ),
    maxDiscountPpm,
  };
}

/**
 * The refundable share of an original line when `quantity` more units come back after
 * `alreadyReturned` did. Telescoping rounding: the refunds of all partial returns of a line sum
 * exactly to what the line cost, whatever the split.
 */
export function refundShare(
  original: {
    quantity: number;
    discountCents: Cents;
    taxCents: Cents;
    unitPriceCents: Cents;
    taxes?: readonly LineTax[] | undefined;
  },
  alreadyReturned: number,
  quantity: number,
): { grossCents: Cents; discountCents: Cents; netCents: Cents; taxCents: Cents; taxes: LineTax[] } {
  const portion = (amount: Cents, units: number): Cents =>
    units === original.quantity
      ? amount
      : Number(
          (BigInt(amount) * BigInt(units) * 2n + BigInt(original.quantity)) /
            (2n * BigInt(original.quantity)),
        );
  const upTo = alreadyReturned + quantity;
  const slice = (amount: Cents): Cents => portion(amount, upTo) - portion(amount, alreadyReturned);
  const grossCents = quantity * original.unitPriceCents;
  const discountCents = slice(original.discountCents);
  // Each component telescopes on its own, and the line's tax is their sum, so every component
  // and the line both refund exactly what was charged over any sequence of partial returns.
  const taxes = (original.taxes ?? []).map((t) => ({ ...t, taxCents: slice(t.taxCents) }));
  return {
    grossCents,
    discountCents,
    netCents: grossCents - discountCents,
    taxCents:
      original.taxes && original.taxes.length > 0
        ? taxes.reduce((a, t) => a + t.taxCents, 0)
        : slice(original.taxCents),
    taxes,
  };
}
