/**
 * A store's staff from the console: add, disable (and enable again), give a new PIN. Each
 * change, its audit entry and its change feed entry are one transaction under the store's
 * tenant key; the tills receive the staff row (with the PIN's bcrypt hash) with their next
 * pull, so a disabled cashier can no longer sign in and a new PIN works at once after it.
 *
 * PINs: the tills' rule and hash (db/queries/staff.ts hashPin: 4 to 8 digits, bcrypt by
 * pgcrypto). A PIN another active person of the store already uses is refused: a till's
 * PIN-only sign-in would let the first of them in. Audit entries never hold a PIN or a hash.
 */
import type pg from 'pg';
import type { ConsoleStaff, CreateStaff } from '../../../contract/console-staff';
import { newId } from '../../../core/ids';
import { withTenant, type TenantTx } from '../../../db/central/tenant';
import { hashPin } from '../../../db/queries/staff';
import { conflict, notFound } from '../errors';
import { assertStore } from '../stores';
import { recordAudit, type Actor } from './audit';

interface StaffRow {
  store_id: string;
  staff_id: string;
  display_name: string;
  role: 'cashier' | 'manager';
  is_active: boolean;
}

// Plain columns only: the list also serves RETURNING, where a distributed database refuses
// casts and functions.
const STAFF_COLUMNS = 'store_id, staff_id, display_name, role, is_active';

const toStaff = (r: StaffRow): ConsoleStaff => ({
  storeId: r.store_id,
  staffId: r.staff_id,
  displayName: r.display_name,
  role: r.role,
  isActive: r.is_active,
});

export async function listConsoleStaff(app: pg.Pool, storeId: string): Promise<ConsoleStaff[]> {
  await assertStore(app, storeId);
  return withTenant(
    app,
    storeId,
    async (tx) => {
      const { rows } = await tx.query<StaffRow>(
        `SELECT ${STAFF_COLUMNS} FROM retail.staff WHERE store_id = $1
          ORDER BY is_active DESC, display_name, staff_id`,
        [storeId],
      );
      return rows.map(toStaff);
    },
    { snapshot: true },
  );
}

/** Refuses a PIN that another active staff member of the store signs in with. */
async function assertPinFree(tx: TenantTx, pin: string, except: string | null): Promise<void> {
  const { rows } = await tx.query(
    `SELECT 1 FROM retail.staff
      WHERE store_id = $1 AND is_active AND staff_id IS DISTINCT FROM $2::uuid
        AND pin_hash = crypt($3, pin_hash)
      LIMIT 1`,
    [tx.storeId, except, pin],
  );
  if (rows.length > 0)
    throw conflict('Someone at this store already signs in with that PIN: choose another');
}

export async function createStaff(
  app: pg.Pool,
  options: { input: CreateStaff; actor: Actor; newStaffId?: () => string },
): Promise<ConsoleStaff> {
  const s = options.input;
  await assertStore(app, s.storeId);
  return withTenant(app, s.storeId, async (tx) => {
    // One new staff member at a time per store: two adds with the same PIN must not both pass
    // the check (transaction-scoped, released at commit).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('console-staff:' || $1))`, [s.storeId]);
    await assertPinFree(tx, s.pin, null);
    const pinHash = await hashPin(tx, { pin: s.pin, role: s.role });
    const { rows } = await tx.query<StaffRow>(
      `INSERT INTO retail.staff (store_id, staff_id, display_name, role, pin_hash)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${STAFF_COLUMNS}`,
      [s.storeId, (options.newStaffId ?? newId)(), s.displayName, s.role, pinHash],
    );
    const created = toStaff(rows[0]!);
    tx.changes.record('staff', [created.staffId]);
    await recordAudit(tx, options.actor, {
      action: 'staff.create',
      storeId: s.storeId,
      target: created.staffId,
      after: created,
    });
    return created;
  });
}

/** The row locked for a change, or a plain not-found. */
async function lockStaff(tx: TenantTx, staffId: string): Promise<StaffRow> {
  const { rows } = await tx.query<StaffRow>(
    `SELECT ${STAFF_COLUMNS} FROM retail.staff WHERE store_id = $1 AND staff_id = $2 FOR UPDATE`,
    [tx.storeId, staffId],
  );
  const row = rows[0];
  if (!row) throw notFound(`Store ${tx.storeId} has no such staff member`);
  return row;
}

export async function setStaffActive(
  app: pg.Pool,
  options: { storeId: string; staffId: string; active: boolean; actor: Actor },
): Promise<ConsoleStaff> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const before = await lockStaff(tx, options.staffId);
    if (options.active && !before.is_active) {
      // Enabled again: their PIN must still be theirs alone.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('console-staff:' || $1))`, [
        options.storeId,
      ]);
      const { rows } = await tx.query(
        `SELECT 1 FROM retail.staff o, retail.staff me
          WHERE o.store_id = $1 AND me.store_id = $1 AND me.staff_id = $2
            AND o.staff_id <> me.staff_id AND o.is_active AND o.pin_hash = me.pin_hash
          LIMIT 1`,
        [options.storeId, options.staffId],
      );
      if (rows.length > 0)
        throw conflict('Someone at this store now signs in with their PIN: give them a new PIN');
    }
    const { rows } = await tx.query<StaffRow>(
      `UPDATE retail.staff SET is_active = $3
        WHERE store_id = $1 AND staff_id = $2 RETURNING ${STAFF_COLUMNS}`,
      [options.storeId, options.staffId, options.active],
    );
    const after = toStaff(rows[0]!);
    tx.changes.record('staff', [options.staffId]);
    await recordAudit(tx, options.actor, {
      action: options.active ? 'staff.enable' : 'staff.disable',
      storeId: options.storeId,
      target: options.staffId,
      before: toStaff(before),
      after,
    });
    return after;
  });
}

export async function rePinStaff(
  app: pg.Pool,
  options: { storeId: string; staffId: string; pin: string; actor: Actor },
): Promise<ConsoleStaff> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const before = await lockStaff(tx, options.staffId);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('console-staff:' || $1))`, [
      options.storeId,
    ]);
    await assertPinFree(tx, options.pin, options.staffId);
    const pinHash = await hashPin(tx, { pin: options.pin, role: before.role });
    await tx.query(
      `UPDATE retail.staff SET pin_hash = $3
        WHERE store_id = $1 AND staff_id = $2`,
      [options.storeId, options.staffId, pinHash],
    );
    tx.changes.record('staff', [options.staffId]);
    await recordAudit(tx, options.actor, {
      action: 'staff.re-pin',
      storeId: options.storeId,
      target: options.staffId,
      // Who, not the PIN: neither the PIN nor its hash goes into the log.
      before: { displayName: before.display_name, role: before.role },
      after: { pinChanged: true },
    });
    return toStaff(before);
  });
}
