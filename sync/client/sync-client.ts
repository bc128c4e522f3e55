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
 *     download progress) to subscribers, e.g. the cashier's status bar (status.ts).
 * This file holds the lifecycle, the lane and the loop; a round is round.ts, enrollment
 * enrollment.ts, the integrity check and its schedule integrity.ts, sealing secrets.ts.
 * Browser-safe: fetch and timers only; the database is any PGlite-like TransactionalDb.
 */
import { TillExceptionList, type TillException } from '../../contract/exceptions';
import { getErrorMessage } from '../../contract/errors';
import { type EnrollResult } from '../../contract/sync-protocol/enrollment';
import { ReceiptLookup } from '../../contract/sync-protocol/receipt-lookup';
import type { CatalogIntegrity } from '../../contract/till-api/sync';
import { InvalidStateError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import { silentLogger } from '../../db/logger';
import type { TransactionalDb } from '../../db/queryable';
import { Backoff } from './backoff';
import { createSyncContext, type SyncContext, type SyncHooks, type SyncTuning } from './context';
import { enrollWithHq, type EnrollInput } from './enrollment';
import { Idle } from './idle';
import { IntegritySchedule } from './integrity';
import { Lane } from './lane';
import { readDevice, setLastError } from './local';
import { pullOnce } from './pull';
import { AckWatch, afterFailure, drainOutbox, syncRound, type RoundHooks } from './round';
import { SealedSecretError, sealAtStart, type SecretSealer } from './secrets';
import { StatusBoard, readStatus, type StatusListener, type SyncStatus } from './status';

export type { SyncStatus } from './status';

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

export class SyncClient {
  private readonly db: TransactionalDb;
  private readonly logger: Logger;
  private readonly options: SyncClientOptions;
  private readonly backoff: Backoff;
  private readonly board: StatusBoard;
  private readonly integrity: IntegritySchedule;
  private readonly roundHooks: RoundHooks;
  private ctx: SyncContext | undefined;
  private running = false;
  private closed = false;
  private loopDone: Promise<void> | undefined;
  // A long poll that only waits for news is not "syncing" for the cashier: it runs quiet.
  private readonly lane = new Lane((busy) => this.update({ syncing: busy }));
  private queuedDrain: Promise<void> | undefined;
  private queuedCycle: Promise<void> | undefined;
  private readonly idle = new Idle();
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  private readonly acks = new AckWatch();
  private readonly sealer: SecretSealer | null;
  private sealChecked = false;
  /** The device's secret could not be opened (SealedSecretError): retried once a minute. */
  private secretUnavailable = false;
  /** Most rounds ever in flight through the lane at once (tests check "never two"). */
  get maxActiveRounds(): number {
    return this.lane.maxActive;
  }

  constructor(options: SyncClientOptions) {
    this.options = options;
    this.db = options.db;
    this.logger = options.logger ?? silentLogger;
    this.sealer = options.sealer ?? null;
    this.backoff = new Backoff({
      ...options.backoff,
      ...(options.random ? { random: options.random } : {}),
    });
    this.board = new StatusBoard(this.logger);
    this.integrity = new IntegritySchedule(options.integrityIntervalMs);
    this.roundHooks = {
      closed: () => this.closed,
      refresh: () => this.refresh(),
      afterAck: () => this.acks.check(this.ctx),
      markReady: () => this.board.markReady(),
      afterFullDownload: () => this.integrity.afterFullDownload(),
      onProgress: (progress) => this.update({ progress }),
    };
  }

  /** Load the device (if enrolled) and start the background loop. */
  async start(): Promise<void> {
    if (this.sealer && !this.sealChecked) {
      this.sealChecked = true;
      await sealAtStart(this.db, this.sealer, this.logger);
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
          if (s.pendingCount > 0 && this.idle.polling) this.nudge();
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
    await this.lane.settled();
    this.update({ syncing: false });
    this.board.failReady(
      new InvalidStateError('Sync was stopped before the catalog download finished'),
    );
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

  private get current(): SyncStatus {
    return this.board.current;
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
    const ctx = await this.enrolledContext();
    if (!ctx) return [];
    return (await ctx.http.request('GET', '/v1/exceptions', undefined, TillExceptionList))
      .exceptions;
  }

  /**
   * A receipt of this store that the till does not hold, from HQ (returns at any register).
   * Asked on demand, outside the sync lane: it changes nothing. Not enrolled: undefined.
   */
  async lookUpReceipt(receiptNumber: string): Promise<ReceiptLookup | undefined> {
    const ctx = await this.enrolledContext();
    if (!ctx) return undefined;
    return ctx.http.request('POST', '/v1/receipts/lookup', { receiptNumber }, ReceiptLookup);
  }

  subscribe(listener: StatusListener): () => void {
    return this.board.subscribe(listener);
  }

  /** Something changed locally (a sale) or the network is back: sync now, don't wait. */
  nudge(): void {
    this.idle.wake();
  }

  /**
   * Enroll this till with HQ: exchange the code for a credential, then download the store's
   * catalog (resolves when the till can sell; the status shows the progress meanwhile).
   */
  async enroll(input: EnrollInput): Promise<EnrollResult> {
    const deps = { ...this.options, sealer: this.sealer, logger: this.logger };
    const result = await enrollWithHq(deps, input);
    await this.load();
    const ready = this.whenReady();
    if (this.running) this.nudge();
    else await this.start();
    await ready;
    return result;
  }

  /** Resolves once a catalog is in place (at once if it already is). */
  whenReady(): Promise<void> {
    return this.board.whenReady();
  }

  /**
   * Push everything pending now. Everything recorded before the call is pushed when it
   * resolves. Concurrent callers share one queued drain; it never overlaps another round.
   */
  drain(): Promise<void> {
    this.idle.abortPoll();
    if (this.queuedDrain) return this.queuedDrain;
    const run = this.exclusive(async () => {
      this.queuedDrain = undefined;
      await drainOutbox(this.requireContext(), this.roundHooks);
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
    this.idle.abortPoll();
    return this.exclusive(async () => {
      await this.cycle();
      return this.integrityRound();
    });
  }

  private async integrityRound(): Promise<CatalogIntegrity | null> {
    const result = await this.integrity.run(this.requireContext(), () => this.cycle());
    if (result === null) return this.current.integrity ?? null;
    this.update({ integrity: result });
    return result;
  }

  /** The device's context for a question asked outside the lane; undefined: not enrolled. */
  private async enrolledContext(): Promise<SyncContext | undefined> {
    if (!this.ctx) await this.load();
    return this.ctx;
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
      this.ctx = createSyncContext({
        ...this.options,
        device,
        logger: this.logger,
        sealer: this.sealer,
        pending: () => this.current.pendingCount,
        onReachable: (reachable) => this.update({ online: reachable }),
      });
    } else {
      this.ctx.device = device;
    }
    await this.refresh();
  }

  /** Serialise network rounds: at most one runs at any time (lane.ts). */
  private exclusive<T>(fn: () => Promise<T>, options: { quiet?: boolean } = {}): Promise<T> {
    return this.lane.run(fn, options);
  }

  /** One round (round.ts): push all, then download or pull until caught up. */
  private cycle(): Promise<void> {
    return syncRound(this.requireContext(), this.roundHooks);
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
        if (this.integrity.due()) {
          await this.exclusive(() => this.integrityRound());
          if (!this.running) break;
        }
        // Idle: wait for HQ's next change (or a nudge) with a long poll.
        const ctx = this.ctx;
        const answered = await this.idle.longPoll((signal) =>
          this.exclusive(() => pullOnce(ctx, { waitMs: ctx.tuning.pullWaitMs, signal }), {
            quiet: true,
          }),
        );
        if (answered) this.succeeded();
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
    const { delayMs, refused } = afterFailure(error, this.backoff);
    if (refused && error instanceof Error) this.board.failReady(error);
    this.logger.warn({ error: message, delayMs }, 'sync round failed');
    this.update({ lastError: message });
    await setLastError(this.db, message).catch(() => undefined);
    await this.sleep(delayMs);
  }

  private sleep(ms: number): Promise<void> {
    return this.running ? this.idle.sleep(ms) : Promise.resolve();
  }

  private async refresh(): Promise<SyncStatus> {
    this.update(await readStatus(this.db, { ctx: () => this.ctx, current: () => this.current }));
    if (this.current.ready) this.board.markReady();
    return this.current;
  }

  private update(patch: Partial<SyncStatus>): void {
    this.board.update(patch);
  }
}

export async function createSyncClient(options: SyncClientOptions): Promise<SyncClient> {
  const client = new SyncClient(options);
  await client.start();
  return client;
}
