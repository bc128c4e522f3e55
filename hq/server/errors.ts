/**
 * The ONE mapping from what a request threw to its HTTP answer,
 * `{ ok: false, error: { kind, message, ...details } }` with a status that tells the client
 * whether to retry (contract/sync-protocol/wire.ts ErrorBody):
 *   HqError (hq/services/errors.ts)  the status of its kind (HTTP_STATUS), its details
 *   schema validation (zod)          400 validation, naming the first few problems
 *   body over the limit              413 payload_too_large
 *   other fastify client errors      their status, kind validation
 *   database data exception (22xxx)  400 validation (input the schemas missed; logged as an error)
 *   database unavailable             503 unavailable, Retry-After 2 (db/pg-errors.ts)
 *   anything else                    500 internal; the details go to the log only
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { SyncErrorKind } from '../../contract/sync-protocol/wire';
import { isDataException, isDatabaseUnavailable } from '../../db/pg-errors';
import { HqError, type HqErrorDetails } from '../services/errors';

/** The HTTP status of each protocol error kind. */
export const HTTP_STATUS = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  upgrade_required: 426,
  protocol_too_new: 400,
  gap: 409,
  mutation_id_conflict: 409,
  resync_required: 409,
  payload_too_large: 413,
  overloaded: 503,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<SyncErrorKind, number>;

/** Seconds a till waits before retrying when the database is unavailable. */
const UNAVAILABLE_RETRY_AFTER_S = 2;

export interface HttpFailure {
  status: number;
  body: { kind: SyncErrorKind; message: string } & HqErrorDetails;
  /** Seconds for a Retry-After header. */
  retryAfterS: number | undefined;
  /** What the request log records: the client's mistake, HQ's outage, or HQ's own failure. */
  log: 'client' | 'unavailable' | 'internal' | 'none';
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** Decides the answer to a failed request (pure: the handler below sends and logs it). */
export function httpFailure(error: unknown): HttpFailure {
  const failure = (
    status: number,
    body: HttpFailure['body'],
    retryAfterS?: number,
  ): HttpFailure => ({
    status,
    body,
    retryAfterS,
    // 409s are protocol flow (gap, resync, conflict) the client handles: not worth a log line.
    log: status < 500 && status !== 409 ? 'client' : 'none',
  });
  if (error instanceof HqError) {
    return failure(
      HTTP_STATUS[error.kind],
      { kind: error.kind, message: error.message, ...error.details },
      error.retryAfterS,
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problems = error.validation
      .slice(0, 5)
      .map((v) => `${v.instancePath || '/'} ${v.message ?? ''}`.trim())
      .join('; ');
    return failure(400, { kind: 'validation', message: `Invalid request: ${problems}` });
  }
  if (codeOf(error) === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return failure(413, {
      kind: 'payload_too_large',
      message: 'Request body too large: send fewer mutations per push',
    });
  }
  const statusCode = statusCodeOf(error);
  if (statusCode !== undefined && statusCode < 500) {
    const message = error instanceof Error ? error.message : 'Invalid request';
    return failure(statusCode, { kind: 'validation', message });
  }
  if (isDataException(error)) {
    // A value of the request the database cannot take slipped past the schemas: the client's
    // input, so a 4xx (a 500 would be retried forever). The detail goes to the log.
    return {
      status: HTTP_STATUS.validation,
      body: {
        kind: 'validation',
        message: 'Invalid request: a value is outside what HQ can store',
      },
      retryAfterS: undefined,
      log: 'internal',
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: HTTP_STATUS.unavailable,
      body: { kind: 'unavailable', message: 'HQ database is unavailable; try again shortly' },
      retryAfterS: UNAVAILABLE_RETRY_AFTER_S,
      log: 'unavailable',
    };
  }
  return {
    status: HTTP_STATUS.internal,
    body: { kind: 'internal', message: 'HQ failed to handle the request (see the HQ log)' },
    retryAfterS: undefined,
    log: 'internal',
  };
}

function logFailure(log: FastifyBaseLogger, error: unknown, failure: HttpFailure): void {
  switch (failure.log) {
    case 'unavailable':
      log.warn({ err: error }, 'database unavailable');
      return;
    case 'internal':
      log.error({ err: error }, 'request failed');
      return;
    case 'client':
      log.info({ status: failure.status, kind: failure.body.kind }, failure.body.message);
      return;
    case 'none':
      return;
  }
}

/** The app's error handler (fastify.setErrorHandler): every route fails through httpFailure. */
export function sendFailure(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const failure = httpFailure(error);
  logFailure(request.log, error, failure);
  if (failure.retryAfterS !== undefined) {
    void reply.header('retry-after', String(failure.retryAfterS));
  }
  return reply.status(failure.status).send({ ok: false, error: failure.body });
}
