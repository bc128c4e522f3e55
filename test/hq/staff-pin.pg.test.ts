/**
 * Setting a staff PIN at HQ (issue 12, finding 8): the admin API hashes it at the till's bcrypt
 * cost, refuses a manager's PIN under 6 digits with a clear 400, and the store's tills receive
 * the new hash through the change feed (the new PIN logs in offline, the old one no longer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { demoStaff } from '../../db/seed/chain';
import { pinHashCost, verifyPin } from '../../db/queries/staff';
import {
  eventually,
  openSyncTill,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';
import { runHqAdmin } from './admin-cli';

let hq: TestHq;
let till: TestTillHandle;

beforeAll(async () => {
  hq = await startTestHq();
  till = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

const cli = (args: string[], stdin: string) => runHqAdmin(hq.url, args, stdin);

const manager = () => demoStaff('redmond').find((s) => s.role === 'manager')!;
const cashier = () => demoStaff('redmond').find((s) => s.role === 'cashier')!;
const pinPath = (staffId: string) => `/stores/redmond/staff/${staffId}/pin`;

describe('staff PINs set at HQ', () => {
  it("refuses a manager's PIN under 6 digits and anything but 4 to 8 digits, clearly", async () => {
    const short = await hq.admin<{ error: { kind: string; message: string } }>(
      'PUT',
      pinPath(manager().staffId),
      { pin: '4321' },
    );
    expect(short.status).toBe(400);
    expect(short.body.error).toEqual({
      kind: 'validation',
      message: "A manager's PIN needs at least 6 digits (it approves refunds, voids and discounts)",
    });
    const letters = await hq.admin('PUT', pinPath(cashier().staffId), { pin: '12a4' });
    expect(letters.status).toBe(400);
    const nobody = await hq.admin('PUT', pinPath('0196f000-0000-7000-8000-0000000000ff'), {
      pin: '123456',
    });
    expect(nobody.status).toBe(404);
  });

  it('hashes at cost 11 and the till logs the manager in with the new PIN', async () => {
    const set = await hq.admin<{ data: { version: number; role: string } }>(
      'PUT',
      pinPath(manager().staffId),
      { pin: '97531864' },
    );
    expect(set.status).toBe(200);
    expect(set.body.data.role).toBe('manager');
    const hash = await withTenant(hq.db.pools.app, 'redmond', async (tx) => {
      const { rows } = await tx.query<{ pin_hash: string }>(
        `SELECT pin_hash FROM retail.staff WHERE store_id = 'redmond' AND staff_id = $1`,
        [manager().staffId],
      );
      return rows[0]!.pin_hash;
    });
    expect(pinHashCost(hash)).toBe(11);

    const t = await till.till();
    await eventually(async () => {
      await till.client.syncNow();
      const member = await verifyPin(t.db, {
        storeId: 'redmond',
        staffId: manager().staffId,
        pin: '97531864',
        now: new Date(),
      });
      expect(member.role).toBe('manager');
    });
    await expect(
      verifyPin(t.db, {
        storeId: 'redmond',
        staffId: manager().staffId,
        pin: manager().pin,
        now: new Date(),
      }),
    ).rejects.toThrow(/Wrong PIN for/);
    // A cashier's 4 digits are fine.
    expect((await hq.admin('PUT', pinPath(cashier().staffId), { pin: '8642' })).status).toBe(200);
  });

  it('npm run hq:admin -- staff-pin reads the PIN from stdin and says what went wrong', async () => {
    const short = await cli(['staff-pin', 'redmond', manager().staffId], '1234\n');
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/A manager's PIN needs at least 6 digits/);
    const done = await cli(['staff-pin', 'redmond', manager().staffId], '24681357\n');
    expect(done).toMatchObject({ code: 0 });
    expect(done.stdout).toMatch(/New PIN set for Morgan Lee \(manager\)/);
    expect(done.stdout + done.stderr).not.toContain('24681357');
  });
});
