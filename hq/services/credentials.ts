/**
 * Device and admin credentials.
 *
 * A device credential is `<storeId>.<deviceId>.<secret>` (contract/sync-protocol.ts DeviceToken). The
 * store in it is only a claim: the service sets that store as the tenant key and then looks
 * the device up under it; the SHA-256 of the secret must equal the stored hash (compared in
 * constant time) and the device must not be revoked. A credential edited to name another
 * store finds no device there. Nothing else in a request can name a store.
 *
 * Secrets are 32 random bytes: a fast hash is enough (nothing to brute-force), and HQ keeps
 * only the hash, so a copy of HQ's database cannot impersonate a till.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../db/queryable';
import { DeviceToken } from '../../contract/sync-protocol';
import { SyncHttpError, unauthorized } from './errors';

export interface DeviceCredential {
  storeId: string;
  deviceId: string;
  secret: string;
}

/** A device whose credential was verified: the store comes from here and only here. */
export interface VerifiedDevice {
  storeId: string;
  deviceId: string;
  registerId: string;
  lastMutationId: number;
  supersededBy: string | null;
  resyncRequestedAt: Date | null;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function deviceToken(c: DeviceCredential): string {
  return `${c.storeId}.${c.deviceId}.${c.secret}`;
}

export function parseDeviceToken(token: string): DeviceCredential | undefined {
  if (!DeviceToken.safeParse(token).success) return undefined;
  const [storeId = '', deviceId = '', secret = ''] = token.split('.');
  return { storeId, deviceId, secret };
}

/** The bearer token of an Authorization header, if well-formed. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

interface DeviceRow {
  register_id: string;
  secret_hash: string;
  revoked_at: Date | null;
  superseded_by: string | null;
  last_mutation_id: number;
  resync_requested_at: Date | null;
}

/**
 * Verify the credential inside the request's tenant transaction (tenant key = the claimed
 * store) and record that the device was seen. The UPDATE takes the device's row lock, so a
 * push holds it until commit: two pushes of one device never interleave.
 */
export async function verifyDevice(
  tx: Queryable,
  credential: DeviceCredential,
  options: { pending?: number | undefined; touch?: 'push' | 'pull' | 'seen' } = {},
): Promise<VerifiedDevice> {
  const touch = options.touch ?? 'seen';
  const { rows } = await tx.query<DeviceRow>(
    `UPDATE sync.devices
        SET last_seen_at = now(),
            reported_pending = coalesce($3, reported_pending),
            last_push_at = CASE WHEN $4 = 'push' THEN now() ELSE last_push_at END,
            last_pull_at = CASE WHEN $4 = 'pull' THEN now() ELSE last_pull_at END
      WHERE store_id = $1 AND device_id = $2
      RETURNING register_id, secret_hash, revoked_at, superseded_by, last_mutation_id,
                resync_requested_at`,
    [credential.storeId, credential.deviceId, options.pending ?? null, touch],
  );
  const row = rows[0];
  if (!row || !sameHash(row.secret_hash, sha256Hex(credential.secret))) {
    throw unauthorized();
  }
  if (row.revoked_at !== null) {
    throw new SyncHttpError(
      401,
      'unauthorized',
      'This till was revoked at HQ. Ask HQ for a new enrollment code.',
    );
  }
  return {
    storeId: credential.storeId,
    deviceId: credential.deviceId,
    registerId: row.register_id,
    lastMutationId: Number(row.last_mutation_id),
    supersededBy: row.superseded_by,
    resyncRequestedAt: row.resync_requested_at,
  };
}

// ---------------------------------------------------------------------------------------
// Enrollment codes: `<storeId>.XXXX-XXXX-XXXX-XXXX`, 80 random bits
// ---------------------------------------------------------------------------------------

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newEnrollmentSecret(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** Split a normalised code (contract/sync-protocol.ts EnrollmentCode) into store and secret. */
export function splitEnrollmentCode(code: string): { storeId: string; secret: string } {
  const dot = code.lastIndexOf('.');
  return { storeId: code.slice(0, dot), secret: code.slice(dot + 1) };
}
