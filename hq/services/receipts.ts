/**
 * Receipt lookup for tills (issue 13, returns at any register): a till that does not hold a
 * receipt (sold at another register of its store) asks HQ. The device is verified and the
 * receipt read in the device's own store under its tenant key (RLS), in one read-only snapshot,
 * so a till only ever reads its own store's receipts.
 *
 * Returns at another store of the chain are off (docs/checkout.md): a receipt number that
 * belongs to another store is answered "not found" with that store's name, so the cashier is
 * told where it was sold instead of "no such receipt".
 */
import type pg from 'pg';
import { withTenant } from '../../db/central/tenant';
import { readStoreReceipt } from '../../db/central/queries/receipt-lookup';
import type {
  ReceiptLookup,
  ReceiptLookupRequest,
} from '../../contract/sync-protocol/receipt-lookup';
import type { DeviceCredential } from './credentials';
import { verifyDevice } from './devices/verify';

export async function lookUpReceipt(
  app: pg.Pool,
  options: {
    credential: DeviceCredential;
    request: ReceiptLookupRequest;
    pending: number | undefined;
  },
): Promise<ReceiptLookup> {
  const { credential, request } = options;
  await withTenant(app, credential.storeId, async (tx) => {
    await verifyDevice(tx, credential, { pending: options.pending });
  });
  const found = await withTenant(
    app,
    credential.storeId,
    (tx) => readStoreReceipt(tx, request.receiptNumber),
    { snapshot: true },
  );
  if (found) return found;
  return { found: false, otherStore: await otherStoreOf(app, credential.storeId, request) };
}

/**
 * The store of the chain whose receipts are numbered like this one (`STORE-REGISTER-NNNNNN`,
 * the store ID upper-cased), other than the asking store; the longest matching ID wins since
 * store IDs may contain '-'. Reads only store names (retail.stores is not a tenant table).
 */
async function otherStoreOf(
  app: pg.Pool,
  storeId: string,
  request: ReceiptLookupRequest,
): Promise<string | null> {
  const { rows } = await app.query<{ store_name: string }>(
    `SELECT store_name FROM retail.stores
      WHERE store_id <> $1 AND starts_with(upper($2), upper(store_id) || '-')
      ORDER BY length(store_id) DESC LIMIT 1`,
    [storeId, request.receiptNumber.trim()],
  );
  return rows[0]?.store_name ?? null;
}
