/**
 * The chain's reconciliation of a day (issue 11) for HQ staff: every store's day in its own
 * tenant transaction (db/central/reconcile-day.ts), which raises an exception for each
 * difference and settles findings the figures no longer show. Run it again after late facts
 * arrive; the result follows the facts.
 */
import type pg from 'pg';
import type { Reconciliation, ReconcileRequest } from '../../contract/admin-protocol';
import { reconcileStoreDay } from '../../db/central/reconcile-day';
import { withTenant } from '../../db/central/tenant';
import { assertStore, listStoreIds } from './stores';

export async function reconcileDay(
  app: pg.Pool,
  request: ReconcileRequest,
): Promise<Reconciliation> {
  if (request.storeId) await assertStore(app, request.storeId);
  const storeIds = request.storeId ? [request.storeId] : await listStoreIds(app);
  const stores = [];
  for (const storeId of storeIds) {
    stores.push(await withTenant(app, storeId, (tx) => reconcileStoreDay(tx, request.date)));
  }
  return { date: request.date, stores };
}
