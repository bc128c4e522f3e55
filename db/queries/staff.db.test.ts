/**
 * Staff PIN hashes on a real till database (issue 12, finding 8): the work factor of every hash
 * we write, longer PINs for managers wherever a PIN is set, and old hashes that keep working and
 * are upgraded at the next successful login.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../seed/chain';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { MIN_MANAGER_PIN_DIGITS, PIN_HASH_COST, hashPin, pinHashCost, verifyPin } from './staff';
import { ErrorKind } from '../errors';

let t: TestTill;

beforeEach(async () => {
  t = await openTestTill();
});
afterEach(async () => {
  await t.close();
});

async function storedHash(staffId: string): Promise<string> {
  const { rows } = await t.store.db.query<{ pin_hash: string }>(
    `SELECT pin_hash FROM retail.staff WHERE staff_id = $1`,
    [staffId],
  );
  return rows[0]!.pin_hash;
}

describe('staff PIN hashes', () => {
  it('are written at the chosen bcrypt cost (11), the seeded ones included', async () => {
    expect(PIN_HASH_COST).toBe(11);
    const hash = await hashPin(t.store.db, { pin: '4821', role: 'cashier' });
    expect(hash).toMatch(/^\$2a\$11\$/);
    expect(pinHashCost(hash)).toBe(11);
    for (const s of t.staff) expect(pinHashCost(await storedHash(s.staffId))).toBe(11);
  });

  it("refuses a manager's PIN shorter than six digits, with a clear error, and takes a cashier's", async () => {
    expect(MIN_MANAGER_PIN_DIGITS).toBe(6);
    await expect(hashPin(t.store.db, { pin: '9999', role: 'manager' })).rejects.toMatchObject({
      kind: ErrorKind.validation,
      message: "A manager's PIN needs at least 6 digits (it approves refunds, voids and discounts)",
    });
    await expect(hashPin(t.store.db, { pin: '12345', role: 'manager' })).rejects.toThrow(
      /at least 6 digits/,
    );
    await expect(hashPin(t.store.db, { pin: '12a4', role: 'cashier' })).rejects.toThrow(
      'A PIN is 4 to 8 digits',
    );
    expect(await hashPin(t.store.db, { pin: '246810', role: 'manager' })).toMatch(/^\$2a\$11\$/);
    expect(await hashPin(t.store.db, { pin: '1111', role: 'cashier' })).toMatch(/^\$2a\$11\$/);
  });

  it('the demo manager PIN is at least six digits, the cashiers keep four', () => {
    for (const s of DEMO_STAFF)
      expect(s.pin.length).toBeGreaterThanOrEqual(s.role === 'manager' ? 6 : 4);
  });

  it('an older, cheaper hash still logs in and is rehashed at the chosen cost; a wrong PIN changes nothing', async () => {
    const { rows } = await t.store.db.query<{ hash: string }>(
      `SELECT crypt($1, gen_salt('bf', 8)) AS hash`,
      [t.cashier.pin],
    );
    const old = rows[0]!.hash;
    await t.store.db.query(`UPDATE retail.staff SET pin_hash = $2 WHERE staff_id = $1`, [
      t.cashier.staffId,
      old,
    ]);
    const now = t.till.clock.now();
    const storeId = t.till.identity.storeId;
    await expect(
      verifyPin(t.store.db, { storeId, staffId: t.cashier.staffId, pin: '4444', now }),
    ).rejects.toMatchObject({ kind: ErrorKind.forbidden });
    expect(await storedHash(t.cashier.staffId)).toBe(old);

    const member = await verifyPin(t.store.db, {
      storeId,
      staffId: t.cashier.staffId,
      pin: t.cashier.pin,
      now,
    });
    expect(member.staffId).toBe(t.cashier.staffId);
    const upgraded = await storedHash(t.cashier.staffId);
    expect(pinHashCost(upgraded)).toBe(11);
    expect(upgraded).not.toBe(old);
    // The upgraded hash is the same PIN, and the sync version is unchanged (HQ's edits win).
    expect(
      (
        await verifyPin(t.store.db, {
          storeId,
          staffId: t.cashier.staffId,
          pin: t.cashier.pin,
          now,
        })
      ).staffId,
    ).toBe(t.cashier.staffId);
    const { rows: v } = await t.store.db.query<{ version: string }>(
      `SELECT version::text FROM retail.staff WHERE staff_id = $1`,
      [t.cashier.staffId],
    );
    expect(v[0]!.version).toBe('1');
  });
});
