/**
 * Money is integer cents in TypeScript and numeric(12,2) in SQL. These helpers cross that
 * boundary exactly: no value ever passes through a binary float.
 */
import { z } from 'zod';
import { ValidationError } from './errors';

/** Largest amount numeric(12,2) can hold, in cents. */
export const MAX_CENTS = 999_999_999_999;

/** An amount of money at a boundary: integer cents within numeric(12,2). */
export const Cents = z.number().int().min(-MAX_CENTS).max(MAX_CENTS);
export type Cents = number;

/** A rate in parts per million (`103500` = 10.35 %), 0 to 100 %. */
export const Ppm = z.number().int().min(0).max(1_000_000);

const NUMERIC = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Parse a numeric(12,2) value as PostgreSQL returns it ('12.30', '-0.05', '7') into cents. */
export function centsFromNumeric(value: string | number): Cents {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = NUMERIC.exec(text);
  if (!match) throw new ValidationError(`Not a money amount: ${JSON.stringify(value)}`);
  const [, sign, whole = '0', frac = ''] = match;
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  assertCents(cents);
  return sign && cents !== 0 ? -cents : cents;
}

/** Format cents as the exact decimal text PostgreSQL accepts for numeric(12,2). */
export function numericFromCents(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function assertCents(cents: number): asserts cents is Cents {
  if (!Number.isSafeInteger(cents) || Math.abs(cents) > MAX_CENTS) {
    throw new ValidationError(`Money must be an integer number of cents, got ${cents}`);
  }
}

/** Display helper for receipts and the UI: 1234 -> "12.34", -5 -> "-0.05". */
export function formatCents(cents: Cents, currency = ''): string {
  const text = numericFromCents(cents);
  return currency ? `${currency}${text}` : text;
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount for a person to read, in the store's currency and a locale through Intl
 * ("$1,234.56", "1.234,56 €"); `locale` undefined: the runtime's own (the till's).
 */
export function formatCurrency(cents: Cents, currency: string, locale?: string): string {
  const key = `${locale ?? ''}|${currency}`;
  let format = currencyFormats.get(key);
  if (!format) {
    // Cents are hundredths whatever the currency's own minor unit: always two decimals.
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    currencyFormats.set(key, format);
  }
  return format.format(cents / 100);
}

/**
 * Multiply cents by a rate in parts per million and round half away from zero, using integer
 * arithmetic only (BigInt), so 0.5-cent ties are decided exactly and symmetrically for refunds.
 */
export function applyRatePpm(cents: Cents, ratePpm: number): Cents {
  assertCents(cents);
  if (!Number.isSafeInteger(ratePpm)) throw new ValidationError(`Rate must be integer ppm`);
  const product = BigInt(cents) * BigInt(ratePpm);
  const million = 1_000_000n;
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs + million / 2n) / million;
  const result = Number(negative ? -rounded : rounded);
  return result === 0 ? 0 : result;
}

/** Split `total` cents across `weights` in proportion, largest remainder first; sums exactly. */
export function allocateProportionally(total: Cents, weights: readonly Cents[]): Cents[] {
  assertCents(total);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const sign = total < 0 ? -1 : 1;
  const absTotal = BigInt(Math.abs(total));
  const bigSum = BigInt(sum);
  const shares = weights.map((w, index) => {
    const exact = absTotal * BigInt(w);
    return { index, floor: exact / bigSum, remainder: exact % bigSum };
  });
  let left = absTotal - shares.reduce((a, s) => a + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  const extra = new Set<number>();
  for (const share of byRemainder) {
    if (left <= 0n) break;
    extra.add(share.index);
    left -= 1n;
  }
  return shares.map((s) => sign * Number(s.floor + (extra.has(s.index) ? 1n : 0n)) || 0);
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new ValidationError(`Not a money amount: ${value}`);
  return value.toFixed(2).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m));
}
