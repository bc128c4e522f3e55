/**
 * Devices: what the sync exchanges record on a device's row — push's mutation counter and a
 * counter conflict, pull's cursor position, snapshot's answer to a resync request. Part of
 * hq/services/devices/, the only writer of sync.devices (verify.ts says more).
 */
import type pg from 'pg';
import type { Queryable } from '../../../db/queryable';
import { withTenant } from '../../../db/central/tenant';
import type { DeviceCredential } from '../credentials';
import type { VerifiedDevice } from './verify';

/**
 * Push answered mutation_id_conflict: remember it (in its own transaction, since the push's
 * rolls back), so this device may rebase, once. Only an authenticated device gets here.
 */
export async function recordCounterConflict(
  app: pg.Pool,
  credential: DeviceCredential,
  firstConflictingId: number,
): Promise<void> {
  await withTenant(app, credential.storeId, async (tx) => {
    await tx.query(
      `UPDATE sync.devices SET counter_conflict_at = now(), counter_conflict_id = $3
        WHERE store_id = $1 AND device_id = $2 AND revoked_at IS NULL`,
      [credential.storeId, credential.deviceId, firstConflictingId],
    );
  });
}

/** Push: HQ has applied the device's mutations up to `lastMutationId` (same transaction). */
export async function advanceMutationCounter(
  tx: Queryable,
  device: VerifiedDevice,
  lastMutationId: number,
): Promise<void> {
  await tx.query(
    `UPDATE sync.devices SET last_mutation_id = $3 WHERE store_id = $1 AND device_id = $2`,
    [device.storeId, device.deviceId, lastMutationId],
  );
}

/** Pull: where the device's cursor stands (administrators see the feed lag from it). */
export async function recordPullPosition(
  tx: Queryable,
  device: VerifiedDevice,
  position: { seq: number },
): Promise<void> {
  await tx.query(`UPDATE sync.devices SET pull_seq = $3 WHERE store_id = $1 AND device_id = $2`, [
    device.storeId,
    device.deviceId,
    position.seq,
  ]);
}

/** Snapshot: a download from the start answers an administrator's resync request. */
export async function clearResyncRequest(tx: Queryable, device: VerifiedDevice): Promise<void> {
  await tx.query(
    `UPDATE sync.devices SET resync_requested_at = NULL WHERE store_id = $1 AND device_id = $2`,
    [device.storeId, device.deviceId],
  );
}
