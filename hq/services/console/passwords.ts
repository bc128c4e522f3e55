/**
 * Console passwords, hashed with scrypt (node:crypto), a memory-hard function: N = 2^15,
 * r = 8, p = 1 costs 32 MiB and tens of milliseconds per guess (OWASP's scrypt minimum is
 * N = 2^17 with r = 8 OR an equivalent trade; 2^15 keeps sign-in quick on a till-class HQ box
 * while staying memory-hard). Chosen over argon2id because no argon2 package installs on
 * Node 20 without a native build or download step; parameters travel in the hash, so they can
 * be raised later and old hashes still verify.
 *
 * Format: scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(
  password: string,
  salt: Buffer,
  logN: number,
  r: number,
  p: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const N = 2 ** logN;
    // maxmem must exceed 128 * N * r (32 MiB here); Node's default is exactly 32 MiB.
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_BYTES,
      { N, r, p, maxmem: 256 * N * r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG_N, R, P);
  return `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![logN, r, p].every((n) => Number.isInteger(n) && n > 0) || logN > 20) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const key = await derive(password, salt, logN, r, p);
  return timingSafeEqual(key, expected);
}

/** A hash no password matches, verified for unknown users so timing does not reveal them. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}
