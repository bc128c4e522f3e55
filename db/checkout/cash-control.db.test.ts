/**
 * Cash control on a real till (issue 13, item 5): a cash-out above the store's limit, or more
 * than the drawer is expected to hold, needs a manager; without one nothing is recorded.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { moveCash, xReport } from './shifts';
import type { TestTill } from '../../test/fixtures/till';
import { expectRejected, openCheckoutTill } from '../../test/fixtures/checkout';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

/** Refused with `kind`, nothing changed; the error, for its message. */
async function rejected(
  till: TestTill,
  kind: string,
  fn: () => Promise<unknown>,
): Promise<{ message: string }> {
  let error: unknown;
  await expectRejected(till, kind, () =>
    fn().catch((e: unknown) => {
      error = e;
      throw e;
    }),
  );
  return error instanceof Error ? error : { message: String(error) };
}

const movements = async (): Promise<number> => {
  const { rows } = await t.store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.cash_movements`,
  );
  return rows[0]?.n ?? -1;
};

it('refuses a cashier a cash-out beyond the expected drawer or the limit without a manager', async () => {
  const expected = (await xReport(t.till)).expectedCashCents; // the float: $200.00
  // $5,000 from a drawer holding about $200: a manager must approve, even under a high limit.
  await t.store.db.query(`UPDATE retail.stores SET cash_out_limit = 10000.00`);
  const error = await rejected(t, ErrorKind.approvalRequired, () =>
    moveCash(t.till, {
      staffId: t.cashier.staffId,
      kind: 'out',
      amountCents: 500_000,
      reason: 'bank drop',
    }),
  );
  expect(error.message).toBe(
    `Taking out $5,000.00 is more than the drawer should hold ($${(expected / 100).toFixed(2)}): a manager approves`,
  );
  // Above the store's limit ($50.00 here), within the drawer: a manager too.
  await t.store.db.query(`UPDATE retail.stores SET cash_out_limit = 50.00`);
  const above = await rejected(t, ErrorKind.approvalRequired, () =>
    moveCash(t.till, { staffId: t.cashier.staffId, kind: 'out', amountCents: 6_000, reason: 'x' }),
  );
  expect(above.message).toBe('A cash-out above $50.00 needs a manager');
  // A wrong PIN approves nothing.
  await rejected(t, ErrorKind.forbidden, () =>
    moveCash(t.till, {
      staffId: t.cashier.staffId,
      kind: 'out',
      amountCents: 6_000,
      reason: 'x',
      managerPin: '000000',
    }),
  );
  expect(await movements()).toBe(0);
  // With the manager's PIN it is recorded; within the limit a cashier needs nobody; cash in is free.
  await moveCash(t.till, {
    staffId: t.cashier.staffId,
    kind: 'out',
    amountCents: 6_000,
    reason: 'x',
    managerPin: t.manager.pin,
  });
  await moveCash(t.till, {
    staffId: t.cashier.staffId,
    kind: 'out',
    amountCents: 5_000,
    reason: 'y',
  });
  await moveCash(t.till, {
    staffId: t.cashier.staffId,
    kind: 'in',
    amountCents: 900_000,
    reason: 'z',
  });
  expect(await movements()).toBe(3);
  // A manager acting records a large cash-out on their own authority.
  await moveCash(t.till, {
    staffId: t.manager.staffId,
    kind: 'out',
    amountCents: 800_000,
    reason: 'safe',
  });
  expect((await xReport(t.till)).expectedCashCents).toBe(
    expected - 6_000 - 5_000 + 900_000 - 800_000,
  );
});
