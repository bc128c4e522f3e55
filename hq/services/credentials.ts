/**
 * Device and admin credentials: their format, secrets and hashes (no I/O).
 *
 * A device credential is `<storeId>.<deviceId>.<secret>` (contract/sync-protocol/enrollment.ts
 * DeviceToken). The store in it is only a claim: verifyDevice (devices/verify.ts) sets that store as
 * the tenant key and then looks the device up under it; the SHA-256 of the secret must equal
 * the stored hash (compared in constant time) and the device must not be revoked. A credential
 * edited to name another store finds no device there. Nothing else in a request can name a
 * store.
 *
 * Secrets are 32 random bytes: a fast hash is enough (nothing to brute-force), and HQ keeps
 * only the hash, so a copy of HQ's database cannot impersonate a till.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { DeviceToken } from '../../contract/sync-protocol/enrollment';

export interface DeviceCredential {
  storeId: string;
  deviceId: string;
  secret: string;
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

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
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

/** Split a normalised code (contract/sync-protocol/enrollment.ts EnrollmentCode) into store and secret. */
export function splitEnrollmentCode(code: string): { storeId: string; secret: string } {
  const dot = code.lastIndexOf('.');
  return { storeId: code.slice(0, dot), secret: code.slice(dot + 1) };
}
