/**
 * No-sale drawer opens are recorded (issue 13, item 5): who, when, which shift of which
 * register, why, and the approving manager when the store asks for one; sent to HQ as a
 * `shift.no_sale` mutation; counted on the X and Z reports. Without the approval nothing is
 * recorded, and a wrong PIN counts against the manager named.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

let t: TestTill;
let api: TillApi;

beforeEach(async () => {
  t = await openTestTill();
  api = apiFor(t);
  expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
});
afterEach(async () => {
  await t.close();
});

async function noSales(): Promise<
  Array<{ staff_id: string; reason: string; shift_id: string; approved_by: string | null }>
> {
  const { rows } = await t.store.db.query<{
    staff_id: string;
    reason: string;
    shift_id: string;
    approved_by: string | null;
  }>(
    `SELECT staff_id, reason, shift_id, approved_by FROM retail.cash_movements
      WHERE kind = 'no_sale' ORDER BY occurred_at`,
  );
  return rows;
}

async function outboxTypes(): Promise<string[]> {
  const { rows } = await t.store.db.query<{ mutation_type: string }>(
    `SELECT mutation_type FROM pos.outbox ORDER BY mutation_id`,
  );
  return rows.map((r) => r.mutation_type);
}

it('records who opened the drawer, when, in which shift and why; counted on X and Z', async () => {
  const shift = await api.openShift({ openingFloatCents: 10_000 });
  if (!shift.ok) throw new Error(shift.error.message);
  const r = await api.noSale({ reason: 'Change for the parking meter' });
  if (!r.ok) throw new Error(r.error.message);
  // The test till has no printer: recorded, and the cashier opens the drawer with its key.
  expect(r.data.drawer).toBe('no_drawer');
  expect(await noSales()).toEqual([
    {
      staff_id: t.cashier.staffId,
      reason: 'Change for the parking meter',
      shift_id: shift.data.shiftId,
      approved_by: null,
    },
  ]);
  expect((await outboxTypes()).at(-1)).toBe('shift.no_sale');
  const { rows } = await t.store.db.query<{ payload: Record<string, unknown> }>(
    `SELECT payload FROM pos.outbox WHERE mutation_type = 'shift.no_sale'`,
  );
  expect(rows[0]?.payload).toMatchObject({
    eventId: r.data.eventId,
    shiftId: shift.data.shiftId,
    staffId: t.cashier.staffId,
    occurredAt: r.data.occurredAt,
    approvedBy: null,
  });

  expect((await api.noSale({ reason: 'Customer needed coins' })).ok).toBe(true);
  const x = await api.xReport();
  expect(x.ok && x.data.noSalesCount).toBe(2);
  // No money moved: the expected drawer is the float.
  expect(x.ok && x.data.expectedCashCents).toBe(10_000);
  expect(x.ok && x.data.cashOutCents).toBe(0);

  const manager = apiFor(t);
  expect((await manager.login({ staffId: t.manager.staffId, pin: t.manager.pin })).ok).toBe(true);
  const z = await manager.closeShift({ countedCashCents: 10_000 });
  expect(z.ok && z.data.noSalesCount).toBe(2);
});

it('needs a manager PIN by store setting; without it nothing is recorded', async () => {
  await t.store.db.query(`UPDATE retail.stores SET no_sale_needs_manager = true`);
  expect((await api.openShift({ openingFloatCents: 10_000 })).ok).toBe(true);
  const before = await outboxTypes();

  const refused = await api.noSale({ reason: 'Change' });
  expect(refused).toEqual({
    ok: false,
    error: {
      kind: 'approval_required',
      message: 'Opening the drawer without a sale needs a manager PIN',
    },
  });
  const wrong = await api.noSale({ reason: 'Change', managerPin: '000000' });
  expect(wrong.ok).toBe(false);
  expect(await noSales()).toEqual([]);
  expect(await outboxTypes()).toEqual(before);

  const approved = await api.noSale({
    reason: 'Change',
    managerId: t.manager.staffId,
    managerPin: t.manager.pin,
  });
  expect(approved.ok).toBe(true);
  expect(await noSales()).toMatchObject([
    { staff_id: t.cashier.staffId, approved_by: t.manager.staffId },
  ]);
});

it('refuses a no-sale outside a shift and a missing reason, recording nothing', async () => {
  const noShift = await api.noSale({ reason: 'Change' });
  expect(noShift.ok).toBe(false);
  expect(!noShift.ok && noShift.error.kind).toBe('invalid_state');
  expect((await api.openShift({ openingFloatCents: 0 })).ok).toBe(true);
  expect(await api.noSale({ reason: '   ' })).toEqual({
    ok: false,
    error: { kind: 'validation', message: 'Give a reason' },
  });
  expect(await noSales()).toEqual([]);
});
