/**
 * Why HQ refuses a till's mutation. A rejection is permanent (the same mutation would be
 * refused again), so the sync service records it, advances the device's counter and tells the
 * till; it never blocks the queue. Anything that is not a MutationRejectedError (lost
 * connection, serialization failure, deadlock) is transient: the caller rolls back and retries.
 */
import { ErrorKind, PosError } from '../errors';
import { PgCode, isDataError, sqlState } from '../pg-errors';

export const RejectionCode = {
  /** Arithmetic of a sale does not add up (lines, totals, tenders). */
  invalidTotals: 'invalid_totals',
  /** A field combination the schema forbids (e.g. a returned line without its original). */
  invalidSale: 'invalid_sale',
  /** A stock movement names another transaction than the one it came with. */
  invalidStockMovement: 'invalid_stock_movement',
  /** Sale time before the retention horizon, far in the future or implausibly old. */
  occurredAtOutOfRange: 'occurred_at_out_of_range',
  unknownRegister: 'unknown_register',
  unknownShift: 'unknown_shift',
  unknownCustomer: 'unknown_customer',
  unknownProduct: 'unknown_product',
  /** A void (or a stock movement) names a transaction this store does not have. */
  unknownTransaction: 'unknown_transaction',
  unknownOriginalTransaction: 'unknown_original_transaction',
  unknownOriginalItem: 'unknown_original_item',
  receiptNumberTaken: 'receipt_number_taken',
  alreadyVoided: 'already_voided',
  shiftAlreadyOpen: 'shift_already_open',
  shiftAlreadyClosed: 'shift_already_closed',
  shiftClosed: 'shift_closed',
  shiftIdConflict: 'shift_id_conflict',
  invalidZReport: 'invalid_z_report',
  zNumberTaken: 'z_number_taken',
  emailTaken: 'email_taken',
  movementIdConflict: 'movement_id_conflict',
  /** A database rule refused the rows (a CHECK, a key); the message carries the detail. */
  constraintViolation: 'constraint_violation',
} as const;
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

export class MutationRejectedError extends PosError {
  readonly code: RejectionCode;
  constructor(code: RejectionCode, message: string, options?: { cause?: unknown }) {
    super(ErrorKind.invalidState, message, options);
    this.code = code;
  }
}

/**
 * SQLSTATE classes that mean "these rows break a rule" rather than "try again": data
 * exceptions (22), integrity constraints (23) and RAISE from our triggers (P0001).
 */
export function isPermanentDataError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  return isDataError(error) || sqlState(error) === PgCode.raiseException;
}
