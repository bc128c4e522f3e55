/** Returns and exchanges against a receipt: what is returnable, a quote, the return itself. */
import { ReceiptsInput } from '../../contract/till-api/receipts';
import { ReturnsInput } from '../../contract/till-api/returns';
import {
  commitReturn,
  findOriginal,
  quoteReturn,
  returnableLines,
} from '../../db/checkout/returns';
import type { TillContext } from '../../db/checkout/context';
import { commitNoReceiptReturn, quoteNoReceiptReturn } from '../../db/checkout/no-receipt';
import {
  isOtherStoresReceipt,
  otherStoreNeedsHq,
  receiptNotFound,
  refreshReceiptFromHq,
} from '../receipt-lookup';
import type { TillHost } from '../host';
import { define } from './define';

/**
 * Any receipt of the store (issue 13): HQ is asked first when online (the receipt may have been
 * sold at another register, and other registers may have taken items back); then the till's own
 * records and HQ's answer decide. A receipt found nowhere is explained (offline, other store).
 * Another store's receipt (when the chain allows returns across stores) needs HQ's answer now.
 */
async function withOriginal(host: TillHost, till: TillContext, receiptNumber: string) {
  const answer = await refreshReceiptFromHq({
    till,
    sync: host.sync,
    logger: host.logger,
    receiptNumber,
  });
  const storeId = till.identity.storeId;
  const found = await findOriginal(till.db, storeId, receiptNumber);
  if (!found) throw receiptNotFound({ receiptNumber, answer, storeId });
  // Another store's receipt (returns across stores): HQ alone knows what the chain took back,
  // so only with HQ's answer of just now, never offline from an earlier lookup.
  if (isOtherStoresReceipt(storeId, found.original) && !(answer.reached && answer.found)) {
    throw otherStoreNeedsHq(found.original.receiptNumber);
  }
}

export const returnsHandlers = {
  returnableLines: define({
    input: ReceiptsInput.receipt,
    staff: 'any',
    run: async ({ till, host }, { receiptNumber }) => {
      const t = await till();
      await withOriginal(host, t, receiptNumber);
      return returnableLines(t, receiptNumber);
    },
  }),

  /** Price a return or exchange without recording it (refund or amount due, default tenders). */
  quoteReturn: define({
    input: ReturnsInput.quoteReturn,
    staff: 'any',
    run: async ({ till, staff }, input) =>
      quoteReturn(await till(), { ...input, cashierId: staff.staffId }),
  }),

  /** A return without a receipt: today's refund for the items (no manager needed to ask). */
  quoteNoReceiptReturn: define({
    input: ReturnsInput.quoteNoReceiptReturn,
    staff: 'any',
    run: async ({ till, staff }, input) =>
      quoteNoReceiptReturn(await till(), {
        transactionId: '',
        lines: input.lines,
        reason: '-',
        refundMethod: input.refundMethod,
        cashierId: staff.staffId,
      }),
  }),

  /** A return without a receipt: a manager approves it (checked in db/checkout/no-receipt.ts). */
  commitNoReceiptReturn: define({
    input: ReturnsInput.commitNoReceiptReturn,
    staff: 'any',
    records: true,
    run: async ({ till, staff }, input) =>
      commitNoReceiptReturn(await till(), {
        transactionId: input.transactionId,
        lines: input.lines,
        reason: input.reason,
        refundMethod: input.refundMethod,
        cardLast4: input.cardLast4,
        cashierId: staff.staffId,
        managerPin: input.managerPin,
        managerId: input.managerId,
      }),
  }),

  commitReturn: define({
    input: ReturnsInput.commitReturn,
    staff: 'any',
    records: true,
    run: async ({ till, host, staff }, input) => {
      const t = await till();
      // What other registers took back since the receipt was shown counts too.
      await withOriginal(host, t, input.originalReceiptNumber);
      return commitReturn(t, {
        transactionId: input.transactionId,
        originalReceiptNumber: input.originalReceiptNumber,
        lines: input.lines,
        newLines: input.newLines,
        tenders: input.tenders,
        cashierId: staff.staffId,
        customerId: input.customerId,
        managerPin: input.managerPin,
        managerId: input.managerId,
      });
    },
  }),
};
