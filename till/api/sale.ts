/** Ringing up a sale, and voiding one of this shift. */
import { SaleInput } from '../../contract/till-api/sale';
import { commitSale } from '../../db/checkout/sale';
import { voidTransaction } from '../../db/checkout/voids';
import { readStoreConfig } from '../../db/queries/identity';
import { lookUpStoredValueCard } from '../../db/checkout/stored-value';
import type { Promotion } from '../../core/promotions';
import { define } from './define';

export const saleHandlers = {
  /** Idempotent by transaction ID: a retry returns the first receipt (`duplicate: true`). */
  commitSale: define({
    input: SaleInput.commitSale,
    staff: 'any',
    records: true,
    run: async ({ till, staff }, input) =>
      commitSale(await till(), {
        transactionId: input.transactionId,
        cart: input.cart,
        tenders: input.tenders,
        cashierId: staff.staffId,
        customerId: input.customerId,
        managerPin: input.managerPin,
        managerId: input.managerId,
        taxExemptReference: input.taxExemptReference,
      }),
  }),

  /**
   * HQ's promotions of the store as the till holds them (the screen prices the cart with them
   * and checks coupons; commitSale prices again with the till's own copy and clock).
   */
  promotions: define({
    staff: 'any',
    run: async ({ till }): Promise<Promotion[]> => {
      const t = await till();
      return [...(await readStoreConfig(t.db, t.identity.storeId)).promotions];
    },
  }),

  /**
   * A gift card or store credit scanned or typed at the payment: what this till may take from
   * it offline (its register's allowance), or why not, in the store's currency. Reads only;
   * the amount is checked again inside commitSale.
   */
  lookUpCard: define({
    input: SaleInput.lookUpCard,
    staff: 'any',
    run: async ({ till }, input) => {
      const t = await till();
      const config = await readStoreConfig(t.db, t.identity.storeId);
      return lookUpStoredValueCard(t, config, input.cardNumber);
    },
  }),

  /** A manager's call: a cashier gives a manager PIN (checked inside, after the receipt). */
  voidSale: define({
    input: SaleInput.voidSale,
    staff: 'any',
    records: true,
    run: async ({ till, staff }, input) =>
      voidTransaction(await till(), {
        receiptNumber: input.receiptNumber,
        reason: input.reason,
        staffId: staff.staffId,
        managerPin: input.managerPin,
        managerId: input.managerId,
      }),
  }),
};
