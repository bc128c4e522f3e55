/**
 * Reconciliation (issue 11): the till's Z report against the facts HQ holds for the same
 * shift. The till counts every sale it rang up; if HQ holds fewer (a sale still in the
 * quarantine, one recorded without its shift) or different amounts, the difference is an
 * exception, never silence.
 *
 * The figures are computed exactly as the till computes its Z (db/checkout/shifts.ts,
 * shiftFigures): completed sales and exchanges, returns with returned lines, voids, line
 * gross, discounts, returns, tax, net and tenders.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key).
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { ZReport } from '../../contract/mutations';
import type { RaisedException } from './ingest-types';
import type { TenantTx } from './tenant';

/** The Z report fields HQ can recompute from its facts. */
export const RECONCILED = [
  'salesCount',
  'returnsCount',
  'voidsCount',
  'grossSalesCents',
  'discountsCents',
  'returnsCents',
  'taxCents',
  'netCents',
  'cashCents',
  'cardCents',
] as const;
export type ReconciledField = (typeof RECONCILED)[number];
export type ShiftFacts = Record<ReconciledField, number>;

/** HQ's figures for shifts, computed from the facts it holds (one query for all of them). */
export async function shiftFacts(
  tx: TenantTx,
  shiftIds: readonly string[],
): Promise<Map<string, ShiftFacts>> {
  if (shiftIds.length === 0) return new Map();
  const { rows } = await tx.query<{
    shift_id: string;
    sales_count: number;
    returns_count: number;
    voids_count: number;
    gross: string;
    discounts: string;
    returns_total: string;
    tax: string;
    net: string;
    cash: string;
    card: string;
  }>(
    `WITH t AS (
       SELECT * FROM retail.sales_transactions WHERE store_id = $1 AND shift_id = ANY ($2::uuid[])
     ), live AS (SELECT * FROM t WHERE status = 'completed'),
     lines AS (
       SELECT live.shift_id, i.* FROM retail.sales_transaction_items i
         JOIN live ON live.store_id = i.store_id AND live.transaction_id = i.transaction_id
                  AND live.occurred_at = i.occurred_at
     ),
     pays AS (
       SELECT live.shift_id, p.* FROM retail.payments p
         JOIN live ON live.store_id = p.store_id AND live.transaction_id = p.transaction_id
                  AND live.occurred_at = p.occurred_at
     )
     SELECT s.shift_id::text,
       (SELECT count(*) FROM live WHERE live.shift_id = s.shift_id
           AND transaction_type IN ('sale', 'exchange'))::int AS sales_count,
       (SELECT count(*) FROM live WHERE live.shift_id = s.shift_id
           AND transaction_type IN ('return', 'exchange')
           AND EXISTS (SELECT 1 FROM lines l WHERE l.transaction_id = live.transaction_id
                          AND l.quantity < 0))::int AS returns_count,
       (SELECT count(*) FROM t WHERE t.shift_id = s.shift_id AND status = 'voided')::int AS voids_count,
       (SELECT coalesce(sum(quantity * unit_price), 0) FROM lines
         WHERE lines.shift_id = s.shift_id AND quantity > 0) AS gross,
       (SELECT coalesce(sum(discount_amount), 0) FROM lines
         WHERE lines.shift_id = s.shift_id AND quantity > 0) AS discounts,
       (SELECT coalesce(-sum(total_price + tax_amount), 0) FROM lines
         WHERE lines.shift_id = s.shift_id AND quantity < 0) AS returns_total,
       (SELECT coalesce(sum(tax_amount), 0) FROM live WHERE live.shift_id = s.shift_id) AS tax,
       (SELECT coalesce(sum(total_amount), 0) FROM live WHERE live.shift_id = s.shift_id) AS net,
       (SELECT coalesce(sum(amount), 0) FROM pays
         WHERE pays.shift_id = s.shift_id AND tender_type = 'cash') AS cash,
       (SELECT coalesce(sum(amount), 0) FROM pays
         WHERE pays.shift_id = s.shift_id AND tender_type = 'card') AS card
     FROM retail.shifts s WHERE s.store_id = $1 AND s.shift_id = ANY ($2::uuid[])`,
    [tx.storeId, shiftIds],
  );
  const c = (v: string): number => Math.round(Number(v) * 100);
  return new Map(
    rows.map((r) => [
      r.shift_id,
      {
        salesCount: r.sales_count,
        returnsCount: r.returns_count,
        voidsCount: r.voids_count,
        grossSalesCents: c(r.gross),
        discountsCents: c(r.discounts),
        returnsCents: c(r.returns_total),
        taxCents: c(r.tax),
        netCents: c(r.net),
        cashCents: c(r.cash),
        cardCents: c(r.card),
      },
    ]),
  );
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
  const hq = (await shiftFacts(tx, [z.shiftId])).get(z.shiftId);
  if (!hq) return [];
  const diff = differences(z, hq);
  if (diff.length === 0) return [];
  const fields = diff.map((d) => `${d.field} ${d.till} at the till, ${d.hq} at HQ`).join('; ');
  return [
    {
      kind: ExceptionKind.zTotalsDiffer,
      entity: 'z_report',
      entityId: z.zReportId,
      reason: `Z report ${z.zNumber} of register ${z.registerId} differs from the sales HQ holds for its shift (${fields}). Look for sales of this shift in the quarantine or recorded without their shift.`,
      detail: {
        shiftId: z.shiftId,
        registerId: z.registerId,
        zNumber: z.zNumber,
        differences: diff,
      },
    },
  ];
}
