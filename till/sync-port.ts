/**
 * What the till API needs from the sync runtime (sync/client): whether HQ is reachable (card
 * store-and-forward and the status bar), the status the cashier sees (asked for, and pushed to
 * subscribers as it changes), "sync now", word of each local change, and enrollment. One adapter
 * for the utility process and the web worker.
 */
import { InvalidStateError, ValidationError } from '../db/errors';
import { SyncError, type SyncClient } from '../sync/client';
import type { SyncView } from '../contract/till-api/sync';
import type { TillException } from '../contract/exceptions';
import type { ReceiptLookup } from '../contract/sync-protocol/receipt-lookup';
import { getErrorMessage } from '../contract/errors';
import { silentLogger, type Logger } from '../db/logger';

export interface EnrollInput {
  hqUrl: string;
  code: string;
}

export interface SyncPort {
  isOnline(): boolean;
  status(): Promise<SyncView>;
  /** Push and pull now (no-op when not enrolled); resolves when the attempt finished. */
  syncNow(): Promise<void>;
  /**
   * A local change was recorded (sale, shift, customer): send it without waiting, and publish
   * the new pending counts to subscribers before resolving, so a screen hears of the change
   * before the answer that caused it. Never rejects: the change itself is already recorded.
   */
  recorded(): Promise<void>;
  /** What HQ found wrong around this till's facts, still open (none when not enrolled). */
  exceptions(): Promise<TillException[]>;
  /**
   * A receipt of this store from HQ (sold at another register), with the returns HQ holds
   * against it; undefined when the till is not enrolled. Throws when HQ cannot be reached.
   */
  lookUpReceipt(receiptNumber: string): Promise<ReceiptLookup | undefined>;
  /** The status as it changes; the listener gets the current one at once. */
  subscribe(listener: (view: SyncView) => void): () => void;
  /** Exchange an enrollment code for a device credential and download the store's catalog. */
  enroll(input: EnrollInput): Promise<void>;
  close(): Promise<void>;
}

/**
 * A sync failure in the cashier's words and error kinds: HQ refusing (a used or expired code, a
 * revoked till) is a validation error with HQ's message; HQ unreachable is an invalid state
 * ("try again when HQ answers"). Other errors pass through.
 */
export function cashierError(error: unknown): unknown {
  if (!(error instanceof SyncError)) return error;
  if (error.errorClass === 'fatal')
    return new ValidationError(`HQ refused: ${error.message}`, { cause: error });
  return new InvalidStateError(
    `${error.message}. Nothing was changed on this till; try again when HQ answers.`,
    { cause: error },
  );
}

export function clientSyncPort(client: SyncClient, logger: Logger = silentLogger): SyncPort {
  return {
    isOnline: () => client.isOnline(),
    status: () => client.status(),
    syncNow: async () => {
      try {
        await client.syncNow();
      } catch (error) {
        throw cashierError(error);
      }
    },
    recorded: async () => {
      client.nudge();
      // Re-reading the counts publishes them (SyncClient.subscribe) when they changed.
      await client.status().then(
        () => undefined,
        (error: unknown) =>
          logger.warn({ error: getErrorMessage(error) }, 'sync status refresh failed'),
      );
    },
    exceptions: async () => {
      try {
        return await client.exceptions();
      } catch (error) {
        throw cashierError(error);
      }
    },
    lookUpReceipt: async (receiptNumber) => {
      try {
        return await client.lookUpReceipt(receiptNumber);
      } catch (error) {
        throw cashierError(error);
      }
    },
    subscribe: (listener) => client.subscribe(listener),
    enroll: async (input) => {
      try {
        await client.enroll({ hqUrl: input.hqUrl, code: input.code });
      } catch (error) {
        throw cashierError(error);
      }
    },
    close: () => client.stop(),
  };
}
