/**
 * Enrollment: HQ staff create a one-time, expiring code for a store and register; a till
 * exchanges it for its own device credential. Rebase: a till whose mutation counter went
 * backwards continues as a new device (see push.ts and docs/sync-protocol.md).
 *
 * Every statement runs as edgepos_app inside withTenant for the store the code or credential
 * is bound to.
 */
import type pg from 'pg';
import { v4 as uuidv4 } from 'uuid';
import type { Queryable } from '../../db/queryable';
import { withTenant } from '../../db/central/tenant';
import type { EnrollmentCodeCreated } from '../../contract/admin-protocol';
import type {
  EnrollResult,
  RebaseResult,
  RegisterCounters,
  StoreEntity,
} from '../../contract/sync-protocol';
import {
  deviceToken,
  newEnrollmentSecret,
  newSecret,
  sameHash,
  sha256Hex,
  splitEnrollmentCode,
  type DeviceCredential,
} from './credentials';
import { continueAsNewDevice, findDevice, insertDevice, verifyDevice } from './devices';
import { ENTITY_SPECS } from './entities';
import { ensureFeedState } from './feed';
import { badRequest, conflict, forbidden, notFound } from './errors';

export const DEFAULT_CODE_TTL_MINUTES = 60;

export async function createEnrollmentCode(
  app: pg.Pool,
  options: {
    storeId: string;
    registerId: string;
    ttlMinutes?: number | undefined;
    label?: string | undefined;
  },
): Promise<EnrollmentCodeCreated> {
  const secret = newEnrollmentSecret();
  const ttl = options.ttlMinutes ?? DEFAULT_CODE_TTL_MINUTES;
  return withTenant(app, options.storeId, async (tx) => {
    const store = await tx.query(`SELECT 1 FROM retail.stores WHERE store_id = $1`, [
      options.storeId,
    ]);
    if (store.rows.length === 0) throw notFound(`There is no store ${options.storeId}`);
    const register = await tx.query(
      `SELECT is_active FROM retail.registers WHERE store_id = $1 AND register_id = $2`,
      [options.storeId, options.registerId],
    );
    if (register.rows.length === 0) {
      throw notFound(`Store ${options.storeId} has no register ${options.registerId}`);
    }
    const { rows } = await tx.query<{ expires_at: Date }>(
      `INSERT INTO sync.enrollment_codes (store_id, code_hash, register_id, label, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))
       RETURNING expires_at`,
      [options.storeId, sha256Hex(secret), options.registerId, options.label ?? null, ttl],
    );
    await ensureFeedState(tx, options.storeId);
    return {
      code: `${options.storeId}.${secret}`,
      storeId: options.storeId,
      registerId: options.registerId,
      expiresAt: new Date(rows[0]!.expires_at).toISOString(),
    };
  });
}

/** The register's highest receipt sequence and Z number at HQ. */
async function registerCounters(
  tx: Queryable,
  storeId: string,
  registerId: string,
): Promise<RegisterCounters> {
  const { rows } = await tx.query<{ receipt_seq: number; z_number: number }>(
    `SELECT (SELECT coalesce(max(receipt_seq), 0) FROM retail.sales_transaction_ids
              WHERE store_id = $1 AND register_id = $2) AS receipt_seq,
            (SELECT coalesce(max(z_number), 0) FROM retail.z_reports
              WHERE store_id = $1 AND register_id = $2) AS z_number`,
    [storeId, registerId],
  );
  return {
    receiptSeq: Number(rows[0]?.receipt_seq ?? 0),
    zNumber: Number(rows[0]?.z_number ?? 0),
  };
}

async function readStore(tx: Queryable, storeId: string): Promise<StoreEntity> {
  const spec = ENTITY_SPECS.find((s) => s.entity === 'store')!;
  const { rows } = await tx.query<{ j: StoreEntity }>(
    `SELECT ${spec.json} AS j FROM retail.stores t WHERE t.store_id = $1`,
    [storeId],
  );
  const store = rows[0]?.j;
  if (!store) throw notFound(`There is no store ${storeId}`);
  return store;
}

/** One-time: the code is marked used in the same transaction that creates the device. */
export async function redeemEnrollmentCode(
  app: pg.Pool,
  options: { code: string; label?: string | undefined },
): Promise<EnrollResult> {
  const { storeId, secret } = splitEnrollmentCode(options.code);
  const invalid = forbidden(
    'This enrollment code is not valid: it is unknown, already used or expired. Ask HQ for a new one.',
  );
  return withTenant(app, storeId, async (tx) => {
    const { rows } = await tx.query<{ register_id: string; usable: boolean }>(
      `SELECT register_id, (used_at IS NULL AND expires_at > now()) AS usable
         FROM sync.enrollment_codes
        WHERE store_id = $1 AND code_hash = $2
        FOR UPDATE`,
      [storeId, sha256Hex(secret)],
    );
    const code = rows[0];
    if (!code?.usable) throw invalid;
    const deviceId = uuidv4();
    const deviceSecret = newSecret();
    await insertDevice(tx, {
      storeId,
      deviceId,
      registerId: code.register_id,
      secret: deviceSecret,
      label: options.label,
    });
    await tx.query(
      `UPDATE sync.enrollment_codes SET used_at = now(), device_id = $3
        WHERE store_id = $1 AND code_hash = $2`,
      [storeId, sha256Hex(secret), deviceId],
    );
    await ensureFeedState(tx, storeId);
    return {
      deviceId,
      storeId,
      registerId: code.register_id,
      token: deviceToken({ storeId, deviceId, secret: deviceSecret }),
      store: await readStore(tx, storeId),
      counters: await registerCounters(tx, storeId, code.register_id),
    };
  });
}

/**
 * The till continues as `newDeviceId` (same store and register) with HQ's counter set to
 * fromMutationId - 1, and the old device is marked superseded. Allowed once per device and
 * only after HQ answered one of its pushes with mutation_id_conflict (recordCounterConflict);
 * revoking any device of the lineage revokes all of it (devices.ts revokeDevice). Idempotent: asking again with
 * the same new device and secret returns the same answer, so a till that lost the answer
 * retries with its stored request (the old credential stays accepted for exactly this).
 */
export async function rebaseDevice(
  app: pg.Pool,
  credential: DeviceCredential,
  request: { newDeviceId: string; newSecret: string; fromMutationId: number },
): Promise<RebaseResult> {
  return withTenant(app, credential.storeId, async (tx) => {
    const device = await verifyDevice(tx, credential);
    const base = request.fromMutationId - 1;
    const again = await findDevice(tx, device.storeId, request.newDeviceId);
    const token = deviceToken({
      storeId: device.storeId,
      deviceId: request.newDeviceId,
      secret: request.newSecret,
    });
    if (again) {
      if (
        device.supersededBy !== request.newDeviceId ||
        !sameHash(again.secretHash, sha256Hex(request.newSecret))
      ) {
        throw conflict('That device ID is taken');
      }
      return {
        deviceId: request.newDeviceId,
        token,
        lastMutationId: again.lastMutationId,
        counters: await registerCounters(tx, device.storeId, device.registerId),
      };
    }
    if (device.supersededBy !== null) {
      throw conflict(`This till already continues as device ${device.supersededBy}`);
    }
    if (base > device.lastMutationId) {
      throw badRequest(
        `Cannot continue from mutation ${request.fromMutationId}: HQ has applied only up to ${device.lastMutationId}`,
      );
    }
    // Only from a real counter conflict, one HQ itself answered (push: mutation_id_conflict),
    // and only for IDs HQ already holds: a stolen credential cannot mint a successor at will.
    if (device.counterConflictId === null || request.fromMutationId > device.lastMutationId) {
      throw conflict(
        'This till has no mutation counter conflict at HQ: it cannot continue as a new device',
      );
    }
    await continueAsNewDevice(tx, {
      device,
      newDeviceId: request.newDeviceId,
      secret: request.newSecret,
      lastMutationId: base,
    });
    return {
      deviceId: request.newDeviceId,
      token,
      lastMutationId: base,
      counters: await registerCounters(tx, device.storeId, device.registerId),
    };
  });
}
