/**
 * Readiness: HQ can serve tills once its database answers and holds the sync schema (a
 * database that is up but not migrated yet is not ready).
 */
import type pg from 'pg';
import { getErrorMessage } from '../../contract/errors';
import { HqError } from './errors';

/** Resolves when ready; otherwise throws `unavailable` saying why. */
export async function checkReady(app: pg.Pool): Promise<void> {
  let ready: boolean;
  try {
    const { rows } = await app.query<{ ready: boolean }>(
      `SELECT to_regclass('sync.change_log') IS NOT NULL AS ready`,
    );
    ready = rows[0]?.ready === true;
  } catch (error) {
    throw new HqError('unavailable', `not ready: ${getErrorMessage(error)}`, { cause: error });
  }
  if (!ready) throw new HqError('unavailable', 'not ready: sync schema missing');
}
