/**
 * Security (issue 12, finding 5): a stolen credential does not outlive revocation. With a
 * stolen credential an attacker could call /v1/rebase to mint a successor device with a
 * secret of their own; revoking the stolen device left the successor working. Now a rebase is
 * possible only after HQ itself answered a counter conflict, only once per device, every
 * rebase shows in the administrators' device listing, and revoking any device of a lineage
 * revokes all of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids';
import type { DeviceSyncState } from '../../contract/admin-protocol';
import { addRegister, openSyncTill, ringSale, startTestHq, type TestHq } from '../sync/harness';

let hq: TestHq;

beforeAll(async () => {
  hq = await startTestHq();
});

afterAll(async () => {
  await hq?.close();
});

function send(path: string, credential: string, body?: unknown): Promise<Response> {
  return fetch(`${hq.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-edgepos-protocol': '1',
      authorization: `Bearer ${credential}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A till that synced one sale; its credential is what a thief would copy. */
async function enrolledTill(registerId: string): Promise<{ token: string; deviceId: string }> {
  await addRegister(hq, 'seattle', registerId);
  const till = await openSyncTill({
    url: hq.url,
    code: await hq.code('seattle', registerId),
    storeId: 'seattle',
  });
  await ringSale(till);
  await till.client.syncNow();
  const { rows } = await till.store.db.query<{ token: string; device_id: string }>(
    `SELECT token, device_id FROM pos.sync_device`,
  );
  await till.close();
  return { token: rows[0]!.token, deviceId: rows[0]!.device_id };
}

function rebaseRequest(fromMutationId = 1) {
  return { newDeviceId: newId(), newSecret: 'B'.repeat(43), fromMutationId };
}

async function devices(): Promise<DeviceSyncState[]> {
  const r = await hq.admin<{ data: { devices: DeviceSyncState[] } }>(
    'GET',
    '/devices?storeId=seattle',
  );
  return r.body.data.devices;
}

/** Mutation 1 again with other content: what a till whose counter went backwards sends. */
async function provokeConflict(token: string): Promise<void> {
  const other = {
    mutationId: 1,
    type: 'customer.created',
    payload: {
      customerId: newId(),
      firstName: 'Other',
      lastName: 'Content',
      email: null,
      phone: null,
      createdAt: new Date().toISOString(),
    },
  };
  const r = await send('/v1/push', token, { mutations: [other] });
  expect(r.status).toBe(409);
  expect(((await r.json()) as { error: { kind: string } }).error.kind).toBe('mutation_id_conflict');
}

describe('rebase', () => {
  it('is refused to a credential whose device had no counter conflict at HQ', async () => {
    const stolen = await enrolledTill('R11');
    const r = await send('/v1/rebase', stolen.token, rebaseRequest());
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(
      /no mutation counter conflict/,
    );
    expect((await devices()).filter((d) => d.rebasedFrom === stolen.deviceId)).toEqual([]);
  });

  it('is allowed once after a real conflict, and the lineage shows in the device listing', async () => {
    const till = await enrolledTill('R12');
    await provokeConflict(till.token);
    const first = rebaseRequest();
    const r = await send('/v1/rebase', till.token, first);
    expect(r.status).toBe(200);
    // The same request again is the same answer (a till retrying a lost answer)...
    expect((await send('/v1/rebase', till.token, first)).status).toBe(200);
    // ...but a second successor is refused.
    expect((await send('/v1/rebase', till.token, rebaseRequest())).status).toBe(409);
    const listed = await devices();
    const successor = listed.find((d) => d.deviceId === first.newDeviceId);
    expect(successor?.rebasedFrom).toBe(till.deviceId);
    const original = listed.find((d) => d.deviceId === till.deviceId);
    expect(original?.supersededBy).toBe(first.newDeviceId);
    expect(original?.counterConflictAt).not.toBeNull();
  });
});

describe('revocation', () => {
  it('covers the successor a stolen credential minted, and the devices before it', async () => {
    const stolen = await enrolledTill('R13');
    // The thief provokes the conflict and rebases to a secret of their own.
    await provokeConflict(stolen.token);
    const minted = rebaseRequest();
    const r = await send('/v1/rebase', stolen.token, minted);
    expect(r.status).toBe(200);
    const mintedToken = ((await r.json()) as { data: { token: string } }).data.token;
    expect((await send('/v1/device', mintedToken)).status).toBe(200);

    // HQ staff see the rebase and revoke the device they know.
    const revoke = await hq.admin<{ data: { devices: string[] } }>(
      'POST',
      `/stores/seattle/devices/${stolen.deviceId}/revoke`,
      { reason: 'credential stolen' },
    );
    expect(revoke.status).toBe(200);
    expect(revoke.body.data.devices.sort()).toEqual([stolen.deviceId, minted.newDeviceId].sort());
    for (const credential of [mintedToken, stolen.token]) {
      const answer = await send('/v1/device', credential);
      expect(answer.status).toBe(401);
      expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(
        /revoked/,
      );
    }
    const listed = await devices();
    expect(listed.find((d) => d.deviceId === minted.newDeviceId)?.revokedAt).not.toBeNull();
  });

  it('of the successor revokes its predecessor too', async () => {
    const till = await enrolledTill('R14');
    await provokeConflict(till.token);
    const next = rebaseRequest();
    expect((await send('/v1/rebase', till.token, next)).status).toBe(200);
    expect(
      (
        await hq.admin('POST', `/stores/seattle/devices/${next.newDeviceId}/revoke`, {
          reason: 'lost',
        })
      ).status,
    ).toBe(200);
    // The old credential could otherwise still retry its rebase or read the store.
    expect((await send('/v1/device', till.token)).status).toBe(401);
    expect((await send('/v1/rebase', till.token, next)).status).toBe(401);
  });
});
