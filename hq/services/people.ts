/**
 * What HQ staff do to the people of a store: set a staff member's PIN, delete a customer. Rows
 * are changed as edgepos_app inside withTenant for the store named by the (authenticated)
 * caller; a PIN change is fed to the store's tills like any catalog edit.
 */
import type pg from 'pg';
import type { StaffPinSet } from '../../contract/admin-protocol';
import type { StaffRole } from '../../contract/till-api/session';
import { deleteCustomer } from '../../db/central/customers';
import { withTenant } from '../../db/central/tenant';
import { ValidationError } from '../../db/errors';
import { hashPin } from '../../db/queries/staff';
import { badRequest, notFound } from './errors';
import { assertStore } from './stores';

/** A customer of the store is deleted; their sales stay and lose only the link. */
export async function removeCustomer(
  app: pg.Pool,
  options: { storeId: string; customerId: string },
): Promise<void> {
  await assertStore(app, options.storeId);
  const deleted = await withTenant(app, options.storeId, (tx) =>
    deleteCustomer(tx, options.customerId),
  );
  if (!deleted) throw notFound(`Store ${options.storeId} has no customer ${options.customerId}`);
}

/**
 * Set a staff member's PIN: hashed inside the tenant transaction by pgcrypto at the till's cost
 * (`hashPin`, which also refuses a manager's PIN under 6 digits), version bumped by the table's
 * trigger, and the change fed to the store's tills like any catalog edit.
 */
export async function setStaffPin(
  app: pg.Pool,
  options: { storeId: string; staffId: string; pin: string },
): Promise<StaffPinSet> {
  await assertStore(app, options.storeId);
  return withTenant(app, options.storeId, async (tx) => {
    const { rows } = await tx.query<{ role: StaffRole; display_name: string }>(
      `SELECT role, display_name FROM retail.staff WHERE store_id = $1 AND staff_id = $2 FOR UPDATE`,
      [options.storeId, options.staffId],
    );
    const person = rows[0];
    if (!person) throw notFound(`Store ${options.storeId} has no staff member ${options.staffId}`);
    let hash: string;
    try {
      hash = await hashPin(tx, { pin: options.pin, role: person.role });
    } catch (error) {
      if (error instanceof ValidationError) throw badRequest(error.message);
      throw error;
    }
    const updated = await tx.query<{ version: string }>(
      `UPDATE retail.staff SET pin_hash = $3 WHERE store_id = $1 AND staff_id = $2
       RETURNING version::text`,
      [options.storeId, options.staffId, hash],
    );
    tx.changes.record('staff', [options.staffId]);
    return {
      staffId: options.staffId,
      displayName: person.display_name,
      role: person.role,
      version: Number(updated.rows[0]?.version ?? 0),
    };
  });
}
