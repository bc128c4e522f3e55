/**
 * Reconciliation (issue 11): the till's Z report against the facts HQ holds for the same
 * shift. The till counts every sale it rang up; if HQ holds fewer (a sale still in the
 * quarantine, one recorded without its shift) or different amounts, the difference is an
 * exception, never silence.
 *
 * The figures are computed exactly as the till computes its Z (db/checkout/shifts.ts,
 * shiftFigures): completed sales, exchanges (each counted once), returns with returned lines, voids, line
 * gross, discounts, returns, tax, net and tenders.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key).
 */
import { createHash } from 'node:crypto';
import { ExceptionKind } from '../../contract/exceptions';
import type { ZReport } from '../../contract/mutations';
import { describeDifferences } from '../../contract/admin-protocol';
import type { RaisedException } from './ingest-types';
import type { TenantTx } from './tenant';

/** The Z report fields HQ can recompute from its facts. */
export const RECONCILED = [
  'salesCount',
  'returnsCount',
  'exchangesCount',
  'voidsCount',
  'grossSalesCents',
  'discountsCents',
  'returnsCents',
  'taxCents',
  'netCents',
  'cashCents',
  'cardCents',
  'overridesCount',
  'overridesCents',
  'cashInCents',
  'cashOutCents',
  'noSalesCount',
] as const;
export type ReconciledField = (typeof RECONCILED)[number];
export type ShiftFacts = Record<ReconciledField, number>;

/**
 * HQ's figures for groups of transactions, computed from the facts it holds in one query.
 * `source` selects the store's transactions with a text column `grp` naming each one's group
 * ($1 is the store; its own parameters follow). Cash paid in and out is counted for groups
 * that are shifts.
 */
async function factsBy(
  tx: TenantTx,
  source: string,
  params: readonly unknown[],
  groups: readonly string[],
): Promise<Map<string, ShiftFacts>> {
  if (groups.length === 0) return new Map();
  const g = `$${params.length + 2}`;
  const { rows } = await tx.query<{
    grp: string;
    sales_count: number;
    returns_count: number;
    exchanges_count: number;
    voids_count: number;
    gross: string;
    discounts: string;
    returns_total: string;
    tax: string;
    net: string;
    cash: string;
    card: string;
    overrides_count: number;
    overrides: string;
    cash_in: string;
    cash_out: string;
    no_sales: number;
  }>(
    `WITH t AS (${source}),
     live AS (SELECT * FROM t WHERE status = 'completed'),
     lines AS (
       SELECT live.grp, live.tax_included, i.* FROM retail.sales_transaction_items i
         JOIN live ON live.store_id = i.store_id AND live.transaction_id = i.transaction_id
                  AND live.occurred_at = i.occurred_at
     ),
     pays AS (
       SELECT live.grp, p.* FROM retail.payments p
         JOIN live ON live.store_id = p.store_id AND live.transaction_id = p.transaction_id
                  AND live.occurred_at = p.occurred_at
     )
     SELECT g.grp,
       (SELECT count(*) FROM live WHERE live.grp = g.grp
           AND transaction_type = 'sale')::int AS sales_count,
       (SELECT count(*) FROM live WHERE live.grp = g.grp
           AND transaction_type = 'exchange')::int AS exchanges_count,
       (SELECT count(*) FROM live WHERE live.grp = g.grp
           AND transaction_type = 'return'
           AND EXISTS (SELECT 1 FROM lines l WHERE l.transaction_id = live.transaction_id
                          AND l.quantity < 0))::int AS returns_count,
       (SELECT count(*) FROM t WHERE t.grp = g.grp AND status = 'voided')::int AS voids_count,
       (SELECT coalesce(sum(quantity * unit_price), 0) FROM lines
         WHERE lines.grp = g.grp AND quantity > 0) AS gross,
       (SELECT coalesce(sum(discount_amount), 0) FROM lines
         WHERE lines.grp = g.grp AND quantity > 0) AS discounts,
       (SELECT count(*) FROM lines
         WHERE lines.grp = g.grp AND quantity > 0 AND override_reason IS NOT NULL)::int
         AS overrides_count,
       (SELECT coalesce(sum(quantity * (override_catalog_price - unit_price)), 0) FROM lines
         WHERE lines.grp = g.grp AND quantity > 0 AND override_reason IS NOT NULL
           AND override_catalog_price > 0) AS overrides,
       -- An inclusive price has its tax within total_price (as the till's shiftFigures).
       (SELECT coalesce(-sum(total_price + CASE WHEN tax_included THEN 0 ELSE tax_amount END), 0)
          FROM lines WHERE lines.grp = g.grp AND quantity < 0) AS returns_total,
       (SELECT coalesce(sum(tax_amount), 0) FROM live WHERE live.grp = g.grp) AS tax,
       (SELECT coalesce(sum(total_amount), 0) FROM live WHERE live.grp = g.grp) AS net,
       (SELECT coalesce(sum(amount), 0) FROM pays
         WHERE pays.grp = g.grp AND tender_type = 'cash') AS cash,
       (SELECT coalesce(sum(amount), 0) FROM pays
         WHERE pays.grp = g.grp AND tender_type = 'card') AS card,
       (SELECT coalesce(sum(amount), 0) FROM retail.cash_movements m
         WHERE m.store_id = $1 AND m.shift_id::text = g.grp AND m.kind = 'in') AS cash_in,
       (SELECT coalesce(sum(amount), 0) FROM retail.cash_movements m
         WHERE m.store_id = $1 AND m.shift_id::text = g.grp AND m.kind = 'out') AS cash_out,
       (SELECT count(*) FROM retail.cash_movements m
         WHERE m.store_id = $1 AND m.shift_id::text = g.grp AND m.kind = 'no_sale')::int AS no_sales
     FROM unnest(${g}::text[]) AS g(grp)`,
    [tx.storeId, ...params, groups],
  );
  const c = (v: string): number => Math.round(Number(v) * 100);
  return new Map(
    rows.map((r) => [
      r.grp,
      {
        salesCount: r.sales_count,
        returnsCount: r.returns_count,
        exchangesCount: r.exchanges_count,
        voidsCount: r.voids_count,
        grossSalesCents: c(r.gross),
        discountsCents: c(r.discounts),
        returnsCents: c(r.returns_total),
        taxCents: c(r.tax),
        netCents: c(r.net),
        cashCents: c(r.cash),
        cardCents: c(r.card),
        overridesCount: r.overrides_count,
        overridesCents: c(r.overrides),
        cashInCents: c(r.cash_in),
        cashOutCents: c(r.cash_out),
        noSalesCount: r.no_sales,
      },
    ]),
  );
}

/** HQ's figures for shifts (one query for all of them); a shift HQ holds no facts of is zero. */
export function shiftFacts(
  tx: TenantTx,
  shiftIds: readonly string[],
): Promise<Map<string, ShiftFacts>> {
  return factsBy(
    tx,
    `SELECT x.*, x.shift_id::text AS grp FROM retail.sales_transactions x
      WHERE x.store_id = $1 AND x.shift_id = ANY ($2::uuid[])`,
    [shiftIds],
    shiftIds,
  );
}

/**
 * HQ's figures for the store's transactions of one local day that no shift holds (recorded
 * without their shift): no Z report counts them.
 */
export async function factsOutsideShifts(tx: TenantTx, date: string): Promise<ShiftFacts> {
  const facts = await factsBy(
    tx,
    // The UTC window around the local day keeps the scan to its partitions (a day is at most
    // 26 hours wide in any timezone); the store's timezone decides the day.
    `SELECT x.*, 'outside' AS grp FROM retail.sales_transactions x
        JOIN retail.stores st ON st.store_id = x.store_id
      WHERE x.store_id = $1 AND x.shift_id IS NULL
        AND x.occurred_at >= $2::date - interval '1 day'
        AND x.occurred_at < $2::date + interval '2 days'
        AND (x.occurred_at AT TIME ZONE st.timezone)::date = $2::date`,
    [date],
    ['outside'],
  );
  return facts.get('outside') ?? zeroFacts();
}

export function zeroFacts(): ShiftFacts {
  return Object.fromEntries(RECONCILED.map((f) => [f, 0])) as ShiftFacts;
}

export interface ZDifference {
  field: ReconciledField;
  till: number;
  hq: number;
}

export function differences(z: ZReport, hq: ShiftFacts): ZDifference[] {
  return RECONCILED.filter((f) => z[f] !== hq[f]).map((field) => ({
    field,
    till: z[field],
    hq: hq[field],
  }));
}

/** Compare one Z report with HQ's facts; an exception when anything differs. */
export async function reconcileShift(tx: TenantTx, z: ZReport): Promise<RaisedException[]> {
  const hq = (await shiftFacts(tx, [z.shiftId])).get(z.shiftId) ?? zeroFacts();
  const diff = differences(z, hq);
  if (diff.length === 0) return [];
  return [zTotalsDiffer(z, diff)];
}

/** Short and stable: the same differences give the same key (exceptions.ts dedupeKey). */
export function fingerprint(diff: readonly ZDifference[]): string {
  return createHash('sha256').update(JSON.stringify(diff)).digest('hex').slice(0, 16);
}

export function zTotalsDiffer(
  z: Pick<ZReport, 'zReportId' | 'zNumber' | 'registerId' | 'shiftId'>,
  diff: readonly ZDifference[],
): RaisedException {
  return {
    kind: ExceptionKind.zTotalsDiffer,
    entity: 'z_report',
    entityId: z.zReportId,
    key: fingerprint(diff),
    reason: `Z report ${z.zNumber} of register ${z.registerId} differs from the sales HQ holds for its shift (${describeDifferences(diff)}). Look for sales of this shift in the quarantine or recorded without their shift.`,
    detail: {
      shiftId: z.shiftId,
      registerId: z.registerId,
      zNumber: z.zNumber,
      differences: diff,
    },
  };
}
