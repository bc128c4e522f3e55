/** Parsing and formatting of `npm run hq:admin` arguments (commander argument parsers). */
import { InvalidArgumentError } from 'commander';

/** "12.99" -> 1299, exactly (no float). */
export function priceArg(value: string): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a price like 12.99');
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function boolArg(value: string): boolean {
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  throw new InvalidArgumentError('expected true or false');
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 120
    ? `${s}s ago`
    : s < 7200
      ? `${Math.round(s / 60)}m ago`
      : `${Math.round(s / 3600)}h ago`;
}

/** "?a=1&b=2" from the options that are set. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const set = Object.entries(params).filter(
    (e): e is [string, string | number] => e[1] !== undefined,
  );
  return set.length === 0
    ? ''
    : `?${set.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`;
}
