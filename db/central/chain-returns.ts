/**
 * Returns at another store of the chain (issue 13, item 1): the database side of HQ's only path
 * that shows one store's receipt to another store's till (hq/services/receipts.ts decides; this
 * module reads and records).
 *
 *  - The chain's policy (retail.chain_policy, one row, no store): off by default.
 *  - Which store a receipt number belongs to: receipt numbers are `STORE-REGISTER-NNNNNN`, the
 *    store ID upper-cased; the registry of stores is not a tenant table.
 *  - What the asking store's tills were shown (sync.receipt_disclosures, the asking store's
 *    rows): written BEFORE the receipt is answered, so nothing is shown unrecorded; HQ's ingest
 *    finds there the store of a return's original (db/central/returns-elsewhere.ts).
 *
 * The receipt itself is read by db/central/queries/receipt-lookup.ts under the SELLING store's
 * tenant key, in a separate read-only transaction the service opens: no store's row security
 * is ever widened, and the asking store's transaction never sees the selling store's rows.
 */
import type { Queryable } from '../queryable';
import { textArray } from './pg-arrays';
import type { TenantTx } from './tenant';

export interface ChainPolicy {
  crossStoreReturns: boolean;
  /** A receipt older than this many days is not taken back at another store. */
  crossStoreReturnDays: number;
}

export async function readChainPolicy(db: Queryable): Promise<ChainPolicy> {
  const { rows } = await db.query<{ on: boolean; days: number }>(
    `SELECT cross_store_returns AS on, cross_store_return_days AS days FROM retail.chain_policy`,
  );
  const row = rows[0];
  // The migration inserts the row; without it (a broken database) nothing crosses stores.
  return { crossStoreReturns: row?.on ?? false, crossStoreReturnDays: row?.days ?? 1 };
}

export interface StoreRef {
  storeId: string;
  storeName: string;
  currency: string;
}

/**
 * The store of the chain, other than `askingStoreId`, whose receipts are numbered like this one;
 * the longest matching ID wins (store IDs may contain '-'). Reads only the registry of stores.
 */
export async function storeOfReceiptNumber(
  db: Queryable,
  options: { askingStoreId: string; receiptNumber: string },
): Promise<StoreRef | undefined> {
  const { rows } = await db.query<{ store_id: string; store_name: string; currency: string }>(
    `SELECT store_id, store_name, currency FROM retail.stores
      WHERE store_id <> $1 AND starts_with(upper($2), upper(store_id) || '-')
      ORDER BY length(store_id) DESC LIMIT 1`,
    [options.askingStoreId, options.receiptNumber.trim()],
  );
  const row = rows[0];
  return row && { storeId: row.store_id, storeName: row.store_name, currency: row.currency };
}

export async function storeCurrency(db: Queryable, storeId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ currency: string }>(
    `SELECT currency FROM retail.stores WHERE store_id = $1`,
    [storeId],
  );
  return rows[0]?.currency;
}

/**
 * Record that a till of the asking store (tx.storeId) was shown another store's receipt.
 * Contract: inside withTenant of the ASKING store; `disclosureId` is a UUIDv7 from the service.
 */
export async function recordDisclosure(
  tx: TenantTx,
  options: {
    disclosureId: string;
    deviceId: string;
    originStoreId: string;
    transactionId: string;
    receiptNumber: string;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO sync.receipt_disclosures
       (store_id, disclosure_id, device_id, origin_store_id, transaction_id, receipt_number,
        disclosed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      tx.storeId,
      options.disclosureId,
      options.deviceId,
      options.originStoreId,
      options.transactionId,
      options.receiptNumber,
      options.at.toISOString(),
    ],
  );
}

/**
 * The selling store of each original this store (tx.storeId) was shown by HQ, by transaction
 * ID. Contract: inside withTenant of the store that took the returns.
 */
export async function disclosedOrigins(
  tx: TenantTx,
  transactionIds: readonly string[],
): Promise<Map<string, string>> {
  if (transactionIds.length === 0) return new Map();
  const { rows } = await tx.query<{ transaction_id: string; origin_store_id: string }>(
    `SELECT DISTINCT transaction_id::text AS transaction_id, origin_store_id
       FROM sync.receipt_disclosures
      WHERE store_id = $1 AND transaction_id = ANY($2::uuid[])`,
    [tx.storeId, textArray(transactionIds)],
  );
  return new Map(rows.map((r) => [r.transaction_id, r.origin_store_id]));
}
