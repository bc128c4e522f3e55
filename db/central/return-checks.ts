/**
 * Returns taken at several registers (issue 13): each till checks what it knows before it
 * refunds, but two registers offline at the same time can each take back the last unit of the
 * same line. Both returns are facts (the customer has the money), so HQ records both and raises
 * an `over_returned` exception on the return that went past what was sold, for a person to work.
 *
 * Counted per sold line: units sold (HQ's rows, or the original earlier in the same push) against
 * the completed returns HQ already holds (this store's, and other stores' of the chain in
 * retail.returns_elsewhere: returns-elsewhere.ts) plus the returns earlier in this run. A transaction
 * advisory lock per original sale (taken in a fixed order) makes two pushes returning against
 * the same sale count one after the other, so neither misses the other.
 *
 * Contract: runs inside withTenant, before the accepted sales are written (sale-checks.ts).
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import type { RaisedException } from './ingest-types';
import type { TenantTx } from './tenant';
import { textArray } from './pg-arrays';

/** A sale of the run that will be written, with the exceptions raised around it so far. */
interface Screened {
  sale: SaleRecorded;
  exceptions: RaisedException[];
}

export async function checkOverReturns(tx: TenantTx, accepted: readonly Screened[]): Promise<void> {
  const returns = accepted.filter(
    (a) => a.sale.originalTransactionId !== null && a.sale.lines.some((l) => l.quantity < 0),
  );
  if (returns.length === 0) return;
  const batch = new Map<string, SaleRecorded>(accepted.map((a) => [a.sale.transactionId, a.sale]));
  const originals = [...new Set(returns.map((a) => a.sale.originalTransactionId!))].sort();
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/returns/' || o, 0))
       FROM unnest($2::text[]) AS u(o) ORDER BY o`,
    [tx.storeId, textArray(originals)],
  );
  const refs = returns.flatMap((a) =>
    a.sale.lines
      .filter((l) => l.quantity < 0 && l.originalItemId !== null)
      .map((l) => ({ t: a.sale.originalTransactionId!, i: l.originalItemId! })),
  );
  const { rows } = await tx.query<{ t: string; i: string; sold: number | null; returned: number }>(
    `SELECT u.t::text AS t, u.i::text AS i,
            (SELECT it.quantity FROM retail.sales_transaction_ids r
               JOIN retail.sales_transaction_items it
                 ON it.store_id = r.store_id AND it.transaction_id = r.transaction_id
                AND it.occurred_at = r.occurred_at
              WHERE r.store_id = ${tx.storeKey} AND r.transaction_id = u.t AND it.item_id = u.i
                AND it.quantity > 0 LIMIT 1) AS sold,
            (SELECT coalesce(-sum(ri.quantity), 0)::int FROM retail.sales_transaction_items ri
               JOIN retail.sales_transactions rt
                 ON rt.store_id = ri.store_id AND rt.transaction_id = ri.transaction_id
                AND rt.occurred_at = ri.occurred_at
              WHERE ri.store_id = ${tx.storeKey} AND ri.original_item_id = u.i AND ri.quantity < 0
                AND rt.original_transaction_id = u.t AND rt.status = 'completed')
          + (SELECT coalesce(sum((l ->> 'quantity')::int), 0)::int
               FROM retail.returns_elsewhere e CROSS JOIN LATERAL jsonb_array_elements(e.lines) l
              WHERE e.store_id = ${tx.storeKey} AND e.original_transaction_id = u.t
                AND e.status = 'completed' AND l ->> 'originalItemId' = u.i::text) AS returned
       FROM (SELECT DISTINCT * FROM unnest($2::uuid[], $3::uuid[]) AS x(t, i)) AS u`,
    [tx.storeId, textArray(refs.map((r) => r.t)), textArray(refs.map((r) => r.i))],
  );
  const key = (t: string, i: string): string => `${t}/${i}`;
  const sold = new Map<string, number>();
  const taken = new Map<string, number>();
  for (const r of rows) {
    if (r.sold !== null) sold.set(key(r.t, r.i), Number(r.sold));
    taken.set(key(r.t, r.i), Number(r.returned));
  }
  for (const a of returns) {
    const originalId = a.sale.originalTransactionId!;
    const inBatch = batch.get(originalId);
    const over: Array<{ originalItemId: string; sold: number; returned: number }> = [];
    for (const line of a.sale.lines) {
      if (line.quantity >= 0 || line.originalItemId === null) continue;
      const k = key(originalId, line.originalItemId);
      const units =
        inBatch?.lines.find((l) => l.itemId === line.originalItemId && l.quantity > 0)?.quantity ??
        sold.get(k);
      const total = (taken.get(k) ?? 0) - line.quantity;
      taken.set(k, total);
      // An unknown original line is unknown_original_item's business (sale-checks.ts).
      if (units !== undefined && total > units) {
        over.push({ originalItemId: line.originalItemId, sold: units, returned: total });
      }
    }
    if (over.length === 0) continue;
    const receipt = a.sale.receiptNumber;
    a.exceptions.push({
      kind: ExceptionKind.overReturned,
      entity: 'sale',
      entityId: a.sale.transactionId,
      reason: `Return ${receipt} takes back more than was sold: with the returns already recorded from any register, ${over
        .map((o) => `${o.returned} returned of ${o.sold} sold`)
        .join(
          '; ',
        )}. The return is recorded (the refund was paid); check the return receipts with the store.`,
      detail: { receiptNumber: receipt, originalTransactionId: originalId, lines: over },
    });
  }
}
