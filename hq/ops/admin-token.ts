/**
 * The HQ admin token at rest: <dataDir>/admin-token, readable by its owner only (0600), never
 * printed or logged by HQ. `npm run hq:admin -- token show` prints it to the terminal when
 * asked; `token rotate` replaces it, and a running HQ takes the new one at its next admin
 * request (it compares against the file's current content, re-read when the file changes).
 *
 * A token given explicitly (startHq's `adminToken`, $EDGEPOS_ADMIN_TOKEN) is used as is and
 * cannot be rotated here: whoever set it rotates it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../services/credentials';

export const ADMIN_TOKEN_FILE = 'admin-token';
const MIN_TOKEN_LENGTH = 16;

export function adminTokenPath(dataDir: string): string {
  return join(dataDir, ADMIN_TOKEN_FILE);
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Write the token file atomically, 0600 from its creation (never briefly readable by others). */
function writeToken(path: string, token: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** The token in the file, creating it (0600) on first start; an older file is made 0600. */
export function loadOrCreateAdminToken(dataDir: string): string {
  const path = adminTokenPath(dataDir);
  if (!existsSync(path)) writeToken(path, newToken());
  chmodSync(path, 0o600);
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`${path} holds no valid admin token: run "npm run hq:admin -- token rotate"`);
  }
  return token;
}

/** A new token in place of the file's; returns nothing (the caller shows it only if asked). */
export function rotateAdminToken(dataDir: string): void {
  writeToken(adminTokenPath(dataDir), newToken());
}

/** An explicitly given token, checked. */
export function explicitAdminToken(token: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`The admin token must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  return token;
}

/**
 * The SHA-256 of the file's current token, re-read only when the file changed (size, mtime
 * or inode), so a rotation takes effect at the next admin request without a restart.
 */
export function fileAdminTokenHash(dataDir: string): () => string {
  const path = adminTokenPath(dataDir);
  let seen = '';
  let hash = sha256Hex(loadOrCreateAdminToken(dataDir));
  return () => {
    const s = statSync(path, { throwIfNoEntry: false });
    if (!s) return hash;
    const stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    if (stamp !== seen) {
      seen = stamp;
      const token = readFileSync(path, 'utf8').trim();
      if (token.length >= MIN_TOKEN_LENGTH) hash = sha256Hex(token);
    }
    return hash;
  };
}
