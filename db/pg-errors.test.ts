import { describe, expect, it } from 'vitest';
import { DatabaseError, ErrorKind, toPosError } from './errors';
import {
  PgCode,
  isDataError,
  isDatabaseUnavailable,
  isRetryableConflict,
  isServerShutdown,
  isServerUnavailable,
  sqlState,
} from './pg-errors';

const pgError = (code: unknown, message = 'boom'): Error =>
  Object.assign(new Error(message), { code });

describe('PostgreSQL error codes', () => {
  it('reads a SQLSTATE only when the code has its shape', () => {
    expect(sqlState(pgError('23505'))).toBe('23505');
    expect(sqlState(pgError('ECONNREFUSED'))).toBeUndefined();
    expect(sqlState(pgError(23505))).toBeUndefined();
    expect(sqlState('23505')).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
  });

  it('classifies conflicts, data errors and an unavailable server', () => {
    expect(isRetryableConflict(pgError(PgCode.serializationFailure))).toBe(true);
    expect(isRetryableConflict(pgError(PgCode.deadlockDetected))).toBe(true);
    expect(isRetryableConflict(pgError(PgCode.uniqueViolation))).toBe(false);
    expect(isDataError(pgError(PgCode.invalidTextRepresentation))).toBe(true);
    expect(isDataError(pgError(PgCode.foreignKeyViolation))).toBe(true);
    expect(isDataError(pgError(PgCode.raiseException))).toBe(false);
    expect(isServerShutdown(pgError(PgCode.adminShutdown))).toBe(true);
    expect(isServerUnavailable(pgError('08006'))).toBe(true);
    expect(isServerUnavailable(pgError(PgCode.tooManyConnections))).toBe(true);
    expect(isServerUnavailable(pgError('ECONNREFUSED'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('EPIPE'))).toBe(true);
    expect(isDatabaseUnavailable(pgError(PgCode.cannotConnectNow))).toBe(true);
    expect(isDatabaseUnavailable(pgError(PgCode.uniqueViolation))).toBe(false);
    expect(isDatabaseUnavailable(pgError('ENOENT'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    // The server died under a query (issue 11, item 6): node-postgres's errors carry no code.
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('Client has encountered a connection error and is not queryable'),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(pgError(PgCode.crashShutdown))).toBe(true);
    expect(isDatabaseUnavailable(new Error('push failed', { cause: pgError('ECONNRESET') }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error('Connection refused by policy, not the network'))).toBe(
      false,
    );
  });

  it('maps the codes it names to domain errors, anything else to DatabaseError', () => {
    expect(toPosError(pgError(PgCode.uniqueViolation)).kind).toBe(ErrorKind.conflict);
    expect(toPosError(pgError(PgCode.foreignKeyViolation)).kind).toBe(ErrorKind.notFound);
    expect(toPosError(pgError(PgCode.checkViolation)).kind).toBe(ErrorKind.validation);
    expect(toPosError(pgError(PgCode.insufficientPrivilege)).kind).toBe(ErrorKind.forbidden);
    const raised = toPosError(pgError(PgCode.raiseException, 'shift is closed'));
    expect(raised.kind).toBe(ErrorKind.invalidState);
    expect(raised.message).toBe('shift is closed');
    const other = toPosError(pgError(PgCode.deadlockDetected, 'deadlock'), 'push');
    expect(other).toBeInstanceOf(DatabaseError);
    expect((other as DatabaseError).code).toBe(PgCode.deadlockDetected);
    expect(other.message).toBe('push failed: deadlock');
  });
});
