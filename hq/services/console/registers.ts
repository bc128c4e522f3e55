/**
 * Registers from the console: list them with the till (device) that serves each, and create
 * new ones. A new register reaches the store's tills through the change feed like any catalog
 * row (recorded in tx.changes, appended at commit); a till is then enrolled for it with a one-time code (hq/services/enroll.ts).
 */
import type pg from 'pg';
import type { CreateRegister } from '../../../contract/console-protocol';
import { withTenant } from '../../../db/central/tenant';
import { PgCode, sqlState } from '../../../db/pg-errors';
import { conflict } from '../errors';
import { assertStore } from '../stores';
import { recordAudit, type Actor } from './audit';

export interface RegisterRow {
  storeId: string;
  registerId: string;
  registerName: string;
  isActive: boolean;
}

export async function listRegisters(app: pg.Pool, storeId: string): Promise<RegisterRow[]> {
  await assertStore(app, storeId);
  return withTenant(
    app,
    storeId,
    async (tx) => {
      const { rows } = await tx.query<RegisterRow>(
        `SELECT store_id AS "storeId", register_id AS "registerId",
                register_name AS "registerName", is_active AS "isActive"
           FROM retail.registers WHERE store_id = $1 ORDER BY register_id`,
        [storeId],
      );
      return rows;
    },
    { snapshot: true },
  );
}

export async function createRegister(
  app: pg.Pool,
  options: { input: CreateRegister; actor: Actor },
): Promise<RegisterRow> {
  const r = options.input;
  await assertStore(app, r.storeId);
  try {
    return await withTenant(app, r.storeId, async (tx) => {
      const { rows } = await tx.query<RegisterRow>(
        `INSERT INTO retail.registers (store_id, register_id, register_name)
         VALUES ($1, $2, $3)
         RETURNING store_id AS "storeId", register_id AS "registerId",
                   register_name AS "registerName", is_active AS "isActive"`,
        [r.storeId, r.registerId, r.registerName],
      );
      const created = rows[0]!;
      tx.changes.record('register', [r.registerId]);
      await recordAudit(tx, options.actor, {
        action: 'register.create',
        storeId: r.storeId,
        target: r.registerId,
        after: created,
      });
      return created;
    });
  } catch (error) {
    if (sqlState(error) === PgCode.uniqueViolation)
      throw conflict(`Store ${r.storeId} already has a register ${r.registerId}`);
    throw error;
  }
}
