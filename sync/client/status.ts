/**
 * The sync client's status (the view the screens get, one schema: contract/till-api/sync.ts): the
 * last published value, its subscribers, and how it is re-read from the till's database.
 * Browser-safe.
 */
import { getErrorMessage } from '../../contract/errors';
import type { SyncView } from '../../contract/till-api/sync';
import type { Logger } from '../../db/logger';
import type { Queryable } from '../../db/queryable';
import type { SyncContext } from './context';
import { readCounts, readSyncState } from './local';
import { readSnapshot } from './snapshot';

export type SyncStatus = SyncView;

export type StatusListener = (status: SyncStatus) => void;

const INITIAL: SyncStatus = {
  enrolled: false,
  hqUrl: null,
  storeId: null,
  registerId: null,
  deviceId: null,
  online: false,
  syncing: false,
  pendingCount: 0,
  pendingSales: 0,
  lastSuccessAt: null,
  lastError: null,
  rejected: [],
  progress: null,
  ready: false,
  integrity: null,
};

/**
 * The published status: subscribers hear each change once, never an unchanged value. Also
 * who waits for the till to become ready (a catalog in place).
 */
export class StatusBoard {
  private readonly listeners = new Set<StatusListener>();
  private readonly logger: Logger;
  private value: SyncStatus = INITIAL;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(logger: Logger) {
    this.logger = logger;
  }

  get current(): SyncStatus {
    return this.value;
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    listener(this.value);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once a catalog is in place (at once if it already is). */
  whenReady(): Promise<void> {
    if (this.value.ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  markReady(): void {
    if (!this.value.ready) this.update({ ready: true });
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /** Whoever waits for the till to become ready is told it will not (stopped, refused). */
  failReady(error: Error): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(error);
  }

  update(patch: Partial<SyncStatus>): void {
    let changed = false;
    for (const [k, v] of Object.entries(patch) as Array<[keyof SyncStatus, unknown]>) {
      if (this.value[k] !== v) changed = true;
    }
    if (!changed) return;
    this.value = { ...this.value, ...patch };
    for (const listener of this.listeners) {
      try {
        listener(this.value);
      } catch (error) {
        this.logger.warn({ error: getErrorMessage(error) }, 'sync status listener failed');
      }
    }
  }
}

/**
 * The status as the database tells it (device, counts, last success, download progress), over
 * the current one: a success or error seen in this run wins over the stored one, and once
 * ready a till stays ready. `ctx` and `current` are asked again after the reads, which may
 * overlap a round that changes them.
 */
export async function readStatus(
  db: Queryable,
  live: { ctx: () => SyncContext | undefined; current: () => SyncStatus },
): Promise<Partial<SyncStatus>> {
  const device = live.ctx()?.device;
  const counts = await readCounts(db);
  const state = await readSyncState(db);
  const last = [state.lastPushAt, state.lastPullAt]
    .filter((d): d is Date => d !== null)
    .reduce<Date | null>((a, b) => (a === null || b > a ? b : a), null);
  const downloading = device ? await readSnapshot(db) : undefined;
  const current = live.current();
  return {
    enrolled: device !== undefined,
    hqUrl: device?.hqUrl ?? null,
    storeId: device?.storeId ?? null,
    registerId: device?.registerId ?? null,
    deviceId: device?.deviceId ?? null,
    pendingCount: counts.pendingCount,
    pendingSales: counts.pendingSales,
    rejected: counts.rejected,
    lastSuccessAt: last ? last.toISOString() : current.lastSuccessAt,
    lastError: current.lastError ?? state.lastError,
    ready: current.ready || (device !== undefined && state.cursor !== null && !downloading),
    progress: downloading
      ? (live.ctx()?.progress ?? {
          stage: downloading.stage ?? 'starting',
          done: Number(downloading.done_rows),
          total: Number(downloading.total_rows),
        })
      : null,
  };
}
