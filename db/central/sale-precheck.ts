/**
 * What the checks of a run of sales (sale-checks.ts) ask the database: references, duplicates
 * and receipt numbers with one query for the whole run; returned lines and products with one
 * more each. Contract: runs inside withTenant (tx.storeId is the tenant key); reads only.
 */
import type { SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import { intArray, textArray } from './pg-arrays';

export interface Precheck {
  known: boolean;
  register_ok: boolean;
  shift_ok: boolean;
  shift_status: string | null;
  customer_ok: boolean;
  original_ok: boolean;
  receipt_owner: string | null;
  server_now: Date;
  retained_from: Date | string;
}

/**
 * One row per sale. Every check is a scalar sub-select with LIMIT 1 on a unique index: the
 * planner must run it per row (an EXISTS may become a hashed sub-plan over a whole store's
 * rows, which is what it chose on tables with fresh statistics), so the cost stays O(batch).
 */
export async function precheck(tx: TenantTx, sales: readonly SaleRecorded[]): Promise<Precheck[]> {
  const { rows } = await tx.query<Precheck & { ord: number }>(
    `SELECT u.ord,
            (SELECT 1 FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${tx.storeKey} AND r.transaction_id = u.tid LIMIT 1) IS NOT NULL AS known,
            (SELECT 1 FROM retail.registers g
              WHERE g.store_id = ${tx.storeKey} AND g.register_id = u.reg LIMIT 1) IS NOT NULL AS register_ok,
            u.sh IS NULL OR (SELECT 1 FROM retail.shifts s
              WHERE s.store_id = ${tx.storeKey} AND s.shift_id = u.sh LIMIT 1) IS NOT NULL AS shift_ok,
            (SELECT s.status FROM retail.shifts s
              WHERE s.store_id = ${tx.storeKey} AND s.shift_id = u.sh LIMIT 1) AS shift_status,
            u.cust IS NULL OR (SELECT 1 FROM retail.customers c
              WHERE c.store_id = ${tx.storeKey} AND c.customer_id = u.cust LIMIT 1) IS NOT NULL AS customer_ok,
            u.orig IS NULL OR (SELECT 1 FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${tx.storeKey} AND r.transaction_id = u.orig LIMIT 1) IS NOT NULL AS original_ok,
            coalesce((SELECT r.transaction_id::text FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${tx.storeKey} AND r.receipt_number = u.rn AND r.transaction_id <> u.tid LIMIT 1),
              (SELECT r.transaction_id::text FROM retail.sales_transaction_ids r
              WHERE r.store_id = ${tx.storeKey} AND r.register_id = u.reg AND r.receipt_seq = u.seq
                AND r.transaction_id <> u.tid LIMIT 1)) AS receipt_owner,
            now() AS server_now,
            (SELECT retained_from FROM retail.sales_retention) AS retained_from
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::uuid[], $7::uuid[], $8::uuid[])
            WITH ORDINALITY AS u(tid, rn, reg, seq, cust, sh, orig, ord)
      ORDER BY u.ord`,
    [
      tx.storeId,
      textArray(sales.map((s) => s.transactionId)),
      textArray(sales.map((s) => s.receiptNumber)),
      textArray(sales.map((s) => s.registerId)),
      intArray(sales.map((s) => s.receiptSeq)),
      textArray(sales.map((s) => s.customerId)),
      textArray(sales.map((s) => s.shiftId)),
      textArray(sales.map((s) => s.originalTransactionId)),
    ],
  );
  return rows;
}

/** Returned lines whose original line this store does not have (as a sold line). */
export async function missingOriginalItems(
  tx: TenantTx,
  refs: ReadonlyArray<{ transactionId: string; itemId: string }>,
): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const { rows } = await tx.query<{ t: string; i: string }>(
    `SELECT u.t, u.i
       FROM unnest($2::uuid[], $3::uuid[]) AS u(t, i)
      WHERE NOT EXISTS (
            SELECT 1
              FROM retail.sales_transaction_ids r
              JOIN retail.sales_transaction_items it
                ON it.store_id = r.store_id AND it.transaction_id = r.transaction_id
               AND it.occurred_at = r.occurred_at
             WHERE r.store_id = ${tx.storeKey} AND r.transaction_id = u.t AND it.item_id = u.i
               AND it.quantity > 0)`,
    [tx.storeId, textArray(refs.map((r) => r.transactionId)), textArray(refs.map((r) => r.itemId))],
  );
  return new Set(rows.map((r) => `${r.t}/${r.i}`));
}

/** Products sold in these sales that this store's catalog does not hold (deleted meanwhile). */
export async function missingProducts(
  tx: TenantTx,
  sales: readonly SaleRecorded[],
): Promise<Set<string>> {
  const ids = [...new Set(sales.flatMap((s) => s.lines.map((l) => l.productId)))];
  if (ids.length === 0) return new Set();
  const { rows } = await tx.query<{ p: string }>(
    `SELECT u.p::text AS p FROM unnest($2::uuid[]) AS u(p)
      WHERE NOT EXISTS (SELECT 1 FROM retail.products x WHERE x.store_id = ${tx.storeKey} AND x.product_id = u.p)`,
    [tx.storeId, textArray(ids)],
  );
  return new Set(rows.map((r) => r.p));
}
