/**
 * Exceptions and reconciliation from the console (issue 14, item 5), on issue 11's services
 * (hq/services/exceptions.ts, reconcile.ts): the queue limited to the stores the user sees, a
 * resolution in the signed-in user's name with its audit entry in the same tenant transaction,
 * and a day's reconciliation of one store or every store the user runs.
 */
import type pg from 'pg';
import type { ExceptionView, Reconciliation } from '../../../contract/admin-protocol';
import type { ConsoleExceptionQuery, ConsoleReconcile } from '../../../contract/console-exceptions';
import type { ConsoleUser } from '../../../contract/console-protocol';
import { resolveException as resolveStoreException } from '../../../db/central/queries/exceptions';
import { decide, listExceptions, toView } from '../exceptions';
import { reconcileDay } from '../reconcile';
import { listStoreIds } from '../stores';
import { visibleStores } from './access';
import { recordAudit, type Actor } from './audit';
import { inTransaction } from './transaction';

/** Newest first, across the stores the user sees (a manager: only theirs). */
export async function listConsoleExceptions(
  app: pg.Pool,
  options: { user: ConsoleUser; query: ConsoleExceptionQuery },
): Promise<ExceptionView[]> {
  const { user, query } = options;
  const limit = query.limit ?? 200;
  const filter = { status: query.status, kind: query.kind, limit };
  // Everyone but a manager sees the whole chain: one call over every store.
  if (query.storeId || user.role !== 'manager') {
    return listExceptions(app, { ...filter, storeId: query.storeId });
  }
  const stores = visibleStores(user, await listStoreIds(app));
  const out: ExceptionView[] = [];
  for (const storeId of stores) out.push(...(await listExceptions(app, { ...filter, storeId })));
  return out
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.storeId.localeCompare(b.storeId))
    .slice(0, limit);
}

/** Resolved by the signed-in user; the audit entry holds the exception before and after. */
export async function resolveConsoleException(
  app: pg.Pool,
  options: { storeId: string; exceptionId: string; resolution: string; actor: Actor },
): Promise<ExceptionView> {
  const { storeId, exceptionId, resolution, actor } = options;
  const record = await decide(app, storeId, async (tx) => {
    const resolved = await resolveStoreException(tx, {
      exceptionId,
      resolution,
      resolvedBy: actor.email,
    });
    await recordAudit(tx, actor, {
      action: 'exception.resolve',
      storeId,
      target: exceptionId,
      before: { kind: resolved.kind, status: 'open', reason: resolved.reason },
      after: { status: resolved.status, resolution: resolved.resolution },
    });
    return resolved;
  });
  return toView(record);
}

/**
 * One store's day, or the day of every store the user runs (an administrator: the chain). Each
 * store is reconciled in its own tenant transaction; findings are raised as exceptions.
 */
export async function reconcileConsole(
  app: pg.Pool,
  options: { user: ConsoleUser; request: ConsoleReconcile; actor: Actor },
): Promise<Reconciliation> {
  const { user, request, actor } = options;
  let result: Reconciliation;
  if (request.storeId || user.role === 'admin') {
    result = await reconcileDay(app, request);
  } else {
    const stores = visibleStores(user, await listStoreIds(app));
    result = { date: request.date, stores: [] };
    for (const storeId of stores) {
      result.stores.push(...(await reconcileDay(app, { ...request, storeId })).stores);
    }
  }
  await inTransaction(app, (tx) =>
    recordAudit(tx, actor, {
      action: 'reconcile',
      storeId: request.storeId ?? null,
      target: request.date,
      after: {
        stores: result.stores.length,
        differing: result.stores.filter((s) => s.status === 'differs').map((s) => s.storeId),
        raised: result.stores.reduce((n, s) => n + s.raised, 0),
        settled: result.stores.reduce((n, s) => n + s.settled, 0),
      },
    }),
  );
  return result;
}
