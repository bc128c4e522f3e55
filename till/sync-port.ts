/**
 * What the POS API needs from the sync runtime (sync/client): whether HQ is reachable (card
 * store-and-forward and the status bar), the status the cashier sees, "sync now", a nudge after
 * each local change, and enrollment. One adapter for the utility process and the web worker.
 */
import { InvalidStateError, ValidationError } from '../db/errors';
import { SyncError, type SyncClient } from '../sync/client';
import type { SyncView } from '../contract/till-api';

export interface EnrollInput {
  hqUrl: string;
  code: string;
}

export interface SyncPort {
  isOnline(): boolean;
  status(): Promise<SyncView>;
  /** Push and pull now (no-op when not enrolled); resolves when the attempt finished. */
  syncNow(): Promise<void>;
  /** A local change was recorded (sale, shift, customer): send it without waiting. */
  nudge(): void;
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

export function clientSyncPort(client: SyncClient): SyncPort {
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
    nudge: () => client.nudge(),
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
