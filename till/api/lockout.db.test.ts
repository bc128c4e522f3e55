/**
 * PIN lockout per person, not per register (issue 13 item 2), through the till API on a real
 * till database: the person is named first, so five wrong PINs lock that person only; an empty
 * entry is no attempt; a manager can always log in and unlock a locked person; a wrong PIN at
 * an approval prompt counts against the manager named, not the cashier asking.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertStaff } from '../../db/queries/catalog-write';
import { hashPin } from '../../db/queries/staff';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

let t: TestTill;
let api: TillApi;

beforeEach(async () => {
  t = await openTestTill();
  api = apiFor(t);
});
afterEach(async () => {
  await t.close();
});

const other = () => t.staff.find((s) => s.role === 'cashier' && s.staffId !== t.cashier.staffId)!;

async function lockCashier(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const wrong = await api.login({ staffId: t.cashier.staffId, pin: '0000' });
    expect(!wrong.ok && wrong.error.message).toMatch(/^Wrong PIN for Alex Kim \(\d attempt/);
  }
  const fifth = await api.login({ staffId: t.cashier.staffId, pin: '0000' });
  expect(fifth).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  expect(!fifth.ok && fifth.error.message).toBe(
    'Too many wrong PINs: Alex Kim is locked for 5 minutes. A manager can unlock.',
  );
}

describe('PIN lockout per person', () => {
  it('locks only the person whose PIN was wrong: the other cashier and the manager still log in', async () => {
    await lockCashier();
    const locked = await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin });
    expect(!locked.ok && locked.error.message).toMatch(
      /^Alex Kim is locked for \d more minute\(s\) after 5 wrong PINs\. A manager can unlock\.$/,
    );
    expect((await apiFor(t).login({ staffId: other().staffId, pin: other().pin })).ok).toBe(true);
    expect((await apiFor(t).login({ staffId: t.manager.staffId, pin: t.manager.pin })).ok).toBe(
      true,
    );
    const list = await api.staffList();
    expect(list.ok && list.data.map((s) => [s.displayName, s.lockedUntil !== null])).toEqual([
      ['Alex Kim', true],
      ['Morgan Lee', false],
      ['Sam Rivera', false],
    ]);
  });

  it('an empty entry is no attempt (and a login must name the person)', async () => {
    for (let i = 0; i < 8; i++)
      expect(await api.login({ staffId: t.cashier.staffId, pin: i % 2 ? '' : '  ' })).toMatchObject(
        { ok: false, error: { kind: 'validation', message: 'Type your PIN' } },
      );
    for (let i = 0; i < 4; i++)
      expect((await api.login({ staffId: t.cashier.staffId, pin: '0000' })).ok).toBe(false);
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    expect(await apiFor(t).login({ pin: t.cashier.pin } as never)).toMatchObject({
      ok: false,
      error: { kind: 'validation', message: 'Choose who you are' },
    });
  });

  it('a manager unlocks a locked person: with a PIN at the login screen, or logged in', async () => {
    await lockCashier();
    expect(await api.unlockStaff({ staffId: t.cashier.staffId })).toMatchObject({
      ok: false,
      error: { kind: 'approval_required', message: 'Unlocking needs a manager PIN' },
    });
    expect(
      await api.unlockStaff({ staffId: t.cashier.staffId, managerPin: other().pin }),
    ).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    const unlocked = await api.unlockStaff({
      staffId: t.cashier.staffId,
      managerId: t.manager.staffId,
      managerPin: t.manager.pin,
    });
    expect(unlocked).toMatchObject({ ok: true, data: { displayName: 'Alex Kim' } });
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);

    // Locked again; a manager logged in on a connection unlocks without typing a PIN again.
    const again = apiFor(t);
    for (let i = 0; i < 5; i++) await again.login({ staffId: other().staffId, pin: '0000' });
    const manager = apiFor(t);
    expect((await manager.login({ staffId: t.manager.staffId, pin: t.manager.pin })).ok).toBe(true);
    expect((await manager.unlockStaff({ staffId: other().staffId })).ok).toBe(true);
    expect((await again.login({ staffId: other().staffId, pin: other().pin })).ok).toBe(true);
  });

  it('wrong PINs at an approval prompt count against the manager named, never the cashier or another manager', async () => {
    const second = { staffId: '019a0000-0000-7000-8000-00000000beef', pin: '13572468' };
    await upsertStaff(t.store.db, t.till.identity.storeId, [
      {
        staffId: second.staffId,
        displayName: 'Riley Park',
        role: 'manager',
        pinHash: await hashPin(t.store.db, { pin: second.pin, role: 'manager' }),
        isActive: true,
        version: 1,
      },
    ]);
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    // Two managers: an approval must name one.
    expect(await api.verifyManager({ pin: t.manager.pin })).toMatchObject({
      ok: false,
      error: { kind: 'validation', message: 'Choose the approving manager' },
    });
    for (let i = 0; i < 5; i++)
      expect((await api.verifyManager({ managerId: t.manager.staffId, pin: second.pin })).ok).toBe(
        false,
      );
    const lockedManager = await api.verifyManager({
      managerId: t.manager.staffId,
      pin: t.manager.pin,
    });
    expect(!lockedManager.ok && lockedManager.error.message).toMatch(/^Morgan Lee is locked/);
    // The other manager approves; the cashier who asked is not locked.
    expect(await api.verifyManager({ managerId: second.staffId, pin: second.pin })).toMatchObject({
      ok: true,
      data: { displayName: 'Riley Park' },
    });
    expect((await apiFor(t).login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(
      true,
    );
    // A cashier named as approver is refused without counting against them.
    for (let i = 0; i < 6; i++)
      expect(await api.verifyManager({ managerId: other().staffId, pin: '0000' })).toMatchObject({
        ok: false,
        error: { message: 'Sam Rivera is not a manager' },
      });
    expect((await apiFor(t).login({ staffId: other().staffId, pin: other().pin })).ok).toBe(true);
    // And the second manager unlocks the first.
    expect(
      (
        await api.unlockStaff({
          staffId: t.manager.staffId,
          managerId: second.staffId,
          managerPin: second.pin,
        })
      ).ok,
    ).toBe(true);
    expect((await api.verifyManager({ managerId: t.manager.staffId, pin: t.manager.pin })).ok).toBe(
      true,
    );
  });
});
