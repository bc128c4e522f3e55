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

  it('finds a customer through a typo in the name (trigram), the exact match first', async () => {
    const people = [
      ['Ada', 'Lovelace'],
      ['Maria', 'Johnson'],
      ['Sam', 'Rivera'],
      ['John', 'Smith'],
      ['Lovell', 'Ace'],
    ] as const;
    const ids = new Map<string, string>();
    for (const [firstName, lastName] of people) {
      const c = await createCustomer(t.till, { firstName, lastName, email: null, phone: null });
      ids.set(lastName, c.customerId);
    }
    const found = async (query: string): Promise<string[]> =>
      (await findCustomers(t.till, { query })).map((c) => c.lastName);
    // A letter wrong, two swapped, one missing, one too few in a full name.
    expect((await found('lovelase'))[0]).toBe('Lovelace');
    expect((await found('Lovleace'))[0]).toBe('Lovelace');
    expect((await found('jonson'))[0]).toBe('Johnson');
    expect((await found('rivra'))[0]).toBe('Rivera');
    expect((await found('jonh smith'))[0]).toBe('Smith');
    // Nothing like it: nothing found.
    expect(await found('zzyzx')).toEqual([]);
    // An exact fragment still comes first, before names that only look like it.
    expect((await found('lovelace'))[0]).toBe('Lovelace');
    expect(await found('Ace')).toContain('Ace');
    expect(ids.size).toBe(people.length);
  });
});
