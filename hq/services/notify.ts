/**
 * Wakes long-polling pulls when their store's change feed grows.
 *
 * The feed triggers (migration 0008) and the push path call pg_notify('edgepos_changes',
 * <store_id>) (or '*' for shared tables); PostgreSQL delivers it at commit. One dedicated
 * connection (edgepos_app) LISTENs and resolves the waiters of that store. Notifications are
 * only a hint to look again: a waiter also wakes after `maxSleepMs`, so a lost notification
 * or a dropped listener connection costs latency, never a change.
 */
import pg from 'pg';
import type { CentralTarget } from '../../db/central/connection';
import type { Logger } from '../../db/logger';
import { getErrorMessage } from '../../contract/errors';
import { isServerShutdown } from '../../db/pg-errors';

export const CHANNEL = 'edgepos_changes';

export interface ChangeNotifier {
  /**
   * Register BEFORE reading the feed, then await `wait` only if the read found nothing, so a
   * commit between the read and the wait is not missed.
   */
  subscribe(storeId: string): {
    wait(ms: number, signal?: AbortSignal): Promise<void>;
    cancel(): void;
  };
  close(): Promise<void>;
}

interface Waiter {
  fired: boolean;
  wake: () => void;
}

export async function startNotifier(options: {
  target: CentralTarget;
  logger: Logger;
  /** Longest a waiter sleeps without a notification (default 2 s). */
  maxSleepMs?: number;
}): Promise<ChangeNotifier> {
  const { logger } = options;
  const maxSleepMs = options.maxSleepMs ?? 2_000;
  const waiters = new Map<string, Set<Waiter>>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const wakeStore = (storeId: string): void => {
    const set = waiters.get(storeId);
    if (!set) return;
    for (const w of set) w.wake();
  };
  const wakeAll = (): void => {
    for (const storeId of waiters.keys()) wakeStore(storeId);
  };

  const connect = async (attempt = 0): Promise<void> => {
    if (closed) return;
    const app = options.target.roles.app;
    const next = new pg.Client({
      host: options.target.host,
      port: options.target.port,
      database: options.target.database,
      user: app.user,
      ...(app.password !== undefined ? { password: app.password } : {}),
      ssl: options.target.ssl,
      application_name: 'edgepos-sync-listen',
    });
    next.on('notification', (msg) => {
      if (msg.payload === '*') wakeAll();
      else if (msg.payload) wakeStore(msg.payload);
    });
    next.on('error', (error) => {
      // The server is shutting down (expected when HQ stops with its embedded server).
      const shutdown = isServerShutdown(error);
      if (closed) return;
      if (shutdown) logger.debug({}, 'change listener connection closed by shutdown');
      else logger.warn({ error: error.message }, 'change listener connection failed; reconnecting');
      if (client === next) client = undefined;
      next.end().catch(() => undefined);
      wakeAll();
      schedule(0);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      client = next;
    } catch (error) {
      await next.end().catch(() => undefined);
      logger.warn({ error: getErrorMessage(error), attempt }, 'change listener could not connect');
      schedule(attempt + 1);
    }
  };
  const schedule = (attempt: number): void => {
    if (closed || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        void connect(attempt);
      },
      Math.min(30_000, 500 * 2 ** attempt),
    );
    retry.unref();
  };

  await connect();

  return {
    subscribe(storeId) {
      let resolveWait: (() => void) | undefined;
      const waiter: Waiter = {
        fired: false,
        wake: () => {
          waiter.fired = true;
          resolveWait?.();
        },
      };
      const set = waiters.get(storeId) ?? new Set<Waiter>();
      set.add(waiter);
      waiters.set(storeId, set);
      const cancel = (): void => {
        set.delete(waiter);
        if (set.size === 0 && waiters.get(storeId) === set) waiters.delete(storeId);
      };
      return {
        cancel,
        wait: (ms, signal) =>
          new Promise<void>((resolve) => {
            if (waiter.fired || signal?.aborted || ms <= 0) {
              resolve();
              return;
            }
            const timer = setTimeout(done, Math.min(ms, maxSleepMs));
            function done(): void {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              resolve();
            }
            resolveWait = done;
            signal?.addEventListener('abort', done, { once: true });
          }),
      };
    },
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      wakeAll();
      await client?.end().catch(() => undefined);
    },
  };
}
