import { describe, expect, it } from 'vitest';
import { pointsEarned, tierFor } from './loyalty';

describe('loyalty points', () => {
  it('earns a point per whole currency unit of the net amount, tax left out', () => {
    expect(pointsEarned({ totalCents: 4_287, taxCents: 390 })).toBe(38);
    expect(pointsEarned({ totalCents: 99, taxCents: 0 })).toBe(0);
    expect(pointsEarned({ totalCents: 0, taxCents: 0 })).toBe(0);
  });

  it('a return takes back, rounded towards zero, so parts never take back more than the whole', () => {
    expect(pointsEarned({ totalCents: -1_155, taxCents: -105 })).toBe(-10);
    const whole = pointsEarned({ totalCents: 1_099 * 3, taxCents: 0 });
    const parts = [1, 2, 3].reduce((a) => a + pointsEarned({ totalCents: -1_099, taxCents: 0 }), 0);
    expect(-parts).toBeLessThanOrEqual(whole);
  });

  it('computes the tier from the points in the window', () => {
    expect(tierFor(-5)).toBe('bronze');
    expect(tierFor(499)).toBe('bronze');
    expect(tierFor(500)).toBe('silver');
    expect(tierFor(2_000)).toBe('gold');
    expect(tierFor(5_000)).toBe('platinum');
  });
});
