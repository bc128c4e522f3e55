/**
 * The till host: an open till (open.ts) with its background work, as the till API (api/) and
 * the screens' event stream see it. One host per process (Electron's utility process, the
 * browser's Web Worker); every window or tab connection gets its own API object over it.
 *
 * Background work: the sync loop (started at open, next to the database, never in the window;
 * acknowledged sales trim the sale journal, big catalog writes are followed by maintenance) and,
 * once the till has a store, the embedding refresher (background.ts). The Node platform's
 * maintenance timer runs inside the open till itself.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { TillEvent, TillEventMessage } from '../contract/till-api/events';
import type { TillPlatform } from '../contract/till-api/setup';
import type { Clock } from '../core/clock';
import type { IdGenerator } from '../core/ids';
import type { Journal } from '../db/edge/journal-types';
import type { Logger } from '../db/logger';
import { getErrorMessage } from '../contract/errors';
import { startBackground, type Background } from './background';
import { openTill, type Till } from './open';
import type { HostJournal, Platform } from './platform';
import { tillSyncClient } from './sync';
import { clientSyncPort, type SyncPort } from './sync-port';
import type { SecretSealer } from '../sync/client/secrets';

/** Pre-filled first-run values (a launcher that started a local HQ passes them). */
export interface SetupDefaults {
  hqUrl?: string | undefined;
  enrollmentCode?: string | undefined;
  autoEnroll?: boolean | undefined;
}

/** What the till API and the event stream need from the host. */
export interface TillHost {
  /** Which host serves the API (the screens show it). */
  readonly platform: TillPlatform;
  readonly db: PGlite;
  readonly journal: Journal;
  readonly sync: SyncPort;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
  readonly ids?: IdGenerator | undefined;
  readonly setupDefaults?: SetupDefaults | undefined;
  /** Raw TCP to an ESC/POS printer; only a Node host has sockets (the browser's worker has not). */
  readonly rawPrinter?: RawPrinter | undefined;
  /**
   * The till has a store (at open, or after enrollment or demo setup): start the background
   * work that needs one (the embedding refresher). Idempotent.
   */
  onStoreReady(storeId: string): void;
  /** Vacuum/analyze after a bulk load (and checkpoint where the platform does). */
  maintain(): Promise<unknown>;
  /** Events for the screens; the listener gets the current state at once. */
  subscribe(listener: (event: TillEvent) => void): () => void;
  /** Stop the background work and close the till. */
  close(): Promise<void>;
}

export interface HostOptions {
  platform: TillPlatform;
  setupDefaults?: SetupDefaults | undefined;
  /** Seals the till's secrets before they are stored (the desktop: sync/client/secrets.ts). */
  sealer?: SecretSealer | null | undefined;
  rawPrinter?: RawPrinter | undefined;
}

/** Sends one ESC/POS job to a network printer (till/node/printer-network.ts on Node). */
export type RawPrinter = (
  printer: { host: string; port: number; timeoutMs?: number | undefined },
  job: Uint8Array,
) => Promise<void>;

/** A host over a till that is already open, with its sync port (tests build one this way). */
export function hostOnTill(
  till: Till,
  sync: SyncPort,
  options: HostOptions & {
    logger: Logger;
    clock?: Clock | undefined;
    ids?: IdGenerator | undefined;
  },
): TillHost {
  let background: Background | undefined;
  return {
    platform: options.platform,
    db: till.db,
    journal: till.journal,
    sync,
    logger: options.logger,
    clock: options.clock,
    ids: options.ids,
    setupDefaults: options.setupDefaults,
    rawPrinter: options.rawPrinter,
    onStoreReady: (storeId) => {
      background ??= startBackground({ db: till.db, storeId, logger: options.logger });
    },
    maintain: () => till.maintain(),
    subscribe: (listener) => sync.subscribe((view) => listener({ type: 'sync', view })),
    close: async () => {
      await background?.stop();
      await sync.close();
      await till.close();
    },
  };
}

/** Open the till on a platform (the one open sequence) and start its sync loop. */
export async function startTillHost<J extends HostJournal>(
  platform: Platform<J>,
  options: HostOptions,
): Promise<TillHost> {
  const till = await openTill(platform);
  const logger = platform.logger;
  const client = tillSyncClient(till, {
    logger: logger.child({ component: 'sync' }),
    sealer: options.sealer,
  });
  try {
    await client.start();
  } catch (error) {
    await till.close();
    throw error;
  }
  return hostOnTill(till, clientSyncPort(client, logger), {
    ...options,
    logger,
    clock: platform.clock,
    ids: platform.ids,
  });
}

/**
 * Forward the host's events to one connection (a window's port, the worker's page) until the
 * returned function is called. A host that failed to open sends nothing; the API reports why.
 */
export function forwardEvents(
  host: Promise<TillHost>,
  post: (message: TillEventMessage) => void,
): () => void {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  host.then(
    (h) => {
      if (stopped) return;
      unsubscribe = h.subscribe((event) => {
        try {
          post({ tillEvent: event });
        } catch (error) {
          // A closed port: the connection is going away; its close handler stops forwarding.
          h.logger.warn({ error: getErrorMessage(error) }, 'could not send an event');
        }
      });
    },
    () => undefined,
  );
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}
