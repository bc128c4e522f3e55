/** A run of sale lines, column by column, as the rollups (derived.ts, derived-console.ts) add them. */
export interface LineColumns {
  productId: readonly string[];
  quantity: readonly number[];
  unitPriceCents: readonly number[];
  discountCents: readonly number[];
  taxCents: readonly number[];
  totalCents: readonly number[];
  occurredAt: readonly string[];
}
