/**
 * `npm run hq:admin -- reconcile` in words: one row per store-day (Z reports against HQ's
 * facts, "Z / HQ" where they differ), then each difference HQ raised an exception for.
 */
import {
  describeDifferences,
  formatAmount as money,
  type Reconciliation,
} from '../../contract/admin-protocol';

/** A plain table: columns padded to their widest cell. */
function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

export function reconciliationText(r: Reconciliation): string {
  const pair = (till: number, hq: number, f: (n: number) => string = String) =>
    till === hq ? f(till) : `${f(till)} / ${f(hq)}`;
  const head = [
    'STORE',
    'STATUS',
    'Z REPORTS',
    'OPEN SHIFTS',
    'SALES',
    'RETURNS',
    'VOIDS',
    'NET',
    'CASH',
    'CARD',
    'QUARANTINED',
    'NO SHIFT',
  ];
  const rows = r.stores.map((d) => [
    d.storeId,
    d.status.toUpperCase(),
    String(d.shifts.length),
    String(d.openShifts),
    pair(d.till.salesCount, d.hq.salesCount),
    pair(d.till.returnsCount, d.hq.returnsCount),
    pair(d.till.voidsCount, d.hq.voidsCount),
    pair(d.till.netCents, d.hq.netCents, money),
    pair(d.till.cashCents, d.hq.cashCents, money),
    pair(d.till.cardCents, d.hq.cardCents, money),
    String(d.quarantinedSales),
    String(
      d.outsideShifts.salesCount + d.outsideShifts.exchangesCount + d.outsideShifts.returnsCount,
    ),
  ]);
  const details = r.stores.flatMap((d) => [
    ...d.shifts
      .filter((s) => s.differences.length > 0)
      .map(
        (s) =>
          `  ${d.storeId} ${s.registerId} Z${s.zNumber} differs: ${describeDifferences(s.differences)}`,
      ),
    ...(d.differences.length > 0
      ? [`  ${d.storeId} day differs: ${describeDifferences(d.differences)}`]
      : []),
  ]);
  return [
    `Reconciliation of ${r.date} (each store's own day; "Z / HQ" where they differ)`,
    table([head, ...rows]),
    ...(details.length > 0 ? ['', 'Differences (exceptions raised for each):', ...details] : []),
  ].join('\n');
}
