/**
 * Tax, pure and deterministic: the till prices with it and HQ recomputes with it, so the same
 * lines always give the same tax on both sides. All amounts are integer cents, rates integer
 * ppm. The rules (docs/checkout.md, "Tax"):
 *
 * 1. A store taxes with one or more components (e.g. STATE 6 % + CITY 2.25 %); a component may
 *    carry a different rate (0 = not charged) for a category. A line's rate is the sum of its
 *    components' rates; components at 0 are not on the line.
 * 2. Exclusive stores add tax on top of the line's net amount; inclusive (VAT) stores' prices
 *    already contain it, and the tax is the part of the amount that is tax:
 *    amount x R / (1 + R) with R the line's total rate.
 * 3. Rounding is half away from zero, either per line (each line rounded on its own; the
 *    order's tax is the sum of lines) or per order (lines with the same components are pooled,
 *    each component's tax is rounded once on the pool, then shared back to the pooled lines by
 *    largest remainder, so the lines still add up to the order exactly).
 * 4. Exclusive: each component is rounded on its own (a state and a city tax are separate
 *    liabilities). Inclusive: the total tax contained is rounded once and split across the
 *    components in proportion to their rates (largest remainder), so tax + net-of-tax is
 *    exactly the price paid.
 * 5. A tax-exempt sale (a customer with an exemption reference) carries no tax at all.
 */
import { z } from 'zod';
import { allocateProportionally, applyRatePpm, Cents, Ppm, type Cents as CentsT } from './money';

export const TaxCode = z.string().regex(/^[A-Z0-9_-]{1,16}$/, 'tax code: A-Z, 0-9, _ or -');

/** One tax a store charges. `categoryRates` keys are category IDs (JSON object keys). */
export const TaxComponent = z.object({
  code: TaxCode,
  name: z.string().trim().min(1).max(60),
  ratePpm: Ppm,
  categoryRates: z.record(z.string().regex(/^[0-9]+$/), Ppm).default({}),
});
export type TaxComponent = z.infer<typeof TaxComponent>;

export const TaxRounding = z.enum(['line', 'order']);
export type TaxRounding = z.infer<typeof TaxRounding>;

export const TaxComponents = z
  .array(TaxComponent)
  .max(8)
  .refine((c) => new Set(c.map((x) => x.code)).size === c.length, 'tax codes must be unique');

/** A store's tax settings as pricing needs them. */
export interface TaxSettings {
  included: boolean;
  rounding: TaxRounding;
  components: readonly TaxComponent[];
}

/** One component's tax on one line, as the line records it (and the wire carries it). */
export const LineTax = z.object({
  code: TaxCode,
  name: z.string().min(1).max(60),
  ratePpm: Ppm,
  taxCents: Cents,
});
export type LineTax = z.infer<typeof LineTax>;

/**
 * The settings of a store that has not set components yet: one component "TAX" at the store
 * rate with the category overrides (the model before multi-component tax), exclusive, per line.
 */
export function legacyTaxSettings(
  storeRatePpm: number,
  categoryRates: ReadonlyMap<number, number>,
): TaxSettings {
  return {
    included: false,
    rounding: 'line',
    components: [
      {
        code: 'TAX',
        name: 'Tax',
        ratePpm: storeRatePpm,
        categoryRates: Object.fromEntries(
          [...categoryRates].map(([category, rate]) => [String(category), rate]),
        ),
      },
    ],
  };
}

/** The rates a line in `categoryId` is taxed at (components at 0 left out), in store order. */
export function lineRates(
  categoryId: number | null,
  components: readonly TaxComponent[],
): Array<{ code: string; name: string; ratePpm: number }> {
  return components
    .map((c) => ({
      code: c.code,
      name: c.name,
      ratePpm: (categoryId !== null ? c.categoryRates[String(categoryId)] : undefined) ?? c.ratePpm,
    }))
    .filter((r) => r.ratePpm > 0);
}

/** round(a x b / d) half away from zero, exact (BigInt). */
function roundDiv(a: bigint, d: bigint): CentsT {
  const negative = a < 0n !== d < 0n;
  const absA = a < 0n ? -a : a;
  const absD = d < 0n ? -d : d;
  const q = (absA * 2n + absD) / (2n * absD);
  const r = Number(negative ? -q : q);
  return r === 0 ? 0 : r;
}

/** Each component's tax on an amount taxed at `rates` (rules 2 and 4). */
export function componentTaxes(
  amountCents: CentsT,
  rates: readonly number[],
  included: boolean,
): CentsT[] {
  if (!included) return rates.map((r) => applyRatePpm(amountCents, r));
  const total = rates.reduce((a, r) => a + r, 0);
  if (total === 0) return rates.map(() => 0);
  const contained = roundDiv(BigInt(amountCents) * BigInt(total), BigInt(1_000_000 + total));
  return allocateProportionally(contained, rates);
}

export interface TaxableLine {
  /** What the line is taxed on: net of discounts (inclusive: the price paid, tax within). */
  amountCents: CentsT;
  rates: ReadonlyArray<{ code: string; name: string; ratePpm: number }>;
}

/**
 * The tax of every line (rules 3-5). Returns, per input line, its components in the order of
 * `rates`. Deterministic: depends only on the amounts, the rates and the settings.
 */
export function taxLines(
  lines: readonly TaxableLine[],
  options: { included: boolean; rounding: TaxRounding; exempt: boolean },
): LineTax[][] {
  const out: LineTax[][] = lines.map(() => []);
  if (options.exempt) return out;
  // Groups of lines rounded together: each line alone, or all lines with the same components.
  const groups = new Map<string, number[]>();
  lines.forEach((line, index) => {
    const key =
      options.rounding === 'line'
        ? `#${index}`
        : line.rates.map((r) => `${r.code}:${r.ratePpm}:${r.name}`).join('|');
    const members = groups.get(key) ?? [];
    members.push(index);
    groups.set(key, members);
  });
  for (const members of groups.values()) {
    const rates = lines[members[0]!]!.rates;
    if (rates.length === 0) continue;
    const amounts = members.map((i) => lines[i]!.amountCents);
    const pooled = amounts.reduce((a, b) => a + b, 0);
    const taxes = componentTaxes(
      pooled,
      rates.map((r) => r.ratePpm),
      options.included,
    );
    rates.forEach((rate, k) => {
      const shares =
        members.length === 1 ? [taxes[k]!] : allocateProportionally(taxes[k]!, amounts);
      members.forEach((lineIndex, m) => {
        out[lineIndex]!.push({ ...rate, taxCents: shares[m] ?? 0 });
      });
    });
  }
  return out;
}

/**
 * The tax breakdown by component and rate (receipt, X and Z). `taxableCents` is the amount the
 * tax was charged on, net of tax (exclusive: the line net; inclusive: the price paid - tax).
 */
export const TaxBreakdownRow = z.object({
  code: z.string().min(1).max(16),
  name: z.string().min(1).max(60),
  ratePpm: Ppm,
  taxableCents: Cents,
  taxCents: Cents,
});
export type TaxBreakdownRow = z.infer<typeof TaxBreakdownRow>;

export function taxBreakdown(
  lines: ReadonlyArray<{ totalCents: CentsT; taxCents: CentsT; taxes: readonly LineTax[] }>,
  included: boolean,
): TaxBreakdownRow[] {
  const rows = new Map<string, TaxBreakdownRow>();
  for (const line of lines) {
    const base = included ? line.totalCents - line.taxCents : line.totalCents;
    for (const t of line.taxes) {
      const key = `${t.code}:${t.ratePpm}`;
      const row = rows.get(key) ?? { ...t, taxableCents: 0, taxCents: 0 };
      row.taxableCents += base;
      row.taxCents += t.taxCents;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) =>
    a.code === b.code ? a.ratePpm - b.ratePpm : a.code < b.code ? -1 : 1,
  );
}

/**
 * HQ's recomputation of a recorded sale's tax (and the till's self-check in tests): the sold
 * lines' components recomputed from their recorded amounts and rates with `taxLines` must equal
 * what the till recorded, component by component. Returned lines are refunds of recorded tax
 * (telescoped, core/pricing.ts refundShare), so only their sums are checked. Lines recorded
 * before tax components (no `taxes`) are left as they were. Returns the first discrepancy, or
 * null when the sale's tax is exactly what these rules give.
 */
export function taxDiscrepancy(sale: {
  taxIncluded: boolean;
  taxRounding: TaxRounding;
  taxExemptReference: string | null;
  lines: ReadonlyArray<{
    lineNumber: number;
    quantity: number;
    originalItemId: string | null;
    totalCents: CentsT;
    taxRatePpm: number;
    taxCents: CentsT;
    taxes: readonly LineTax[];
  }>;
}): string | null {
  for (const line of sale.lines) {
    if (sale.taxExemptReference !== null && line.quantity > 0 && line.taxCents !== 0) {
      return `line ${line.lineNumber} is taxed on a tax-exempt sale`;
    }
    if (line.taxes.length === 0) continue;
    const sum = line.taxes.reduce((a, t) => a + t.taxCents, 0);
    const rate = line.taxes.reduce((a, t) => a + t.ratePpm, 0);
    if (sum !== line.taxCents || rate !== line.taxRatePpm) {
      return `line ${line.lineNumber}: its tax components do not add up to its tax and rate`;
    }
  }
  const sold = sale.lines.filter(
    (l) => l.quantity > 0 && l.originalItemId === null && l.taxes.length > 0,
  );
  const expected = taxLines(
    sold.map((l) => ({ amountCents: l.totalCents, rates: l.taxes })),
    { included: sale.taxIncluded, rounding: sale.taxRounding, exempt: false },
  );
  for (const [i, line] of sold.entries()) {
    const want = expected[i] ?? [];
    const bad = line.taxes.some(
      (t, k) => want[k]?.taxCents !== t.taxCents || want[k]?.code !== t.code,
    );
    if (bad || want.length !== line.taxes.length) {
      return `line ${line.lineNumber}: tax ${line.taxCents} does not recompute (expected ${want.reduce((a, t) => a + t.taxCents, 0)})`;
    }
  }
  return null;
}
