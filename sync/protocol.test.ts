import { describe, expect, it } from 'vitest';
import { Backoff } from './client/backoff';
import { SyncError, parseRetryAfter } from './client/http';
import { DeviceToken, EnrollmentCode } from '../contract/sync-protocol/enrollment';
import { validateHqUrl } from './client/enrollment';

describe('backoff', () => {
  it('doubles from 1 s to 32 s with equal jitter, and honours Retry-After', () => {
    const b = new Backoff({ random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => b.next())).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 32_000, 32_000,
    ]);
    const low = new Backoff({ random: () => 0 });
    expect([low.next(), low.next(), low.next()]).toEqual([500, 1_000, 2_000]);
    expect(low.next(7_000)).toBe(7_000);
    low.reset();
    expect(low.failures).toBe(0);
    expect(low.next()).toBe(500);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('0')).toBe(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('classifies errors for the scheduler', () => {
    const e = new SyncError({ kind: 'network', errorClass: 'retryable', message: 'x' });
    expect(e.errorClass).toBe('retryable');
  });
});

describe('enrollment codes and device credentials', () => {
  it('accepts enrollment codes typed loosely and rejects others', () => {
    expect(EnrollmentCode.parse(' Seattle.abcd-efgh-jkmn-pqrs ')).toBe(
      'seattle.ABCD-EFGH-JKMN-PQRS',
    );
    expect(EnrollmentCode.safeParse('seattle.ABCD-EFGH-JKMN').success).toBe(false);
    expect(EnrollmentCode.safeParse('seattle.ABC0-EFGH-JKMN-PQRS').success).toBe(false);
    expect(EnrollmentCode.safeParse('ABCD-EFGH-JKMN-PQRS').success).toBe(false);
  });

  it('knows a device credential by its shape', () => {
    const ok = `seattle.6f1c2c8e-1111-4b7a-9d2c-0123456789ab.${'A'.repeat(43)}`;
    expect(DeviceToken.safeParse(ok).success).toBe(true);
    expect(DeviceToken.safeParse(`${ok}x`).success).toBe(false);
    expect(DeviceToken.safeParse(ok.replace('seattle', 'Seattle')).success).toBe(false);
  });
});

describe('HQ address', () => {
  it('must be an http(s) URL', () => {
    expect(validateHqUrl(' http://hq.example:8787/ ')).toBe('http://hq.example:8787');
    expect(() => validateHqUrl('hq.example')).toThrow(/not an HQ address/);
    expect(() => validateHqUrl('ftp://hq.example')).toThrow(/http/);
  });
});
