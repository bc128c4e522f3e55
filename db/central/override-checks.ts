/**
 * Prices set by hand, checked again at HQ when the sale arrives (docs/checkout.md, "Price
 * overrides and open prices"): part of the checks of a run of sales (sale-checks.ts), before
 * anything is written. Contract: runs inside withTenant; reads only, raises exceptions.
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import { formatCurrency } from '../../core/money';
import { overrideApprovalReasons } from '../../core/overrides';
import type { RaisedException } from './ingest-types';
import { textArray } from './pg-arrays';
import type { TenantTx } from './tenant';

interface OverrideFacts {
  limit_ppm: number;
  open_limit: number;
  currency: string;
  costs: Record<string, number> | null;
  managers: string[] | null;
}

/**
 * Prices set by hand (issue 18), checked with the till's own rule (core/overrides.ts) against
 * the store's limits and HQ's product costs: beyond them, a manager of the store must have
 * approved the sale. Without one, or approved by someone who is not a manager of this store
 * (unknown here, a cashier, another store's manager: RLS shows only this store's staff), the
 * sale is recorded all the same with an exception (the customer paid). One query for the run.
 */
export async function checkOverrides(
  tx: TenantTx,
  accepted: ReadonlyArray<{ sale: SaleRecorded; exceptions: RaisedException[] }>,
): Promise<void> {
  const withOverrides = accepted.filter((a) => a.sale.lines.some((l) => l.priceOverride !== null));
  if (withOverrides.length === 0) return;
  const products = [
    ...new Set(
      withOverrides.flatMap((a) =>
        a.sale.lines.filter((l) => l.priceOverride !== null).map((l) => l.productId),
      ),
    ),
  ];
  const approvers = [
    ...new Set(withOverrides.flatMap((a) => (a.sale.approvedBy ? [a.sale.approvedBy] : []))),
  ];
  const { rows } = await tx.query<OverrideFacts>(
    `SELECT s.price_override_limit_ppm AS limit_ppm,
            (s.open_price_limit * 100)::bigint AS open_limit,
            s.currency,
            (SELECT jsonb_object_agg(p.product_id::text, (p.cost * 100)::bigint)
               FROM retail.products p
              WHERE p.store_id = $1 AND p.product_id = ANY($2::uuid[]) AND p.cost IS NOT NULL)
              AS costs,
            (SELECT array_agg(st.staff_id::text) FROM retail.staff st
              WHERE st.store_id = $1 AND st.staff_id = ANY($3::uuid[]) AND st.role = 'manager')
              AS managers
       FROM retail.stores s WHERE s.store_id = $1`,
    [tx.storeId, textArray(products), textArray(approvers)],
  );
  const facts = rows[0];
  if (!facts) return;
  const costs = new Map(Object.entries(facts.costs ?? {}).map(([k, v]) => [k, Number(v)]));
  const managers = new Set(facts.managers ?? []);
  for (const a of withOverrides) {
    const sale = a.sale;
    const lines = sale.lines.flatMap((l) =>
      l.priceOverride === null
        ? []
        : [
            {
              productName: l.productName,
              unitPriceCents: l.unitPriceCents,
              catalogPriceCents: l.priceOverride.catalogPriceCents,
              costCents: costs.get(l.productId) ?? null,
            },
          ],
    );
    const reasons = overrideApprovalReasons(
      lines,
      { limitPpm: facts.limit_ppm, openPriceLimitCents: Number(facts.open_limit) },
      // HQ's words for its staff: one fixed locale, the store's currency.
      (cents) => formatCurrency(cents, facts.currency, 'en-US'),
    );
    const receipt = sale.receiptNumber;
    if (sale.approvedBy !== null && !managers.has(sale.approvedBy)) {
      a.exceptions.push({
        kind: ExceptionKind.overrideApproverNotManager,
        entity: 'sale',
        entityId: sale.transactionId,
        reason: `Sale ${receipt} has prices set by hand, approved by someone who is not a manager of this store. The sale is recorded as the customer paid it; check who approved it.`,
        detail: { receiptNumber: receipt, approvedBy: sale.approvedBy, reasons },
      });
    } else if (sale.approvedBy === null && reasons.length > 0) {
      a.exceptions.push({
        kind: ExceptionKind.overrideNotApproved,
        entity: 'sale',
        entityId: sale.transactionId,
        reason: `Sale ${receipt} has prices set by hand beyond the store's limits without a manager's approval (${reasons.join('; ')}). The sale is recorded as the customer paid it; check it with the cashier.`,
        detail: { receiptNumber: receipt, cashierId: sale.cashierId, reasons },
      });
    }
  }
}
