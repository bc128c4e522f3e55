/**
 * Staff PINs. Hashes are bcrypt (pgcrypto), compared inside the database. Five wrong PINs lock
 * the staff member (or, for PIN-only login, the register) for a few minutes.
 */
import { ForbiddenError, ValidationError } from '../errors';
import type { Queryable } from '../queryable';
import type { StaffMember, StaffRole } from '../../contract/till-api';

export const MAX_PIN_FAILURES = 5;
export const PIN_LOCK_MINUTES = 5;
/** Lockout key for PIN-only login, where no staff member is named. */
export const REGISTER_LOCK_KEY = '00000000-0000-0000-0000-000000000000';

const PIN = /^[0-9]{4,8}$/;

export function assertPinShape(pin: string): void {
  if (!PIN.test(pin)) throw new ValidationError('A PIN is 4 to 8 digits');
}

export async function hashPin(db: Queryable, pin: string): Promise<string> {
  assertPinShape(pin);
  const { rows } = await db.query<{ hash: string }>(`SELECT crypt($1, gen_salt('bf', 8)) AS hash`, [
    pin,
  ]);
  const hash = rows[0]?.hash;
  if (!hash) throw new Error('pgcrypto returned no hash');
  return hash;
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
  const { rows } = await db.query<StaffRow>(
    `SELECT staff_id, display_name, role FROM retail.staff
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
