import { formatCurrency } from '../../core/money';
/**
 * Amounts as the cashier types them ("12", "12.5", "12.50") to integer cents and back, without
 * passing through a binary float.
 */
const AMOUNT = /^(\d{1,9})(?:[.,](\d{0,2}))?$/;

export type ParsedAmount = { ok: true; cents: number } | { ok: false; message: string };

export function parseAmount(text: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Type an amount' };
  const match = AMOUNT.exec(trimmed);
  if (!match)
    return {
      ok: false,
      message: `"${trimmed.slice(0, 20)}" is not an amount (use digits, e.g. 20 or 12.50)`,
    };
  const whole = Number(match[1]);
  const frac = Number((match[2] ?? '').padEnd(2, '0'));
  return { ok: true, cents: whole * 100 + frac };
}

/**
 * An amount for the cashier to read: with a currency, in the store's currency and the till's
 * locale through Intl ("$1,234.56", "1.234,56 €"); without one, a plain figure for a field the
 * cashier may edit ("1,234.56", read back by parseAmount).
 */
export function formatMoney(cents: number, currency = '', locale?: string): string {
  if (currency) return formatCurrency(cents, currency, locale);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Whole-number quantity 1..9999 as typed. */
export function parseQuantity(
  text: string,
  max = 9999,
): { ok: true; quantity: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed))
    return { ok: false, message: 'A quantity is a whole number, e.g. 3' };
  const quantity = Number(trimmed);
  if (quantity < 1)
    return {
      ok: false,
      message: 'The quantity must be at least 1 (use Delete to remove the line)',
    };
  if (quantity > max) return { ok: false, message: `The quantity can be at most ${max}` };
  return { ok: true, quantity };
}

/** Percentage "10" or "12.5" to parts per million. */
export function parsePercent(
  text: string,
): { ok: true; ppm: number } | { ok: false; message: string } {
  const match = /^(\d{1,3})(?:[.,](\d{0,4}))?$/.exec(text.trim());
  if (!match) return { ok: false, message: 'A percentage is a number such as 10 or 12.5' };
  const ppm = Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
  if (ppm > 1_000_000) return { ok: false, message: 'A discount cannot be more than 100%' };
  return { ok: true, ppm };
}
