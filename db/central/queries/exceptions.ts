/**
 * Reading and resolving exceptions and quarantined mutations (issue 11), for the admin API.
 * Every function runs inside withTenant (tx.storeId is the tenant key). A resolution records
 * who, when and what; a resolved exception or a decided quarantine row is never reopened or
 * deleted, so the table is its own audit trail.
 */
import type { ExceptionEntity, ExceptionKind, TillException } from '../../../contract/exceptions';
import { ConflictError, NotFoundError } from '../../errors';
import type { TenantTx } from '../tenant';

export interface ExceptionRecord {
  storeId: string;
  exceptionId: string;
  kind: ExceptionKind;
  entity: ExceptionEntity;
  entityId: string;
  deviceId: string | null;
  mutationId: number | null;
  reason: string;
  detail: Record<string, unknown>;
  status: 'open' | 'resolved';
  resolution: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
}

interface ExceptionRow {
  store_id: string;
  exception_id: string;
  kind: ExceptionKind;
  entity: ExceptionEntity;
  entity_id: string;
  device_id: string | null;
  mutation_id: string | null;
  reason: string;
  detail: Record<string, unknown>;
  status: 'open' | 'resolved';
  resolution: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function toRecord(r: ExceptionRow): ExceptionRecord {
  return {
    storeId: r.store_id,
    exceptionId: r.exception_id,
    kind: r.kind,
    entity: r.entity,
    entityId: r.entity_id,
    deviceId: r.device_id,
    mutationId: r.mutation_id === null ? null : Number(r.mutation_id),
    reason: r.reason,
    detail: r.detail,
    status: r.status,
    resolution: r.resolution,
    resolvedBy: r.resolved_by,
    resolvedAt: iso(r.resolved_at),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export interface ExceptionFilter {
  status?: 'open' | 'resolved' | undefined;
  kind?: string | undefined;
  entity?: string | undefined;
  entityId?: string | undefined;
  deviceId?: string | undefined;
  before?: string | undefined;
  limit: number;
}

export async function listExceptions(
  tx: TenantTx,
  filter: ExceptionFilter,
): Promise<ExceptionRecord[]> {
  const { rows } = await tx.query<ExceptionRow>(
    `SELECT * FROM sync.exceptions
      WHERE store_id = $1
        AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR kind = $3)
        AND ($4::text IS NULL OR entity = $4)
        AND ($5::text IS NULL OR entity_id = $5)
        AND ($6::text IS NULL OR device_id = $6)
        AND ($7::timestamptz IS NULL OR created_at < $7)
      ORDER BY created_at DESC, exception_id DESC
      LIMIT $8`,
    [
      tx.storeId,
      filter.status ?? null,
      filter.kind ?? null,
      filter.entity ?? null,
      filter.entityId ?? null,
      filter.deviceId ?? null,
      filter.before ?? null,
      filter.limit,
    ],
  );
  return rows.map(toRecord);
}

/**
 * The open exceptions a till is shown: about what it sent (its device, and the devices it
 * continues after a rebase are not followed: a rebased till starts afresh) or about its register
 * (reconciliation findings carry no device). The receipt comes from the finding, or from the
 * quarantined mutation itself.
 */
export async function listTillExceptions(
  tx: TenantTx,
  options: { deviceId: string; registerId: string; limit: number },
): Promise<TillException[]> {
  const { rows } = await tx.query<{
    exception_id: string;
    kind: string;
    receipt_number: string | null;
    created_at: Date;
  }>(
    `SELECT e.exception_id::text, e.kind, e.created_at,
            coalesce(e.detail->>'receiptNumber',
              (SELECT q.mutation->'payload'->>'receiptNumber' FROM sync.quarantine q
                WHERE q.store_id = e.store_id AND q.device_id = e.device_id
                  AND q.mutation_id = e.mutation_id)) AS receipt_number
       FROM sync.exceptions e
      WHERE e.store_id = $1 AND e.status = 'open'
        AND (e.device_id = $2 OR (e.device_id IS NULL AND e.detail->>'registerId' = $3))
      ORDER BY e.created_at DESC, e.exception_id DESC
      LIMIT $4`,
    [tx.storeId, options.deviceId, options.registerId, options.limit],
  );
  return rows.map((r) => ({
    exceptionId: r.exception_id,
    kind: r.kind,
    receiptNumber: r.receipt_number,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function resolveException(
  tx: TenantTx,
  options: { exceptionId: string; resolvedBy: string; resolution: string },
): Promise<ExceptionRecord> {
  const { rows } = await tx.query<ExceptionRow>(
    `UPDATE sync.exceptions
        SET status = 'resolved', resolution = $3, resolved_by = $4, resolved_at = now()
      WHERE store_id = $1 AND exception_id = $2 AND status = 'open'
      RETURNING *`,
    [tx.storeId, options.exceptionId, options.resolution, options.resolvedBy],
  );
  const row = rows[0];
  if (row) return toRecord(row);
  const existing = await tx.query<ExceptionRow>(
    `SELECT * FROM sync.exceptions WHERE store_id = $1 AND exception_id = $2`,
    [tx.storeId, options.exceptionId],
  );
  const found = existing.rows[0];
  if (!found) throw new NotFoundError(`This store has no exception ${options.exceptionId}`);
  throw new ConflictError(
    `Exception ${options.exceptionId} was already resolved by ${found.resolved_by ?? '?'} at ${iso(found.resolved_at) ?? '?'}`,
  );
}

export interface QuarantineRecord {
  storeId: string;
  deviceId: string;
  mutationId: number;
  mutationType: string;
  mutation: Record<string, unknown>;
  code: string;
  message: string;
  status: 'held' | 'applied' | 'dismissed';
  attempts: number;
  receivedAt: string;
  lastAttemptAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

interface QuarantineRow {
  store_id: string;
  device_id: string;
  mutation_id: string;
  mutation_type: string;
  mutation: Record<string, unknown>;
  code: string;
  message: string;
  status: 'held' | 'applied' | 'dismissed';
  attempts: number;
  received_at: Date;
  last_attempt_at: Date;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution: string | null;
}

function toQuarantine(r: QuarantineRow): QuarantineRecord {
  return {
    storeId: r.store_id,
    deviceId: r.device_id,
    mutationId: Number(r.mutation_id),
    mutationType: r.mutation_type,
    mutation: r.mutation,
    code: r.code,
    message: r.message,
    status: r.status,
    attempts: Number(r.attempts),
    receivedAt: new Date(r.received_at).toISOString(),
    lastAttemptAt: new Date(r.last_attempt_at).toISOString(),
    resolvedBy: r.resolved_by,
    resolvedAt: iso(r.resolved_at),
    resolution: r.resolution,
  };
}

export async function listQuarantine(
  tx: TenantTx,
  filter: { status?: 'held' | 'applied' | 'dismissed' | undefined; limit: number },
): Promise<QuarantineRecord[]> {
  const { rows } = await tx.query<QuarantineRow>(
    `SELECT * FROM sync.quarantine
      WHERE store_id = $1 AND ($2::text IS NULL OR status = $2)
      ORDER BY received_at DESC, device_id, mutation_id DESC
      LIMIT $3`,
    [tx.storeId, filter.status ?? null, filter.limit],
  );
  return rows.map(toQuarantine);
}

/** One quarantined mutation, locked for a decision (re-apply or dismiss). */
export async function lockQuarantined(
  tx: TenantTx,
  key: { deviceId: string; mutationId: number },
): Promise<QuarantineRecord> {
  const { rows } = await tx.query<QuarantineRow>(
    `SELECT * FROM sync.quarantine
      WHERE store_id = $1 AND device_id = $2 AND mutation_id = $3
      FOR UPDATE`,
    [tx.storeId, key.deviceId, key.mutationId],
  );
  const row = rows[0];
  if (!row) {
    throw new NotFoundError(
      `This store has no quarantined mutation ${key.mutationId} of device ${key.deviceId}`,
    );
  }
  const record = toQuarantine(row);
  if (record.status !== 'held') {
    throw new ConflictError(
      `Mutation ${key.mutationId} of device ${key.deviceId} was already ${record.status} by ${record.resolvedBy ?? '?'} at ${record.resolvedAt ?? '?'}`,
    );
  }
  return record;
}

/** Record the decision on a quarantined mutation, and resolve the exception pointing at it. */
export async function decideQuarantined(
  tx: TenantTx,
  options: {
    deviceId: string;
    mutationId: number;
    status: 'applied' | 'dismissed';
    by: string;
    resolution: string;
  },
): Promise<void> {
  await tx.query(
    `UPDATE sync.quarantine
        SET status = $4, resolved_by = $5, resolved_at = now(), resolution = $6
      WHERE store_id = $1 AND device_id = $2 AND mutation_id = $3`,
    [
      tx.storeId,
      options.deviceId,
      options.mutationId,
      options.status,
      options.by,
      options.resolution,
    ],
  );
  await tx.query(
    `UPDATE sync.exceptions
        SET status = 'resolved', resolution = $4, resolved_by = $5, resolved_at = now()
      WHERE store_id = $1 AND kind = 'quarantined' AND device_id = $2 AND mutation_id = $3
        AND status = 'open'`,
    [tx.storeId, options.deviceId, options.mutationId, options.resolution, options.by],
  );
  if (options.status === 'applied') {
    // A replay of this mutation by the till now gets the answer "applied" (push.ts reads the
    // log); a device ID that is not a UUID never pushed through the service (tests, seed).
    await tx.query(
      `UPDATE sync.mutation_log SET status = 'applied', code = NULL, message = NULL
        WHERE store_id = $1 AND device_id::text = $2 AND mutation_id = $3`,
      [tx.storeId, options.deviceId, options.mutationId],
    );
  }
}
