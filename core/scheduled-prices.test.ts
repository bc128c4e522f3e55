import { describe, expect, it } from 'vitest';
import {
  catalogPriceAt,
  instantToZonedTime,
  WallTime,
  zonedTimeToInstant,
  type ScheduledPrice,
} from './scheduled-prices';

const P = '01900000-0000-7000-8000-000000000001';
const row = (
  id: string,
  priceCents: number,
  effectiveAt: string,
  supersededAt: string | null = null,
): ScheduledPrice => ({
  scheduleId: `01900000-0000-7000-8000-00000000000${id}`,
  productId: P,
  priceCents,
  effectiveAt,
  supersededAt,
});

describe('catalogPriceAt', () => {
  const rows = [
    row('1', 900, '2026-12-24T14:00:00.000Z'),
    row('2', 800, '2026-12-26T14:00:00.000Z', '2026-12-27T00:00:00.000Z'),
  ];
  it('is the base price before the first row, the row from its instant on (inclusive)', () => {
    expect(catalogPriceAt(1000, rows, new Date('2026-12-24T13:59:59.999Z'))).toBe(1000);
    expect(catalogPriceAt(1000, rows, new Date('2026-12-24T14:00:00.000Z'))).toBe(900);
    expect(catalogPriceAt(1000, rows, new Date('2026-12-25T00:00:00.000Z'))).toBe(900);
  });
  it('takes the latest row in force, and a superseded row stops at its moment', () => {
    expect(catalogPriceAt(1000, rows, new Date('2026-12-26T14:00:00.000Z'))).toBe(800);
    // Row 2 superseded by a direct price: the base price, not row 1 again.
    expect(catalogPriceAt(1000, [rows[1]!], new Date('2026-12-27T00:00:00.000Z'))).toBe(1000);
  });
  it('gives one answer for two rows at the same instant, whatever their order', () => {
    const a = row('3', 700, '2026-12-24T14:00:00.000Z');
    const b = row('4', 600, '2026-12-24T14:00:00.000Z');
    const at = new Date('2026-12-25T00:00:00.000Z');
    expect(catalogPriceAt(1000, [a, b], at)).toBe(600);
    expect(catalogPriceAt(1000, [b, a], at)).toBe(600);
  });
});

describe('store-local wall time to an instant', () => {
  it('uses the store time zone, winter and summer', () => {
    expect(zonedTimeToInstant('2026-12-24T06:00', 'America/Los_Angeles').toISOString()).toBe(
      '2026-12-24T14:00:00.000Z',
    );
    expect(zonedTimeToInstant('2026-07-01T06:00', 'America/Los_Angeles').toISOString()).toBe(
      '2026-07-01T13:00:00.000Z',
    );
    expect(zonedTimeToInstant('2026-12-24T06:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-12-24T05:00:00.000Z',
    );
    expect(zonedTimeToInstant('2026-12-24T06:00', 'UTC').toISOString()).toBe(
      '2026-12-24T06:00:00.000Z',
    );
  });
  it('takes a skipped time as after the jump and a repeated time as its first showing', () => {
    // 2027-03-14 02:30 does not exist in Los Angeles (02:00 PST -> 03:00 PDT).
    expect(zonedTimeToInstant('2027-03-14T02:30', 'America/Los_Angeles').toISOString()).toBe(
      '2027-03-14T10:30:00.000Z',
    );
    // 2026-11-01 01:30 happens twice; the first is PDT.
    expect(zonedTimeToInstant('2026-11-01T01:30', 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-01T08:30:00.000Z',
    );
  });
  it('goes back to the wall time', () => {
    const at = new Date('2026-12-24T14:00:00.000Z');
    expect(instantToZonedTime(at, 'America/Los_Angeles')).toBe('2026-12-24T06:00');
  });
  it('refuses a malformed or impossible date in words', () => {
    expect(WallTime.safeParse('2026-02-30T06:00').success).toBe(false);
    expect(WallTime.safeParse('24.12.2026 06:00').success).toBe(false);
    expect(WallTime.safeParse('2026-12-24T06:00').success).toBe(true);
  });
});
