/**
 * What the POS API needs from the sync runtime: whether HQ is reachable (card store-and-forward
 * and the status bar), the status the cashier sees, "sync now" and enrollment.
 *
 * The figures come from the till's own tables (pos.outbox, pos.sync_state, pos.mutation_results),
 * which the sync runtime writes; `readLocalSyncView` reads them so the status bar is honest even
 * before the first connection to HQ.
 */
import type { Queryable } from '../../db/queryable';

export interface RejectedMutation {
  mutationId: number;
  mutationType: string;
  /** What the mutation was about, e.g. the receipt number of a rejected sale. */
  subject: string;
  code: string;
  message: string;
  receivedAt: string;
}

export interface SyncView {
  /** True once this till holds an HQ device credential. */
  enrolled: boolean;
  hqUrl: string | null;
  /** HQ answered the last attempt. */
  online: boolean;
  /** A drain or pull is running now. */
  syncing: boolean;
  /** Local changes HQ has not acknowledged yet. */
  pendingCount: number;
  /** Sales among them (what the cashier cares about). */
  pendingSales: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  rejected: RejectedMutation[];
  /** First-sync progress while a new till downloads its catalog; null otherwise. */
  progress: { stage: string; done: number; total: number } | null;
}

export interface EnrollInput {
  hqUrl: string;
  code: string;
}

export interface SyncPort {
  isOnline(): boolean;
  status(): Promise<SyncView>;
  /** Push and pull now (no-op when not enrolled); resolves when the attempt finished. */
  syncNow(): Promise<void>;
  /** Exchange an enrollment code for a device credential and download the store's catalog. */
  enroll(input: EnrollInput): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  hq_url: string | null;
  last_push_at: Date | null;
  last_pull_at: Date | null;
  last_error: string | null;
  pending: number;
  pending_sales: number;
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** The sync figures as recorded in the till's database. */
export async function readLocalSyncView(
  db: Queryable,
  options: { rejectedLimit?: number } = {},
): Promise<Omit<SyncView, 'enrolled' | 'online' | 'syncing' | 'progress'>> {
  const { rows } = await db.query<Row>(
    `SELECT s.hq_url, s.last_push_at, s.last_pull_at, s.last_error,
            (SELECT count(*) FROM pos.outbox o WHERE o.mutation_id > s.last_acked_mutation_id)::int AS pending,
            (SELECT count(*) FROM pos.outbox o WHERE o.mutation_id > s.last_acked_mutation_id
                AND o.mutation_type = 'sale.recorded')::int AS pending_sales
       FROM pos.sync_state s`,
  );
  const state = rows[0];
  const rejected = await db.query<{
    mutation_id: number;
    mutation_type: string | null;
    subject: string | null;
    code: string;
    message: string;
    received_at: Date;
  }>(
    `SELECT r.mutation_id, o.mutation_type,
            coalesce(o.payload ->> 'receiptNumber', o.payload ->> 'transactionId', o.payload ->> 'shiftId',
                     o.payload ->> 'customerId', o.entity_id::text) AS subject,
            r.code, r.message, r.received_at
       FROM pos.mutation_results r
       LEFT JOIN pos.outbox o ON o.mutation_id = r.mutation_id
      WHERE r.status = 'rejected'
      ORDER BY r.mutation_id DESC
      LIMIT $1`,
    [options.rejectedLimit ?? 50],
  );
  const lastPush = state?.last_push_at ? new Date(state.last_push_at).getTime() : 0;
  const lastPull = state?.last_pull_at ? new Date(state.last_pull_at).getTime() : 0;
  const last = Math.max(lastPush, lastPull);
  return {
    hqUrl: state?.hq_url ?? null,
    pendingCount: Number(state?.pending ?? 0),
    pendingSales: Number(state?.pending_sales ?? 0),
    lastSuccessAt: last > 0 ? iso(new Date(last)) : null,
    lastError: state?.last_error ?? null,
    rejected: rejected.rows.map((r) => ({
      mutationId: Number(r.mutation_id),
      mutationType: r.mutation_type ?? 'unknown',
      subject: r.subject ?? '',
      code: r.code,
      message: r.message,
      receivedAt: new Date(r.received_at).toISOString(),
    })),
  };
}
