/**
 * Loyalty points at HQ (issue 18, item 6; docs/checkout.md, "Loyalty points"): HQ holds each
 * customer's points as a ledger (retail.loyalty_ledger, the store's rows: customers are kept per
 * store). What a sale earns is computed here from the sale as recorded (core/loyalty.ts), so the
 * balance never depends on what a till claims; the tier is computed from the points earned in
 * the tier window and written to the customer, whose row travels down the store's feed.
 *
 * Contract: every function runs inside withTenant, in the transaction that records the sale or
 * the void (each is recorded once); the ledger's key makes every entry exactly once on its own
 * too (a sale's entry is its transaction ID, a void's md5('void:' || that ID)).
 */
import type { SaleRecorded } from '../../contract/mutations';
import { LOYALTY_POLICY, pointsEarned, tierFor, type LoyaltyTier } from '../../core/loyalty';
import { intArray, textArray } from './pg-arrays';
import type { TenantTx } from './tenant';

interface SaleToEarn {
  mutationId: number;
  sale: SaleRecorded;
}

/**
 * Record what each sale earns (a return: takes back) for its customer: the sale's own customer,
 * or for a return that names none, the customer of the sale it returns. A sale without a
 * customer HQ holds earns nothing. Then the tiers of the customers whose points moved.
 */
export async function earnLoyaltyPoints(
  tx: TenantTx,
  sales: readonly SaleToEarn[],
  options: { asOf: Date },
): Promise<void> {
  const earning = sales
    .map((s) => ({ ...s, points: pointsEarned(s.sale) }))
    .filter((s) => s.points !== 0 && (s.sale.customerId || s.sale.originalTransactionId));
  if (earning.length === 0) return;
  const originals = earning
    .filter((s) => !s.sale.customerId && s.sale.originalTransactionId)
    .map((s) => s.sale.originalTransactionId!);
  const originalCustomer = new Map<string, string>();
  if (originals.length > 0) {
    const { rows } = await tx.query<{ transaction_id: string; customer_id: string }>(
      `SELECT transaction_id, customer_id FROM retail.sales_transactions
        WHERE store_id = $1 AND transaction_id = ANY($2::uuid[]) AND customer_id IS NOT NULL`,
      [tx.storeId, originals],
    );
    for (const r of rows) originalCustomer.set(r.transaction_id, r.customer_id);
  }
  const entries = earning.flatMap((s) => {
    const customerId =
      s.sale.customerId ??
      (s.sale.originalTransactionId ? originalCustomer.get(s.sale.originalTransactionId) : null);
    return customerId ? [{ ...s, customerId }] : [];
  });
  if (entries.length === 0) return;
  const { rows } = await tx.query<{ customer_id: string }>(
    `INSERT INTO retail.loyalty_ledger
       (store_id, entry_id, customer_id, entry_kind, points, transaction_id, register_id,
        mutation_id, occurred_at)
     SELECT $1, u.tid, u.cust, 'earn', u.points, u.tid, u.reg, u.mut, u.at
       FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::bigint[], $7::timestamptz[])
            AS u(tid, cust, points, reg, mut, at)
     ON CONFLICT (store_id, entry_id) DO NOTHING
     RETURNING customer_id`,
    [
      tx.storeId,
      textArray(entries.map((e) => e.sale.transactionId)),
      textArray(entries.map((e) => e.customerId)),
      intArray(entries.map((e) => e.points)),
      textArray(entries.map((e) => e.sale.registerId)),
      intArray(entries.map((e) => e.mutationId)),
      textArray(entries.map((e) => e.sale.occurredAt)),
    ],
  );
  await recomputeTiers(tx, {
    customerIds: [...new Set(rows.map((r) => r.customer_id))],
    asOf: options.asOf,
  });
}

/**
 * A void takes back what its sale earned (or gives back what its return took), once: the
 * void's entry is keyed on the sale's entry. Called once per void HQ records.
 */
export async function takeBackVoidedPoints(
  tx: TenantTx,
  options: { transactionId: string; voidedAt: string; mutationId: number; asOf: Date },
): Promise<void> {
  const { rows } = await tx.query<{ customer_id: string }>(
    `INSERT INTO retail.loyalty_ledger
       (store_id, entry_id, customer_id, entry_kind, points, transaction_id, register_id,
        mutation_id, occurred_at)
     SELECT store_id, md5('void:' || entry_id::text)::uuid, customer_id, 'void', -points,
            transaction_id, register_id, $3, $4::timestamptz
       FROM retail.loyalty_ledger
      WHERE store_id = $1 AND entry_id = $2 AND entry_kind = 'earn'
     ON CONFLICT (store_id, entry_id) DO NOTHING
     RETURNING customer_id`,
    [tx.storeId, options.transactionId, options.mutationId, options.voidedAt],
  );
  await recomputeTiers(tx, { customerIds: rows.map((r) => r.customer_id), asOf: options.asOf });
}

/** The start of the tier window before `asOf` (calendar months, UTC). */
export function tierWindowStart(asOf: Date): Date {
  const start = new Date(asOf);
  start.setUTCMonth(start.getUTCMonth() - LOYALTY_POLICY.tierWindowMonths);
  return start;
}

/**
 * Compute the tier of these customers from their points in the window before `asOf` and write
 * it where it changed (the customer's row then travels down the store's feed to its tills).
 */
export async function recomputeTiers(
  tx: TenantTx,
  options: { customerIds: readonly string[]; asOf: Date },
): Promise<void> {
  if (options.customerIds.length === 0) return;
  const { rows } = await tx.query<{ customer_id: string; points: string; tier: string }>(
    `SELECT c.customer_id, c.loyalty_tier AS tier,
            coalesce((SELECT sum(l.points) FROM retail.loyalty_ledger l
                       WHERE l.store_id = c.store_id AND l.customer_id = c.customer_id
                         AND l.occurred_at > $3::timestamptz
                         AND l.occurred_at <= $4::timestamptz), 0)::text AS points
       FROM retail.customers c
      WHERE c.store_id = $1 AND c.customer_id = ANY($2::uuid[])`,
    [
      tx.storeId,
      [...options.customerIds],
      tierWindowStart(options.asOf).toISOString(),
      options.asOf.toISOString(),
    ],
  );
  const changed = rows
    .map((r) => ({ customerId: r.customer_id, from: r.tier, to: tierFor(Number(r.points)) }))
    .filter((r) => r.from !== r.to);
  if (changed.length === 0) return;
  await tx.query(
    `UPDATE retail.customers c
        SET loyalty_tier = u.tier, updated_at = $4::timestamptz
       FROM unnest($2::uuid[], $3::text[]) AS u(cust, tier)
      WHERE c.store_id = $1 AND c.customer_id = u.cust`,
    [
      tx.storeId,
      changed.map((c) => c.customerId),
      changed.map((c) => c.to),
      options.asOf.toISOString(),
    ],
  );
  tx.changes.record(
    'customer',
    changed.map((c) => c.customerId),
  );
}

export interface LoyaltyAccount {
  customerId: string;
  /** Sum of the ledger: earned, net of returns and voids. */
  balancePoints: number;
  /** Earned in the tier window before `asOf`. */
  windowPoints: number;
  tier: LoyaltyTier;
}

/** A customer's points as HQ holds them (null: no such customer at this store). */
export async function loyaltyAccount(
  tx: TenantTx,
  options: { customerId: string; asOf: Date },
): Promise<LoyaltyAccount | null> {
  const { rows } = await tx.query<{ tier: LoyaltyTier; balance: string; in_window: string }>(
    `SELECT c.loyalty_tier AS tier,
            coalesce(sum(l.points), 0)::text AS balance,
            coalesce(sum(l.points) FILTER (WHERE l.occurred_at > $3::timestamptz
                                             AND l.occurred_at <= $4::timestamptz), 0)::text
              AS in_window
       FROM retail.customers c
       LEFT JOIN retail.loyalty_ledger l
         ON l.store_id = c.store_id AND l.customer_id = c.customer_id
      WHERE c.store_id = $1 AND c.customer_id = $2
      GROUP BY c.loyalty_tier`,
    [
      tx.storeId,
      options.customerId,
      tierWindowStart(options.asOf).toISOString(),
      options.asOf.toISOString(),
    ],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    customerId: options.customerId,
    balancePoints: Number(r.balance),
    windowPoints: Number(r.in_window),
    tier: r.tier,
  };
}
