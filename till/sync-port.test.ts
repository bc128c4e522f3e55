import { describe, expect, it } from 'vitest';
import { errorResult } from '../db/errors';
import { SyncError } from '../sync/client';
import { cashierError } from './sync-port';

describe("sync failures in the cashier's words", () => {
  it("reports HQ refusing an enrollment as a validation error with HQ's reason", () => {
    const refused = new SyncError({
      kind: 'network',
      errorClass: 'fatal',
      status: 401,
      message: 'This enrollment code was already used',
    });
    expect(errorResult(cashierError(refused))).toEqual({
      ok: false,
      error: { kind: 'validation', message: 'HQ refused: This enrollment code was already used' },
    });
  });

  it('reports an unreachable HQ as "try again", not as a database failure', () => {
    const down = new SyncError({
      kind: 'network',
      errorClass: 'retryable',
      message: 'HQ is unreachable (fetch failed)',
    });
    const result = errorResult(cashierError(down));
    expect(result.error.kind).toBe('invalid_state');
    expect(result.error.message).toBe(
      'HQ is unreachable (fetch failed). Nothing was changed on this till; try again when HQ answers.',
    );
  });

  it('leaves other errors alone', () => {
    const other = new Error('boom');
    expect(cashierError(other)).toBe(other);
  });
});
