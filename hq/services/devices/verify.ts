/**
 * Devices: verifying a till's credential against its row, and what HQ takes the till for.
 *
 * hq/services/devices/ is the ONLY code that writes sync.devices. Every other service asks it:
 * enrollment and rebase create rows (enrollment.ts), push advances the mutation counter, pull
 * records the cursor, snapshot clears a resync request (sync-state.ts), administration revokes
 * and requests resyncs (admin.ts); verify.ts checks credentials. (The feed reads the counter
 * inside its page snapshot; reading is not owning.)
 *
 * Every statement runs as edgepos_app inside withTenant for the device's store: the store
 * comes from a verified credential or an authenticated administrator, never from a body.
 */
import type pg from 'pg';
import type { Queryable } from '../../../db/queryable';
import { withTenant } from '../../../db/central/tenant';
import type { DeviceInfo } from '../../../contract/sync-protocol/enrollment';
import { sameHash, sha256Hex, type DeviceCredential } from '../credentials';
import { unauthorized } from '../errors';

/** A device whose credential was verified: the store comes from here and only here. */
export interface VerifiedDevice {
  storeId: string;
  deviceId: string;
  registerId: string;
  lastMutationId: number;
  supersededBy: string | null;
  resyncRequestedAt: Date | null;
  /** The first conflicting mutation ID of the counter conflict HQ last answered, if any. */
  counterConflictId: number | null;
}

interface VerifyRow {
  register_id: string;
  secret_hash: string;
  revoked_at: Date | null;
  superseded_by: string | null;
  last_mutation_id: number;
  resync_requested_at: Date | null;
  counter_conflict_id: number | null;
}

/** Which software a till runs (headers x-edgepos-app and x-edgepos-protocol). */
export interface TillVersion {
  /** Null from tills older than the x-edgepos-app header. */
  app: string | null;
  protocol: number;
}

/** The device row must exist, hold the secret's hash and not be revoked. */
function checkCredential<R extends { secret_hash: string; revoked_at: Date | null }>(
  row: R | undefined,
  credential: DeviceCredential,
): R {
  if (!row || !sameHash(row.secret_hash, sha256Hex(credential.secret))) {
    throw unauthorized();
  }
  if (row.revoked_at !== null) {
    throw unauthorized('This till was revoked at HQ. Ask HQ for a new enrollment code.');
  }
  return row;
}

/**
 * Verify the credential inside the request's tenant transaction (tenant key = the claimed
 * store) and record that the device was seen. The UPDATE takes the device's row lock, so a
 * push holds it until commit: two pushes of one device never interleave.
 */
export async function verifyDevice(
  tx: Queryable,
  credential: DeviceCredential,
  options: {
    pending?: number | undefined;
    version?: TillVersion | undefined;
    touch?: 'push' | 'pull' | 'seen';
  } = {},
): Promise<VerifiedDevice> {
  const touch = options.touch ?? 'seen';
  // The touched column is chosen here, not with CASE ... now() in SQL: a distributed database
  // refuses non-immutable functions inside CASE.
  const stamp =
    touch === 'push' ? ', last_push_at = now()' : touch === 'pull' ? ', last_pull_at = now()' : '';
  const { rows } = await tx.query<VerifyRow>(
    `UPDATE sync.devices
        SET last_seen_at = now(), reported_pending = coalesce($3, reported_pending),
            app_version = coalesce($4, app_version),
            protocol_version = coalesce($5, protocol_version)${stamp}
      WHERE store_id = $1 AND device_id = $2
      RETURNING register_id, secret_hash, revoked_at, superseded_by, last_mutation_id,
                resync_requested_at, counter_conflict_id`,
    [
      credential.storeId,
      credential.deviceId,
      options.pending ?? null,
      options.version?.app ?? null,
      options.version?.protocol ?? null,
    ],
  );
  const row = checkCredential(rows[0], credential);
  return {
    storeId: credential.storeId,
    deviceId: credential.deviceId,
    registerId: row.register_id,
    lastMutationId: Number(row.last_mutation_id),
    supersededBy: row.superseded_by,
    resyncRequestedAt: row.resync_requested_at,
    counterConflictId: row.counter_conflict_id === null ? null : Number(row.counter_conflict_id),
  };
}

/**
 * Whether a credential names a live device of its store: the check HQ makes before it reads a
 * request's body (hq/server/device-auth.ts). Read-only, one indexed lookup; the services then
 * verify again inside their own transaction (verifyDevice), which stays authoritative.
 */
export async function authenticateDevice(
  app: pg.Pool,
  credential: DeviceCredential,
): Promise<void> {
  await withTenant(app, credential.storeId, async (tx) => {
    const { rows } = await tx.query<{ secret_hash: string; revoked_at: Date | null }>(
      `SELECT secret_hash, revoked_at FROM sync.devices WHERE store_id = $1 AND device_id = $2`,
      [credential.storeId, credential.deviceId],
    );
    checkCredential(rows[0], credential);
  });
}

/** GET /v1/device: who HQ takes this credential for, and how far it has applied. */
export async function describeDevice(
  app: pg.Pool,
  credential: DeviceCredential,
  options: { pending?: number | undefined; version?: TillVersion | undefined } = {},
): Promise<DeviceInfo> {
  const device = await withTenant(app, credential.storeId, (tx) =>
    verifyDevice(tx, credential, options),
  );
  return {
    deviceId: device.deviceId,
    storeId: device.storeId,
    registerId: device.registerId,
    lastMutationId: device.lastMutationId,
  };
}
