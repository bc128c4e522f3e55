/**
 * Returns at any register (issue 13): before a return is shown or recorded, the till asks HQ
 * (when it is online) for the receipt and the returns HQ holds against it from every register,
 * and keeps the answer (pos.receipt_lookups). The till then plans the return with what it holds
 * itself plus what HQ said (db/checkout/returns.ts `findOriginal`). Offline, the till goes on
 * with what it knows; HQ raises an exception if two registers took back more than was sold.
 */
import type { TillContext } from '../db/checkout/context';
import { InvalidStateError, NotFoundError } from '../db/errors';
import type { CrossStoreRefusal } from '../contract/sync-protocol/receipt-lookup';
import type { Logger } from '../db/logger';
import { saveReceiptLookup } from '../db/queries/receipt-lookups';
import { getErrorMessage } from '../contract/errors';
import type { SyncPort } from './sync-port';

export type HqAnswer =
  | { reached: false }
  | {
      reached: true;
      found: boolean;
      /** Not found: the store of the chain whose number it is. */
      otherStore: string | null;
      /** Not found: why HQ did not show another store's receipt (the chain's policy...). */
      refusal?: CrossStoreRefusal | undefined;
      returnDays?: number | undefined;
    };

/** Ask HQ for the receipt and keep its answer; never throws for an unreachable HQ. */
export async function refreshReceiptFromHq(options: {
  till: TillContext;
  sync: SyncPort;
  logger: Logger;
  receiptNumber: string;
}): Promise<HqAnswer> {
  const { till, sync, logger, receiptNumber } = options;
  if (!sync.isOnline()) return { reached: false };
  let answer;
  try {
    answer = await sync.lookUpReceipt(receiptNumber);
  } catch (error) {
    logger.warn({ error: getErrorMessage(error) }, 'receipt lookup at HQ failed');
    return { reached: false };
  }
  if (!answer) return { reached: false };
  if (!answer.found) {
    return {
      reached: true,
      found: false,
      otherStore: answer.otherStore,
      refusal: answer.refusal,
      returnDays: answer.returnDays,
    };
  }
  await saveReceiptLookup(till.db, {
    storeId: till.identity.storeId,
    found: answer,
    fetchedAt: till.clock.now(),
  });
  return { reached: true, found: true, otherStore: null };
}

/**
 * Whether a receipt is another store's (a return across stores, docs/checkout.md): its number
 * is not this store's (`STORE-REGISTER-NNNNNN`).
 */
export function isOtherStoresReceipt(
  storeId: string,
  receipt: { receiptNumber: string; registerId: string },
): boolean {
  return !receipt.receiptNumber
    .toUpperCase()
    .startsWith(`${storeId.toUpperCase()}-${receipt.registerId.toUpperCase()}-`);
}

/** Whether a typed or scanned number cannot be this store's (checked before asking HQ). */
export function looksLikeOtherStore(storeId: string, receiptNumber: string): boolean {
  return !receiptNumber.trim().toUpperCase().startsWith(`${storeId.toUpperCase()}-`);
}

/**
 * Another store's receipt while HQ cannot be asked: HQ alone knows what the whole chain has
 * taken back, so the till does not return it offline, even if it saw the receipt before.
 */
export function otherStoreNeedsHq(receiptNumber: string): InvalidStateError {
  return new InvalidStateError(
    `Receipt ${receiptNumber} is from another store. A return of another store's receipt needs HQ, to check that nothing on it was returned already, and HQ cannot be reached. Try again when the till is online.`,
  );
}

/** Why a receipt could not be found, in the cashier's words. */
export function receiptNotFound(options: {
  receiptNumber: string;
  answer: HqAnswer;
  /** The till's store. */
  storeId: string;
}): NotFoundError | InvalidStateError {
  const { receiptNumber, answer } = options;
  if (answer.reached && answer.otherStore) {
    const store = answer.otherStore;
    switch (answer.refusal) {
      case 'too_old':
        return new NotFoundError(
          `Receipt ${receiptNumber} was sold at ${store} more than ${answer.returnDays ?? 'the allowed number of'} days ago. Another store's receipts are taken back here only within ${answer.returnDays ?? 'that many'} days: the customer can return the items at ${store}.`,
        );
      case 'other_currency':
        return new NotFoundError(
          `Receipt ${receiptNumber} was sold at ${store}, which takes another currency: the items can be returned only at ${store}.`,
        );
      case 'not_found':
        return new NotFoundError(
          `No receipt ${receiptNumber} at ${store}: HQ does not have it. Check the number on the receipt.`,
        );
      default:
        return new NotFoundError(
          `Receipt ${receiptNumber} was sold at ${store}. Returns are taken only at the store that sold the items.`,
        );
    }
  }
  if (answer.reached) {
    return new NotFoundError(
      `No receipt ${receiptNumber} in this store: neither this till nor HQ has it. Check the number on the receipt.`,
    );
  }
  if (looksLikeOtherStore(options.storeId, receiptNumber)) return otherStoreNeedsHq(receiptNumber);
  return new NotFoundError(
    `No receipt ${receiptNumber} on this till, and HQ cannot be reached to look at the other registers' receipts. Try again when the till is online.`,
  );
}
