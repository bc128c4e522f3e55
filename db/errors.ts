/**
 * Typed domain errors. Every failure a caller can act on has a `kind`; across IPC and HTTP the
 * kind travels in a result object `{ ok: false, error: { kind, message } }`.
 */
import { ZodError, prettifyError } from 'zod';

export const ErrorKind = {
  validation: 'validation',
  notFound: 'not_found',
  conflict: 'conflict',
  forbidden: 'forbidden',
  insufficientTender: 'insufficient_tender',
  approvalRequired: 'approval_required',
  invalidState: 'invalid_state',
  locked: 'locked',
  corrupt: 'corrupt',
  migration: 'migration',
  database: 'database',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class PosError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }
}

export class ValidationError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.validation, message, options);
  }
}
export class NotFoundError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.notFound, message, options);
  }
}
export class ConflictError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.conflict, message, options);
  }
}
export class ForbiddenError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.forbidden, message, options);
  }
}
export class InsufficientTenderError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.insufficientTender, message, options);
  }
}
export class ApprovalRequiredError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.approvalRequired, message, options);
  }
}
export class InvalidStateError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.invalidState, message, options);
  }
}
export class DataDirLockedError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.locked, message, options);
  }
}
export class CorruptDataError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.corrupt, message, options);
  }
}
export class MigrationError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.migration, message, options);
  }
}
export class DatabaseError extends PosError {
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown; code?: string | undefined }) {
    super(ErrorKind.database, message, options);
    this.code = options?.code;
  }
}

/** SQLSTATE codes we translate; anything else surfaces as DatabaseError with its code. */
export const PgCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  insufficientPrivilege: '42501',
  invalidTextRepresentation: '22P02',
  numericOutOfRange: '22003',
  stringTooLong: '22001',
  raiseException: 'P0001',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Map a PostgreSQL/PGlite error to a domain error; PosErrors pass through untouched. */
export function toPosError(error: unknown, context = 'database operation'): PosError {
  if (error instanceof PosError) return error;
  if (error instanceof ZodError) {
    return new ValidationError(`${context}: ${prettifyError(error)}`, { cause: error });
  }
  const code = sqlState(error);
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${context} failed: ${detail}`;
  switch (code) {
    case PgCode.uniqueViolation:
      return new ConflictError(message, { cause: error });
    case PgCode.foreignKeyViolation:
      return new NotFoundError(message, { cause: error });
    case PgCode.checkViolation:
    case PgCode.notNullViolation:
    case PgCode.invalidTextRepresentation:
    case PgCode.numericOutOfRange:
    case PgCode.stringTooLong:
      return new ValidationError(message, { cause: error });
    case PgCode.insufficientPrivilege:
      return new ForbiddenError(message, { cause: error });
    case PgCode.raiseException:
      return new InvalidStateError(detail, { cause: error });
    default:
      return new DatabaseError(message, { cause: error, code });
  }
}

/** The wire shape of an error across IPC and HTTP. */
export type ErrorResult = { ok: false; error: { kind: ErrorKind; message: string } };
export type Result<T> = { ok: true; data: T } | ErrorResult;

export function errorResult(error: unknown): ErrorResult {
  const posError = toPosError(error, 'request');
  return { ok: false, error: { kind: posError.kind, message: posError.message } };
}
