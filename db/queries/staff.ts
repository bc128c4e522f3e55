/**
 * Staff PINs. Hashes are bcrypt (pgcrypto), compared inside the database. Five wrong PINs lock
 * the staff member (or, for PIN-only login, the register) for a few minutes.
 *
 * Every till downloads its store's PIN hashes (offline login needs them), so anyone holding a
 * device credential can attack them offline: the work factor and the PIN length are the only
 * defence there (docs/security.md "Staff PINs" has the measured cost of that attack).
 */
import { ForbiddenError, ValidationError } from '../errors';
import type { Queryable } from '../queryable';
import type { StaffMember, StaffRole } from '../../contract/till-api';

export const MAX_PIN_FAILURES = 5;
export const PIN_LOCK_MINUTES = 5;
/** Lockout key for PIN-only login, where no staff member is named. */
export const REGISTER_LOCK_KEY = '00000000-0000-0000-0000-000000000000';

/**
 * bcrypt work factor of every PIN hash we write: as high as login latency on PGlite allows
 * (cost 11 is ~0.12-0.3 s per check on a loaded 2-core machine, each step doubles it; measured
 * in docs/security.md and `edge.pin_login_ms` of `npm run bench`). Hashes written at a lower
 * cost keep working and are rehashed at this cost on the next successful login.
 */
export const PIN_HASH_COST = 11;
/** Managers approve refunds, voids, discounts and cash-outs: their PINs are longer. */
export const MIN_MANAGER_PIN_DIGITS = 6;

const PIN = /^[0-9]{4,8}$/;

/** The rule for a PIN being set (not for one being typed: old, shorter PINs keep working). */
export function assertPinFor(role: StaffRole, pin: string): void {
  if (!PIN.test(pin)) throw new ValidationError('A PIN is 4 to 8 digits');
  if (role === 'manager' && pin.length < MIN_MANAGER_PIN_DIGITS)
    throw new ValidationError(
      `A manager's PIN needs at least ${MIN_MANAGER_PIN_DIGITS} digits (it approves refunds, voids and discounts)`,
    );
}

/** The work factor recorded in a bcrypt hash (`$2a$11$...`), or 0 when it is not one. */
export function pinHashCost(hash: string): number {
  const match = /^\$2[abxy]?\$(\d{2})\$/.exec(hash);
  return match ? Number(match[1]) : 0;
}

/** Hash a PIN being set for a staff member of this role (checked first, with a clear error). */
export async function hashPin(
  db: Queryable,
  options: { pin: string; role: StaffRole },
): Promise<string> {
  assertPinFor(options.role, options.pin);
  const { rows } = await db.query<{ hash: string }>(
    `SELECT crypt($1, gen_salt('bf', $2::int)) AS hash`,
    [options.pin, PIN_HASH_COST],
  );
  const hash = rows[0]?.hash;
  if (!hash) throw new Error('pgcrypto returned no hash');
  return hash;
}

/**
 * Rehash a PIN that was just verified against a hash of a lower cost. Only the till's copy:
 * the version stays, so HQ's next edit of this person (which carries HQ's hash) still wins.
 */
async function upgradeHash(
  db: Queryable,
  options: { storeId: string; staffId: string; pin: string; hash: string },
): Promise<void> {
  if (pinHashCost(options.hash) >= PIN_HASH_COST) return;
  await db.query(
    `UPDATE retail.staff SET pin_hash = crypt($3, gen_salt('bf', $4::int))
      WHERE store_id = $1 AND staff_id = $2 AND pin_hash = $5`,
    [options.storeId, options.staffId, options.pin, PIN_HASH_COST, options.hash],
  );
}

async function assertNotLocked(db: Queryable, key: string, now: Date): Promise<void> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    `SELECT locked_until FROM pos.pin_attempts WHERE staff_id = $1`,
    [key],
  );
  const until = rows[0]?.locked_until;
  if (until && new Date(until) > now) {
    const minutes = Math.ceil((new Date(until).getTime() - now.getTime()) / 60_000);
    throw new ForbiddenError(
      `Too many wrong PINs. Locked for ${minutes} more minute(s); ask a manager.`,
    );
  }
}

async function recordFailure(db: Queryable, key: string, now: Date): Promise<number> {
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO pos.pin_attempts (staff_id, failures) VALUES ($1, 1)
     ON CONFLICT (staff_id) DO UPDATE SET failures = pos.pin_attempts.failures + 1
     RETURNING failures`,
    [key],
  );
  const failures = Number(rows[0]?.failures ?? 1);
  if (failures >= MAX_PIN_FAILURES) {
    await db.query(
      `UPDATE pos.pin_attempts SET failures = 0, locked_until = $2::timestamptz + make_interval(mins => $3)
        WHERE staff_id = $1`,
      [key, now.toISOString(), PIN_LOCK_MINUTES],
    );
  }
  return failures;
}

async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.query(`DELETE FROM pos.pin_attempts WHERE staff_id = $1`, [key]);
}

interface StaffRow {
  staff_id: string;
  display_name: string;
  role: StaffRole;
}
interface MatchRow extends StaffRow {
  pin_hash: string;
}
const toMember = (r: StaffRow): StaffMember => ({
  staffId: r.staff_id,
  displayName: r.display_name,
  role: r.role,
});

/**
 * Verify a PIN, for a named staff member or (staffId omitted) for whoever owns it.
 * Wrong PINs count towards the lockout; a right one clears it.
 */
export async function verifyPin(
  db: Queryable,
  options: {
    storeId: string;
    pin: string;
    staffId?: string | undefined;
    role?: StaffRole;
    now: Date;
  },
): Promise<StaffMember> {
  const key = options.staffId ?? REGISTER_LOCK_KEY;
  await assertNotLocked(db, key, options.now);
  if (!PIN.test(options.pin)) {
    await recordFailure(db, key, options.now);
    throw new ForbiddenError('Wrong PIN');
  }
  const { rows } = await db.query<MatchRow>(
    `SELECT staff_id, display_name, role, pin_hash FROM retail.staff
      WHERE store_id = $1 AND is_active AND ($2::uuid IS NULL OR staff_id = $2)
        AND ($3::text IS NULL OR role = $3)
        AND pin_hash = crypt($4, pin_hash)
      LIMIT 1`,
    [options.storeId, options.staffId ?? null, options.role ?? null, options.pin],
  );
  const match = rows[0];
  if (!match) {
    const failures = await recordFailure(db, key, options.now);
    const left = MAX_PIN_FAILURES - failures;
    throw new ForbiddenError(
      left > 0
        ? `Wrong PIN (${left} attempt(s) left)`
        : `Too many wrong PINs. Locked for ${PIN_LOCK_MINUTES} minutes; ask a manager.`,
    );
  }
  await clearFailures(db, key);
  await upgradeHash(db, {
    storeId: options.storeId,
    staffId: match.staff_id,
    pin: options.pin,
    hash: match.pin_hash,
  });
  return toMember(match);
}

export async function getStaff(
  db: Queryable,
  storeId: string,
  staffId: string,
): Promise<StaffMember | undefined> {
  const { rows } = await db.query<StaffRow>(
    `SELECT staff_id, display_name, role FROM retail.staff WHERE store_id = $1 AND staff_id = $2 AND is_active`,
    [storeId, staffId],
  );
  return rows[0] ? toMember(rows[0]) : undefined;
}

export async function listStaff(db: Queryable, storeId: string): Promise<StaffMember[]> {
  const { rows } = await db.query<StaffRow>(
    `SELECT staff_id, display_name, role FROM retail.staff WHERE store_id = $1 AND is_active ORDER BY display_name`,
    [storeId],
  );
  return rows.map(toMember);
}
