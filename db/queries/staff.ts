/**
 * Staff PINs. Hashes are bcrypt (pgcrypto), compared inside the database. A PIN is always
 * checked for a named person (login picks the person first, an approval names the manager), so
 * five wrong PINs lock THAT person on this till for a few minutes and nobody else; an empty entry
 * is no attempt; a manager can unlock a locked person (`unlockStaff`).
 *
 * Every till downloads its store's PIN hashes (offline login needs them), so anyone holding a
 * device credential can attack them offline: the work factor and the PIN length are the only
 * defence there (docs/security.md "Staff PINs" has the measured cost of that attack).
 */
import { ForbiddenError, ValidationError } from '../errors';
import type { Queryable } from '../queryable';
import type { StaffListEntry, StaffMember, StaffRole } from '../../contract/till-api/session';

export const MAX_PIN_FAILURES = 5;
export const PIN_LOCK_MINUTES = 5;

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

/** When this person's lock ends, or null when they are not locked. */
async function lockedUntil(db: Queryable, staffId: string, now: Date): Promise<Date | null> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    `SELECT locked_until FROM pos.pin_attempts WHERE staff_id = $1`,
    [staffId],
  );
  const until = rows[0]?.locked_until;
  return until && new Date(until) > now ? new Date(until) : null;
}

function lockedMessage(name: string, until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `${name} is locked for ${minutes} more minute(s) after ${MAX_PIN_FAILURES} wrong PINs. A manager can unlock.`;
}

async function recordFailure(db: Queryable, staffId: string, now: Date): Promise<number> {
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO pos.pin_attempts (staff_id, failures) VALUES ($1, 1)
     ON CONFLICT (staff_id) DO UPDATE SET failures = pos.pin_attempts.failures + 1
     RETURNING failures`,
    [staffId],
  );
  const failures = Number(rows[0]?.failures ?? 1);
  if (failures >= MAX_PIN_FAILURES) {
    await db.query(
      `UPDATE pos.pin_attempts SET failures = 0, locked_until = $2::timestamptz + make_interval(mins => $3)
        WHERE staff_id = $1`,
      [staffId, now.toISOString(), PIN_LOCK_MINUTES],
    );
  }
  return failures;
}

async function clearFailures(db: Queryable, staffId: string): Promise<void> {
  await db.query(`DELETE FROM pos.pin_attempts WHERE staff_id = $1`, [staffId]);
}

interface StaffRow {
  staff_id: string;
  display_name: string;
  role: StaffRole;
}
interface HashRow extends StaffRow {
  pin_hash: string;
  matches: boolean;
}
const toMember = (r: StaffRow): StaffMember => ({
  staffId: r.staff_id,
  displayName: r.display_name,
  role: r.role,
});

/**
 * Verify the PIN of a named staff member (optionally required to have a role). Wrong PINs count
 * towards that person's lockout and a right one clears it. Not attempts, and not counted: an
 * empty PIN, an unknown person, someone without the role asked for.
 */
export async function verifyPin(
  db: Queryable,
  options: {
    storeId: string;
    staffId: string;
    pin: string;
    role?: StaffRole | undefined;
    now: Date;
  },
): Promise<StaffMember> {
  if (options.pin.trim() === '') throw new ValidationError('Type your PIN');
  const { rows } = await db.query<HashRow>(
    `SELECT staff_id, display_name, role, pin_hash, pin_hash = crypt($3, pin_hash) AS matches
       FROM retail.staff WHERE store_id = $1 AND staff_id = $2 AND is_active`,
    // A malformed PIN is still compared (it simply fails): its shape tells nothing either way.
    [options.storeId, options.staffId, options.pin],
  );
  const person = rows[0];
  if (!person) throw new ForbiddenError('Choose who you are from the list');
  if (options.role && person.role !== options.role)
    throw new ForbiddenError(`${person.display_name} is not a ${options.role}`);
  const until = await lockedUntil(db, person.staff_id, options.now);
  if (until) throw new ForbiddenError(lockedMessage(person.display_name, until, options.now));
  if (!person.matches || !PIN.test(options.pin)) {
    const failures = await recordFailure(db, person.staff_id, options.now);
    const left = MAX_PIN_FAILURES - failures;
    throw new ForbiddenError(
      left > 0
        ? `Wrong PIN for ${person.display_name} (${left} attempt(s) left)`
        : `Too many wrong PINs: ${person.display_name} is locked for ${PIN_LOCK_MINUTES} minutes. A manager can unlock.`,
    );
  }
  await clearFailures(db, person.staff_id);
  await upgradeHash(db, {
    storeId: options.storeId,
    staffId: person.staff_id,
    pin: options.pin,
    hash: person.pin_hash,
  });
  return toMember(person);
}

/** Lift a person's lock (a manager's decision, checked by the caller). */
export async function unlockStaff(
  db: Queryable,
  options: { storeId: string; staffId: string },
): Promise<StaffMember> {
  const person = await getStaff(db, options.storeId, options.staffId);
  if (!person) throw new ForbiddenError('Choose who to unlock from the list');
  await clearFailures(db, person.staffId);
  return person;
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

/** Who can log in at this till, and who of them is locked now (the login screen's list). */
export async function listStaff(
  db: Queryable,
  options: { storeId: string; now: Date },
): Promise<StaffListEntry[]> {
  const { rows } = await db.query<StaffRow & { locked_until: Date | null }>(
    `SELECT s.staff_id, s.display_name, s.role,
            CASE WHEN a.locked_until > $2::timestamptz THEN a.locked_until END AS locked_until
       FROM retail.staff s LEFT JOIN pos.pin_attempts a ON a.staff_id = s.staff_id
      WHERE s.store_id = $1 AND s.is_active ORDER BY s.display_name`,
    [options.storeId, options.now.toISOString()],
  );
  return rows.map((r) => ({
    ...toMember(r),
    lockedUntil: r.locked_until ? new Date(r.locked_until).toISOString() : null,
  }));
}

/** The store's only active manager, or undefined when it has none or several (then name one). */
export async function soleManager(db: Queryable, storeId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ staff_id: string }>(
    `SELECT staff_id FROM retail.staff WHERE store_id = $1 AND is_active AND role = 'manager' LIMIT 2`,
    [storeId],
  );
  return rows.length === 1 ? rows[0]?.staff_id : undefined;
}
