/** PIN login at the till on a real database: the person, then the PIN, with a lockout per person. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { login } from './session';
import type { TestTill } from '../../test/fixtures/till';
import { openCheckoutTill } from '../../test/fixtures/checkout';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

describe('login', () => {
  it("locks the person's PIN login after five wrong attempts", async () => {
    expect((await login(t.till, { staffId: t.cashier.staffId, pin: t.cashier.pin })).staffId).toBe(
      t.cashier.staffId,
    );
    for (let i = 0; i < 5; i++)
      await expect(
        login(t.till, { staffId: t.cashier.staffId, pin: '0000' }),
      ).rejects.toMatchObject({
        kind: ErrorKind.forbidden,
      });
    await expect(login(t.till, { staffId: t.cashier.staffId, pin: t.cashier.pin })).rejects.toThrow(
      /is locked for/,
    );
  });
});
