/**
 * No-sale drawer opens at HQ (issue 13, item 5): a till's `shift.no_sale` is recorded once
 * (re-sent: acknowledged without effect), with who, when, which shift, why and the approving
 * manager, and HQ's reconciliation counts the shift's no-sales against the Z report's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import { demoStaff } from '../../db/seed/chain';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { buildShiftClosed, envelope, ingest, seedWorld, type World } from './builders';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(71, Date.UTC(2026, 10, 6));
const S = 'seattle';
const manager = demoStaff(S).find((s) => s.role === 'manager')!.staffId;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 2, customers: 1 });
});
afterAll(async () => {
  await db?.drop();
});

const statuses = (outcomes: Awaited<ReturnType<typeof ingest>>) =>
  outcomes.map((o) =>
    o.status === 'rejected'
      ? o.code
      : [o.status, ...(o.exceptions ?? []).map((e) => e.kind)].join(':'),
  );

function shiftOf(shiftId: string, zNumber: number, noSalesCount: number) {
  const opened = envelope('shift.opened', {
    shiftId,
    registerId: 'R01',
    openedBy: world.cashierOf(S),
    openedAt: '2026-11-20T15:00:00.000Z',
    openingFloatCents: 10_000,
  });
  const closed = buildShiftClosed({
    ids,
    shiftId,
    registerId: 'R01',
    zNumber,
    staffId: world.cashierOf(S),
    openedAt: '2026-11-20T15:00:00.000Z',
    closedAt: '2026-11-20T22:00:00.000Z',
  });
  closed.zReport.noSalesCount = noSalesCount;
  return { opened, closed: envelope('shift.closed', closed) };
}

function noSale(shiftId: string, approvedBy: string | null) {
  return envelope('shift.no_sale', {
    eventId: ids(),
    shiftId,
    reason: 'Change for a customer',
    staffId: world.cashierOf(S),
    approvedBy,
    occurredAt: '2026-11-20T16:00:00.000Z',
  });
}

it('records a no-sale exactly once, and the Z report that counts it reconciles', async () => {
  const shiftId = ids();
  const { opened, closed } = shiftOf(shiftId, 1, 1);
  const event = noSale(shiftId, manager);
  expect(statuses(await ingest(db, S, [opened, event]))).toEqual(['applied', 'applied']);
  // The same mutation again (a push retried after a lost answer): no second row.
  expect(statuses(await ingest(db, S, [event]))).toEqual(['duplicate']);
  const { rows } = await db.pools.admin.query<{
    kind: string;
    amount: string;
    staff_id: string;
    approved_by: string;
    reason: string;
  }>(
    `SELECT kind, amount::text, staff_id, approved_by, reason FROM retail.cash_movements
      WHERE store_id = $1 AND shift_id = $2`,
    [S, shiftId],
  );
  expect(rows).toEqual([
    {
      kind: 'no_sale',
      amount: '0.00',
      staff_id: world.cashierOf(S),
      approved_by: manager,
      reason: 'Change for a customer',
    },
  ]);
  expect(statuses(await ingest(db, S, [closed]))).toEqual(['applied']);
});

it('a Z report whose no-sale count HQ does not hold is a reconciliation exception', async () => {
  const shiftId = ids();
  const { opened, closed } = shiftOf(shiftId, 2, 2);
  const outcomes = await ingest(db, S, [opened, noSale(shiftId, null), closed]);
  expect(statuses(outcomes)).toEqual(['applied', 'applied', 'applied:z_totals_differ']);
  const z = outcomes[2];
  expect(z && z.status !== 'rejected' && z.exceptions?.[0]?.reason).toContain(
    'no-sale drawer opens 2 at the till, 1 at HQ',
  );
});
