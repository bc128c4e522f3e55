/**
 * Exceptions and the quarantine for HQ staff (issue 11): list them with filters across the
 * chain or one store, resolve an exception (audited: who, when, what), re-apply or dismiss a
 * quarantined mutation. Each exception carries a plain-language reason (written when it was
 * raised) and what to do about it (`todo`, by kind).
 */
import type pg from 'pg';
import type {
  ExceptionQuery,
  ExceptionView,
  QuarantineQuery,
  QuarantinedMutation,
  ReapplyResult,
} from '../../contract/admin-protocol';
import {
  TILL_EXCEPTIONS_LIMIT,
  type ExceptionKind,
  type TillExceptionList,
} from '../../contract/exceptions';
import { dismissQuarantined, reapplyQuarantined } from '../../db/central/quarantine';
import {
  listExceptions as listStoreExceptions,
  listQuarantine as listStoreQuarantine,
  listTillExceptions,
  resolveException as resolveStoreException,
  type ExceptionRecord,
} from '../../db/central/queries/exceptions';
import { withTenant } from '../../db/central/tenant';
import { ErrorKind, PosError } from '../../db/errors';
import { conflict, notFound } from './errors';
import type { DeviceCredential } from './credentials';
import { verifyDevice } from './devices/verify';
import { assertStore, listStoreIds } from './stores';

/**
 * A decision on one exception or quarantined mutation, in the store's tenant transaction (the
 * console adds its audit entry in the same transaction).
 */
export async function decide<T>(
  app: pg.Pool,
  storeId: string,
  fn: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>,
): Promise<T> {
  await assertStore(app, storeId);
  try {
    return await withTenant(app, storeId, fn);
  } catch (error) {
    // db/ speaks domain errors; the admin API answers 404 / 409 for them.
    if (error instanceof PosError && error.kind === ErrorKind.notFound) {
      throw notFound(error.message);
    }
    if (error instanceof PosError && error.kind === ErrorKind.conflict) {
      throw conflict(error.message);
    }
    throw error;
  }
}

/** What a person does about each kind, in plain language. */
export const TODO: Record<ExceptionKind, string> = {
  customer_email_shared:
    'Check whether both records are the same person; merge them (keep the older record) or correct the email of one.',
  unknown_customer:
    'Find the customer the till named (see the till customer ID) and link the sale, or leave it as a walk-in sale.',
  unknown_shift:
    "Check the register's shifts for that day; the shift may still be on its way or in the quarantine.",
  unknown_register:
    'Give the register a name, or retire it if a till was set up with the wrong register.',
  unknown_product:
    'Check whether the product was deleted by mistake; restore it or record the sale against a replacement.',
  unknown_original_transaction:
    'Check the original receipt with the store; the original sale may be in another store or in the quarantine.',
  unknown_original_item: 'Check the returned items against the original receipt with the store.',
  over_returned:
    'Two registers refunded the same items (offline at the time): compare the return receipts with the store and recover the refund paid twice.',
  over_returned_across_stores:
    "A store took back items of another store's receipt that had been returned already: compare the return receipts of both stores and recover the refund paid twice.",
  receipt_number_taken:
    'Two tills issued the same receipt number: check whether a register is enrolled twice, and revoke the extra till.',
  sale_in_closed_shift:
    "Check the shift's Z report with the store manager; the sale is counted in the store's day.",
  shift_already_open:
    'Check whether two tills use this register; close the stale shift or revoke the extra till.',
  shift_already_closed: 'Compare the two Z reports with the store manager and keep the right one.',
  cash_in_closed_shift: 'Check the cash count of the shift with the store manager.',
  z_number_taken:
    'Two tills issued the same Z number: check whether a register is enrolled twice, and revoke the extra till.',
  z_totals_differ:
    "Compare the Z report with HQ's sales for the shift; look for sales of the shift in the quarantine.",
  tax_mismatch:
    "Compare the till's tax settings with the store's (rates, inclusive prices, rounding); correct the till, then resolve with what was wrong.",
  no_receipt_return_not_approved:
    "Ask the store's manager whether they approved this refund without a receipt; if not, check it with the cashier and the till's cash count.",
  no_receipt_return_approver_not_manager:
    'Check who approved this refund without a receipt: only a manager of the store may; check it with the store manager.',
  override_not_approved:
    'Check the prices set by hand with the cashier and the store manager (see the reasons); if they were right, resolve saying who agreed; otherwise follow up the difference with the store.',
  override_approver_not_manager:
    'Check who approved the prices set by hand: a manager of the store must; fix the staff roles if the approver is a manager, otherwise follow up with the store.',
  store_day_differs:
    "Look at the day's shifts in the reconciliation (npm run hq:admin -- reconcile --date ...): sales in the quarantine, recorded without their shift, or a Z report that differs.",
  already_voided: 'Check the second void with the cashier; the sale stays voided once.',
  stored_value_overspent:
    "A till redeemed more from the card than HQ reserved for its register: check the till (tampered, restored from an old backup?) and the card's balance (npm run hq:admin -- gift-card show --number ...); recover the difference with the customer or write it off.",
  unknown_stored_value_card:
    'Check the card number on the receipt with the store; the card may have been issued at a till whose sale has not arrived yet.',
  loyalty_points_differ:
    "The customer's points are HQ's count; check the till's version with the store (a till on older loyalty rules, or tampered) so its receipts print what the customer gets.",
  quarantined:
    'Open the quarantined mutation, fix its cause, then re-apply it; dismiss it only with a reason.',
};

export function toView(r: ExceptionRecord): ExceptionView {
  return { ...r, todo: TODO[r.kind] };
}

async function storesOf(app: pg.Pool, storeId: string | undefined): Promise<string[]> {
  if (!storeId) return listStoreIds(app);
  await assertStore(app, storeId);
  return [storeId];
}

export async function listExceptions(
  app: pg.Pool,
  query: ExceptionQuery,
): Promise<ExceptionView[]> {
  const limit = query.limit ?? 100;
  const out: ExceptionRecord[] = [];
  for (const storeId of await storesOf(app, query.storeId)) {
    out.push(
      ...(await withTenant(app, storeId, (tx) =>
        listStoreExceptions(tx, {
          status: query.status,
          kind: query.kind,
          entity: query.entity,
          entityId: query.entityId,
          before: query.before,
          limit,
        }),
      )),
    );
  }
  return out
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.storeId.localeCompare(b.storeId))
    .slice(0, limit)
    .map(toView);
}

export async function resolveException(
  app: pg.Pool,
  options: { storeId: string; exceptionId: string; resolvedBy: string; resolution: string },
): Promise<ExceptionView> {
  const record = await decide(app, options.storeId, (tx) => resolveStoreException(tx, options));
  return toView(record);
}

export async function listQuarantine(
  app: pg.Pool,
  query: QuarantineQuery,
): Promise<QuarantinedMutation[]> {
  const limit = query.limit ?? 100;
  const out: QuarantinedMutation[] = [];
  for (const storeId of await storesOf(app, query.storeId)) {
    out.push(
      ...(await withTenant(app, storeId, (tx) =>
        listStoreQuarantine(tx, { status: query.status, limit }),
      )),
    );
  }
  return out.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, limit);
}

export async function reapply(
  app: pg.Pool,
  options: { storeId: string; deviceId: string; mutationId: number; by: string },
): Promise<ReapplyResult> {
  const outcome = await decide(app, options.storeId, (tx) => reapplyQuarantined(tx, options));
  return {
    status: outcome.status,
    code: outcome.code,
    message: outcome.message,
    exceptions: outcome.exceptions.map((e) => ({ kind: e.kind, reason: e.reason })),
  };
}

export async function dismiss(
  app: pg.Pool,
  options: { storeId: string; deviceId: string; mutationId: number; by: string; reason: string },
): Promise<void> {
  await decide(app, options.storeId, (tx) => dismissQuarantined(tx, options));
}

/**
 * GET /v1/exceptions: the open exceptions a till is shown (its own mutations and its register),
 * in the device's tenant transaction (row-level security: never another store's).
 */
export async function tillExceptions(
  app: pg.Pool,
  credential: DeviceCredential,
): Promise<TillExceptionList> {
  return withTenant(app, credential.storeId, async (tx) => {
    const device = await verifyDevice(tx, credential);
    const exceptions = await listTillExceptions(tx, {
      deviceId: device.deviceId,
      registerId: device.registerId,
      limit: TILL_EXCEPTIONS_LIMIT,
    });
    return { exceptions };
  });
}
