/**
 * Shifts and cash-up. A register sells only inside an open shift; closing it counts the drawer
 * and writes the immutable, sequentially numbered Z report. The X report is the same figures
 * for the open shift, read-only.
 *
 * Counts: each completed transaction once, by its type (sale, return, exchange), so an
 * exchange is not both a sale and a return; its lines still count in gross (new items) and
 * returns (items back), which is where the money is.
 * Figures (all cents, signed where money went back):
 *   gross   = sum of quantity x unit price over sold (positive) lines
 *   discounts = discounts on sold lines; returns = refunded amount incl. tax (positive number)
 *   tax on sales = tax on sold lines; returns tax = the tax inside the refunds (positive);
 *   tax     = tax on sales − returns tax (what is owed), so the report foots with the refunded
 *             tax counted once: gross − discounts + tax on sales − returns = net (exclusive tax)
 *   overrides = sold lines priced by hand, and what they took off the catalog prices (an open
 *             price, catalog price 0, takes nothing off: counted, not summed)
 *   tax breakdown = tax by component and rate (core/tax.ts)
 *   net     = sum of transaction totals (sales minus refunds, tax included) = cash + card
 *   expected cash = opening float + cash taken - cash refunded + cash in - cash out
 *
 * Inputs are trusted: validated by the till API (contract/till-api/shift.ts: amounts in range, a
 * reason given), or built in code by the demo, benchmarks and tests.
 */
import { ApprovalRequiredError, InvalidStateError } from '../errors';
import { centsFromNumeric, formatCurrency, type Cents } from '../../core/money';
import type { ZReport } from '../../contract/mutations';
import type { Queryable } from '../queryable';
import { nextCounter } from '../queries/outbox';
import { recordMutation } from '../edge/record';
import type { TillContext } from './context';
import { getStaff } from '../queries/staff';
import { managerApproval, openShiftId, requireOpenShift, requireStaff } from './shared';
import type { ShiftFigures, ShiftSummary, XReport } from '../../contract/till-api/shift';

export async function shiftFigures(
  db: Queryable,
  storeId: string,
  shiftId: string,
): Promise<ShiftFigures> {
  const { rows } = await db.query<{
    register_id: string;
    opened_at: Date;
    opening_float: string;
    sales_count: number;
    returns_count: number;
    exchanges_count: number;
    voids_count: number;
    gross: string;
    discounts: string;
    returns_total: string;
    tax: string;
    tax_on_sales: string;
    returns_tax: string;
    net: string;
    cash: string;
    card: string;
    gift_card: string;
    store_credit: string;
    cash_in: string;
    cash_out: string;
    no_sales: number;
    overrides_count: number;
    overrides: string;
    tax_breakdown: Array<{
      code: string;
      name: string;
      rate: number;
      taxable: string;
      tax: string;
    }>;
  }>(
    `WITH t AS (
       SELECT * FROM retail.sales_transactions WHERE store_id = $1 AND shift_id = $2
     ), live AS (SELECT * FROM t WHERE status = 'completed'),
     lines AS (
       SELECT i.*, live.tax_included
         FROM retail.sales_transaction_items i JOIN live USING (store_id, transaction_id)
     ),
     -- Tax by component and rate; lines recorded before components count as one "TAX" rate.
     by_rate AS (
       SELECT x->>'code' AS code, x->>'name' AS name, (x->>'ratePpm')::int AS rate,
              ((x->>'taxCents')::numeric / 100)::numeric(12,2) AS tax,
              l.total_price - CASE WHEN l.tax_included THEN l.tax_amount ELSE 0 END AS taxable
         FROM lines l, jsonb_array_elements(l.taxes) x
       UNION ALL
       SELECT 'TAX', 'Tax', l.tax_rate_ppm, l.tax_amount, l.total_price
         FROM lines l WHERE l.taxes = '[]' AND l.tax_amount <> 0
     )
     SELECT s.register_id, s.opened_at, s.opening_float,
       -- Each transaction counted once, by its type: an exchange is neither a sale nor a return.
       (SELECT count(*) FROM live WHERE transaction_type = 'sale')::int AS sales_count,
       (SELECT count(*) FROM live WHERE transaction_type = 'return'
           AND EXISTS (SELECT 1 FROM lines l WHERE l.transaction_id = live.transaction_id AND l.quantity < 0))::int AS returns_count,
       (SELECT count(*) FROM live WHERE transaction_type = 'exchange')::int AS exchanges_count,
       (SELECT count(*) FROM t WHERE status = 'voided')::int AS voids_count,
       (SELECT coalesce(sum(quantity * unit_price), 0) FROM lines WHERE quantity > 0) AS gross,
       (SELECT coalesce(sum(discount_amount), 0) FROM lines WHERE quantity > 0) AS discounts,
       (SELECT count(*) FROM lines WHERE quantity > 0 AND override_reason IS NOT NULL)::int AS overrides_count,
       (SELECT coalesce(sum(quantity * (override_catalog_price - unit_price)), 0)
          FROM lines WHERE quantity > 0 AND override_reason IS NOT NULL
           AND override_catalog_price > 0) AS overrides,
       (SELECT coalesce(-sum(total_price + CASE WHEN tax_included THEN 0 ELSE tax_amount END), 0)
          FROM lines WHERE quantity < 0) AS returns_total,
       (SELECT coalesce(json_agg(json_build_object('code', code, 'name', name, 'rate', rate,
                 'taxable', taxable, 'tax', tax) ORDER BY code, rate), '[]')
          FROM (SELECT code, name, rate, sum(taxable)::text AS taxable, sum(tax)::text AS tax
                  FROM by_rate GROUP BY code, name, rate) b) AS tax_breakdown,
       (SELECT coalesce(sum(tax_amount), 0) FROM live) AS tax,
       (SELECT coalesce(sum(tax_amount), 0) FROM lines WHERE quantity > 0) AS tax_on_sales,
       (SELECT coalesce(-sum(tax_amount), 0) FROM lines WHERE quantity < 0) AS returns_tax,
       (SELECT coalesce(sum(total_amount), 0) FROM live) AS net,
       (SELECT coalesce(sum(p.amount), 0) FROM retail.payments p JOIN live USING (store_id, transaction_id) WHERE p.tender_type = 'cash') AS cash,
       (SELECT coalesce(sum(p.amount), 0) FROM retail.payments p JOIN live USING (store_id, transaction_id) WHERE p.tender_type = 'card') AS card,
       -- A card's kind is on this till's allowance rows (a till redeems only cards it has one for).
       (SELECT coalesce(sum(p.amount) FILTER (WHERE k.card_kind = 'gift_card'), 0) FROM retail.payments p JOIN live USING (store_id, transaction_id)
          LEFT JOIN LATERAL (SELECT a.card_kind FROM retail.stored_value_allowances a
                              WHERE a.store_id = p.store_id AND a.card_id = p.stored_value_card_id LIMIT 1) k ON true
         WHERE p.tender_type = 'stored_value') AS gift_card,
       (SELECT coalesce(sum(p.amount) FILTER (WHERE k.card_kind IS DISTINCT FROM 'gift_card'), 0) FROM retail.payments p JOIN live USING (store_id, transaction_id)
          LEFT JOIN LATERAL (SELECT a.card_kind FROM retail.stored_value_allowances a
                              WHERE a.store_id = p.store_id AND a.card_id = p.stored_value_card_id LIMIT 1) k ON true
         WHERE p.tender_type = 'stored_value') AS store_credit,
       (SELECT coalesce(sum(amount), 0) FROM retail.cash_movements WHERE store_id = $1 AND shift_id = $2 AND kind = 'in') AS cash_in,
       (SELECT coalesce(sum(amount), 0) FROM retail.cash_movements WHERE store_id = $1 AND shift_id = $2 AND kind = 'out') AS cash_out,
       (SELECT count(*) FROM retail.cash_movements WHERE store_id = $1 AND shift_id = $2 AND kind = 'no_sale')::int AS no_sales
     FROM retail.shifts s WHERE s.store_id = $1 AND s.shift_id = $2`,
    [storeId, shiftId],
  );
  const r = rows[0];
  if (!r) throw new InvalidStateError(`Shift ${shiftId} not found`);
  const c = centsFromNumeric;
  const openingFloatCents = c(r.opening_float);
  const cashCents = c(r.cash);
  const cashInCents = c(r.cash_in);
  const cashOutCents = c(r.cash_out);
  return {
    registerId: r.register_id,
    shiftId,
    openedAt: new Date(r.opened_at).toISOString(),
    salesCount: r.sales_count,
    returnsCount: r.returns_count,
    exchangesCount: r.exchanges_count,
    voidsCount: r.voids_count,
    grossSalesCents: c(r.gross),
    discountsCents: c(r.discounts),
    returnsCents: c(r.returns_total),
    taxCents: c(r.tax),
    taxOnSalesCents: c(r.tax_on_sales),
    returnsTaxCents: c(r.returns_tax),
    overridesCount: r.overrides_count,
    overridesCents: c(r.overrides),
    taxBreakdown: r.tax_breakdown.map((b) => ({
      code: b.code,
      name: b.name,
      ratePpm: b.rate,
      taxableCents: c(b.taxable),
      taxCents: c(b.tax),
    })),
    netCents: c(r.net),
    cashCents,
    cardCents: c(r.card),
    giftCardCents: c(r.gift_card),
    storeCreditCents: c(r.store_credit),
    openingFloatCents,
    cashInCents,
    cashOutCents,
    noSalesCount: r.no_sales,
    expectedCashCents: openingFloatCents + cashCents + cashInCents - cashOutCents,
  };
}

export async function currentShift(till: TillContext): Promise<ShiftSummary | undefined> {
  const { rows } = await till.db.query<{ shift_id: string; opened_at: Date; opened_by: string }>(
    `SELECT shift_id, opened_at, opened_by FROM retail.shifts WHERE store_id = $1 AND register_id = $2 AND status = 'open'`,
    [till.identity.storeId, till.identity.registerId],
  );
  const r = rows[0];
  return r
    ? { shiftId: r.shift_id, openedAt: new Date(r.opened_at).toISOString(), openedBy: r.opened_by }
    : undefined;
}

export async function openShift(
  till: TillContext,
  input: { staffId: string; openingFloatCents: Cents },
): Promise<ShiftSummary> {
  const m = await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.staffId);
      if (await openShiftId(tx, till))
        throw new InvalidStateError('A shift is already open on this register');
      return {
        type: 'shift.opened' as const,
        payload: {
          shiftId: till.ids(),
          registerId: till.identity.registerId,
          openedBy: input.staffId,
          openedAt: till.clock.now().toISOString(),
          openingFloatCents: input.openingFloatCents,
        },
      };
    },
    'open shift',
  );
  return { shiftId: m.payload.shiftId, openedAt: m.payload.openedAt, openedBy: m.payload.openedBy };
}

/**
 * Why a cash-out needs a manager, or null: more than the store lets a cashier take out alone
 * (`cash_out_limit`), or more than the drawer is expected to hold.
 */
async function cashOutRule(
  db: Queryable,
  till: TillContext,
  amountCents: Cents,
): Promise<string | null> {
  const { rows } = await db.query<{
    cash_out_limit: string;
    currency: string;
    blind_close: boolean;
    shift_id: string | null;
  }>(
    `SELECT s.cash_out_limit, s.currency, s.blind_close,
            (SELECT h.shift_id FROM retail.shifts h
              WHERE h.store_id = s.store_id AND h.register_id = $2 AND h.status = 'open') AS shift_id
       FROM retail.stores s WHERE s.store_id = $1`,
    [till.identity.storeId, till.identity.registerId],
  );
  const row = rows[0];
  if (!row?.shift_id) return null; // no open shift: the movement is refused for that
  // The store's currency, as the till's other approval messages (db/checkout/overrides.ts).
  const formatMoney = (cents: Cents): string => formatCurrency(cents, row.currency);
  const expected = (await shiftFigures(db, till.identity.storeId, row.shift_id)).expectedCashCents;
  if (amountCents > expected && row.blind_close)
    // Blind close: the message must not tell the expected drawer (staffXReport withholds it).
    return `Taking out ${formatMoney(amountCents)} is more than the drawer should hold: a manager approves`;
  if (amountCents > expected)
    return `Taking out ${formatMoney(amountCents)} is more than the drawer should hold (${formatMoney(expected)}): a manager approves`;
  const limit = centsFromNumeric(row.cash_out_limit);
  if (amountCents > limit) return `A cash-out above ${formatMoney(limit)} needs a manager`;
  return null;
}

export async function moveCash(
  till: TillContext,
  input: {
    staffId: string;
    kind: 'in' | 'out';
    amountCents: Cents;
    reason: string;
    managerId?: string | undefined;
    managerPin?: string | undefined;
  },
): Promise<{ movementId: string }> {
  // Checked before the transaction so a wrong manager PIN still counts (managerApproval); the
  // rule is checked again inside it, against the drawer as it is when the movement is written.
  let approved = false;
  if (input.kind === 'out') {
    const why = await cashOutRule(till.db, till, input.amountCents);
    if (why) {
      const actor = await getStaff(till.db, till.identity.storeId, input.staffId);
      await managerApproval(till, {
        actor: actor ?? null,
        managerId: input.managerId,
        managerPin: input.managerPin,
        why,
      });
      approved = true;
    }
  }
  const m = await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.staffId);
      const shiftId = await requireOpenShift(tx, till);
      if (input.kind === 'out' && !approved) {
        const why = await cashOutRule(tx, till, input.amountCents);
        if (why) throw new ApprovalRequiredError(why);
      }
      return {
        type: 'shift.cash_moved' as const,
        payload: {
          movementId: till.ids(),
          shiftId,
          kind: input.kind,
          amountCents: input.amountCents,
          reason: input.reason,
          staffId: input.staffId,
          occurredAt: till.clock.now().toISOString(),
        },
      };
    },
    'move cash',
  );
  return { movementId: m.payload.movementId };
}

/** X report: the open shift's figures so far. Changes nothing. */
export async function xReport(till: TillContext): Promise<ShiftFigures> {
  const shift = await currentShift(till);
  if (!shift) throw new InvalidStateError('No shift is open on this register');
  return shiftFigures(till.db, till.identity.storeId, shift.shiftId);
}

/**
 * The X report as staff may read it (the till API's answer): with the store's blind close the
 * tender totals and the expected drawer are withheld until the close (contract XReport), for
 * every member of staff, so the drawer is counted before the expected amount is known.
 */
export async function staffXReport(till: TillContext): Promise<XReport> {
  const figures = await xReport(till);
  const { rows } = await till.db.query<{ blind_close: boolean }>(
    `SELECT blind_close FROM retail.stores WHERE store_id = $1`,
    [till.identity.storeId],
  );
  if (rows[0]?.blind_close !== true) return { ...figures, blind: false };
  return { ...figures, blind: true, cashCents: null, cardCents: null, expectedCashCents: null };
}

/** Close the open shift with the counted drawer; writes Z report number n+1. */
export async function closeShift(
  till: TillContext,
  input: { staffId: string; countedCashCents: Cents },
): Promise<ZReport> {
  const m = await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.staffId);
      const shift = await openShiftId(tx, till);
      if (!shift)
        throw new InvalidStateError('No shift is open on this register (it may already be closed)');
      const figures = await shiftFigures(tx, till.identity.storeId, shift.shiftId);
      const zNumber = await nextCounter(tx, 'z_report');
      const closedAt = till.clock.now().toISOString();
      const zReport: ZReport = {
        ...figures,
        zReportId: till.ids(),
        zNumber,
        closedAt,
        countedCashCents: input.countedCashCents,
        overShortCents: input.countedCashCents - figures.expectedCashCents,
      };
      return {
        type: 'shift.closed' as const,
        payload: {
          shiftId: shift.shiftId,
          closedBy: input.staffId,
          closedAt,
          expectedCashCents: figures.expectedCashCents,
          countedCashCents: input.countedCashCents,
          overShortCents: zReport.overShortCents,
          zReport,
        },
      };
    },
    'close shift',
  );
  return m.payload.zReport;
}

export async function listZReports(till: TillContext, limit = 20): Promise<ZReport[]> {
  const { rows } = await till.db.query<{ report: ZReport }>(
    `SELECT report FROM retail.z_reports WHERE store_id = $1 AND register_id = $2 ORDER BY z_number DESC LIMIT $3`,
    [till.identity.storeId, till.identity.registerId, limit],
  );
  return rows.map((r) => r.report);
}
