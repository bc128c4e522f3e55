/**
 * Errors the sync service answers with. Each carries its HTTP status and protocol kind
 * (contract/sync-protocol.ts SyncErrorKind); the error handler (app.ts) turns them into
 * `{ ok: false, error: { kind, message, ... } }`. Anything else becomes a 500 `internal`
 * whose details go to the log, never to the client.
 */
import type { SyncErrorKind } from '../../contract/sync-protocol';

export interface SyncErrorDetails {
  lastMutationId?: number;
  firstConflictingId?: number;
}

export class SyncHttpError extends Error {
  readonly status: number;
  readonly kind: SyncErrorKind;
  readonly details: SyncErrorDetails;
  /** Seconds for a Retry-After header (overloaded, unavailable). */
  readonly retryAfterS: number | undefined;

  constructor(
    status: number,
    kind: SyncErrorKind,
    message: string,
    options: { details?: SyncErrorDetails; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncHttpError';
    this.status = status;
    this.kind = kind;
    this.details = options.details ?? {};
    this.retryAfterS = options.retryAfterS;
  }
}

export const unauthorized = (message = 'Not a valid device credential'): SyncHttpError =>
  new SyncHttpError(401, 'unauthorized', message);

export const notFound = (message: string): SyncHttpError =>
  new SyncHttpError(404, 'not_found', message);

export const badRequest = (message: string): SyncHttpError =>
  new SyncHttpError(400, 'validation', message);

export const conflict = (message: string): SyncHttpError =>
  new SyncHttpError(409, 'conflict', message);

export const resyncRequired = (message: string): SyncHttpError =>
  new SyncHttpError(409, 'resync_required', message);
