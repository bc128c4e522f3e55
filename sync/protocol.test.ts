import { describe, expect, it } from 'vitest';
import { Backoff } from './client/backoff';
import { SyncError, parseRetryAfter } from './client/http';
import { DeviceToken, EnrollmentCode } from '../contract/sync-protocol';
import { mutationHash } from '../hq/services/push';
import { Mutation } from '../contract/sync-protocol';
import { formatCursor, parseCursor } from '../hq/services/feed';
import { decodeToken, encodeToken } from '../hq/services/snapshot';
import { validateHqUrl } from './client/sync-client';

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

describe('payload hashing', () => {
  const payload = {
    customerId: '0196f000-0000-7000-8000-000000000001',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: null,
    createdAt: '2026-11-20T10:00:00.000Z',
  };
  it('does not depend on key order or unknown fields, only on content', () => {
    const a = Mutation.parse({ mutationId: 1, type: 'customer.created', payload });
    const reordered = Object.fromEntries(Object.entries(payload).reverse());
    const b = Mutation.parse({
      payload: { ...reordered, storeId: 'redmond' },
      type: 'customer.created',
      mutationId: 1,
    });
    expect(mutationHash(b)).toBe(mutationHash(a));
    const c = Mutation.parse({
      mutationId: 1,
      type: 'customer.created',
      payload: { ...payload, lastName: 'Byron' },
    });
    expect(mutationHash(c)).not.toBe(mutationHash(a));
    expect(mutationHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('cursors and tokens', () => {
  it('round-trip and refuse anything HQ did not issue', () => {
    const epoch = '6f1c2c8e-1111-4b7a-9d2c-0123456789ab';
    const c = formatCursor({ epoch, txid: '18446744073709551000', seq: 42 });
    expect(parseCursor(c)).toEqual({ epoch, txid: '18446744073709551000', seq: 42 });
    expect(parseCursor('c1.x.1.2')).toBeUndefined();
    expect(parseCursor(`c1.${epoch}.-1.2`)).toBeUndefined();
    const token = encodeToken({ v: 1, e: epoch, h: '900', i: 3, a: 'abc', d: 10, t: 20 });
    expect(decodeToken(token)).toEqual({ v: 1, e: epoch, h: '900', i: 3, a: 'abc', d: 10, t: 20 });
    expect(decodeToken('bm90IGpzb24')).toBeUndefined();
    expect(decodeToken(Buffer.from('{"v":2}').toString('base64url'))).toBeUndefined();
  });

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
