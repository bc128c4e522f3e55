/**
 * Where the outcome of a till's mutations is kept for people (issue 11): the exceptions raised
 * around facts HQ recorded (sync.exceptions), and every mutation HQ could not record, kept whole
 * (sync.quarantine) so staff can inspect it and re-apply it after a fix. Written in the same
 * transaction as the facts themselves (ingestMutations), so a fact never exists without its
 * exceptions and a refusal never exists without its quarantined copy.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Raising the same exception
 * again (same dedupe key) and quarantining the same mutation again are no-ops apart from the
 * attempt count, so re-applying and replays never duplicate anything.
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { Mutation } from '../../contract/mutations';
import { newId } from '../../core/ids';
import type { MutationOutcome, RaisedException } from './ingest-types';
import { insertSelect } from './insert-select';
import { intArray, textArray } from './pg-arrays';
import type { TenantTx } from './tenant';

/** Which fact an exception is about, and which mutation carried it. */
export interface ExceptionRow extends RaisedException {
  deviceId: string | null;
  mutationId: number | null;
}

/**
 * One key per (kind, thing): the same finding raised twice is recorded once. A quarantined
 * mutation is its own thing (a till may send two mutations about one sale).
 */
export function dedupeKey(e: ExceptionRow): string {
  return e.kind === ExceptionKind.quarantined
    ? `${e.kind}:${e.deviceId ?? '-'}/${e.mutationId ?? 0}`
    : `${e.kind}:${e.entityId}${e.key ? `:${e.key}` : ''}`;
}

/** Who settles a finding a later reconciliation no longer makes (sync.exceptions.resolved_by). */
export const RECONCILIATION = 'HQ reconciliation';

/**
 * A reconciliation looked again at `entityId`: earlier open findings of `kind` about it that
 * it no longer makes (the figures now match, or differ otherwise: a new finding says how) are
 * resolved, audited as the reconciliation's decision. Returns how many were settled.
 */
export async function settleFindings(
  tx: TenantTx,
  options: { kind: ExceptionKind; entityId: string; current: ExceptionRow | null; why: string },
): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `WITH settled AS (
       UPDATE sync.exceptions
          SET status = 'resolved', resolution = $5, resolved_by = $6, resolved_at = now()
        WHERE store_id = $1 AND kind = $2 AND entity_id = $3 AND status = 'open'
          AND dedupe_key IS DISTINCT FROM $4
       RETURNING 1)
     SELECT count(*)::int AS n FROM settled`,
    [
      tx.storeId,
      options.kind,
      options.entityId,
      options.current ? dedupeKey(options.current) : null,
      options.why,
      RECONCILIATION,
    ],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Record findings; returns how many are new (the others were already recorded). */
export async function raiseExceptions(
  tx: TenantTx,
  rows: readonly ExceptionRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  return insertSelect(
    tx,
    `INSERT INTO sync.exceptions
       (store_id, exception_id, dedupe_key, kind, entity, entity_id, device_id, mutation_id,
        reason, detail)
     SELECT $1, u.id, u.dkey, u.kind, u.entity, u.eid, u.dev, u.mut, u.reason, u.detail
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::bigint[], $9::text[], $10::jsonb[])
            AS u(id, dkey, kind, entity, eid, dev, mut, reason, detail)
     ON CONFLICT (store_id, dedupe_key) DO NOTHING`,
    [
      tx.storeId,
      textArray(rows.map(() => newId())),
      textArray(rows.map(dedupeKey)),
      textArray(rows.map((r) => r.kind)),
      textArray(rows.map((r) => r.entity)),
      textArray(rows.map((r) => r.entityId)),
      textArray(rows.map((r) => r.deviceId)),
      intArray(rows.map((r) => r.mutationId)),
      textArray(rows.map((r) => r.reason)),
      textArray(rows.map((r) => JSON.stringify(r.detail))),
    ],
  );
}

/** The entity a quarantined mutation is about, for its exception. */
function subjectOf(m: Mutation): Pick<RaisedException, 'entity' | 'entityId'> {
  switch (m.type) {
    case 'sale.recorded':
      return { entity: 'sale', entityId: m.payload.transactionId };
    case 'sale.voided':
      return { entity: 'void', entityId: m.payload.transactionId };
    case 'shift.opened':
    case 'shift.closed':
      return { entity: 'shift', entityId: m.payload.shiftId };
    case 'shift.cash_moved':
      return { entity: 'cash_movement', entityId: m.payload.movementId };
    case 'shift.no_sale':
      return { entity: 'cash_movement', entityId: m.payload.eventId };
    case 'customer.created':
      return { entity: 'customer', entityId: m.payload.customerId };
    case 'stock.adjusted':
      return { entity: 'stock', entityId: m.payload.adjustmentId };
  }
}

const WHAT: Record<Mutation['type'], string> = {
  'sale.recorded': 'A sale',
  'sale.voided': 'A void',
  'shift.opened': 'A shift opening',
  'shift.cash_moved': 'A cash movement',
  'shift.no_sale': 'A no-sale drawer open',
  'shift.closed': 'A shift close',
  'customer.created': 'A new customer',
  'stock.adjusted': 'A stock adjustment',
};

/**
 * Record what became of a batch: exceptions of recorded facts, and every refused mutation
 * kept whole in the quarantine with an exception pointing at it. `mutations[i]` is the
 * mutation of `outcomes[i]`.
 */
export async function recordOutcomes(
  tx: TenantTx,
  options: {
    deviceId: string;
    mutations: readonly Mutation[];
    outcomes: readonly MutationOutcome[];
  },
): Promise<void> {
  const { deviceId, mutations, outcomes } = options;
  const exceptions: ExceptionRow[] = [];
  const refused: Array<{ m: Mutation; code: string; message: string }> = [];
  outcomes.forEach((o, i) => {
    const m = mutations[i]!;
    if (o.status === 'rejected') {
      refused.push({ m, code: o.code, message: o.message });
      exceptions.push({
        kind: ExceptionKind.quarantined,
        ...subjectOf(m),
        deviceId,
        mutationId: m.mutationId,
        reason: `${WHAT[m.type]} from a till could not be recorded and is kept in the quarantine: ${o.message}. Fix the cause, then re-apply it.`,
        detail: { code: o.code, mutationType: m.type },
      });
      return;
    }
    for (const e of o.exceptions ?? []) {
      exceptions.push({ ...e, deviceId, mutationId: m.mutationId });
    }
  });
  if (refused.length > 0) {
    await insertSelect(
      tx,
      `INSERT INTO sync.quarantine
         (store_id, device_id, mutation_id, mutation_type, mutation, code, message)
       SELECT $1, $2, u.id, u.type, u.m, u.code, u.message
         FROM unnest($3::bigint[], $4::text[], $5::jsonb[], $6::text[], $7::text[])
              AS u(id, type, m, code, message)
       ON CONFLICT (store_id, device_id, mutation_id) DO UPDATE
          SET code = EXCLUDED.code, message = EXCLUDED.message,
              attempts = sync.quarantine.attempts + 1,
              last_attempt_at = EXCLUDED.last_attempt_at`,
      [
        tx.storeId,
        deviceId,
        intArray(refused.map((r) => r.m.mutationId)),
        textArray(refused.map((r) => r.m.type)),
        textArray(refused.map((r) => JSON.stringify(r.m))),
        textArray(refused.map((r) => r.code)),
        textArray(refused.map((r) => r.message)),
      ],
    );
  }
  await raiseExceptions(tx, exceptions);
}
