/**
 * Loyalty points (issue 18, item 6): the chain's rules, pure, shared by the till (which prints
 * what a sale earns) and HQ (which holds the balance, recomputes what each sale earns and
 * computes the tier). docs/checkout.md, "Loyalty points".
 *
 * The rules are one chain-wide policy, set here (there is no chain settings table yet; a change
 * is a release that reaches HQ and the tills together, so both always compute alike).
 */
import { z } from 'zod';
import type { Cents } from './money';

export const LoyaltyTier = z.enum(['bronze', 'silver', 'gold', 'platinum']);
export type LoyaltyTier = z.infer<typeof LoyaltyTier>;

/** Points are whole numbers; a balance fits PostgreSQL's integer. */
export const Points = z.number().int().min(-2_147_483_647).max(2_147_483_647);
export type Points = number;

export const LOYALTY_POLICY = {
  /** Points earned per whole currency unit (100 minor units) of the net amount paid. */
  pointsPerUnit: 1,
  /** Points that make one currency unit when redeemed as a tender. */
  pointsPerUnitRedeemed: 100,
  /**
   * A tier is reached with this many points earned (net of returns and voids) in the twelve
   * months before the computation; below silver, bronze.
   */
  tierThresholds: { silver: 500, gold: 2_000, platinum: 5_000 },
  tierWindowMonths: 12,
} as const;

/**
 * What a sale earns, or (negative) what a return takes back: one point per whole currency unit
 * of the net amount, i.e. the total after discounts without its tax. A return takes back the
 * points of what it refunds, rounded towards zero like the sale, so the parts of a sale returned
 * one by one never take back more than the sale earned (the sum of floors is at most the floor
 * of the sum). Deterministic: HQ recomputes it from the same figures.
 */
export function pointsEarned(sale: { totalCents: Cents; taxCents: Cents }): Points {
  const net = sale.totalCents - sale.taxCents;
  const units = Math.floor(Math.abs(net) / 100);
  const points = units * LOYALTY_POLICY.pointsPerUnit;
  return net < 0 ? -points : points;
}

/** The tier for the points earned in the tier window. */
export function tierFor(pointsInWindow: Points): LoyaltyTier {
  const t = LOYALTY_POLICY.tierThresholds;
  if (pointsInWindow >= t.platinum) return 'platinum';
  if (pointsInWindow >= t.gold) return 'gold';
  if (pointsInWindow >= t.silver) return 'silver';
  return 'bronze';
}

/**
 * What the till prints and sends as a sale's points (`sale.recorded` loyaltyPointsEarned): the
 * points it earns for its customer, or null when it has none (no one to earn them).
 */
export function loyaltyPointsOf(sale: {
  customerId: string | null;
  totalCents: Cents;
  taxCents: Cents;
}): Points | null {
  return sale.customerId === null ? null : pointsEarned(sale);
}

/** The receipt's words for a sale's points (screen and print say the same). */
export function pointsLabel(points: Points): string {
  return points < 0 ? 'Points taken back' : 'Points earned';
}
