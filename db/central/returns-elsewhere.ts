/**
 * Returns taken at another store of the chain (issue 13, item 1), at HQ's ingest. Store B's till
 * took back a receipt of store A that HQ showed it (hq/services/receipts.ts, recorded in B's
 * sync.receipt_disclosures). The return is B's fact, recorded in B's rows like any return; what
 * is particular:
 *
 *  - Its original is not one of B's sales, so instead of `unknown_original_transaction` HQ
 *    checks it against A's sale: the returned lines must be sold lines of it, and with every
 *    return already taken against it anywhere in the chain (A's own returns and other stores'
 *    in A's retail.returns_elsewhere) no line may go back more often than it was sold. A return
 *    that does (B took it back while, say, A also did) is recorded all the same — the customer
 *    has the money — with `over_returned_across_stores` for a person.
 *  - Once B's return is written, A learns of it: a row in A's retail.returns_elsewhere, in the
 *    same transaction (exactly once by its key: a return pushed again adds nothing), so A's
 *    tills and HQ's checks of A's own returns count it (return-checks.ts).
 *
 * The transaction switches to A's tenant key for these statements and back to B's (as
 * withTenants does: SET LOCAL, forwarded on a Citus cluster); nothing reads across stores with a
 * widened policy. The per-original advisory lock is the one return-checks.ts takes for A's own
 * returns, so A's ingest and B's count one after the other.
 *
 * Contract: runs inside withTenant of the store that took the returns (tx.storeId), the check
 * while screening the sales (sale-checks.ts), the link after they are written (ingest-sales.ts).
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import { disclosedOrigins } from './chain-returns';
import type { RaisedException } from './ingest-types';
import { insertSelect } from './insert-select';
import { intArray, textArray } from './pg-arrays';
import { setTenantKey, type TenantTx } from './tenant';

interface Screened {
  sale: SaleRecorded;
  exceptions: RaisedException[];
  /** Set here: the store that sold the original, when it is another store of the chain. */
  originStoreId?: string | undefined;
}

/** Run `fn` under another store's tenant key, then give the transaction its own key back. */
async function asOriginStore<T>(tx: TenantTx, storeId: string, fn: () => Promise<T>): Promise<T> {
  await setTenantKey(tx, storeId);
  try {
    return await fn();
  } finally {
    await setTenantKey(tx, tx.storeId);
  }
}

const returnedLines = (sale: SaleRecorded) =>
  sale.lines.filter((l) => l.quantity < 0 && l.originalItemId !== null);

/**
 * Returns of this run whose original HQ does not hold in this store but showed this store as
 * another store's receipt: checked against that store's sale and every return against it.
 */
export async function checkReturnsElsewhere(
  tx: TenantTx,
  accepted: readonly Screened[],
): Promise<void> {
  const unknown = accepted.filter((a) =>
    a.exceptions.some((e) => e.kind === ExceptionKind.unknownOriginalTransaction),
  );
  if (unknown.length === 0) return;
  const origins = await disclosedOrigins(tx, [
    ...new Set(unknown.map((a) => a.sale.originalTransactionId!)),
  ]);
  const byStore = new Map<string, Screened[]>();
  for (const a of unknown) {
    const store = origins.get(a.sale.originalTransactionId!);
    if (store === undefined) continue;
    a.originStoreId = store;
    a.exceptions = a.exceptions.filter((e) => e.kind !== ExceptionKind.unknownOriginalTransaction);
    byStore.set(store, [...(byStore.get(store) ?? []), a]);
  }
  for (const store of [...byStore.keys()].sort()) {
    const returns = byStore.get(store)!;
    await asOriginStore(tx, store, () => checkAgainst(tx, store, returns));
  }
}

async function checkAgainst(tx: TenantTx, store: string, returns: Screened[]): Promise<void> {
  const originals = [...new Set(returns.map((a) => a.sale.originalTransactionId!))].sort();
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/returns/' || o, 0))
       FROM unnest($2::text[]) AS u(o) ORDER BY o`,
    [store, textArray(originals)],
  );
  // Per sold line of each original: units sold, and units taken back by completed returns of
  // the selling store and of other stores (this run's own returns excluded: a return pushed
  // again is already in returns_elsewhere and must not count against itself).
  const { rows } = await tx.query<{ t: string; i: string; sold: number; returned: number }>(
    `SELECT it.transaction_id::text AS t, it.item_id::text AS i, it.quantity AS sold,
            (SELECT coalesce(-sum(ri.quantity), 0)::int FROM retail.sales_transaction_items ri
               JOIN retail.sales_transactions rt
                 ON rt.store_id = ri.store_id AND rt.transaction_id = ri.transaction_id
                AND rt.occurred_at = ri.occurred_at
              WHERE ri.store_id = $1 AND ri.original_item_id = it.item_id AND ri.quantity < 0
                AND rt.original_transaction_id = it.transaction_id AND rt.status = 'completed')
          + (SELECT coalesce(sum((l ->> 'quantity')::int), 0)::int
               FROM retail.returns_elsewhere e CROSS JOIN LATERAL jsonb_array_elements(e.lines) l
              WHERE e.store_id = $1 AND e.original_transaction_id = it.transaction_id
                AND e.status = 'completed' AND l ->> 'originalItemId' = it.item_id::text
                AND NOT (e.return_store_id = $3 AND e.return_transaction_id = ANY($4::uuid[])))
            AS returned
       FROM retail.sales_transaction_ids r
       JOIN retail.sales_transactions t
         ON t.store_id = r.store_id AND t.transaction_id = r.transaction_id
        AND t.occurred_at = r.occurred_at AND t.status = 'completed'
       JOIN retail.sales_transaction_items it
         ON it.store_id = r.store_id AND it.transaction_id = r.transaction_id
        AND it.occurred_at = r.occurred_at AND it.quantity > 0
      WHERE r.store_id = $1 AND r.transaction_id = ANY($2::uuid[])`,
    [store, textArray(originals), tx.storeId, textArray(returns.map((a) => a.sale.transactionId))],
  );
  const key = (t: string, i: string): string => `${t}/${i}`;
  const sold = new Map(rows.map((r) => [key(r.t, r.i), Number(r.sold)]));
  const taken = new Map(rows.map((r) => [key(r.t, r.i), Number(r.returned)]));
  for (const a of returns) {
    const originalId = a.sale.originalTransactionId!;
    const receipt = a.sale.receiptNumber;
    const over: Array<{ originalItemId: string; sold: number; returned: number }> = [];
    let unknownItem: string | undefined;
    for (const line of returnedLines(a.sale)) {
      const k = key(originalId, line.originalItemId!);
      const units = sold.get(k);
      if (units === undefined) {
        unknownItem ??= line.originalItemId!;
        continue;
      }
      const total = (taken.get(k) ?? 0) - line.quantity;
      taken.set(k, total);
      if (total > units)
        over.push({ originalItemId: line.originalItemId!, sold: units, returned: total });
    }
    if (unknownItem !== undefined) {
      a.exceptions.push({
        kind: ExceptionKind.unknownOriginalItem,
        entity: 'sale',
        entityId: a.sale.transactionId,
        reason: `Return ${receipt} returns a line that is not a completed sold line of its original sale at another store. The return is recorded; check it against the original receipt.`,
        detail: {
          receiptNumber: receipt,
          originalItemId: unknownItem,
          originalTransactionId: originalId,
          soldAtStore: store,
        },
      });
    }
    if (over.length === 0) continue;
    a.exceptions.push({
      kind: ExceptionKind.overReturnedAcrossStores,
      entity: 'sale',
      entityId: a.sale.transactionId,
      reason: `Return ${receipt} takes back an item of a receipt of another store (${store}) that had already been returned: with the returns recorded anywhere in the chain, ${over
        .map((o) => `${o.returned} returned of ${o.sold} sold`)
        .join('; ')}. The return is recorded (the refund was paid); check it with both stores.`,
      detail: {
        receiptNumber: receipt,
        originalTransactionId: originalId,
        soldAtStore: store,
        lines: over,
      },
    });
  }
}

/**
 * After the returns are written: each tells its selling store (a row in that store's
 * retail.returns_elsewhere; a return already there adds nothing). `recordedAt` from the caller.
 */
export async function linkReturnsElsewhere(
  tx: TenantTx,
  written: ReadonlyArray<{ sale: SaleRecorded; originStoreId: string }>,
  recordedAt: Date,
): Promise<void> {
  const stores = [...new Set(written.map((w) => w.originStoreId))].sort();
  for (const store of stores) {
    const rows = written.filter((w) => w.originStoreId === store).map((w) => w.sale);
    await asOriginStore(tx, store, () =>
      // Through insertSelect: a distributed HQ refuses the plain INSERT ... SELECT (RLS).
      insertSelect(
        tx,
        `INSERT INTO retail.returns_elsewhere
           (store_id, return_store_id, return_transaction_id, original_transaction_id,
            return_receipt_number, card_amount, refund_amount, lines, occurred_at, recorded_at)
         SELECT $1, $2, u.tid, u.orig, u.receipt, u.card_cents / 100.0, u.total_cents / 100.0,
                u.lines::jsonb, u.at, $10
           FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::bigint[], $8::text[],
                       $9::timestamptz[]) AS u(tid, orig, receipt, card_cents, total_cents, lines, at)
         ON CONFLICT (store_id, return_store_id, return_transaction_id) DO NOTHING`,
        [
          store,
          tx.storeId,
          textArray(rows.map((s) => s.transactionId)),
          textArray(rows.map((s) => s.originalTransactionId)),
          textArray(rows.map((s) => s.receiptNumber)),
          intArray(rows.map((s) => cardCents(s))),
          intArray(rows.map((s) => Math.min(0, s.totalCents))),
          textArray(
            rows.map((s) =>
              JSON.stringify(
                returnedLines(s).map((l) => ({
                  originalItemId: l.originalItemId,
                  quantity: -l.quantity,
                })),
              ),
            ),
          ),
          textArray(rows.map((s) => s.occurredAt)),
          recordedAt.toISOString(),
        ],
      ),
    );
  }
}

/** What a return put back on card (negative or zero). */
function cardCents(sale: SaleRecorded): number {
  const card = sale.payments
    .filter((p) => p.tenderType === 'card')
    .reduce((sum, p) => sum + p.amountCents, 0);
  return Math.min(0, card);
}

/**
 * A return taken here against another store's sale was voided (same shift and register, at the
 * till): the selling store stops counting it. Contract: inside withTenant of the store that took
 * the return, in the transaction that records the void.
 */
export async function voidReturnElsewhere(
  tx: TenantTx,
  options: { transactionId: string; occurredAt: Date },
): Promise<void> {
  const { rows } = await tx.query<{ original: string | null }>(
    `SELECT original_transaction_id::text AS original FROM retail.sales_transactions
      WHERE store_id = $1 AND transaction_id = $2 AND occurred_at = $3`,
    [tx.storeId, options.transactionId, options.occurredAt.toISOString()],
  );
  const original = rows[0]?.original;
  if (!original) return;
  const store = (await disclosedOrigins(tx, [original])).get(original);
  if (store === undefined) return;
  await asOriginStore(tx, store, () =>
    tx.query(
      `UPDATE retail.returns_elsewhere SET status = 'voided'
        WHERE store_id = $1 AND return_store_id = $2 AND return_transaction_id = $3`,
      [store, tx.storeId, options.transactionId],
    ),
  );
}
