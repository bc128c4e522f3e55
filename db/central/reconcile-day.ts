/**
 * Reconciliation of a store's day (issue 11): every shift whose Z report closed that day (in
 * the store's timezone) against the facts HQ holds for it, and the day as a whole — the day's
 * Z reports summed against HQ's facts of those shifts plus the day's transactions that no
 * shift holds (recorded without their shift: no Z report counts them). Any difference is an
 * exception (z_totals_differ per shift, store_day_differs for the day), raised once per
 * distinct finding; an earlier finding the figures no longer show is resolved by the
 * reconciliation, audited. Shifts still open are not reconciled until their Z report arrives.
 *
 * Run again after late facts arrive (a sale that reached HQ after its shift's Z report, a
 * re-applied quarantined sale): the result and the exceptions follow the facts.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key).
 */
import {
  describeDifferences,
  type FigureDifference,
  type ShiftReconciliation,
  type StoreDayReconciliation,
} from '../../contract/admin-protocol';
import { ExceptionKind } from '../../contract/exceptions';
import { ZReport } from '../../contract/mutations';
import { raiseExceptions, settleFindings, type ExceptionRow } from './exceptions';
import {
  RECONCILED,
  factsOutsideShifts,
  fingerprint,
  shiftFacts,
  zTotalsDiffer,
  zeroFacts,
  type ShiftFacts,
} from './reconcile';
import type { TenantTx } from './tenant';

function sum(into: ShiftFacts, add: ShiftFacts): ShiftFacts {
  return Object.fromEntries(RECONCILED.map((f) => [f, into[f] + add[f]])) as ShiftFacts;
}

function compare(till: ShiftFacts, hq: ShiftFacts): FigureDifference[] {
  return RECONCILED.filter((f) => till[f] !== hq[f]).map((field) => ({
    field,
    till: till[field],
    hq: hq[field],
  }));
}

function figuresOf(z: ZReport): ShiftFacts {
  return Object.fromEntries(RECONCILED.map((f) => [f, z[f]])) as ShiftFacts;
}

/** The day's Z reports, the store's timezone, and what is not reconciled yet. */
async function dayContext(tx: TenantTx, date: string) {
  const { rows } = await tx.query<{
    timezone: string;
    reports: unknown[];
    open_shifts: number;
    quarantined: number;
  }>(
    `SELECT st.timezone,
       coalesce((SELECT json_agg(z.report ORDER BY z.register_id, z.z_number, z.closed_at)
          FROM retail.z_reports z
         WHERE z.store_id = st.store_id
           AND (z.closed_at AT TIME ZONE st.timezone)::date = $2::date), '[]') AS reports,
       (SELECT count(DISTINCT x.shift_id) FROM retail.sales_transactions x
          JOIN retail.shifts s ON s.store_id = x.store_id AND s.shift_id = x.shift_id
         WHERE x.store_id = st.store_id AND s.status = 'open'
           AND x.occurred_at >= $2::date - interval '1 day'
           AND x.occurred_at < $2::date + interval '2 days'
           AND (x.occurred_at AT TIME ZONE st.timezone)::date = $2::date)::int AS open_shifts,
       (SELECT count(*) FROM sync.quarantine q
         WHERE q.store_id = st.store_id AND q.status = 'held'
           AND q.mutation_type = 'sale.recorded'
           AND ((q.mutation->'payload'->>'occurredAt')::timestamptz AT TIME ZONE st.timezone)::date
               = $2::date)::int AS quarantined
     FROM retail.stores st WHERE st.store_id = $1`,
    [tx.storeId, date],
  );
  const row = rows[0];
  if (!row) throw new Error(`reconcileStoreDay: no store ${tx.storeId}`);
  // Written by HQ itself from a till's validated Z report (insertZReport): parsed again so
  // fields added since (with their defaults) are present.
  const reports = row.reports.map((r) => ZReport.parse(r));
  return { ...row, reports };
}

/** Reconcile one store's local day; raises and settles exceptions in the caller's transaction. */
export async function reconcileStoreDay(
  tx: TenantTx,
  date: string,
): Promise<StoreDayReconciliation> {
  const ctx = await dayContext(tx, date);
  const hqByShift = await shiftFacts(tx, [...new Set(ctx.reports.map((z) => z.shiftId))]);
  const outside = await factsOutsideShifts(tx, date);

  const raise: ExceptionRow[] = [];
  let settled = 0;
  const shifts: ShiftReconciliation[] = [];
  let till = zeroFacts();
  let hq = outside;
  const counted = new Set<string>();
  for (const z of ctx.reports) {
    const zTill = figuresOf(z);
    const zHq = hqByShift.get(z.shiftId) ?? zeroFacts();
    const differences = compare(zTill, zHq);
    shifts.push({
      shiftId: z.shiftId,
      registerId: z.registerId,
      zReportId: z.zReportId,
      zNumber: z.zNumber,
      closedAt: z.closedAt,
      till: zTill,
      hq: zHq,
      differences,
    });
    till = sum(till, zTill);
    if (!counted.has(z.shiftId)) hq = sum(hq, zHq);
    counted.add(z.shiftId);
    const finding =
      differences.length > 0
        ? { ...zTotalsDiffer(z, differences), deviceId: null, mutationId: null }
        : null;
    if (finding) raise.push(finding);
    settled += await settleFindings(tx, {
      kind: ExceptionKind.zTotalsDiffer,
      entityId: z.zReportId,
      current: finding,
      why: finding
        ? `The reconciliation of ${date} found other differences: ${describeDifferences(differences)}.`
        : `The reconciliation of ${date} found the Z report equal to HQ's facts.`,
    });
  }

  const differences = compare(till, hq);
  const notes = [
    ctx.quarantined > 0 ? `${ctx.quarantined} sale(s) of the day are in the quarantine` : null,
    outside.salesCount + outside.exchangesCount + outside.returnsCount + outside.voidsCount > 0
      ? `${outside.salesCount + outside.exchangesCount + outside.returnsCount + outside.voidsCount} transaction(s) of the day are recorded without their shift`
      : null,
  ].filter((n): n is string => n !== null);
  const dayFinding: ExceptionRow | null =
    differences.length > 0
      ? {
          kind: ExceptionKind.storeDayDiffers,
          entity: 'store_day',
          entityId: date,
          key: fingerprint(differences),
          deviceId: null,
          mutationId: null,
          reason: `The day ${date} does not balance: the ${ctx.reports.length} Z report(s) closed that day against the sales HQ holds (${describeDifferences(differences)}).${notes.map((n) => ` ${n}.`).join('')}`,
          detail: {
            date,
            zReports: ctx.reports.map((z) => z.zReportId),
            differences,
            quarantinedSales: ctx.quarantined,
            openShifts: ctx.open_shifts,
          },
        }
      : null;
  if (dayFinding) raise.push(dayFinding);
  settled += await settleFindings(tx, {
    kind: ExceptionKind.storeDayDiffers,
    entityId: date,
    current: dayFinding,
    why: dayFinding
      ? `The reconciliation found other differences: ${describeDifferences(differences)}.`
      : 'The reconciliation found the day balanced.',
  });
  const raised = await raiseExceptions(tx, raise);

  return {
    storeId: tx.storeId,
    date,
    timezone: ctx.timezone,
    status:
      differences.length === 0 && shifts.every((s) => s.differences.length === 0)
        ? 'balanced'
        : 'differs',
    shifts,
    till,
    hq,
    differences,
    outsideShifts: outside,
    openShifts: ctx.open_shifts,
    quarantinedSales: ctx.quarantined,
    raised,
    settled,
  };
}
