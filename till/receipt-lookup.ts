/**
 * Returns at any register (issue 13): before a return is shown or recorded, the till asks HQ
 * (when it is online) for the receipt and the returns HQ holds against it from every register,
 * and keeps the answer (pos.receipt_lookups). The till then plans the return with what it holds
 * itself plus what HQ said (db/checkout/returns.ts `findOriginal`). Offline, the till goes on
 * with what it knows; HQ raises an exception if two registers took back more than was sold.
 */
import type { TillContext } from '../db/checkout/context';
import { NotFoundError } from '../db/errors';
import type { Logger } from '../db/logger';
import { saveReceiptLookup } from '../db/queries/receipt-lookups';
import { getErrorMessage } from '../contract/errors';
import type { SyncPort } from './sync-port';

export type HqAnswer =
  { reached: false } | { reached: true; found: boolean; otherStore: string | null };

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
  if (!answer.found) return { reached: true, found: false, otherStore: answer.otherStore };
  await saveReceiptLookup(till.db, {
    storeId: till.identity.storeId,
    found: answer,
    fetchedAt: till.clock.now(),
  });
  return { reached: true, found: true, otherStore: null };
}

/** Why a receipt could not be found, in the cashier's words. */
export function receiptNotFound(receiptNumber: string, answer: HqAnswer): NotFoundError {
  if (answer.reached && answer.otherStore) {
    return new NotFoundError(
      `Receipt ${receiptNumber} was sold at ${answer.otherStore}. Returns are taken only at the store that sold the items.`,
    );
  }
  if (answer.reached) {
    return new NotFoundError(
      `No receipt ${receiptNumber} in this store: neither this till nor HQ has it. Check the number on the receipt.`,
    );
  }
  return new NotFoundError(
    `No receipt ${receiptNumber} on this till, and HQ cannot be reached to look at the other registers' receipts. Try again when the till is online.`,
  );
}
