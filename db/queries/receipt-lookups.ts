/**
 * Receipts of this store as HQ answered for them (pos.receipt_lookups, edge migration 0015):
 * a receipt sold at another register, and the returns HQ holds against any receipt from any
 * register. Returns at any register (issue 13) plan against these when the till does not hold
 * the original, and count what other registers already took back.
 *
 * Counting is by return transaction, so a return is counted once however it is known: the
 * till's own returns (its own rows, always current) and the ones HQ reported, merged by
 * transaction ID, the till's row winning (it knows of a void HQ has not received yet).
 */
import type { Receipt } from '../../contract/till-api/receipts';
import type {
  ReceiptLookup,
  ReceiptReturnRecord,
} from '../../contract/sync-protocol/receipt-lookup';
import type { Queryable } from '../queryable';
import { receiptFromSale } from './receipts';

type Found = Extract<ReceiptLookup, { found: true }>;

export interface LookedUpReceipt {
  receipt: Receipt;
  /** Returns HQ held against it when it last answered (any register, voided ones too). */
  hqReturns: ReceiptReturnRecord[];
  fetchedAt: string;
}

/** Keep (or refresh) what HQ answered for a receipt of this store. */
export async function saveReceiptLookup(
  db: Queryable,
  options: { storeId: string; found: Found; fetchedAt: Date },
): Promise<void> {
  const { storeId, found, fetchedAt } = options;
  await db.query(
    `INSERT INTO pos.receipt_lookups
       (store_id, transaction_id, receipt_number, status, sale, hq_returns, fetched_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
     ON CONFLICT (store_id, transaction_id) DO UPDATE
       SET status = excluded.status, sale = excluded.sale, hq_returns = excluded.hq_returns,
           fetched_at = excluded.fetched_at`,
    [
      storeId,
      found.sale.transactionId,
      found.sale.receiptNumber,
      found.status,
      JSON.stringify(found.sale),
      JSON.stringify(found.returns),
      fetchedAt.toISOString(),
    ],
  );
}

export async function getReceiptLookup(
  db: Queryable,
  storeId: string,
  by: { transactionId: string } | { receiptNumber: string },
): Promise<LookedUpReceipt | undefined> {
  const where =
    'transactionId' in by ? 'transaction_id = $2::uuid' : 'upper(receipt_number) = upper($2)';
  const key = 'transactionId' in by ? by.transactionId : by.receiptNumber.trim();
  const { rows } = await db.query<{
    status: Receipt['status'];
    sale: Found['sale'];
    hq_returns: ReceiptReturnRecord[];
    fetched_at: Date;
  }>(
    `SELECT status, sale, hq_returns, fetched_at FROM pos.receipt_lookups
      WHERE store_id = $1 AND ${where}`,
    [storeId, key],
  );
  const row = rows[0];
  if (!row) return undefined;
  // Written by saveReceiptLookup from a validated HQ answer: read back as stored.
  return {
    receipt: { ...receiptFromSale(row.sale), status: row.status, sentToHq: true },
    hqReturns: row.hq_returns,
    fetchedAt: new Date(row.fetched_at).toISOString(),
  };
}

interface LocalReturn {
  transactionId: string;
  status: 'completed' | 'voided';
  cardCents: number;
  lines: Array<{ originalItemId: string; quantity: number }>;
}

/** This till's own returns and exchanges against a transaction (whatever register sold it). */
async function localReturns(
  db: Queryable,
  storeId: string,
  originalTransactionId: string,
): Promise<LocalReturn[]> {
  const { rows } = await db.query<{
    transaction_id: string;
    status: 'completed' | 'voided';
    card: number;
    lines: Array<{ originalItemId: string; quantity: number }>;
  }>(
    `SELECT t.transaction_id, t.status,
            (SELECT coalesce((sum(p.amount) * 100)::bigint, 0) FROM retail.payments p
              WHERE p.store_id = t.store_id AND p.transaction_id = t.transaction_id
                AND p.tender_type = 'card')::float8 AS card,
            (SELECT coalesce(json_agg(json_build_object('originalItemId', i.original_item_id,
                                                        'quantity', -i.quantity)), '[]'::json)
               FROM retail.sales_transaction_items i
              WHERE i.store_id = t.store_id AND i.transaction_id = t.transaction_id
                AND i.quantity < 0 AND i.original_item_id IS NOT NULL) AS lines
       FROM retail.sales_transactions t
      WHERE t.store_id = $1 AND t.original_transaction_id = $2`,
    [storeId, originalTransactionId],
  );
  return rows.map((r) => ({
    transactionId: r.transaction_id,
    status: r.status,
    cardCents: Number(r.card),
    lines: r.lines,
  }));
}

export interface ReturnedSoFar {
  /** Units of each original line taken back by completed returns, from any register. */
  quantities: Map<string, number>;
  /** What completed returns put back on card (negative). */
  cardCents: number;
}

/**
 * What has been returned against a transaction as far as this till knows: its own returns plus
 * the ones HQ reported (from other registers), each return counted once.
 */
export async function returnedSoFar(
  db: Queryable,
  storeId: string,
  originalTransactionId: string,
): Promise<ReturnedSoFar> {
  const [local, lookup] = await Promise.all([
    localReturns(db, storeId, originalTransactionId),
    getReceiptLookup(db, storeId, { transactionId: originalTransactionId }),
  ]);
  const byId = new Map<string, LocalReturn>();
  for (const r of lookup?.hqReturns ?? []) byId.set(r.transactionId, r);
  for (const r of local) byId.set(r.transactionId, r);
  const quantities = new Map<string, number>();
  let cardCents = 0;
  for (const r of byId.values()) {
    if (r.status !== 'completed') continue;
    cardCents += r.cardCents;
    for (const l of r.lines) {
      quantities.set(l.originalItemId, (quantities.get(l.originalItemId) ?? 0) + l.quantity);
    }
  }
  return { quantities, cardCents };
}
