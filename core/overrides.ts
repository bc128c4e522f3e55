/**
 * Price overrides and open-price items (issue 18), pure. The cashier sets a line's price with a
 * reason; the till records the catalog price it replaced. A manager must approve when the new
 * price is further below the catalog price than the store's limit (a share, in ppm), below the
 * product's cost, or (an open-price item, catalog price 0) above the store's open-price limit.
 * Raising a price needs no approval.
 */
import { z } from 'zod';
import { Cents, formatCents, type Cents as CentsT } from './money';

/** What the cashier enters: the new price is the line's unit price; the reason is required. */
export const PriceOverrideInput = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'a reason is required for a price override')
    .max(200, 'the override reason is at most 200 characters'),
});
export type PriceOverrideInput = z.infer<typeof PriceOverrideInput>;

/** What the line records (and HQ receives). */
export const PriceOverride = z.object({
  catalogPriceCents: Cents.nonnegative(),
  reason: z.string().min(1).max(200),
});
export type PriceOverride = z.infer<typeof PriceOverride>;

export interface OverridePolicy {
  /** Largest reduction from the catalog price a cashier may give alone, in ppm. */
  limitPpm: number;
  /** Largest price a cashier may enter alone on an open-price item. */
  openPriceLimitCents: CentsT;
}

/**
 * Why each overridden line needs a manager (empty: the cashier may do it alone). `costCents`
 * null = cost unknown (no below-cost check).
 */
export function overrideApprovalReasons(
  lines: ReadonlyArray<{
    productName: string;
    unitPriceCents: CentsT;
    catalogPriceCents: CentsT;
    costCents: CentsT | null;
  }>,
  policy: OverridePolicy,
  money: (cents: CentsT) => string = (c) => formatCents(c),
): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.catalogPriceCents === 0) {
      if (l.unitPriceCents > policy.openPriceLimitCents) {
        out.push(
          `${l.productName}: an open price of ${money(l.unitPriceCents)} is above the ${money(policy.openPriceLimitCents)} a cashier may enter`,
        );
      }
    } else if (l.unitPriceCents < l.catalogPriceCents) {
      // Reduction share rounded up, so rounding never lets an override slip under the limit.
      const cut = BigInt(l.catalogPriceCents - l.unitPriceCents) * 1_000_000n;
      const share = Number((cut + BigInt(l.catalogPriceCents) - 1n) / BigInt(l.catalogPriceCents));
      if (share > policy.limitPpm) {
        out.push(
          `${l.productName}: ${money(l.unitPriceCents)} instead of ${money(l.catalogPriceCents)} is more than ${(policy.limitPpm / 10_000).toFixed(0)}% off`,
        );
      }
    }
    if (l.costCents !== null && l.unitPriceCents < l.costCents) {
      out.push(`${l.productName}: ${money(l.unitPriceCents)} is below cost`);
    }
  }
  return out;
}
