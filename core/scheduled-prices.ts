/**
 * Scheduled price changes (issue 14, item 2), pure and deterministic: the catalog price of a
 * product at a moment is a function of its base price (`products.price`), its scheduled rows
 * and that moment, nothing else. The till prices a sale with it at the sale's time, offline;
 * HQ recomputes a recorded sale's catalog prices with the same function at the sale's time
 * (db/central/price-check.ts), so both agree whenever they hold the same rows.
 *
 * Times are instants (UTC on the wire, timestamptz in both databases): the HQ console turns
 * the wall-clock time a person types into an instant in each store's own time zone
 * (zonedTimeToInstant below) before anything is stored, so a till never needs a time zone.
 *
 * Rules (docs/hq-console.md, "Scheduled prices"):
 * - A row applies from `effectiveAt` (inclusive) until `supersededAt` (exclusive, null: for
 *   good). A price set directly at HQ supersedes the rows that had already taken effect at
 *   that moment, so the direct price wins from then on and a sale before it keeps the
 *   scheduled price.
 * - Of the rows that apply, the latest `effectiveAt` wins (then the greatest schedule ID, so
 *   two rows for the same instant still give one answer).
 * - No row applies: the base price.
 */
import { z } from 'zod';
import { Uuid } from './ids';
import { Cents } from './money';

export const ScheduledPriceFields = z.object({
  scheduleId: Uuid,
  productId: Uuid,
  priceCents: Cents.nonnegative(),
  effectiveAt: z.iso.datetime({ offset: true }),
  supersededAt: z.iso.datetime({ offset: true }).nullable(),
});
export type ScheduledPrice = z.infer<typeof ScheduledPriceFields>;

type PriceRow = Pick<ScheduledPrice, 'scheduleId' | 'priceCents' | 'effectiveAt' | 'supersededAt'>;

/** The row in force at `at`, if any (rows of one product). */
export function scheduleInForce<T extends PriceRow>(rows: readonly T[], at: Date): T | undefined {
  const t = at.getTime();
  let best: T | undefined;
  let bestAt = -Infinity;
  for (const row of rows) {
    const from = Date.parse(row.effectiveAt);
    if (from > t) continue;
    if (row.supersededAt !== null && t >= Date.parse(row.supersededAt)) continue;
    if (
      from > bestAt ||
      (from === bestAt && best !== undefined && row.scheduleId > best.scheduleId)
    ) {
      best = row;
      bestAt = from;
    }
  }
  return best;
}

/** The catalog price of one product at `at`: the row in force, else the base price. */
export function catalogPriceAt(
  basePriceCents: number,
  rows: readonly PriceRow[],
  at: Date,
): number {
  return scheduleInForce(rows, at)?.priceCents ?? basePriceCents;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** A wall-clock time the console's form gives (`2026-12-24T06:00`, no seconds, no zone). */
export const WallTime = z
  .string()
  .regex(WALL_TIME, 'Enter a date and time like 2026-12-24 06:00')
  .refine((s) => {
    const m = WALL_TIME.exec(s);
    if (!m) return false;
    const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!));
    return d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]! && +m[4]! < 24;
  }, 'That date does not exist');

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (Intl, no library). */
function zoneOffsetMs(timeZone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - (ms - (ms % 1000));
}

/**
 * The instant at which the clocks of `timeZone` (IANA, e.g. America/Los_Angeles) show `wall`.
 * A time the clocks skip (spring forward) is taken as the same moment an hour later on the
 * clock (the first instant after the gap); a time they show twice (fall back) is the first.
 */
export function zonedTimeToInstant(wall: string, timeZone: string): Date {
  const m = WALL_TIME.exec(wall);
  if (!m) throw new RangeError(`Not a wall-clock time: ${wall}`);
  const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  // The offsets a day either side cover any transition near this time; try the earlier first.
  const candidates = [
    ...new Set([
      zoneOffsetMs(timeZone, naive - 86_400_000),
      zoneOffsetMs(timeZone, naive + 86_400_000),
    ]),
  ].sort((a, b) => b - a);
  for (const offset of candidates) {
    const instant = naive - offset;
    if (zoneOffsetMs(timeZone, instant) === offset) return new Date(instant);
  }
  // In a gap: the clock jumps past `wall`; the instant before the jump, on the earlier offset.
  const before = candidates[candidates.length - 1]!;
  return new Date(naive - before);
}

/** `instant` as the wall-clock time of `timeZone` (`2026-12-24T06:00`). */
export function instantToZonedTime(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  const local = new Date(ms + zoneOffsetMs(timeZone, ms));
  return local.toISOString().slice(0, 16);
}
