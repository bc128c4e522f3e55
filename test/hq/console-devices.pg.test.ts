/**
 * Tills & sync in the console (issue 14, item 4) against a real HQ on PostgreSQL: a till that
 * enrolled and synced is listed with the app version and sync protocol it reported, when HQ
 * last heard from it, its reported unsent changes and its lag behind the catalog feed, with
 * HQ's clock; a till of an older app (no x-edgepos-app header) keeps showing no version; a
 * store manager sees only their stores' tills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleDeviceList } from '../../contract/console-devices';
import { APP_VERSION, PROTOCOL_VERSION } from '../../contract/sync-protocol/wire';
import {
  CONSOLE_ADMIN,
  eventually,
  openSyncTill,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';
import { ConsoleClient } from './console-client';

let hq: TestHq;
let till: TestTillHandle;
let admin: ConsoleClient;

beforeAll(async () => {
  hq = await startTestHq({ seed: { products: 20, customers: 10, sales: 0 } });
  till = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
  admin = new ConsoleClient(hq.url);
  expect((await admin.signIn(CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).status).toBe(200);
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

const deviceIdOf = async (t: TestTillHandle): Promise<string> => {
  const { rows } = await t.store.db.query<{ device_id: string }>(
    'SELECT device_id FROM pos.sync_device',
  );
  return rows[0]!.device_id;
};

describe('tills and sync health', () => {
  it('lists each till with the version it runs, when it was seen, unsent and lag, by HQ clock', async () => {
    const deviceId = await deviceIdOf(till);
    const row = await eventually(async () => {
      const list = await admin.data<ConsoleDeviceList>('GET', '/devices');
      const found = list.devices.find((d) => d.deviceId === deviceId);
      if (!found?.appVersion || !found.lastPullAt) throw new Error('the till has not pulled yet');
      return { list, found };
    });
    expect(row.found).toMatchObject({
      storeId: 'redmond',
      appVersion: APP_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      revokedAt: null,
    });
    expect(row.found.reportedPending).not.toBeNull();
    expect(row.found.cursorLag).not.toBeNull();
    expect(Math.abs(Date.parse(row.list.now) - Date.now())).toBeLessThan(60_000);
    expect(Date.parse(row.found.lastSeenAt!)).toBeLessThanOrEqual(Date.parse(row.list.now));

    // A request from an app older than the header leaves what HQ recorded as it was.
    const { rows } = await till.store.db.query<{ token: string }>(
      'SELECT token FROM pos.sync_device',
    );
    const answer = await fetch(`${hq.url}/v1/device`, {
      headers: { 'x-edgepos-protocol': '1', authorization: `Bearer ${rows[0]!.token}` },
    });
    expect(answer.status).toBe(200);
    const again = await admin.data<ConsoleDeviceList>('GET', '/devices?storeId=redmond');
    expect(again.devices.find((d) => d.deviceId === deviceId)?.appVersion).toBe(APP_VERSION);
  });

  it("shows a store manager only their stores' tills", async () => {
    await admin.data('POST', '/users', {
      email: 'seattle-devices@test.local',
      displayName: 'Seattle manager',
      role: 'manager',
      storeIds: ['seattle'],
      password: 'a long enough password',
    });
    const manager = new ConsoleClient(hq.url);
    expect(
      (await manager.signIn('seattle-devices@test.local', 'a long enough password')).status,
    ).toBe(200);
    const list = await manager.data<ConsoleDeviceList>('GET', '/devices');
    expect(list.devices.every((d) => d.storeId === 'seattle')).toBe(true);
    expect(list.devices.find((d) => d.storeId === 'redmond')).toBeUndefined();
    expect((await manager.call('GET', '/devices?storeId=redmond')).status).toBe(403);
  });
});
