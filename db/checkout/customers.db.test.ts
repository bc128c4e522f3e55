/** Customers at the till on a real database: quick create (synced up), find, one email per store. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { createCustomer, findCustomers } from './customers';
import type { TestTill } from '../../test/fixtures/till';
import { expectRejected as rejected, openCheckoutTill } from '../../test/fixtures/checkout';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

const expectRejected = (kind: string, fn: () => Promise<unknown>) => rejected(t, kind, fn);

describe('customers', () => {
  it('creates a customer that syncs up, finds it, and refuses a duplicate email in the store', async () => {
    const c = await createCustomer(t.till, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: null,
    });
    expect((await findCustomers(t.till, { query: 'lovel' })).map((x) => x.customerId)).toContain(
      c.customerId,
    );
    await expectRejected(ErrorKind.conflict, () =>
      createCustomer(t.till, { firstName: 'A', lastName: 'L', email: 'ADA@example.com' }),
    );
  });
});
