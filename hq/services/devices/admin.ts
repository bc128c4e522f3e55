/**
 * Devices: administration — every till's sync health for HQ staff, revoking a till with its
 * whole lineage, and asking a till to download its catalog afresh. Part of hq/services/devices/,
 * the only writer of sync.devices (verify.ts says more).
 */
import type pg from 'pg';
import type { Queryable } from '../../../db/queryable';
import { withTenant } from '../../../db/central/tenant';
import type { DeviceSyncState } from '../../../contract/admin-protocol';
import { notFound } from '../errors';
import { assertStore, listStoreIds } from '../stores';

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
