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
} from '../../contract/sync-protocol/enrollment';
import type { StoreEntity } from '../../contract/catalog';
import {
  deviceToken,
  newEnrollmentSecret,
  newSecret,
  sameHash,
  sha256Hex,
  splitEnrollmentCode,
  type DeviceCredential,
} from './credentials';
import {
  activeDevicesOfRegister,
  continueAsNewDevice,
  findDevice,
  insertDevice,
  type ActiveDevice,
} from './devices/enrollment';
import { revokeLineage } from './devices/admin';
import { verifyDevice } from './devices/verify';
import { ENTITY_SPECS } from './entities';
import { ensureFeedState } from './feed';
import { badRequest, conflict, forbidden, notFound, type HqError } from './errors';

export const DEFAULT_CODE_TTL_MINUTES = 60;

export async function createEnrollmentCode(
  app: pg.Pool,
  options: {
    storeId: string;
    registerId: string;
    ttlMinutes?: number | undefined;
    label?: string | undefined;
    /** The new till replaces the register's active one (revoked when the code is redeemed). */
    replace?: boolean | undefined;
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
    // Said now, to the person asking for the code, rather than to a cashier at redemption
    // (which checks again: the register may be enrolled meanwhile).
    const active = await activeDevicesOfRegister(tx, options);
    if (active.length > 0 && !options.replace) {
      throw registerTaken({ ...options, active });
    }
    const { rows } = await tx.query<{ expires_at: Date }>(
      `INSERT INTO sync.enrollment_codes
              (store_id, code_hash, register_id, label, expires_at, replaces)
       VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5), $6)
       RETURNING expires_at`,
      [
        options.storeId,
        sha256Hex(secret),
        options.registerId,
        options.label ?? null,
        ttl,
        options.replace ?? false,
      ],
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

const utc = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The answer to enrolling a register that already has an active till (a plain sentence). */
function registerTaken(options: {
  storeId: string;
  registerId: string;
  active: ActiveDevice[];
}): HqError {
  const till = options.active[0]!;
  const seen = till.lastSeenAt ? `, last seen ${utc(till.lastSeenAt)}` : '';
  return conflict(
    `Register ${options.registerId} of store ${options.storeId} already has an active till ` +
      `(enrolled ${utc(till.enrolledAt)}${seen}). A register runs on one till: to move it to ` +
      `this one, ask HQ for a replacement code (npm run hq:admin -- code ${options.storeId} ` +
      `${options.registerId} --replace); the old till is then revoked.`,
  );
}

interface CodeRow {
  register_id: string;
  live: boolean;
  used: boolean;
  device_id: string | null;
  replaces: boolean;
  issued_receipt_seq: number | null;
  issued_z_number: number | null;
}

/**
 * Exchange a one-time code for a device credential. The code is marked used in the same
 * transaction that creates the device, and the register gets its device only if it has no
 * active one, or if the code was made to replace it (the old till and its lineage are revoked
 * here too).
 *
 * Idempotent: the till sends the device secret it made up and stored before asking; the same
 * code with the same secret again (its answer was lost, or the till restarted while waiting)
 * gets the same answer: device, credential and numbering. The credential returned is made of
 * the secret the caller sent, so a retry tells it nothing it did not know, and anyone else
 * holding the code (a different secret) is refused as before. HQ stores only the hash.
 */
export async function redeemEnrollmentCode(
  app: pg.Pool,
  options: { code: string; label?: string | undefined; secret?: string | undefined },
): Promise<EnrollResult> {
  const { storeId, secret } = splitEnrollmentCode(options.code);
  const codeHash = sha256Hex(secret);
  const invalid = forbidden(
    'This enrollment code is not valid: it is unknown, already used or expired. Ask HQ for a new one.',
  );
  return withTenant(app, storeId, async (tx) => {
    const { rows } = await tx.query<CodeRow>(
      `SELECT register_id, expires_at > now() AS live, used_at IS NOT NULL AS used, device_id,
              replaces, issued_receipt_seq, issued_z_number
         FROM sync.enrollment_codes
        WHERE store_id = $1 AND code_hash = $2
        FOR UPDATE`,
      [storeId, codeHash],
    );
    const code = rows[0];
    if (!code) throw invalid;
    if (code.used)
      return repeatedEnrollment(tx, { storeId, code, secret: options.secret, invalid });
    if (!code.live) throw invalid;
    const registerId = code.register_id;
    // Two codes for one register redeemed at once: the second waits here and then sees the
    // first's device (a lock on the register's name: there may be no row to lock yet).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `edgepos.register:${storeId}/${registerId}`,
    ]);
    const active = await activeDevicesOfRegister(tx, { storeId, registerId });
    if (active.length > 0 && !code.replaces) throw registerTaken({ storeId, registerId, active });
    for (const old of active) {
      await revokeLineage(tx, {
        storeId,
        deviceId: old.deviceId,
        reason: `Replaced by a new till for register ${registerId}`,
      });
    }
    const deviceId = uuidv4();
    const deviceSecret = options.secret ?? newSecret();
    await insertDevice(tx, {
      storeId,
      deviceId,
      registerId,
      secret: deviceSecret,
      label: options.label,
    });
    // Receipts a replaced till issued but never sent are unknown to HQ; the count of changes it
    // last reported pending bounds them, so the new till starts past those too.
    const unsent = active.reduce((sum, d) => sum + (d.reportedPending ?? 0), 0);
    const held = await registerCounters(tx, storeId, registerId);
    const counters = { receiptSeq: held.receiptSeq + unsent, zNumber: held.zNumber + unsent };
    await tx.query(
      `UPDATE sync.enrollment_codes
          SET used_at = now(), device_id = $3, issued_receipt_seq = $4, issued_z_number = $5
        WHERE store_id = $1 AND code_hash = $2`,
      [storeId, codeHash, deviceId, counters.receiptSeq, counters.zNumber],
    );
    await ensureFeedState(tx, storeId);
    return {
      deviceId,
      storeId,
      registerId,
      token: deviceToken({ storeId, deviceId, secret: deviceSecret }),
      store: await readStore(tx, storeId),
      counters,
    };
  });
}

/**
 * A used code asked again. With the secret of the device it created (and that device not
 * revoked since) the answer is the first one again; the numbering is at least what was
 * answered then, and past anything the till has pushed since. Anything else: not valid.
 */
async function repeatedEnrollment(
  tx: Queryable,
  options: { storeId: string; code: CodeRow; secret: string | undefined; invalid: HqError },
): Promise<EnrollResult> {
  const { storeId, code, secret } = options;
  if (secret === undefined || code.device_id === null) throw options.invalid;
  const device = await findDevice(tx, storeId, code.device_id);
  if (!device || !sameHash(device.secretHash, sha256Hex(secret))) throw options.invalid;
  if (device.revoked) {
    throw forbidden('This till was revoked at HQ. Ask HQ for a new enrollment code.');
  }
  const held = await registerCounters(tx, storeId, code.register_id);
  return {
    deviceId: code.device_id,
    storeId,
    registerId: code.register_id,
    token: deviceToken({ storeId, deviceId: code.device_id, secret }),
    store: await readStore(tx, storeId),
    counters: {
      receiptSeq: Math.max(held.receiptSeq, Number(code.issued_receipt_seq ?? 0)),
      zNumber: Math.max(held.zNumber, Number(code.issued_z_number ?? 0)),
    },
  };
}

/**
 * The till continues as `newDeviceId` (same store and register) with HQ's counter set to
 * fromMutationId - 1, and the old device is marked superseded. Allowed once per device and
 * only after HQ answered one of its pushes with mutation_id_conflict (recordCounterConflict);
 * revoking any device of the lineage revokes all of it (devices/admin.ts revokeDevice). Idempotent: asking again with
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
