/** Customers at the till: find (name, email, phone) and quick create (syncs up to HQ). */
import { CustomersInput } from '../../contract/till-api/customers';
import { createCustomer, findCustomers } from '../../db/checkout/customers';
import { define } from './define';

export const customerHandlers = {
  findCustomers: define({
    input: CustomersInput.findCustomers,
    staff: 'any',
    run: async ({ till }, input) =>
      findCustomers(await till(), { query: input.query.slice(0, 100), limit: input.limit }),
  }),

  createCustomer: define({
    input: CustomersInput.createCustomer,
    staff: 'any',
    records: true,
    run: async ({ till }, input) => createCustomer(await till(), input),
  }),
};
