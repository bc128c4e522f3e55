/**
 * The errors db/ code raises and catches, in one import: the domain errors of core/errors.ts
 * (re-exported, so db/ modules import every error from here), the storage errors (a locked data
 * directory, a corrupt journal, a failed migration, PostgreSQL) and `toPosError`, which maps
 * anything thrown to a `PosError` so its kind can cross IPC and HTTP (contract/errors.ts).
 * SQLSTATE codes and their domain errors are in pg-errors.ts.
 */
import { ZodError } from 'zod';
import { getErrorMessage, type ErrorResult } from '../contract/errors';
import { ErrorKind, PosError, ValidationError } from '../core/errors';
import { domainErrorFor, sqlState } from './pg-errors';

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

/** Map a PostgreSQL/PGlite error to a domain error; PosErrors pass through untouched. */
export function toPosError(error: unknown, context = 'database operation'): PosError {
  if (error instanceof PosError) return error;
  if (error instanceof ZodError) {
    // The schema's own words, without zod's pretty-print marks (✖, → at path): people read these.
    const why = error.issues.map((issue) => issue.message).join('; ');
    return new ValidationError(`${context}: ${why}`, { cause: error });
  }
  const code = sqlState(error);
  const detail = getErrorMessage(error);
  const message = `${context} failed: ${detail}`;
  return (
    domainErrorFor(code, { message, detail, cause: error }) ??
    new DatabaseError(message, { cause: error, code })
  );
}

/** Anything thrown as the failure arm of a `Result` (contract/errors.ts), for IPC and HTTP. */
export function errorResult(error: unknown): ErrorResult {
  const posError = toPosError(error, 'request');
  return { ok: false, error: { kind: posError.kind, message: posError.message } };
}
