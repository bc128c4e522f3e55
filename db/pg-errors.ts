/**
 * PostgreSQL error codes (SQLSTATE), in ONE place: the codes we name, how to read one off a
 * thrown error (pg and PGlite both set `code`), the classes we act on, and the map from a code
 * to a domain error. Nothing else in the code base spells a SQLSTATE.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
// From core/ directly, not ./errors: errors.ts imports this module.
import {
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  type PosError,
  ValidationError,
} from '../core/errors';

export const PgCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  insufficientPrivilege: '42501',
  invalidTextRepresentation: '22P02',
  numericOutOfRange: '22003',
  stringTooLong: '22001',
  invalidParameterValue: '22023',
  /** RAISE EXCEPTION from our triggers and functions. */
  raiseException: 'P0001',
  /** Citus: e.g. changing a row's distribution column. */
  featureNotSupported: '0A000',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** e.g. a view over an extension that is not installed. */
  objectNotInPrerequisiteState: '55000',
  /** e.g. CREATE DATABASE while its template is in use by another one. */
  objectInUse: '55006',
  /** CREATE of a role (or other object) that another process created first. */
  duplicateObject: '42710',
  /** The server is shutting down (or an administrator ended the connection). */
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
} as const;
export type PgCode = (typeof PgCode)[keyof typeof PgCode];

/** The SQLSTATE of a thrown error, when it carries one (five digits/capitals), else undefined. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Serialization failure or deadlock: the whole transaction is worth running again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = sqlState(error);
  return code === PgCode.serializationFailure || code === PgCode.deadlockDetected;
}

/**
 * Data exceptions (class 22) and integrity constraint violations (class 23): these rows break a
 * rule of the database, so trying again cannot help.
 */
export function isDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * A data exception (class 22): a value the database cannot take (out of range, malformed
 * text for its type). Caused by the input, so repeating the request cannot help.
 */
export function isDataException(error: unknown): boolean {
  return sqlState(error)?.startsWith('22') ?? false;
}

/** The server is going away (shutdown), as when we stop the embedded server ourselves. */
export function isServerShutdown(error: unknown): boolean {
  return sqlState(error) === PgCode.adminShutdown;
}

/** The server cannot serve now: connection exceptions (class 08), shutdown, startup, too full. */
export function isServerUnavailable(error: unknown): boolean {
  const code = sqlState(error);
  if (code === undefined) return false;
  return (
    code.startsWith('08') ||
    code === PgCode.adminShutdown ||
    code === PgCode.crashShutdown ||
    code === PgCode.cannotConnectNow ||
    code === PgCode.tooManyConnections
  );
}

/** Node's codes for a connection to the server that failed or broke (not SQLSTATEs). */
const CONNECTION_ERRNO: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * node-postgres's own errors for a connection that broke or never came (they carry no code):
 * the server died under a query, a client whose connection broke is used again, the pool
 * found no connection in time.
 */
const CONNECTION_LOST_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated due to connection timeout$/,
];

/**
 * The database cannot serve now, whether the server said so (isServerUnavailable), could not
 * be reached at all, or the connection broke under a request: "try again shortly", not "your
 * request is bad". Follows `cause`, so a domain error wrapping such a failure counts too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; depth < 5; depth++) {
    if (typeof e !== 'object' || e === null) return false;
    if (isServerUnavailable(e)) return true;
    if ('code' in e && typeof e.code === 'string' && CONNECTION_ERRNO.has(e.code)) return true;
    const message = e instanceof Error ? e.message : '';
    if (CONNECTION_LOST_MESSAGES.some((m) => m.test(message))) return true;
    e = 'cause' in e ? e.cause : undefined;
  }
  return false;
}

/**
 * The domain error for a SQLSTATE we translate, or undefined (the caller then reports a
 * DatabaseError carrying the code). `message` is the full text, `detail` the server's own words.
 */
export function domainErrorFor(
  code: string | undefined,
  options: { message: string; detail: string; cause: unknown },
): PosError | undefined {
  const { message, detail, cause } = options;
  switch (code) {
    case PgCode.uniqueViolation:
      return new ConflictError(message, { cause });
    case PgCode.foreignKeyViolation:
      return new NotFoundError(message, { cause });
    case PgCode.checkViolation:
    case PgCode.notNullViolation:
    case PgCode.invalidTextRepresentation:
    case PgCode.numericOutOfRange:
    case PgCode.stringTooLong:
      return new ValidationError(message, { cause });
    case PgCode.insufficientPrivilege:
      return new ForbiddenError(message, { cause });
    case PgCode.raiseException:
      return new InvalidStateError(detail, { cause });
    default:
      return undefined;
  }
}
