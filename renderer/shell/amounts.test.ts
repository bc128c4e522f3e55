import { describe, expect, it } from 'vitest';
import { formatMoney, parseAmount, parsePercent, parseQuantity } from './amounts';

describe('amounts', () => {
  it('parses typed amounts into exact cents', () => {
    expect(parseAmount('20')).toEqual({ ok: true, cents: 2000 });
    expect(parseAmount('12.5')).toEqual({ ok: true, cents: 1250 });
    expect(parseAmount('0.29')).toEqual({ ok: true, cents: 29 });
    expect(parseAmount('4,07')).toEqual({ ok: true, cents: 407 });
    expect(parseAmount('1.005').ok).toBe(false);
    expect(parseAmount('-3').ok).toBe(false);
    expect(parseAmount('abc').ok).toBe(false);
    expect(parseAmount('').ok).toBe(false);
  });
  it('formats cents with thousands separators', () => {
    expect(formatMoney(123456789)).toBe('1,234,567.89');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    expect(formatMoney(-1999, 'USD')).toBe('-$19.99');
  });
  it("formats amounts in the store's currency and the locale through Intl", () => {
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56');
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
    expect(formatMoney(123456, 'CAD', 'en-CA')).toBe('$1,234.56');
    expect(formatMoney(-500, 'GBP', 'en-GB')).toBe('-£5.00');
  });
  it('parses quantities and percentages', () => {
    expect(parseQuantity('3')).toEqual({ ok: true, quantity: 3 });
    expect(parseQuantity('0').ok).toBe(false);
    expect(parseQuantity('2.5').ok).toBe(false);
    expect(parseQuantity('10000').ok).toBe(false);
    expect(parsePercent('12.5')).toEqual({ ok: true, ppm: 125_000 });
    expect(parsePercent('101').ok).toBe(false);
  });
});
