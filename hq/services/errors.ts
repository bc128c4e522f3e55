/**
 * Errors the HQ services throw. Each carries its protocol kind (contract/sync-protocol/wire.ts
 * SyncErrorKind), the details the protocol defines for it, and optionally how soon to try
 * again. Services know nothing of HTTP: the status of each kind is chosen in ONE place,
 * hq/server/errors.ts, which also turns anything else thrown into a 500 `internal` whose
 * details go to the log, never to the client.
 */
import type { SyncErrorKind } from '../../contract/sync-protocol/wire';

export interface HqErrorDetails {
  lastMutationId?: number;
  firstConflictingId?: number;
}

export class HqError extends Error {
  readonly kind: SyncErrorKind;
  readonly details: HqErrorDetails;
  /** Seconds for a Retry-After header (overloaded). */
  readonly retryAfterS: number | undefined;

  constructor(
    kind: SyncErrorKind,
    message: string,
    options: { details?: HqErrorDetails; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HqError';
    this.kind = kind;
    this.details = options.details ?? {};
    this.retryAfterS = options.retryAfterS;
  }
}

export const unauthorized = (message = 'Not a valid device credential'): HqError =>
  new HqError('unauthorized', message);

export const forbidden = (message: string): HqError => new HqError('forbidden', message);

export const notFound = (message: string): HqError => new HqError('not_found', message);

export const badRequest = (message: string): HqError => new HqError('validation', message);

export const conflict = (message: string): HqError => new HqError('conflict', message);

export const resyncRequired = (message: string): HqError => new HqError('resync_required', message);
