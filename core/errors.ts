/**
 * The error kinds, and the typed errors the rules raise. Every failure a caller can act on has a
 * `kind`; across IPC and HTTP the kind travels in a result object (contract/errors.ts
 * `Result`), so the screens can switch on it.
 *
 * Defined here, not in contract/, because core/ imports nothing of ours and its rules (pricing,
 * tenders, money) throw these; contract/errors.ts re-exports `ErrorKind` for the wire. Storage
 * errors (locked data directory, corrupt journal, migrations, PostgreSQL) live in db/errors.ts.
 */

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
  /** The till's database host did not answer (the renderer's side of a dead port). */
  unavailable: 'unavailable',
  /** A handler failed unexpectedly (the IPC router's catch-all); details go to the log. */
  internal: 'internal',
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
