import { describe, expect, it } from 'vitest';
import { allocateProportionally, applyRatePpm, centsFromNumeric, numericFromCents } from './money';

describe('money', () => {
  it('round-trips numeric text and cents exactly', () => {
    for (const [text, cents] of [
      ['12.34', 1234],
      ['0.05', 5],
      ['-0.05', -5],
      ['7', 700],
      ['7.5', 750],
      ['999999999999.99', 99_999_999_999_999],
    ] as const) {
      if (Math.abs(cents) > 999_999_999_999) {
        expect(() => centsFromNumeric(text)).toThrow();
        continue;
      }
      expect(centsFromNumeric(text)).toBe(cents);
    }
    expect(numericFromCents(-5)).toBe('-0.05');
    expect(numericFromCents(123456)).toBe('1234.56');
    expect(() => centsFromNumeric('1.234')).toThrow(/money/);
    expect(() => centsFromNumeric('abc')).toThrow();
    expect(() => numericFromCents(1.5)).toThrow();
  });

  it('rounds rates half away from zero, symmetrically for refunds', () => {
    expect(applyRatePpm(100, 105_000)).toBe(11); // 10.5 -> 11
    expect(applyRatePpm(-100, 105_000)).toBe(-11);
    expect(applyRatePpm(1999, 103_500)).toBe(207); // 206.8965
    expect(applyRatePpm(5, 100_000)).toBe(1); // 0.5 -> 1
    expect(applyRatePpm(4, 100_000)).toBe(0);
    expect(applyRatePpm(0, 1_000_000)).toBe(0);
  });

  it('allocates proportionally so parts always sum to the whole', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateProportionally(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocateProportionally(0, [5, 5])).toEqual([0, 0]);
    for (let total = 0; total < 500; total += 37) {
      const parts = allocateProportionally(total, [3, 7, 11, 0, 13]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts[3]).toBe(0);
    }
  });
});
