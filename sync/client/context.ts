/**
 * What the sync operations (push.ts, pull.ts, snapshot.ts, round.ts) share: the till's
 * database, the HTTP transport to its HQ, the device as last read, tunables and hooks.
 * Browser-safe (no node: imports): the web POS runs this in a Web Worker with PGlite.
 */
import { MAX_PUSH_MUTATIONS } from '../../contract/sync-protocol/push';
import type { Logger } from '../../db/logger';
import type { TransactionalDb } from '../../db/queryable';
import { createSyncHttp, type SyncHttp } from './http';
import type { LocalDevice } from './local';
import type { SecretSealer } from './secrets';

export interface SyncHooks {
  /**
   * HQ acknowledged mutations through `lastAcked` (e.g. trim the sale journal:
   * EdgeStore.compactJournal). Called after a drain that moved the acknowledgement.
   */
  afterAck?: (lastAcked: number) => Promise<void>;
  /**
   * Many rows were written (a snapshot, a big pull): run maintenance (EdgeStore.maintain:
   * PGlite has no autovacuum and stale statistics slow searches down).
   */
  afterBulkApply?: () => Promise<void>;
}

export interface SyncTuning {
  /**
   * Mutations per push (default: the protocol's maximum, 1,000; halved when HQ says the body is
   * too large). A till online pushes each sale as it comes; only a catch-up after time offline
   * fills a batch, and there HQ's cost per push (request, transaction, commit fsync, device
   * lock, mutation-log lookup) is paid once per batch: fewer, larger batches drain faster.
   */
  pushBatch: number;
  /** Rough upper bound of one push body in bytes (default 8 MiB). */
  pushMaxBytes: number;
  /** Change-log entries per pull page (default 2,000). */
  pullLimit: number;
  /** Rows per snapshot page (default 2,000). */
  snapshotLimit: number;
  /** Long-poll wait of an idle pull (default 10 s). */
  pullWaitMs: number;
  /** Call afterBulkApply once this many rows were applied since the last call (default 5,000). */
  maintainEveryRows: number;
}

export const DEFAULT_TUNING: SyncTuning = {
  pushBatch: MAX_PUSH_MUTATIONS,
  pushMaxBytes: 8 * 1024 * 1024,
  pullLimit: 2_000,
  snapshotLimit: 2_000,
  pullWaitMs: 10_000,
  maintainEveryRows: 5_000,
};

export interface SyncContext {
  db: TransactionalDb;
  http: SyncHttp;
  /** The enrolled device, refreshed whenever its credential changes. */
  device: LocalDevice;
  tuning: SyncTuning;
  hooks: SyncHooks;
  logger: Logger;
  /** How the till's secrets are stored (secrets.ts); null: as is. */
  sealer: SecretSealer | null;
  /** Mutable progress of the running operation (snapshot download), for the status. */
  progress: { stage: string; done: number; total: number } | null;
  /** Rows applied since afterBulkApply last ran. */
  rowsSinceMaintain: number;
  /** Set after a `gap` answer: resend from here although the till counts them acknowledged. */
  resendFrom: number | undefined;
}

/**
 * The context of an enrolled device: its HTTP transport reads the credential from the context
 * on every request (a rebase replaces it in place).
 */
export function createSyncContext(options: {
  db: TransactionalDb;
  device: LocalDevice;
  logger: Logger;
  sealer: SecretSealer | null;
  hooks?: SyncHooks | undefined;
  tuning?: Partial<SyncTuning> | undefined;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
  /** Unacknowledged local changes, reported to HQ. */
  pending: () => number;
  /** Told after each attempt whether HQ answered at all. */
  onReachable: (reachable: boolean) => void;
}): SyncContext {
  const holder: { ctx?: SyncContext } = {};
  const http = createSyncHttp({
    baseUrl: options.device.hqUrl,
    token: () => holder.ctx?.device.token,
    pending: options.pending,
    onReachable: options.onReachable,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const ctx: SyncContext = {
    db: options.db,
    http,
    device: options.device,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
    hooks: options.hooks ?? {},
    logger: options.logger,
    sealer: options.sealer,
    progress: null,
    rowsSinceMaintain: 0,
    resendFrom: undefined,
  };
  holder.ctx = ctx;
  return ctx;
}

export async function maybeMaintain(ctx: SyncContext, rows: number, force = false): Promise<void> {
  ctx.rowsSinceMaintain += rows;
  if (!ctx.hooks.afterBulkApply) return;
  if (!force && ctx.rowsSinceMaintain < ctx.tuning.maintainEveryRows) return;
  ctx.rowsSinceMaintain = 0;
  await ctx.hooks.afterBulkApply();
}
