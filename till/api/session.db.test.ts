/** The till API's session: nothing before login, PIN lockout, one session per connection. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('till API session', () => {
  it('refuses work before login and after five wrong PINs, with clear messages', async () => {
    const info = await api.info();
    expect(info.ok && info.data.phase).toBe('ready');
    const before = await api.commitSale({
      transactionId: t.till.ids(),
      cart: { lines: [] },
      tenders: [{ type: 'cash', tenderedCents: 100 }],
    });
    expect(before).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', message: 'Log in with your PIN first' },
    });
    for (let i = 0; i < 4; i++)
      expect((await api.login({ staffId: t.cashier.staffId, pin: '0000' })).ok).toBe(false);
    const fifth = await api.login({ staffId: t.cashier.staffId, pin: '0000' });
    expect(fifth).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(!fifth.ok && fifth.error.message).toMatch(/Too many wrong PINs/);
    const locked = await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin });
    expect(!locked.ok && locked.error.message).toMatch(/is locked for/);
  });

  it('keeps one login per connection: another window is not logged in, logout ends it', async () => {
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    const other = apiFor(t);
    expect(await other.listHeld()).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await api.listHeld()).toMatchObject({ ok: true, data: [] });
    const info = await api.info();
    expect(info.ok && info.data.staff?.staffId).toBe(t.cashier.staffId);
    expect((await api.logout()).ok).toBe(true);
    expect(await api.listHeld()).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('asks a cashier closing the shift for a manager PIN, and takes a manager as is', async () => {
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    expect((await api.openShift({ openingFloatCents: 0 })).ok).toBe(true);
    expect(await api.closeShift({ countedCashCents: 0 })).toMatchObject({
      ok: false,
      error: { kind: 'approval_required', message: 'Closing the shift needs a manager PIN' },
    });
    expect(await api.closeShift({ countedCashCents: 0, managerPin: t.cashier.pin })).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    const manager = apiFor(t);
    expect((await manager.login({ staffId: t.manager.staffId, pin: t.manager.pin })).ok).toBe(true);
    const z = await manager.closeShift({ countedCashCents: 0 });
    expect(z.ok && z.data.zNumber).toBe(1);
  });
});
