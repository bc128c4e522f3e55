/** Receipts of this till: one by number (reprint), the most recent ones. */
import { ReceiptsInput, type Receipt } from '../../contract/till-api/receipts';
import { NotFoundError } from '../../db/errors';
import { getReceipt, recentReceipts } from '../../db/queries/receipts';
import { define } from './define';

export const receiptHandlers = {
  receipt: define({
    input: ReceiptsInput.receipt,
    staff: 'none',
    run: async ({ till }, { receiptNumber }): Promise<Receipt> => {
      const t = await till();
      const receipt = await getReceipt(t.db, t.identity.storeId, { receiptNumber });
      if (!receipt) throw new NotFoundError(`No receipt ${receiptNumber} on this till`);
      return receipt;
    },
  }),

  recentReceipts: define({
    input: ReceiptsInput.recentReceipts,
    staff: 'none',
    run: async ({ till }, { limit }) => {
      const t = await till();
      return recentReceipts(t.db, t.identity.storeId, limit);
    },
  }),
};
