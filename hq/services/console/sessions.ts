/**
 * Console sessions. The browser holds a 256-bit random token in an HTTP-only, SameSite=Strict
 * cookie; HQ stores only its SHA-256. A session ends IDLE_MINUTES after its last use, after
 * MAX_HOURS whatever happens, at sign-out, or when its user is disabled.
 *
 * CSRF: SameSite=Strict already keeps other sites' requests from carrying the cookie; as a
 * second, independent guard every change also needs the session's CSRF token in a header. The
 * token is an HMAC of the session token, so it needs no storage, differs per session, and a
 * page on another origin can neither read nor compute it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { ConsoleUser } from '../../../contract/console-protocol';
import { sameHash, sha256Hex } from '../credentials';

export const IDLE_MINUTES = 120;
export const MAX_HOURS = 12;

export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('edgepos-console-csrf').digest('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  return sameHash(sha256Hex(csrfTokenOf(sessionToken)), sha256Hex(presented));
}

export async function createSession(app: pg.Pool, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await app.query(
    `INSERT INTO console.sessions (token_hash, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [sha256Hex(token), userId, MAX_HOURS],
  );
  return token;
}

/** The signed-in user of a session token, or undefined (unknown, expired, idle or disabled). */
export async function sessionUser(app: pg.Pool, token: string): Promise<ConsoleUser | undefined> {
  const { rows } = await app.query<ConsoleUser>(
    `UPDATE console.sessions s SET last_seen_at = now()
       FROM console.users u
      WHERE s.token_hash = $1 AND u.user_id = s.user_id AND u.disabled_at IS NULL
        AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(mins => $2)
      RETURNING u.user_id AS "userId", u.email, u.display_name AS "displayName", u.role,
                u.store_ids AS "storeIds", false AS disabled`,
    [sha256Hex(token), IDLE_MINUTES],
  );
  return rows[0];
}

export async function endSession(app: pg.Pool, token: string): Promise<void> {
  await app.query(`DELETE FROM console.sessions WHERE token_hash = $1`, [sha256Hex(token)]);
}

/** Forget sessions that can no longer be used (called with the feed pruning). */
export async function pruneSessions(app: pg.Pool): Promise<number> {
  const result = await app.query(
    `DELETE FROM console.sessions
      WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1)`,
    [IDLE_MINUTES],
  );
  return result.rowCount ?? 0;
}
