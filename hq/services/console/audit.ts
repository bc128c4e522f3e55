/**
 * The console's audit log (console.audit_log): who changed what, when, with the row before and
 * after. Written in the SAME transaction as the change it describes, so a change without its
 * audit entry (or the reverse) cannot exist.
 */
import type pg from 'pg';
import type { AuditEntry } from '../../../contract/console-protocol';
import type { Queryable } from '../../../db/queryable';

export interface Actor {
  userId: string | null;
  email: string;
}

export interface AuditRecord {
  action: string;
  storeId?: string | null | undefined;
  target?: string | null | undefined;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(tx: Queryable, actor: Actor, record: AuditRecord): Promise<void> {
  await tx.query(
    `INSERT INTO console.audit_log (user_id, user_email, action, store_id, target, before, after)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
    [
      actor.userId,
      actor.email,
      record.action,
      record.storeId ?? null,
      record.target ?? null,
      record.before === undefined ? null : JSON.stringify(record.before),
      record.after === undefined ? null : JSON.stringify(record.after),
    ],
  );
}

/** The newest entries first. */
export async function listAudit(
  app: pg.Pool,
  options: { limit: number; storeIds?: string[] | undefined },
): Promise<AuditEntry[]> {
  const { rows } = await app.query<AuditEntry>(
    `SELECT audit_id::int AS "auditId", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
            user_email AS "userEmail", action, store_id AS "storeId", target, before, after
       FROM console.audit_log
      WHERE $2::text[] IS NULL OR store_id = ANY ($2)
      ORDER BY audit_id DESC LIMIT $1`,
    [options.limit, options.storeIds ?? null],
  );
  return rows;
}
