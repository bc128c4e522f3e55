/** Hold and recall: park a cart (with its customer) and pick it up later. Never synced. */
import { HoldsInput } from '../../contract/till-api/holds';
import { holdCart, listHeldCarts, recallCart } from '../../db/checkout/holds';
import { define } from './define';

export const holdHandlers = {
  holdCart: define({
    input: HoldsInput.holdCart,
    staff: 'any',
    run: async ({ till, staff }, input) =>
      holdCart(await till(), {
        cart: input.cart,
        label: input.label,
        staffId: staff.staffId,
        customerId: input.customerId,
      }),
  }),

  listHeld: define({
    staff: 'any',
    run: async ({ till }) => listHeldCarts(await till()),
  }),

  recallCart: define({
    input: HoldsInput.recallCart,
    staff: 'any',
    run: async ({ till }, { holdId }) => recallCart(await till(), holdId),
  }),
};
