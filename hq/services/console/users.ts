/**
 * Console users and sign-in. Sign-in is checked with the user's row locked, so concurrent
 * guesses count one by one: MAX_FAILURES wrong passwords in a row lock the account for
 * LOCKOUT_MINUTES (the failure counter restarts afterwards). An unknown email costs the same
 * scrypt work as a known one and gets the same answer, so the answer does not reveal who
 * exists. Every sign-in, good or bad, is in the audit log.
 */
import type pg from 'pg';
import { newId } from '../../../core/ids';
import type { ConsoleUser, ConsoleUserCreate } from '../../../contract/console-protocol';
import { ConsoleUserCreate as ConsoleUserCreateSchema } from '../../../contract/console-protocol';
import type { Queryable } from '../../../db/queryable';
import { PgCode, sqlState } from '../../../db/pg-errors';
import { conflict, forbidden, HqError, unauthorized } from '../errors';
import { recordAudit, type Actor } from './audit';
import { dummyHash, hashPassword, verifyPassword } from './passwords';
import { inTransaction } from './transaction';

export const MAX_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

const USER_COLUMNS = `user_id AS "userId", email, display_name AS "displayName", role,
  store_ids AS "storeIds", disabled_at IS NOT NULL AS disabled`;

export async function countUsers(app: pg.Pool): Promise<number> {
  const { rows } = await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM console.users`);
  return rows[0]?.n ?? 0;
}

export async function listUsers(app: pg.Pool): Promise<ConsoleUser[]> {
  const { rows } = await app.query<ConsoleUser>(
    `SELECT ${USER_COLUMNS} FROM console.users ORDER BY email`,
  );
  return rows;
}

export async function findUser(q: Queryable, userId: string): Promise<ConsoleUser | undefined> {
  const { rows } = await q.query<ConsoleUser>(
    `SELECT ${USER_COLUMNS} FROM console.users WHERE user_id = $1`,
    [userId],
  );
  return rows[0];
}

export async function createUser(
  app: pg.Pool,
  options: { input: ConsoleUserCreate; actor: Actor },
): Promise<ConsoleUser> {
  const u = ConsoleUserCreateSchema.parse(options.input);
  const passwordHash = await hashPassword(u.password);
  try {
    return await inTransaction(app, async (tx) => {
      const { rows } = await tx.query<ConsoleUser>(
        `INSERT INTO console.users (user_id, email, display_name, role, store_ids, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
        [newId(), u.email, u.displayName, u.role, u.storeIds, passwordHash],
      );
      const user = rows[0]!;
      await recordAudit(tx, options.actor, {
        action: 'user.create',
        target: user.email,
        after: user,
      });
      return user;
    });
  } catch (error) {
    if (sqlState(error) === PgCode.uniqueViolation)
      throw conflict(`There is already a user ${u.email}`);
    throw error;
  }
}

export async function setUserDisabled(
  app: pg.Pool,
  options: { userId: string; disabled: boolean; actor: Actor },
): Promise<ConsoleUser> {
  return inTransaction(app, async (tx) => {
    const before = await findUser(tx, options.userId);
    if (!before) throw new HqError('not_found', 'There is no such user');
    const { rows } = await tx.query<ConsoleUser>(
      `UPDATE console.users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END,
              updated_at = now()
        WHERE user_id = $1 RETURNING ${USER_COLUMNS}`,
      [options.userId, options.disabled],
    );
    // A disabled user's sessions end now, not when they expire.
    if (options.disabled)
      await tx.query(`DELETE FROM console.sessions WHERE user_id = $1`, [options.userId]);
    const after = rows[0]!;
    await recordAudit(tx, options.actor, {
      action: options.disabled ? 'user.disable' : 'user.enable',
      target: after.email,
      before,
      after,
    });
    return after;
  });
}

interface UserRow {
  user_id: string;
  password_hash: string;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
}

const WRONG = 'Wrong email or password';

/** The user whose email and password these are, or an unauthorized / forbidden error. */
export async function authenticate(
  app: pg.Pool,
  options: { email: string; password: string; ip?: string | undefined },
): Promise<ConsoleUser> {
  const email = options.email.trim().toLowerCase();
  const failure = await inTransaction(app, async (tx) => {
    const { rows } = await tx.query<UserRow>(
      `SELECT user_id, password_hash, failed_attempts, locked_until, disabled_at IS NOT NULL AS disabled
         FROM console.users WHERE email = $1 FOR UPDATE`,
      [email],
    );
    const row = rows[0];
    const actor: Actor = { userId: row?.user_id ?? null, email };
    if (!row) {
      await verifyPassword(options.password, await dummyHash());
      await recordAudit(tx, actor, { action: 'sign-in.failed', after: { ip: options.ip ?? null } });
      return unauthorized(WRONG);
    }
    if (row.locked_until && row.locked_until.getTime() > Date.now()) {
      await recordAudit(tx, actor, { action: 'sign-in.locked', after: { ip: options.ip ?? null } });
      return forbidden(lockedMessage(row.locked_until));
    }
    const good = await verifyPassword(options.password, row.password_hash);
    if (good && !row.disabled) {
      await tx.query(
        `UPDATE console.users SET failed_attempts = 0, locked_until = NULL WHERE user_id = $1`,
        [row.user_id],
      );
      await recordAudit(tx, actor, { action: 'sign-in', after: { ip: options.ip ?? null } });
      return undefined;
    }
    if (row.disabled) {
      await recordAudit(tx, actor, {
        action: 'sign-in.disabled',
        after: { ip: options.ip ?? null },
      });
      return unauthorized(WRONG);
    }
    const failures = row.failed_attempts + 1;
    const lock = failures >= MAX_FAILURES;
    const { rows: locked } = await tx.query<{ locked_until: Date | null }>(
      `UPDATE console.users
          SET failed_attempts = CASE WHEN $2 THEN 0 ELSE $3 END,
              locked_until = CASE WHEN $2 THEN now() + make_interval(mins => $4) END
        WHERE user_id = $1 RETURNING locked_until`,
      [row.user_id, lock, failures, LOCKOUT_MINUTES],
    );
    await recordAudit(tx, actor, {
      action: lock ? 'sign-in.lockout' : 'sign-in.failed',
      after: { ip: options.ip ?? null, failures },
    });
    const until = locked[0]?.locked_until;
    return lock && until ? forbidden(lockedMessage(until)) : unauthorized(WRONG);
  });
  if (failure) throw failure;
  const { rows } = await app.query<ConsoleUser>(
    `SELECT ${USER_COLUMNS} FROM console.users WHERE email = $1`,
    [email],
  );
  return rows[0]!;
}

function lockedMessage(until: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  return `Too many wrong passwords: this account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}`;
}
