/**
 * The till's sync state in its own database (pos.sync_device, pos.sync_state, pos.outbox,
 * pos.mutation_results): reads, and the writes that must share a transaction with what they
 * record. Takes a Queryable so callers choose the transaction.
 */
import { upsertStores } from '../../db/queries/catalog-write';
import { setIdentity } from '../../db/queries/identity';
import { raiseCounters } from '../../db/queries/outbox';
import { Mutation } from '../../contract/mutations';
import type { Queryable } from '../../db/queryable';
import type { EnrollResult } from '../../contract/sync-protocol/enrollment';
import type { MutationResult } from '../../contract/sync-protocol/push';
import type { RejectedMutation } from '../../contract/till-api/sync';
import { revealSecret, type SecretSealer, type StoredSecret } from './secrets';

export interface LocalDevice {
  hqUrl: string;
  storeId: string;
  registerId: string;
  deviceId: string;
  token: string;
  rebase: { deviceId: string; secret: string; fromMutationId: number } | null;
}

/** Is this till enrolled? (Opens no secret.) */
export async function isEnrolled(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM pos.sync_device`);
  return rows.length > 0;
}

/**
 * The enrolled device with its secrets opened (`sealer`: how they were stored, secrets.ts).
 * Throws SealedSecretError when a sealed secret cannot be opened on this host.
 */
export async function readDevice(
  db: Queryable,
  sealer?: SecretSealer | null,
): Promise<LocalDevice | undefined> {
  const { rows } = await db.query<{
    hq_url: string;
    store_id: string;
    register_id: string;
    device_id: string;
    token: string | null;
    token_sealed: Uint8Array | null;
    rebase_device_id: string | null;
    rebase_secret: string | null;
    rebase_secret_sealed: Uint8Array | null;
    rebase_from: number | null;
  }>(`SELECT * FROM pos.sync_device`);
  const r = rows[0];
  if (!r) return undefined;
  return {
    hqUrl: r.hq_url,
    storeId: r.store_id,
    registerId: r.register_id,
    deviceId: r.device_id,
    token: await revealSecret(
      sealer,
      { plain: r.token, sealed: r.token_sealed },
      'the device credential',
    ),
    rebase:
      r.rebase_device_id && r.rebase_from !== null
        ? {
            deviceId: r.rebase_device_id,
            secret: await revealSecret(
              sealer,
              { plain: r.rebase_secret, sealed: r.rebase_secret_sealed },
              "the new device's secret",
            ),
            fromMutationId: Number(r.rebase_from),
          }
        : null,
  };
}

/** Enrollment, in ONE local transaction: store row, identity, credential, HQ address. */
export async function saveEnrollment(
  tx: Queryable,
  options: { hqUrl: string; result: EnrollResult; token: StoredSecret },
): Promise<void> {
  const { result } = options;
  await upsertStores(tx, [result.store]);
  await setIdentity(tx, {
    storeId: result.storeId,
    registerId: result.registerId,
    deviceId: result.deviceId,
  });
  await tx.query(
    `INSERT INTO pos.sync_device (hq_url, store_id, register_id, device_id, token, token_sealed)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      options.hqUrl,
      result.storeId,
      result.registerId,
      result.deviceId,
      options.token.plain,
      options.token.sealed,
    ],
  );
  await tx.query(`UPDATE pos.sync_state SET hq_url = $1, updated_at = now()`, [options.hqUrl]);
  // Continue the register's numbering after what HQ already has (never reuse a receipt number).
  await raiseCounters(tx, {
    mutation: 0,
    receipt: result.counters.receiptSeq,
    z_report: result.counters.zNumber,
  });
}

export async function saveRebaseIntent(
  tx: Queryable,
  intent: { deviceId: string; secret: StoredSecret; fromMutationId: number },
): Promise<void> {
  await tx.query(
    `UPDATE pos.sync_device SET rebase_device_id = $1, rebase_secret = $2,
            rebase_secret_sealed = $3, rebase_from = $4`,
    [intent.deviceId, intent.secret.plain, intent.secret.sealed, intent.fromMutationId],
  );
}

/** HQ confirmed the new device: switch credential and identity together. */
export async function completeRebase(
  tx: Queryable,
  options: {
    deviceId: string;
    token: StoredSecret;
    storeId: string;
    registerId: string;
    counters: { receiptSeq: number; zNumber: number };
  },
): Promise<void> {
  await raiseCounters(tx, {
    mutation: 0,
    receipt: options.counters.receiptSeq,
    z_report: options.counters.zNumber,
  });
  await tx.query(
    `UPDATE pos.sync_device SET device_id = $1, token = $2, token_sealed = $3,
            rebase_device_id = NULL, rebase_secret = NULL, rebase_secret_sealed = NULL,
            rebase_from = NULL`,
    [options.deviceId, options.token.plain, options.token.sealed],
  );
  await setIdentity(tx, {
    storeId: options.storeId,
    registerId: options.registerId,
    deviceId: options.deviceId,
  });
}

export interface LocalSyncState {
  lastAcked: number;
  stockAck: number;
  cursor: string | null;
  lastPushAt: Date | null;
  lastPullAt: Date | null;
  lastError: string | null;
}

export async function readSyncState(db: Queryable): Promise<LocalSyncState> {
  const { rows } = await db.query<{
    last_acked_mutation_id: number;
    stock_ack_mutation_id: number;
    pull_cursor: string | null;
    last_push_at: Date | null;
    last_pull_at: Date | null;
    last_error: string | null;
  }>(`SELECT * FROM pos.sync_state`);
  const r = rows[0];
  return {
    lastAcked: Number(r?.last_acked_mutation_id ?? 0),
    stockAck: Number(r?.stock_ack_mutation_id ?? 0),
    cursor: r?.pull_cursor ?? null,
    lastPushAt: r?.last_push_at ? new Date(r.last_push_at) : null,
    lastPullAt: r?.last_pull_at ? new Date(r.last_pull_at) : null,
    lastError: r?.last_error ?? null,
  };
}

/** Outbox mutations with ID > afterId, oldest first, at most `limit` / about `maxBytes`. */
export async function outboxAfter(
  db: Queryable,
  options: { afterId: number; limit: number; maxBytes: number },
): Promise<Mutation[]> {
  const { rows } = await db.query<{ mutation_id: number; mutation_type: string; payload: unknown }>(
    `SELECT mutation_id, mutation_type, payload FROM pos.outbox
      WHERE mutation_id > $1 ORDER BY mutation_id LIMIT $2`,
    [options.afterId, options.limit],
  );
  const out: Mutation[] = [];
  let bytes = 0;
  for (const r of rows) {
    const m = Mutation.parse({
      mutationId: Number(r.mutation_id),
      type: r.mutation_type,
      payload: r.payload,
    });
    bytes += JSON.stringify(m.payload).length;
    if (out.length > 0 && bytes > options.maxBytes) break;
    // One consecutive run only: a hole (mutations a power cut lost after HQ acknowledged
    // them) ends the batch; the next batch starts after it and HQ judges it (push.ts).
    const previous = out[out.length - 1];
    if (previous && m.mutationId !== previous.mutationId + 1) break;
    out.push(m);
  }
  return out;
}

export async function lastOutboxId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: number | null }>(
    `SELECT max(mutation_id) AS id FROM pos.outbox`,
  );
  return Number(rows[0]?.id ?? 0);
}

/**
 * HQ answered a push: keep its rejections (shown at the till) and move the acknowledgement,
 * in ONE local transaction. `ackThrough` never exceeds what was sent: HQ's own counter can be
 * ahead of this till's outbox after a restore, and acknowledging that far would skip sales.
 */
export async function recordPushResult(
  tx: Queryable,
  options: { results: readonly MutationResult[]; ackThrough: number },
): Promise<void> {
  const rejected = options.results.filter(
    (r): r is Extract<MutationResult, { status: 'rejected' }> => r.status === 'rejected',
  );
  if (rejected.length > 0) {
    await tx.query(
      `INSERT INTO pos.mutation_results (mutation_id, status, code, message)
       SELECT u.id, 'rejected', u.code, u.message
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, code, message)
       ON CONFLICT (mutation_id) DO NOTHING`,
      [
        rejected.map((r) => r.mutationId),
        rejected.map((r) => r.code),
        rejected.map((r) => r.message),
      ],
    );
  }
  await tx.query(
    `UPDATE pos.sync_state
        SET last_acked_mutation_id = greatest(last_acked_mutation_id, $1),
            last_push_at = now(), last_error = NULL, updated_at = now()`,
    [options.ackThrough],
  );
}

export async function setLastError(db: Queryable, message: string | null): Promise<void> {
  await db.query(`UPDATE pos.sync_state SET last_error = $1, updated_at = now()`, [message]);
}

/** A mutation HQ refused, as the screens list it (contract/till-api/sync.ts). */
export type RejectedView = RejectedMutation;

export interface LocalCounts {
  pendingCount: number;
  pendingSales: number;
  rejected: RejectedView[];
}

export async function readCounts(db: Queryable, rejectedLimit = 50): Promise<LocalCounts> {
  const { rows } = await db.query<{ pending: number; pending_sales: number }>(
    `SELECT count(*)::int AS pending,
            count(*) FILTER (WHERE o.mutation_type = 'sale.recorded')::int AS pending_sales
       FROM pos.outbox o
      WHERE o.mutation_id > (SELECT last_acked_mutation_id FROM pos.sync_state)`,
  );
  const rejected = await db.query<{
    mutation_id: number;
    mutation_type: string | null;
    subject: string | null;
    code: string;
    message: string;
    received_at: Date;
  }>(
    `SELECT r.mutation_id, o.mutation_type,
            coalesce(o.payload ->> 'receiptNumber', o.payload ->> 'transactionId',
                     o.payload ->> 'shiftId', o.payload ->> 'customerId', o.entity_id::text) AS subject,
            r.code, r.message, r.received_at
       FROM pos.mutation_results r
       LEFT JOIN pos.outbox o ON o.mutation_id = r.mutation_id
      WHERE r.status = 'rejected'
      ORDER BY r.mutation_id DESC
      LIMIT $1`,
    [rejectedLimit],
  );
  return {
    pendingCount: Number(rows[0]?.pending ?? 0),
    pendingSales: Number(rows[0]?.pending_sales ?? 0),
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
