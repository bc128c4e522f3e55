/**
 * The errors db/ code raises and catches, in one import: the domain errors of core/errors.ts
 * (re-exported, so db/ modules import every error from here), the storage errors (a locked data
 * directory, a corrupt journal, a failed migration, PostgreSQL) and `toPosError`, which maps
 * anything thrown to a `PosError` so its kind can cross IPC and HTTP (contract/errors.ts).
 */
import { ZodError, prettifyError } from 'zod';
import { getErrorMessage, type ErrorResult } from '../contract/errors';
import {
  ConflictError,
  ErrorKind,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  PosError,
  ValidationError,
} from '../core/errors';

export {
  ApprovalRequiredError,
  ConflictError,
  ErrorKind,
  ForbiddenError,
  InsufficientTenderError,
  InvalidStateError,
  NotFoundError,
  PosError,
  ValidationError,
} from '../core/errors';

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
  const detail = getErrorMessage(error);
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

/** Anything thrown as the failure arm of a `Result` (contract/errors.ts), for IPC and HTTP. */
export function errorResult(error: unknown): ErrorResult {
  const posError = toPosError(error, 'request');
  return { ok: false, error: { kind: posError.kind, message: posError.message } };
}
