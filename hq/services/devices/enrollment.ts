/**
 * Devices: the rows enrollment and rebase create, and the lookups they check a retried request
 * and a register's current till with (hq/services/enroll.ts). Part of hq/services/devices/, the
 * only writer of sync.devices (verify.ts says more).
 */
import type { Queryable } from '../../../db/queryable';
import { sha256Hex } from '../credentials';
import type { VerifiedDevice } from './verify';

/** A new device from a redeemed enrollment code (the caller's transaction marks it used). */
export async function insertDevice(
  tx: Queryable,
  device: {
    storeId: string;
    deviceId: string;
    registerId: string;
    secret: string;
    label?: string | undefined;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO sync.devices (store_id, device_id, register_id, secret_hash, label)
     VALUES ($1, $2, $3, $4, $5)`,
    [
      device.storeId,
      device.deviceId,
      device.registerId,
      sha256Hex(device.secret),
      device.label ?? null,
    ],
  );
}

/**
 * A device of the store by ID, whoever's it is (rebase and enrollment check a retried request
 * with it).
 */
export async function findDevice(
  tx: Queryable,
  storeId: string,
  deviceId: string,
): Promise<{ secretHash: string; lastMutationId: number; revoked: boolean } | undefined> {
  const { rows } = await tx.query<{
    secret_hash: string;
    last_mutation_id: number;
    revoked: boolean;
  }>(
    `SELECT secret_hash, last_mutation_id, revoked_at IS NOT NULL AS revoked
       FROM sync.devices WHERE store_id = $1 AND device_id = $2`,
    [storeId, deviceId],
  );
  const row = rows[0];
  return row
    ? {
        secretHash: row.secret_hash,
        lastMutationId: Number(row.last_mutation_id),
        revoked: row.revoked,
      }
    : undefined;
}

/** A till that holds a register: not revoked, not continued by a successor (rebase). */
export interface ActiveDevice {
  deviceId: string;
  enrolledAt: Date;
  lastSeenAt: Date | null;
  /** How many changes the till last said it had not yet sent (null: it never said). */
  reportedPending: number | null;
}

/** The register's active devices (one, unless an older HQ let a second one in). */
export async function activeDevicesOfRegister(
  tx: Queryable,
  options: { storeId: string; registerId: string },
): Promise<ActiveDevice[]> {
  const { rows } = await tx.query<{
    device_id: string;
    enrolled_at: Date;
    last_seen_at: Date | null;
    reported_pending: number | null;
  }>(
    `SELECT device_id, enrolled_at, last_seen_at, reported_pending FROM sync.devices
      WHERE store_id = $1 AND register_id = $2 AND revoked_at IS NULL AND superseded_by IS NULL
      ORDER BY enrolled_at`,
    [options.storeId, options.registerId],
  );
  return rows.map((r) => ({
    deviceId: r.device_id,
    enrolledAt: new Date(r.enrolled_at),
    lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at),
    reportedPending: r.reported_pending === null ? null : Number(r.reported_pending),
  }));
}

/**
 * Rebase: `newDeviceId` continues `device` (same store, register and label) with its counter
 * at `lastMutationId`, and the old device is marked superseded, in the caller's transaction.
 */
export async function continueAsNewDevice(
  tx: Queryable,
  options: { device: VerifiedDevice; newDeviceId: string; secret: string; lastMutationId: number },
): Promise<void> {
  const { device } = options;
  await tx.query(
    `INSERT INTO sync.devices (store_id, device_id, register_id, secret_hash, label, last_mutation_id)
     SELECT store_id, $3, register_id, $4, label, $5 FROM sync.devices
      WHERE store_id = $1 AND device_id = $2`,
    [
      device.storeId,
      device.deviceId,
      options.newDeviceId,
      sha256Hex(options.secret),
      options.lastMutationId,
    ],
  );
  await tx.query(
    `UPDATE sync.devices SET superseded_by = $3 WHERE store_id = $1 AND device_id = $2`,
    [device.storeId, device.deviceId, options.newDeviceId],
  );
}
