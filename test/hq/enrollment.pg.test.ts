/**
 * One device per register, and enrollment that a lost answer cannot burn (issue 11, item 4).
 *
 * Reported: `npm run web` printed a fresh enrollment link for an already enrolled register on
 * every start; opening it twice enrolled a second R02 beside the first, and both issued the
 * same receipt numbers. And a till whose enrollment answer was lost retried with its code and
 * was refused (the code was used). Real HQ on the run's PostgreSQL, real PGlite tills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSyncState } from '../../contract/admin-protocol';
import { makeTempDir } from '../fixtures/till';
import { startFaultProxy, type FaultProxy } from '../sync/fault-proxy';
import {
  addRegister,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';

let hq: TestHq;
const tills: TestTillHandle[] = [];
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  hq = await startTestHq();
});

afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  for (const p of proxies) await p.close();
  await hq?.close();
});

async function till(
  registerId: string,
  options: { code?: string; url?: string } = {},
): Promise<TestTillHandle> {
  const t = await openSyncTill({
    url: options.url ?? hq.url,
    code: options.code ?? (await hq.code('seattle', registerId)),
    storeId: 'seattle',
  });
  tills.push(t);
  return t;
}

function send(path: string, body: unknown, credential?: string): Promise<Response> {
  return fetch(`${hq.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-edgepos-protocol': '1',
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function devicesOf(registerId: string): Promise<DeviceSyncState[]> {
  const listed = await hq.admin<{ data: { devices: DeviceSyncState[] } }>(
    'GET',
    '/devices?storeId=seattle',
  );
  return listed.body.data.devices.filter((d) => d.registerId === registerId);
}

const active = (devices: DeviceSyncState[]): DeviceSyncState[] =>
  devices.filter((d) => d.revokedAt === null && d.supersededBy === null);

async function tokenOf(t: TestTillHandle): Promise<string> {
  const { rows } = await t.store.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
  return rows[0]!.token;
}

const receiptSeq = (receiptNumber: string): number => Number(/(\d+)$/.exec(receiptNumber)![1]);

const secret = (c: string): string => c.repeat(43);

describe('one device per register', () => {
  it('refuses a second till for an enrolled register, with a sentence that says what to do', async () => {
    await addRegister(hq, 'seattle', 'R21');
    // Two codes made before anyone enrolled (what two starts of `npm run web` did).
    const first = await hq.code('seattle', 'R21');
    const second = await hq.code('seattle', 'R21');
    await till('R21', { code: first });

    const dir = await makeTempDir('edge-pos-till-');
    const other = await openSyncTill({ url: hq.url, storeId: 'seattle', dir, start: false });
    tills.push(other);
    const refused = await other.client
      .enroll({ hqUrl: hq.url, code: second })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/R21 of store seattle already has an active till/);
    expect((refused as Error).message).toMatch(/code seattle R21 --replace/);
    expect((await other.client.status()).enrolled).toBe(false);

    // Nor does HQ hand out a code for it any more.
    const code = await hq.admin<{ ok: boolean; error: { message: string } }>(
      'POST',
      '/enrollment-codes',
      { storeId: 'seattle', registerId: 'R21' },
    );
    expect(code.status).toBe(409);
    expect(code.body.error.message).toMatch(/already has an active till/);
    expect(active(await devicesOf('R21'))).toHaveLength(1);
  });

  it('two codes redeemed at once enroll one till', async () => {
    await addRegister(hq, 'seattle', 'R22');
    const codes = [await hq.code('seattle', 'R22'), await hq.code('seattle', 'R22')];
    const answers = await Promise.all(
      codes.map((code, i) => send('/v1/enroll', { code, secret: secret(String(i)) })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(active(await devicesOf('R22'))).toHaveLength(1);
  });

  it('replaces explicitly: the old till is revoked and numbering continues past both', async () => {
    await addRegister(hq, 'seattle', 'R23');
    const old = await till('R23');
    await ringSale(old);
    await ringSale(old);
    await old.client.syncNow();
    const oldToken = await tokenOf(old);
    await old.client.stop();
    // The old till's last word: one change it has not sent (a sale HQ will never see).
    const report = await fetch(`${hq.url}/v1/device`, {
      headers: {
        'x-edgepos-protocol': '1',
        authorization: `Bearer ${oldToken}`,
        'x-edgepos-pending': '1',
      },
    });
    expect(report.status).toBe(200);

    const created = await hq.admin<{ data: { code: string } }>('POST', '/enrollment-codes', {
      storeId: 'seattle',
      registerId: 'R23',
      replace: true,
    });
    expect(created.status).toBe(200);
    const replacement = await till('R23', { code: created.body.data.code });
    const sale = await ringSale(replacement);
    // HQ holds receipts 1 and 2; the old till may have issued a 3rd it never sent.
    expect(receiptSeq(sale.receipt.receiptNumber)).toBe(4);

    expect((await send('/v1/device', undefined, oldToken)).status).toBe(401);
    const devices = await devicesOf('R23');
    expect(active(devices).map((d) => d.deviceId)).toEqual([
      (await tokenOf(replacement)).split('.')[1],
    ]);
    expect(devices.find((d) => d.deviceId === oldToken.split('.')[1])?.revokedReason).toMatch(
      /Replaced by a new till/,
    );
  });
});

describe('enrollment is idempotent', () => {
  it('the same code and secret again get the same answer; anyone else is refused', async () => {
    await addRegister(hq, 'seattle', 'R24');
    const code = await hq.code('seattle', 'R24');
    const first = await send('/v1/enroll', { code, secret: secret('a') });
    expect(first.status).toBe(200);
    const again = await send('/v1/enroll', { code, secret: secret('a') });
    expect(again.status).toBe(200);
    const [a, b] = [
      (await first.json()) as { data: unknown },
      (await again.json()) as { data: unknown },
    ];
    expect(b.data).toEqual(a.data);
    expect((await send('/v1/enroll', { code, secret: secret('b') })).status).toBe(403);
    expect((await send('/v1/enroll', { code })).status).toBe(403);
    expect(active(await devicesOf('R24'))).toHaveLength(1);
  });

  it('a lost answer does not burn the code, even across a restart of the till', async () => {
    await addRegister(hq, 'seattle', 'R25');
    const code = await hq.code('seattle', 'R25');
    const proxy = await startFaultProxy({ target: hq.url, seed: 25 });
    proxies.push(proxy);
    proxy.script({ fault: 'drop_response', path: '/v1/enroll' });
    const dir = await makeTempDir('edge-pos-till-');
    const first = await openSyncTill({ url: proxy.url, storeId: 'seattle', dir, start: false });
    const lost = await first.client.enroll({ hqUrl: proxy.url, code }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    // HQ committed the device the till never heard about.
    expect(active(await devicesOf('R25'))).toHaveLength(1);
    await first.close({ keepDir: true });

    const reopened = await openSyncTill({ url: proxy.url, storeId: 'seattle', dir, start: false });
    tills.push(reopened);
    const enrolled = await reopened.client.enroll({ hqUrl: proxy.url, code });
    const devices = active(await devicesOf('R25'));
    expect(devices.map((d) => d.deviceId)).toEqual([enrolled.deviceId]);
    await ringSale(reopened);
    await reopened.client.syncNow();
    expect((await reopened.client.status()).pendingCount).toBe(0);
    const { rows } = await reopened.store.db.query(`SELECT * FROM pos.pending_enrollment`);
    expect(rows).toEqual([]);
  });
});
