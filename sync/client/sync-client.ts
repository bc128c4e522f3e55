/**
 * The till's sync runtime: one background loop per till that
 *   - pushes the outbox, then pulls HQ's changes until caught up, then waits for more with a
 *     long poll (woken at once by `nudge()` when the till records a sale);
 *   - downloads the catalog when the till is new or HQ asks for a resync, while sales go on
 *     being recorded and pushed;
 *   - on failure marks HQ offline (network, 5xx) and retries with backoff (1 s doubling to
 *     32 s, jittered, Retry-After honoured) without waiting for a new sale, so a till that
 *     sold for days offline drains as soon as HQ answers again;
 *   - never runs two network rounds at once: every round goes through one exclusive lane,
 *     and `drain()` / `syncNow()` callers share the round already running;
 *   - publishes its status (online, pending, last success, last error, rejected mutations,
 *     download progress) to subscribers, e.g. the cashier's status bar.
 * Browser-safe: fetch and timers only; the database is any PGlite-like TransactionalDb.
 */
import { TillExceptionList, type TillException } from '../../contract/exceptions';
import { InvalidStateError, ValidationError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import { silentLogger } from '../../db/logger';
import type { TransactionalDb } from '../../db/queryable';
import { EnrollRequest, EnrollResult, ReceiptLookup } from '../../contract/sync-protocol';
import { Backoff } from './backoff';
import {
  DEFAULT_TUNING,
  maybeMaintain,
  type SyncContext,
  type SyncHooks,
  type SyncTuning,
} from './context';
import { SyncError, createSyncHttp } from './http';
import {
  isEnrolled,
  readCounts,
  readDevice,
  readSyncState,
  saveEnrollment,
  setLastError,
} from './local';
import { keepSecret, SealedSecretError, sealStoredSecrets, type SecretSealer } from './secrets';
import { clearPendingEnrollments, enrollmentSecret } from './enrollment';
import { NeedsSnapshotError, pullOnce } from './pull';
import { pushOnce } from './push';
import { beginSnapshot, downloadSnapshot, readSnapshot } from './snapshot';
import { getErrorMessage } from '../../contract/errors';
import type { CatalogIntegrity, SyncView } from '../../contract/till-api';
import { compareCatalog, healTables } from './integrity';

/** The client's status is the view the screens get (one schema: contract/till-api.ts). */
export type SyncStatus = SyncView;

export interface SyncClientOptions {
  db: TransactionalDb;
  fetch?: typeof fetch;
  logger?: Logger;
  hooks?: SyncHooks;
  tuning?: Partial<SyncTuning>;
  /** Injected randomness (backoff jitter). */
  random?: () => number;
  backoff?: { baseMs?: number; maxMs?: number };
  /** Request timeout (default 30 s). */
  timeoutMs?: number;
  /** How often the status is re-read from the database while idle (default 2 s). */
  statusPollMs?: number;
  /**
   * Seals the till's secrets before they are stored (the desktop: the OS keychain through the
   * main process, secrets.ts). Absent: secrets are stored as is (the web till, CLIs, a desktop
   * without a keychain). With one, secrets found stored as is are sealed at start.
   */
  sealer?: SecretSealer | null | undefined;
  /**
   * How often the catalog is compared with HQ's by checksums (default 15 minutes); it is also
   * compared after every full download. 0 turns the scheduled check off.
   */
  integrityIntervalMs?: number;
}

const DEFAULT_INTEGRITY_INTERVAL_MS = 15 * 60_000;
/** Looked at again this soon when the comparison was inconclusive (the till was behind). */
const INTEGRITY_RETRY_MS = 30_000;

type Listener = (status: SyncStatus) => void;

/** Answers that refuse the device itself: a failed push with one of these ends the round. */
const DEVICE_REFUSALS = new Set<string>([
  'unauthorized',
  'forbidden',
  'upgrade_required',
  'protocol_too_new',
]);

export class SyncClient {
  private readonly db: TransactionalDb;
  private readonly logger: Logger;
  private readonly options: SyncClientOptions;
  private readonly backoff: Backoff;
  private readonly listeners = new Set<Listener>();
  private ctx: SyncContext | undefined;
  private current: SyncStatus;
  private running = false;
  private closed = false;
  private loopDone: Promise<void> | undefined;
  private lane: Promise<unknown> = Promise.resolve();
  private queuedDrain: Promise<void> | undefined;
  private queuedCycle: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private longPoll: AbortController | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  private lastAckHooked = -1;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly sealer: SecretSealer | null;
  private sealChecked = false;
  /** The device's secret could not be opened (SealedSecretError): retried once a minute. */
  private secretUnavailable = false;
  /** When the catalog integrity check is due next (0: at the next idle moment). */
  private integrityDueAt = 0;
  /** Rounds in flight through the lane (the "never two at once" invariant is checked by tests). */
  activeRounds = 0;
  maxActiveRounds = 0;

  constructor(options: SyncClientOptions) {
    this.options = options;
    this.db = options.db;
    this.logger = options.logger ?? silentLogger;
    this.sealer = options.sealer ?? null;
    this.backoff = new Backoff({
      ...options.backoff,
      ...(options.random ? { random: options.random } : {}),
    });
    this.current = {
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
  }

  // ---------------------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------------------

  /** Load the device (if enrolled) and start the background loop. */
  async start(): Promise<void> {
    if (this.sealer && !this.sealChecked) {
      this.sealChecked = true;
      try {
        await sealStoredSecrets(this.db, this.sealer, this.logger);
      } catch (error) {
        // The plain copy stays usable: the till keeps syncing; sealing is tried at next start.
        this.logger.warn(
          { error: getErrorMessage(error) },
          'could not seal the till secrets; they stay in the owner-only database',
        );
      }
    }
    await this.load();
    if (this.running) return;
    this.running = true;
    this.closed = false;
    this.loopDone = this.loop();
    const pollMs = this.options.statusPollMs ?? 2_000;
    this.statusTimer = setInterval(() => {
      this.refresh()
        .then((s) => {
          // A sale recorded without a nudge still goes up promptly.
          if (s.pendingCount > 0 && this.longPoll) this.nudge();
        })
        .catch(() => undefined);
    }, pollMs);
    if (typeof this.statusTimer === 'object' && 'unref' in this.statusTimer)
      this.statusTimer.unref();
  }

  /** Stop the loop and wait for the round in flight to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.closed = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = undefined;
    this.nudge();
    await this.loopDone;
    await this.lane.catch(() => undefined);
    this.update({ syncing: false });
    for (const w of this.readyWaiters.splice(0)) {
      w.reject(new InvalidStateError('Sync was stopped before the catalog download finished'));
    }
  }

  close(): Promise<void> {
    return this.stop();
  }

  isOnline(): boolean {
    return this.current.online;
  }

  /** The last published status (synchronous). */
  snapshot(): SyncStatus {
    return this.current;
  }

  /** The status with counts re-read from the database. */
  async status(): Promise<SyncStatus> {
    return this.refresh();
  }

  /**
   * What HQ found wrong around the facts this till sent, still open (the sync panel). Asked on
   * demand and outside the sync lane: it changes nothing. Not enrolled: nothing to show.
   */
  async exceptions(): Promise<TillException[]> {
    if (!this.ctx) await this.load();
    if (!this.ctx) return [];
    const result = await this.ctx.http.request(
      'GET',
      '/v1/exceptions',
      undefined,
      TillExceptionList,
    );
    return result.exceptions;
  }

  /**
   * A receipt of this store that the till does not hold, from HQ (returns at any register).
   * Asked on demand, outside the sync lane: it changes nothing. Not enrolled: undefined.
   */
  async lookUpReceipt(receiptNumber: string): Promise<ReceiptLookup | undefined> {
    if (!this.ctx) await this.load();
    if (!this.ctx) return undefined;
    return this.ctx.http.request('POST', '/v1/receipts/lookup', { receiptNumber }, ReceiptLookup);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  /** Something changed locally (a sale) or the network is back: sync now, don't wait. */
  nudge(): void {
    this.longPoll?.abort();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * Enroll this till with HQ: exchange the code for a credential, then download the store's
   * catalog (resolves when the till can sell; the status shows the progress meanwhile).
   */
  async enroll(input: { hqUrl: string; code: string; label?: string }): Promise<EnrollResult> {
    const hqUrl = validateHqUrl(input.hqUrl);
    const request = EnrollRequest.safeParse({ code: input.code, label: input.label });
    if (!request.success) {
      throw new ValidationError(
        'That is not an enrollment code: it looks like store.XXXX-XXXX-XXXX-XXXX (ask HQ for one)',
      );
    }
    if (await isEnrolled(this.db)) throw new InvalidStateError('This till is already enrolled');
    const http = createSyncHttp({
      baseUrl: hqUrl,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    // Stored before asking: a retry of this code sends the same secret (enrollment.ts).
    const secret = await enrollmentSecret(this.db, request.data.code, this.sealer);
    const result = await http.request(
      'POST',
      '/v1/enroll',
      { ...request.data, secret },
      EnrollResult,
      { auth: false },
    );
    // Sealed before the transaction: no database transaction waits on the keychain.
    const token = await keepSecret(this.sealer, result.token);
    await this.db.transaction(async (tx) => {
      await saveEnrollment(tx, { hqUrl, result, token });
      await clearPendingEnrollments(tx);
    });
    this.logger.info(
      { storeId: result.storeId, registerId: result.registerId },
      'enrolled with HQ',
    );
    await this.load();
    const ready = this.whenReady();
    if (this.running) this.nudge();
    else await this.start();
    await ready;
    return result;
  }

  /** Resolves once a catalog is in place (at once if it already is). */
  whenReady(): Promise<void> {
    if (this.current.ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /**
   * Push everything pending now. Everything recorded before the call is pushed when it
   * resolves. Concurrent callers share one queued drain; it never overlaps another round.
   */
  drain(): Promise<void> {
    this.longPoll?.abort();
    if (this.queuedDrain) return this.queuedDrain;
    const run = this.exclusive(async () => {
      this.queuedDrain = undefined;
      const ctx = this.requireContext();
      for (;;) {
        const round = await pushOnce(ctx);
        await this.refresh();
        if (!round.more) break;
      }
      await this.afterAck();
    });
    this.queuedDrain = run;
    return run;
  }

  /**
   * One full round that starts after this call: push everything, then pull (or download)
   * until caught up. Callers arriving before it starts share it.
   */
  syncNow(): Promise<void> {
    if (!this.ctx) return Promise.resolve();
    this.nudge();
    if (this.queuedCycle) return this.queuedCycle;
    const run = this.exclusive(async () => {
      this.queuedCycle = undefined;
      await this.cycle();
    });
    this.queuedCycle = run;
    return run;
  }

  /**
   * Compare the catalog with HQ's now (after bringing it up to date) and heal a difference by
   * downloading the catalog afresh; resolves with the result, also shown in the status.
   */
  checkIntegrity(): Promise<CatalogIntegrity | null> {
    this.longPoll?.abort();
    return this.exclusive(async () => {
      await this.cycle();
      return this.integrityRound();
    });
  }

  // ---------------------------------------------------------------------------------------
  // Internals
  // ---------------------------------------------------------------------------------------

  /**
   * One integrity check (inside the lane): compare; on a difference download the catalog
   * afresh (a staged resync, swapped in at once) and compare again. Never loops: a difference
   * that survives the download is reported and looked at again at the next scheduled check.
   */
  private async integrityRound(): Promise<CatalogIntegrity | null> {
    const ctx = this.requireContext();
    const interval = this.options.integrityIntervalMs ?? DEFAULT_INTEGRITY_INTERVAL_MS;
    const first = await compareCatalog(ctx);
    if (first.kind === 'inconclusive') {
      this.logger.debug({ reason: first.reason }, 'catalog integrity check inconclusive');
      this.integrityDueAt =
        Date.now() + Math.min(INTEGRITY_RETRY_MS, interval || INTEGRITY_RETRY_MS);
      return this.current.integrity ?? null;
    }
    let result: CatalogIntegrity;
    if (first.kind === 'match') {
      result = { checkedAt: new Date().toISOString(), result: 'match', differing: [] };
    } else {
      this.logger.warn({ tables: first.tables }, 'catalog differs from HQ: downloading it afresh');
      await healTables(ctx, first.tables);
      await this.cycle();
      const second = await compareCatalog(ctx);
      result = {
        checkedAt: new Date().toISOString(),
        result: second.kind === 'match' ? 'healed' : 'differs',
        differing: first.tables,
      };
      if (second.kind !== 'match') {
        this.logger.error({ tables: first.tables, after: second }, 'catalog still differs from HQ');
      }
    }
    this.integrityDueAt = interval > 0 ? Date.now() + interval : Number.POSITIVE_INFINITY;
    this.logger.debug(
      { result: result.result, differing: result.differing },
      'catalog integrity checked',
    );
    this.update({ integrity: result });
    return result;
  }

  /** Due: never checked, a full download finished since, or the interval passed. */
  private integrityDue(): boolean {
    return Date.now() >= this.integrityDueAt;
  }

  private requireContext(): SyncContext {
    if (!this.ctx) throw new InvalidStateError('This till is not enrolled with HQ');
    return this.ctx;
  }

  private async load(): Promise<void> {
    let device;
    try {
      device = await readDevice(this.db, this.sealer);
      this.secretUnavailable = false;
    } catch (error) {
      if (!(error instanceof SealedSecretError)) throw error;
      // The till still sells; it cannot sync until the credential opens (or is re-enrolled).
      // The message names the credential, never its value.
      if (!this.secretUnavailable) this.logger.error({ error: error.message }, 'sync cannot start');
      this.secretUnavailable = true;
      this.update({ lastError: error.message });
      await this.refresh();
      return;
    }
    if (!device) {
      await this.refresh();
      return;
    }
    if (!this.ctx || this.ctx.device.hqUrl !== device.hqUrl) {
      const holder: { ctx?: SyncContext } = {};
      const http = createSyncHttp({
        baseUrl: device.hqUrl,
        token: () => holder.ctx?.device.token,
        pending: () => this.current.pendingCount,
        onReachable: (reachable) => this.update({ online: reachable }),
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      });
      this.ctx = {
        db: this.db,
        http,
        device,
        tuning: { ...DEFAULT_TUNING, ...this.options.tuning },
        hooks: this.options.hooks ?? {},
        logger: this.logger,
        sealer: this.sealer,
        progress: null,
        rowsSinceMaintain: 0,
        resendFrom: undefined,
      };
      holder.ctx = this.ctx;
    } else {
      this.ctx.device = device;
    }
    await this.refresh();
  }

  /** Serialise network rounds: at most one runs at any time. */
  private exclusive<T>(fn: () => Promise<T>, options: { quiet?: boolean } = {}): Promise<T> {
    const run = this.lane.then(async () => {
      this.activeRounds += 1;
      this.maxActiveRounds = Math.max(this.maxActiveRounds, this.activeRounds);
      // A long poll that only waits for news is not "syncing" for the cashier.
      if (!options.quiet) this.update({ syncing: true });
      try {
        return await fn();
      } finally {
        this.activeRounds -= 1;
        if (!options.quiet) this.update({ syncing: false });
      }
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Push all, then download or pull until caught up. Pushing and pulling fail independently:
   * a push that fails (HQ's write path down, a gap) does not keep catalog and price changes
   * from arriving; its error is raised after the pull, so the round is retried with backoff.
   */
  private async cycle(): Promise<void> {
    const ctx = this.requireContext();
    let pushError: Error | undefined;
    try {
      for (;;) {
        const round = await pushOnce(ctx);
        if (!round.more || this.closed) break;
        await this.refresh();
      }
      await this.afterAck();
    } catch (error) {
      // Refused as a device (credential, app version): pulling would be refused too.
      if (error instanceof SyncError && DEVICE_REFUSALS.has(error.kind)) throw error;
      pushError = error instanceof Error ? error : new Error(getErrorMessage(error));
      this.logger.warn({ error: getErrorMessage(error) }, 'push failed; pulling anyway');
    }
    await this.pullAll(ctx);
    if (pushError !== undefined) throw pushError;
  }

  private async pullAll(ctx: SyncContext): Promise<void> {
    while (!this.closed) {
      if (await readSnapshot(ctx.db)) {
        const round = await downloadSnapshot(ctx, {
          onPage: async () => {
            this.update({ progress: ctx.progress });
            await this.refresh();
          },
          stop: () => this.closed,
        });
        if (round.done && !(await readSnapshot(ctx.db))) {
          this.markReady();
          // After a whole catalog: vacuum and the deferred index builds. Only now, so that
          // the till is ready first (the Node host runs them at its next idle moment).
          await maybeMaintain(ctx, 0, true);
          // After every full download, compare the result with HQ's (at the next idle moment).
          this.integrityDueAt = 0;
        }
        continue;
      }
      try {
        const round = await pullOnce(ctx);
        if (!round.more) break;
      } catch (error) {
        if (error instanceof NeedsSnapshotError) {
          await beginSnapshot(ctx, error.reason);
          continue;
        }
        if (error instanceof SyncError && error.kind === 'resync_required') {
          this.logger.warn({ reason: error.message }, 'HQ asks for a full download');
          await beginSnapshot(ctx, error.message);
          continue;
        }
        throw error;
      }
    }
    if (!this.closed) this.markReady();
  }

  /** Run the afterAck hook (journal compaction) when the acknowledgement moved since last time. */
  private async afterAck(): Promise<void> {
    const hook = this.ctx?.hooks.afterAck;
    if (!hook) return;
    const state = await readSyncState(this.db);
    if (state.lastAcked === this.lastAckHooked) return;
    await hook(state.lastAcked);
    this.lastAckHooked = state.lastAcked;
  }

  private markReady(): void {
    if (!this.current.ready) this.update({ ready: true });
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (!this.ctx) {
        await this.sleep(60_000);
        if (this.secretUnavailable && this.running) await this.load().catch(() => undefined);
        continue;
      }
      try {
        await this.exclusive(() => this.cycle());
        this.succeeded();
        if (!this.running) break;
        if (this.current.pendingCount > 0) continue;
        if (this.integrityDue()) {
          await this.exclusive(() => this.integrityRound());
          if (!this.running) break;
        }
        // Idle: wait for HQ's next change (or a nudge) with a long poll.
        const ctx = this.ctx;
        const abort = new AbortController();
        this.longPoll = abort;
        try {
          await this.exclusive(
            () => pullOnce(ctx, { waitMs: ctx.tuning.pullWaitMs, signal: abort.signal }),
            { quiet: true },
          );
          this.succeeded();
        } catch (error) {
          if (!abort.signal.aborted) throw error;
        } finally {
          this.longPoll = undefined;
        }
      } catch (error) {
        if (!this.running) break;
        await this.failed(error);
      }
    }
  }

  private succeeded(): void {
    this.backoff.reset();
    const now = new Date().toISOString();
    this.update({ online: true, lastSuccessAt: now, lastError: null });
    this.refresh().catch(() => undefined);
  }

  private async failed(error: unknown): Promise<void> {
    const message = getErrorMessage(error);
    let delay: number;
    if (error instanceof NeedsSnapshotError) {
      delay = 0;
    } else if (error instanceof SyncError && error.errorClass !== 'fatal') {
      delay = this.backoff.next(error.retryAfterMs);
    } else {
      // Fatal (revoked, too old, invalid) or a local failure: keep the queue, say why, look
      // again later (an administrator may fix it).
      delay = Math.max(this.backoff.next(), 30_000);
      if (error instanceof SyncError) {
        for (const w of this.readyWaiters.splice(0)) w.reject(error);
      }
    }
    this.logger.warn({ error: message, delayMs: delay }, 'sync round failed');
    this.update({ lastError: message });
    await setLastError(this.db, message).catch(() => undefined);
    await this.sleep(delay);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async refresh(): Promise<SyncStatus> {
    const device = this.ctx?.device;
    const counts = await readCounts(this.db);
    const state = await readSyncState(this.db);
    const last = [state.lastPushAt, state.lastPullAt]
      .filter((d): d is Date => d !== null)
      .reduce<Date | null>((a, b) => (a === null || b > a ? b : a), null);
    const downloading = device ? await readSnapshot(this.db) : undefined;
    this.update({
      enrolled: device !== undefined,
      hqUrl: device?.hqUrl ?? null,
      storeId: device?.storeId ?? null,
      registerId: device?.registerId ?? null,
      deviceId: device?.deviceId ?? null,
      pendingCount: counts.pendingCount,
      pendingSales: counts.pendingSales,
      rejected: counts.rejected,
      lastSuccessAt: last ? last.toISOString() : this.current.lastSuccessAt,
      lastError: this.current.lastError ?? state.lastError,
      ready: this.current.ready || (device !== undefined && state.cursor !== null && !downloading),
      progress: downloading
        ? (this.ctx?.progress ?? {
            stage: downloading.stage ?? 'starting',
            done: Number(downloading.done_rows),
            total: Number(downloading.total_rows),
          })
        : null,
    });
    if (this.current.ready) this.markReady();
    return this.current;
  }

  private update(patch: Partial<SyncStatus>): void {
    let changed = false;
    for (const [k, v] of Object.entries(patch) as Array<[keyof SyncStatus, unknown]>) {
      if (this.current[k] !== v) changed = true;
    }
    if (!changed) return;
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch (error) {
        this.logger.warn({ error: getErrorMessage(error) }, 'sync status listener failed');
      }
    }
  }
}

export function validateHqUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ValidationError(
      `"${value}" is not an HQ address: expected e.g. http://hq.example:8787`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(
      `The HQ address must start with http:// or https:// (got ${url.protocol})`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

export async function createSyncClient(options: SyncClientOptions): Promise<SyncClient> {
  const client = new SyncClient(options);
  await client.start();
  return client;
}
