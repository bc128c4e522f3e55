/**
 * Devices: the ONLY module that writes sync.devices. Every other service asks it: enrollment
 * and rebase create rows, push advances the mutation counter, pull records the cursor,
 * snapshot clears a resync request, administration revokes and requests resyncs. (The feed
 * reads the counter inside its page snapshot; reading is not owning.)
 *
 * Every statement runs as edgepos_app inside withTenant for the device's store: the store
 * comes from a verified credential or an authenticated administrator, never from a body.
 */
import type pg from 'pg';
import type { Queryable } from '../../db/queryable';
import { withTenant } from '../../db/central/tenant';
import type { DeviceSyncState } from '../../contract/admin-protocol';
import type { DeviceInfo } from '../../contract/sync-protocol/enrollment';
import { sameHash, sha256Hex, type DeviceCredential } from './credentials';
import { notFound, unauthorized } from './errors';
import { assertStore, listStoreIds } from './stores';

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

// ---------------------------------------------------------------------------------------
// Administration
// ---------------------------------------------------------------------------------------

interface DeviceRow {
  store_id: string;
  device_id: string;
  register_id: string;
  label: string | null;
  enrolled_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  superseded_by: string | null;
  last_seen_at: Date | null;
  last_push_at: Date | null;
  last_pull_at: Date | null;
  last_mutation_id: number;
  rejected: number;
  reported_pending: number | null;
  app_version: string | null;
  protocol_version: number | null;
  lag: number | null;
  resync_requested_at: Date | null;
  rebased_from: string | null;
  counter_conflict_at: Date | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

export async function listDevices(
  app: pg.Pool,
  options: { storeId?: string | undefined } = {},
): Promise<DeviceSyncState[]> {
  const stores = options.storeId ? [options.storeId] : await listStoreIds(app);
  const out: DeviceSyncState[] = [];
  for (const storeId of stores) {
    const rows = await withTenant(app, storeId, async (tx) => {
      const result = await tx.query<DeviceRow>(
        `SELECT d.*,
                (SELECT p.device_id FROM sync.devices p
                  WHERE p.store_id = d.store_id AND p.superseded_by = d.device_id) AS rebased_from,
                (SELECT count(*)::int FROM sync.mutation_log m
                  WHERE m.store_id = d.store_id AND m.device_id = d.device_id
                    AND m.status = 'rejected') AS rejected,
                (SELECT f.last_seq - d.pull_seq FROM sync.feed_state f
                  WHERE f.store_id = d.store_id) AS lag
           FROM sync.devices d WHERE d.store_id = $1
          ORDER BY d.register_id, d.enrolled_at`,
        [storeId],
      );
      return result.rows;
    });
    for (const r of rows) {
      out.push({
        storeId: r.store_id,
        deviceId: r.device_id,
        registerId: r.register_id,
        label: r.label,
        enrolledAt: new Date(r.enrolled_at).toISOString(),
        revokedAt: iso(r.revoked_at),
        revokedReason: r.revoked_reason,
        supersededBy: r.superseded_by,
        lastSeenAt: iso(r.last_seen_at),
        lastPushAt: iso(r.last_push_at),
        lastPullAt: iso(r.last_pull_at),
        lastMutationId: Number(r.last_mutation_id),
        rejectedCount: Number(r.rejected),
        reportedPending: r.reported_pending === null ? null : Number(r.reported_pending),
        cursorLag: r.lag === null ? null : Number(r.lag),
        resyncRequestedAt: iso(r.resync_requested_at),
        rebasedFrom: r.rebased_from,
        counterConflictAt: iso(r.counter_conflict_at),
        appVersion: r.app_version,
        protocolVersion: r.protocol_version === null ? null : Number(r.protocol_version),
      });
    }
  }
  return out;
}

/**
 * Revoke a device and its whole lineage: every device it continued and every device that
 * continues it (rebase), so a stolen credential cannot live on as a successor it minted.
 * Repeated until a pass finds nothing new: a rebase committing while we revoke adds a
 * successor the first pass could not see, and the next pass (a new statement, a new snapshot
 * under READ COMMITTED) revokes it. A rebase needs a live device, so the chain cannot grow
 * once every member is revoked.
 */
export async function revokeDevice(
  app: pg.Pool,
  options: {
    storeId: string;
    deviceId: string;
    reason: string;
    /** Runs in the revoking transaction (the console's audit entry). */
    audit?: ((tx: Queryable) => Promise<void>) | undefined;
  },
): Promise<{ revoked: string[] }> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const result = await revokeLineage(tx, options);
    await options.audit?.(tx);
    return result;
  });
}

/** revokeDevice in the caller's transaction (enrollment replacing a register's till uses it). */
export async function revokeLineage(
  tx: Queryable,
  options: { storeId: string; deviceId: string; reason: string },
): Promise<{ revoked: string[] }> {
  const revoked: string[] = [];
  for (let pass = 0; pass < 100; pass++) {
    // The store's lineage links, walked here rather than by a recursive CTE: plain statements
    // on one store, which a Citus cluster routes to the store's shard. Locked, so a rebase in
    // flight finishes first; a successor it created is found by the next pass.
    const { rows: links } = await tx.query<{ device_id: string; superseded_by: string | null }>(
      `SELECT device_id, superseded_by FROM sync.devices WHERE store_id = $1 FOR UPDATE`,
      [options.storeId],
    );
    if (pass === 0 && !links.some((l) => l.device_id === options.deviceId)) {
      throw notFound(`Store ${options.storeId} has no device ${options.deviceId}`);
    }
    const lineage = new Set([options.deviceId]);
    for (let grew = true; grew;) {
      grew = false;
      for (const { device_id: id, superseded_by: next } of links) {
        // A link with one end in the lineage brings in the other.
        if (next !== null && lineage.has(id) !== lineage.has(next)) {
          lineage.add(id);
          lineage.add(next);
          grew = true;
        }
      }
    }
    // A device revoked before keeps its first revocation (time and reason).
    const { rows } = await tx.query<{ device_id: string }>(
      `UPDATE sync.devices SET revoked_at = now(), revoked_reason = $3
        WHERE store_id = $1 AND device_id = ANY($2::uuid[]) AND revoked_at IS NULL
        RETURNING device_id`,
      [options.storeId, [...lineage], options.reason],
    );
    if (rows.length === 0) break;
    revoked.push(...rows.map((r) => r.device_id));
  }
  return { revoked };
}

/** The till downloads its catalog afresh at its next pull (its pending sales stay queued). */
export async function requestResync(
  app: pg.Pool,
  options: { storeId: string; deviceId: string },
): Promise<void> {
  await assertStore(app, options.storeId);
  await withTenant(app, options.storeId, async (tx) => {
    const result = await tx.query(
      `UPDATE sync.devices SET resync_requested_at = now() WHERE store_id = $1 AND device_id = $2`,
      [options.storeId, options.deviceId],
    );
    if (!result.affectedRows) {
      throw notFound(`Store ${options.storeId} has no device ${options.deviceId}`);
    }
  });
}
