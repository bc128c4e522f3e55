/**
 * Promotions (issue 18, item 4), pure and deterministic: the discount each cart line gets is a
 * function of the cart's lines, the store's promotions, the coupon codes entered and the
 * pricing time, nothing else. The till prices a sale with it; HQ recomputes an ingested sale
 * with the same function over the recorded lines, coupons and sale time
 * (db/central/promotion-check.ts), so the same cart gives the same price at both.
 *
 * Rules (docs/checkout.md, "Promotions"):
 * - A promotion applies from `startsAt` (inclusive) to `endsAt` (exclusive), if active; a
 *   coupon promotion only when its code was entered (codes compare case-insensitively).
 * - Targets: all products, or a list of products and/or categories (a product's own category,
 *   no parent categories).
 * - Lines priced by hand (price override, open price) get no promotion: the cashier set the
 *   price.
 * - Precedence and stacking: promotions run in order of priority (higher first), then by
 *   promotion ID; each unit of a line is taken by at most ONE promotion, so promotions never
 *   stack on the same unit. A unit a promotion's group took (the "buy" units of buy-X-get-Y too)
 *   is not available to later promotions.
 * - Kinds: `percent` (ppm off each unit), `amount` (cents off each unit, at most its price),
 *   `buy_x_get_y` (in every group of buy + get units, the `get` cheapest get `ppm` off; 100 %
 *   = free), `mix_match` (every `quantity` units of the targets for `priceCents` together).
 *   Group promotions order the eligible units by unit price, highest first, then by line order,
 *   and form as many whole groups as there are units for.
 * - Rounding: integer cents, half away from zero once per line and promotion (percent); a
 *   group's discount (mix-and-match) is shared over its lines by largest remainder, so the
 *   per-line amounts add up to the promotion's exactly.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import { Uuid } from './ids';
import { allocateProportionally, applyRatePpm, Cents, Ppm, type Cents as CentsT } from './money';

export const CouponCode = z
  .string()
  .trim()
  .min(1, 'Enter the coupon code')
  .max(40, 'A coupon code is at most 40 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'A coupon code has only letters, digits, - and _');

export const PromotionTarget = z.object({
  /** Every product (the lists are then empty). */
  all: z.boolean(),
  productIds: z.array(Uuid).max(500),
  categoryIds: z.array(z.number().int().positive()).max(500),
});
export type PromotionTarget = z.infer<typeof PromotionTarget>;

export const PromotionRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), ppm: Ppm.positive() }),
  z.object({ kind: z.literal('amount'), cents: Cents.positive() }),
  z.object({
    kind: z.literal('buy_x_get_y'),
    buy: z.number().int().min(1).max(100),
    get: z.number().int().min(1).max(100),
    /** Off each "get" unit: 1,000,000 = free. */
    ppm: Ppm.positive(),
  }),
  z.object({
    kind: z.literal('mix_match'),
    quantity: z.number().int().min(2).max(100),
    priceCents: Cents.nonnegative(),
  }),
]);
export type PromotionRule = z.infer<typeof PromotionRule>;

/** A promotion's fields (without its checks: contract/catalog.ts extends them with a version). */
export const PromotionFields = z.object({
  promotionId: Uuid,
  name: z.string().trim().min(1).max(100),
  rule: PromotionRule,
  target: PromotionTarget,
  couponCode: CouponCode.nullable(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }).nullable(),
  priority: z.number().int().min(0).max(1000),
  isActive: z.boolean(),
});

/** The checks across fields, for any schema with a promotion's fields. */
export function withPromotionChecks<T extends z.ZodType<z.infer<typeof PromotionFields>>>(
  schema: T,
): T {
  return schema
    .refine((p) => p.endsAt === null || Date.parse(p.endsAt) > Date.parse(p.startsAt), {
      message: 'A promotion ends after it starts',
      path: ['endsAt'],
    })
    .refine((p) => p.target.all || p.target.productIds.length + p.target.categoryIds.length > 0, {
      message: 'A promotion targets all products, or some products or categories',
      path: ['target'],
    });
}

export const Promotion = withPromotionChecks(PromotionFields);
export type Promotion = z.infer<typeof Promotion>;

/** What a line records of each promotion that took something off it. */
export const AppliedPromotion = z.object({
  promotionId: Uuid,
  name: z.string().min(1).max(100),
  cents: Cents.positive(),
});
export type AppliedPromotion = z.infer<typeof AppliedPromotion>;

export interface PromotionLine {
  productId: string;
  categoryId: number | null;
  unitPriceCents: CentsT;
  quantity: number;
  /** Priced by hand: no promotion. */
  overridden: boolean;
}

export interface PromotionInput {
  promotions: readonly Promotion[];
  /** Codes the cashier entered (already checked with `checkCoupon`). */
  coupons: readonly string[];
  /** The pricing time. */
  now: Date;
}

export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

function inForce(p: Promotion, now: Date): boolean {
  const t = now.getTime();
  return (
    p.isActive && Date.parse(p.startsAt) <= t && (p.endsAt === null || t < Date.parse(p.endsAt))
  );
}

function targets(p: Promotion, line: PromotionLine): boolean {
  if (p.target.all) return true;
  return (
    p.target.productIds.includes(line.productId) ||
    (line.categoryId !== null && p.target.categoryIds.includes(line.categoryId))
  );
}

/** Stable order: higher priority first, then promotion ID. */
function byPrecedence(a: Promotion, b: Promotion): number {
  return b.priority - a.priority || (a.promotionId < b.promotionId ? -1 : 1);
}

/**
 * The promotions that take something off each line (index-aligned with `lines`), in the order
 * they were applied. Throws only on a rule that cannot price (never for valid promotions).
 */
export function applyPromotions(
  lines: readonly PromotionLine[],
  input: PromotionInput,
): AppliedPromotion[][] {
  const entered = new Set(input.coupons.map(normaliseCode));
  const applicable = input.promotions
    .filter((p) => inForce(p, input.now))
    .filter((p) => p.couponCode === null || entered.has(normaliseCode(p.couponCode)))
    .sort(byPrecedence);
  const free = lines.map((l) => (l.overridden || l.quantity <= 0 ? 0 : l.quantity));
  // Amount already taken off each line: a promotion never takes a line below zero.
  const taken = lines.map(() => 0);
  const result: AppliedPromotion[][] = lines.map(() => []);
  const add = (p: Promotion, index: number, cents: CentsT): void => {
    if (cents <= 0) return;
    result[index]!.push({ promotionId: p.promotionId, name: p.name, cents });
    taken[index]! += cents;
  };

  for (const p of applicable) {
    const eligible = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line, index }) => free[index]! > 0 && targets(p, line));
    if (eligible.length === 0) continue;
    const rule = p.rule;
    if (rule.kind === 'percent' || rule.kind === 'amount') {
      for (const { line, index } of eligible) {
        const units = free[index]!;
        const room = line.unitPriceCents * line.quantity - taken[index]!;
        const off =
          rule.kind === 'percent'
            ? applyRatePpm(units * line.unitPriceCents, rule.ppm)
            : units * Math.min(rule.cents, line.unitPriceCents);
        free[index] = 0;
        add(p, index, Math.min(off, room));
      }
      continue;
    }
    // Group promotions: units by price, highest first, then line order.
    const ordered = [...eligible].sort(
      (a, b) => b.line.unitPriceCents - a.line.unitPriceCents || a.index - b.index,
    );
    const available = ordered.reduce((n, { index }) => n + free[index]!, 0);
    const size = rule.kind === 'buy_x_get_y' ? rule.buy + rule.get : rule.quantity;
    const groups = Math.floor(available / size);
    if (groups === 0) continue;
    // Take the first groups x size units; `units[k]` = units taken from ordered[k].
    let left = groups * size;
    const units = ordered.map(({ index }) => {
      const n = Math.min(left, free[index]!);
      left -= n;
      return n;
    });
    if (rule.kind === 'buy_x_get_y') {
      // The cheapest groups x get of the units taken: from the end of the order.
      let discounted = groups * rule.get;
      const offUnits = ordered.map(() => 0);
      for (let k = ordered.length - 1; k >= 0 && discounted > 0; k -= 1) {
        const n = Math.min(discounted, units[k]!);
        offUnits[k] = n;
        discounted -= n;
      }
      ordered.forEach(({ line, index }, k) => {
        free[index]! -= units[k]!;
        const room = line.unitPriceCents * line.quantity - taken[index]!;
        add(p, index, Math.min(applyRatePpm(offUnits[k]! * line.unitPriceCents, rule.ppm), room));
      });
      continue;
    }
    const worth = ordered.map(({ line }, k) => units[k]! * line.unitPriceCents);
    const total = worth.reduce((a, b) => a + b, 0);
    const off = total - groups * rule.priceCents;
    ordered.forEach(({ index }, k) => (free[index]! -= units[k]!));
    if (off <= 0) continue; // the bundle price is no saving: nothing off
    const shares = allocateProportionally(off, worth);
    ordered.forEach(({ index }, k) => add(p, index, shares[k] ?? 0));
  }
  return result;
}

/**
 * Check a coupon code the cashier entered against the store's promotions at `now`: the
 * promotion it unlocks, or a ValidationError saying why not in the cashier's words (unknown,
 * not yet valid, expired, ended, already entered). Nothing else changes.
 */
export function checkCoupon(
  code: string,
  options: {
    promotions: readonly Promotion[];
    entered: readonly string[];
    now: Date;
    /** Formats a date for the message (the store's locale and time zone). */
    formatDate?: (iso: string) => string;
  },
): Promotion {
  const parsed = CouponCode.safeParse(code);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? 'Bad code');
  const wanted = normaliseCode(parsed.data);
  const shown = options.formatDate ?? ((iso: string) => iso.slice(0, 10));
  if (options.entered.some((c) => normaliseCode(c) === wanted)) {
    throw new ValidationError(`Coupon ${wanted} is already on this sale`);
  }
  const matches = options.promotions
    .filter((p) => p.couponCode !== null && normaliseCode(p.couponCode) === wanted)
    .sort(byPrecedence);
  if (matches.length === 0) throw new ValidationError(`No coupon ${wanted} in this store`);
  const valid = matches.find((p) => inForce(p, options.now));
  if (valid) return valid;
  const t = options.now.getTime();
  const first = matches[0]!;
  if (!first.isActive) throw new ValidationError(`Coupon ${wanted} has been withdrawn`);
  if (Date.parse(first.startsAt) > t) {
    throw new ValidationError(`Coupon ${wanted} is valid from ${shown(first.startsAt)}`);
  }
  throw new ValidationError(`Coupon ${wanted} expired on ${shown(first.endsAt ?? first.startsAt)}`);
}
