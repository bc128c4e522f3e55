/**
 * Receipt lookup for tills (issue 13, returns at any register): a till that does not hold a
 * receipt asks HQ. The device is verified and the receipt read in the device's own store under
 * its tenant key (RLS), in one read-only snapshot.
 *
 * Returns at another store of the chain (docs/checkout.md, "Returns at another store"): a
 * receipt number of another store is answered only when the chain's policy allows it, the sale
 * is recent enough and both stores take the same currency. Then, and only then, HQ reads that
 * receipt under the SELLING store's tenant key in its own read-only snapshot (the asking store's
 * row security is never widened), records the disclosure in the asking store's rows first, and
 * answers only what a return needs: the lines, prices paid, tenders, date and every return
 * taken against it anywhere in the chain, without the customer, shift, approver or notes.
 * Otherwise the answer names the selling store and why it is refused, so the cashier is told.
 */
import type pg from 'pg';
import { newId } from '../../core/ids';
import { withTenant } from '../../db/central/tenant';
import { readStoreReceipt } from '../../db/central/queries/receipt-lookup';
import {
  readChainPolicy,
  recordDisclosure,
  storeCurrency,
  storeOfReceiptNumber,
} from '../../db/central/chain-returns';
import type {
  ReceiptLookup,
  ReceiptLookupRequest,
} from '../../contract/sync-protocol/receipt-lookup';
import type { DeviceCredential } from './credentials';
import { verifyDevice } from './devices/verify';

const DAY_MS = 86_400_000;

export async function lookUpReceipt(
  app: pg.Pool,
  options: {
    credential: DeviceCredential;
    request: ReceiptLookupRequest;
    pending: number | undefined;
    /** Injected for tests; the server's clock otherwise. */
    now?: () => Date;
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
  return otherStoresReceipt(app, { ...options, now: options.now ?? (() => new Date()) });
}

/** A receipt number of another store: shown only as the chain's policy allows. */
async function otherStoresReceipt(
  app: pg.Pool,
  options: { credential: DeviceCredential; request: ReceiptLookupRequest; now: () => Date },
): Promise<ReceiptLookup> {
  const { credential, request } = options;
  const origin = await storeOfReceiptNumber(app, {
    askingStoreId: credential.storeId,
    receiptNumber: request.receiptNumber,
  });
  if (!origin) return { found: false, otherStore: null };
  const refused = (refusal: 'policy_off' | 'too_old' | 'other_currency' | 'not_found') => ({
    found: false as const,
    otherStore: origin.storeName,
    refusal,
  });
  const policy = await readChainPolicy(app);
  if (!policy.crossStoreReturns) return refused('policy_off');
  if ((await storeCurrency(app, credential.storeId)) !== origin.currency) {
    return refused('other_currency');
  }
  // The selling store's key, chosen by HQ from its own registry (not by the request), for
  // this one read-only snapshot.
  const receipt = await withTenant(
    app,
    origin.storeId,
    (tx) => readStoreReceipt(tx, request.receiptNumber),
    { snapshot: true },
  );
  if (!receipt) return refused('not_found');
  const now = options.now();
  if (
    new Date(receipt.sale.occurredAt).getTime() <
    now.getTime() - policy.crossStoreReturnDays * DAY_MS
  ) {
    return { ...refused('too_old'), returnDays: policy.crossStoreReturnDays };
  }
  await withTenant(app, credential.storeId, (tx) =>
    recordDisclosure(tx, {
      disclosureId: newId(),
      deviceId: credential.deviceId,
      originStoreId: origin.storeId,
      transactionId: receipt.sale.transactionId,
      receiptNumber: receipt.sale.receiptNumber,
      at: now,
    }),
  );
  return {
    found: true,
    status: receipt.status,
    returns: receipt.returns,
    soldAt: origin.storeName,
    // Only what a return needs: no customer, shift, approver or notes of the other store.
    sale: { ...receipt.sale, customerId: null, shiftId: null, approvedBy: null, notes: null },
  };
}
