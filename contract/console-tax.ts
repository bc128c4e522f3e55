/**
 * HQ console contract for tax rates per store and category (issue 14, item 2). A store's rate
 * travels down with its store row (`taxRatePpm`), a category's rate in a store as a row of
 * `retail.category_tax_rates` (entity category_tax_rate); the till prices with both
 * (core/tax.ts legacyTaxSettings). Stores that charge several taxes (`taxComponents`) keep
 * their rates in the components, which the console does not edit: it refuses those stores in
 * plain words. Rates are parts per million on the wire; the form takes a percentage.
 */
import { z } from 'zod';
import { Ppm } from '../core/money';
import { StoreId } from './mutations';

const RatePpm = z
  .number()
  .int('Use a rate like 8.25')
  .min(0, 'Use a rate from 0 to 100 %')
  .max(1_000_000, 'Use a rate from 0 to 100 %');
const CategoryNumber = z.number().int().positive('Choose a category').max(2_147_483_647);
const Stores = z
  .array(StoreId)
  .min(1, 'Choose at least one store')
  .max(500)
  .refine((s) => new Set(s).size === s.length, 'Each store once');

/** The store's own rate, for every line without a category rate. */
export const ConsoleStoreTaxRate = z.object({ storeIds: Stores, ratePpm: RatePpm });
export type ConsoleStoreTaxRate = z.infer<typeof ConsoleStoreTaxRate>;

/** A category's rate in the stores named; null: the category is taxed at the store's rate. */
export const ConsoleCategoryTaxRate = z.object({
  storeIds: Stores,
  categoryId: CategoryNumber,
  ratePpm: RatePpm.nullable(),
});
export type ConsoleCategoryTaxRate = z.infer<typeof ConsoleCategoryTaxRate>;

export const ConsoleTaxRates = z.object({
  storeId: StoreId,
  storeRatePpm: Ppm,
  /** The store charges several taxes (its rates are in its components, not edited here). */
  components: z.boolean(),
  categoryRates: z.array(z.object({ categoryId: z.number().int(), ratePpm: Ppm })),
});
export type ConsoleTaxRates = z.infer<typeof ConsoleTaxRates>;

export const ConsoleTaxChanged = z.object({
  /** Stores whose rate really changed (the others already had it). */
  updated: z.array(StoreId),
  unchanged: z.array(StoreId),
});
export type ConsoleTaxChanged = z.infer<typeof ConsoleTaxChanged>;

/** "8.25" (per cent, up to 4 decimals) as parts per million; NaN when it is not a rate. */
export function ppmFromPercent(text: string): number {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,4}))?\s*%?\s*$/.exec(text);
  if (!m) return Number.NaN;
  const ppm = Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
  return ppm > 1_000_000 ? Number.NaN : ppm;
}

/** 82500 -> "8.25 %". */
export function percentFromPpm(ppm: number): string {
  return `${(ppm / 10_000).toLocaleString('en-US', { maximumFractionDigits: 4 })} %`;
}
