/** Returns and exchanges against a receipt: what is returnable, a quote, the return itself. */
import { ApiInput } from '../../contract/till-api';
import { commitReturn, quoteReturn, returnableLines } from '../../db/checkout/returns';
import { define } from './define';

export const returnsHandlers = {
  returnableLines: define({
    input: ApiInput.receipt,
    staff: 'any',
    run: async ({ till }, { receiptNumber }) => returnableLines(await till(), receiptNumber),
  }),

  /** Price a return or exchange without recording it (refund or amount due, default tenders). */
  quoteReturn: define({
    input: ApiInput.quoteReturn,
    staff: 'any',
    run: async ({ till, staff }, input) =>
      quoteReturn(await till(), { ...input, cashierId: staff.staffId }),
  }),

  commitReturn: define({
    input: ApiInput.commitReturn,
    staff: 'any',
    records: true,
    run: async ({ till, staff }, input) =>
      commitReturn(await till(), {
        transactionId: input.transactionId,
        originalReceiptNumber: input.originalReceiptNumber,
        lines: input.lines,
        newLines: input.newLines,
        tenders: input.tenders,
        cashierId: staff.staffId,
        customerId: input.customerId,
        managerPin: input.managerPin,
        managerId: input.managerId,
      }),
  }),
};
