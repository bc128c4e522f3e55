/** SQL text fragments shared by query modules (the pure money rules are in core/money.ts). */

/**
 * SQL for a bigint-cents parameter read as numeric(12,2): `sqlCents('$3')`. Division by 100.0
 * is exact for integers, so the cents survive the trip unchanged.
 */
export function sqlCents(param: string): string {
  return `(${param}::bigint / 100.0)::numeric(12,2)`;
}
