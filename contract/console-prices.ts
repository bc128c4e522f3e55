/**
 * HQ console contract for scheduled price changes (issue 14, item 2): a new price for one
 * product (by SKU) in one or several stores from a moment on, all or nothing; the list of a
 * store's scheduled changes; cancelling one before it takes effect. The moment is typed as the
 * wall-clock time of each store (its own time zone, `timezone` of the store row) and stored as
 * an instant (core/scheduled-prices.ts zonedTimeToInstant), so "06:00" is 06:00 at every
 * store, whatever its zone. Whether it is still ahead is judged by HQ's clock.
 */
import { z } from 'zod';
import { WallTime } from '../core/scheduled-prices';
import { Cents, IsoTime, StoreId } from './mutations';
import { Uuid } from '../core/ids';

const Stores = z
  .array(StoreId)
  .min(1, 'Choose at least one store')
  .max(500)
  .refine((s) => new Set(s).size === s.length, 'Each store once');

export const ConsoleScheduledPriceCreate = z.object({
  sku: z.string().trim().min(1, 'Choose a product').max(50),
  priceCents: Cents.nonnegative('A price cannot be negative').max(
    99_999_999,
    'That price is too high',
  ),
  storeIds: Stores,
  /** Each store's own wall-clock time, `2026-12-24T06:00`. */
  effectiveAt: WallTime,
});
export type ConsoleScheduledPriceCreate = z.infer<typeof ConsoleScheduledPriceCreate>;

export const ScheduledPriceStatus = z.enum(['pending', 'in_force', 'ended']);

export const ConsoleScheduledPrice = z.object({
  scheduleId: Uuid,
  storeId: StoreId,
  productId: Uuid,
  sku: z.string(),
  productName: z.string(),
  priceCents: Cents,
  /** The instant (UTC). */
  effectiveAt: IsoTime,
  /** The same instant on the store's clock, `2026-12-24T06:00`, and the store's zone. */
  effectiveLocal: z.string(),
  timezone: z.string(),
  supersededAt: IsoTime.nullable(),
  /** By HQ's clock: not yet, the price now, or over (a later change or a direct price). */
  status: ScheduledPriceStatus,
});
export type ConsoleScheduledPrice = z.infer<typeof ConsoleScheduledPrice>;

export const ConsoleScheduledPriceList = z.object({
  scheduled: z.array(ConsoleScheduledPrice),
  /** HQ's clock when it answered. */
  now: IsoTime,
});
export type ConsoleScheduledPriceList = z.infer<typeof ConsoleScheduledPriceList>;

export const ConsoleScheduledPriceCreated = z.object({ scheduled: z.array(ConsoleScheduledPrice) });
export type ConsoleScheduledPriceCreated = z.infer<typeof ConsoleScheduledPriceCreated>;
