/**
 * Price overrides at the till: which catalog price each overridden line replaced, and whether a
 * manager must approve (core/overrides.ts). Reads only; runs before the sale's transaction.
 */
import { NotFoundError, ValidationError } from '../errors';
import { pricesAndCosts } from '../queries/catalog';
import { priceAt, type ScheduledPrices } from '../queries/scheduled-prices';
import type { StoreConfig } from '../queries/identity';
import type { TillContext } from './context';
import { overrideApprovalReasons, type PriceOverride } from '../../core/overrides';
import type { PricedLine } from '../../core/pricing';
import { formatCurrency } from '../../core/money';

export interface ResolvedOverrides {
  /** Per priced line: what it records, or null when its price is the catalog's. */
  overrides: Array<PriceOverride | null>;
  /** Why a manager must approve, or null. */
  approvalWhy: string | null;
}

export async function resolveOverrides(
  till: TillContext,
  config: StoreConfig,
  lines: readonly PricedLine[],
  /** Scheduled prices: the catalog price replaced is the one at the sale's time. */
  schedule?: { scheduled: ScheduledPrices; at: Date },
): Promise<ResolvedOverrides> {
  const overridden = lines.filter((l) => l.priceOverride !== null);
  if (overridden.length === 0) return { overrides: lines.map(() => null), approvalWhy: null };
  const catalog = await pricesAndCosts(
    till.db,
    till.identity.storeId,
    overridden.map((l) => l.productId),
  );
  const overrides = lines.map((l) => {
    if (l.priceOverride === null) return null;
    // A rule, not a shape: checked here too for callers other than the till API (its schema).
    if (l.priceOverride.reason.trim() === '') {
      throw new ValidationError(`${l.productName}: a reason is required for a price override`);
    }
    const product = catalog.get(l.productId);
    if (!product) throw new NotFoundError(`${l.productName} is not in this store's catalog`);
    const catalogPriceCents = schedule
      ? priceAt(schedule.scheduled, l.productId, product.priceCents, schedule.at)
      : product.priceCents;
    return { catalogPriceCents, reason: l.priceOverride.reason };
  });
  const reasons = overrideApprovalReasons(
    lines.flatMap((l, i) => {
      const o = overrides[i];
      if (!o) return [];
      const cost = catalog.get(l.productId)?.costCents ?? null;
      return [
        {
          productName: l.productName,
          unitPriceCents: l.unitPriceCents,
          catalogPriceCents: o.catalogPriceCents,
          costCents: cost,
        },
      ];
    }),
    { limitPpm: config.priceOverrideLimitPpm, openPriceLimitCents: config.openPriceLimitCents },
    (cents) => formatCurrency(cents, config.currency),
  );
  return {
    overrides,
    approvalWhy:
      reasons.length > 0
        ? `A manager PIN is required for these prices: ${reasons.join('; ')}`
        : null,
  };
}
