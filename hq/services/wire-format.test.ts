/**
 * What HQ issues and later reads back from a till: mutation content hashes (replay detection),
 * pull cursors, snapshot tokens, device credentials and enrollment codes. Each must round-trip
 * exactly and refuse anything HQ did not issue. (Moved from sync/protocol.test.ts, which keeps
 * the client's side.)
 */
import { describe, expect, it } from 'vitest';
import { Cursor } from '../../contract/sync-protocol/cursor';
import { EnrollmentCode } from '../../contract/sync-protocol/enrollment';
import { Mutation } from '../../contract/mutations';
import {
  deviceToken,
  newEnrollmentSecret,
  newSecret,
  parseDeviceToken,
  sameHash,
  sha256Hex,
  splitEnrollmentCode,
} from './credentials';
import { checkCursor, formatCursor, parseCursor } from './feed';
import { mutationHash } from './push';
import { decodeToken, encodeToken } from './snapshot';

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
    const c = formatCursor({ epoch, seq: 9_007_199_254_740_000 });
    expect(c).toBe(`c1.${epoch}.0.9007199254740000`);
    // The wire shape is unchanged, so a till of either version accepts it.
    expect(Cursor.safeParse(c).success).toBe(true);
    expect(parseCursor(c)).toEqual({
      kind: 'position',
      position: { epoch, seq: 9_007_199_254_740_000 },
    });
    expect(parseCursor('c1.x.1.2')).toEqual({ kind: 'invalid' });
    expect(parseCursor(`c1.${epoch}.-1.2`)).toEqual({ kind: 'invalid' });
    expect(parseCursor(`c1.${epoch}.0.99999999999999999999`)).toEqual({ kind: 'invalid' });
    const token = encodeToken({ v: 2, e: epoch, h: 900, i: 3, a: 'abc', d: 10, t: 20 });
    expect(decodeToken(token)).toEqual({ v: 2, e: epoch, h: 900, i: 3, a: 'abc', d: 10, t: 20 });
    expect(decodeToken('bm90IGpzb24')).toBeUndefined();
    expect(decodeToken(Buffer.from('{"v":2}').toString('base64url'))).toBeUndefined();
    // A download started before HQ numbered changes per store: its token is not continued.
    const old = Buffer.from(
      JSON.stringify({ v: 1, e: epoch, h: '900', i: 3, a: 'abc', d: 10, t: 20 }),
    ).toString('base64url');
    expect(decodeToken(old)).toBeUndefined();
  });

  it('tells a cursor of the transaction-ID feed (older HQ) from one of the per-store feed', () => {
    const epoch = '6f1c2c8e-1111-4b7a-9d2c-0123456789ab';
    // Transaction IDs in PostgreSQL start at 3, so such a cursor never has 0 there.
    expect(parseCursor(`c1.${epoch}.1048576.17`)).toEqual({ kind: 'legacy' });
    expect(parseCursor(`c1.${epoch}.3.0`)).toEqual({ kind: 'legacy' });
    const state = { epoch, lastSeq: 40, prunedSeq: 5 };
    expect(() => checkCursor(state, parseCursor(`c1.${epoch}.1048576.17`))).toThrow(
      /numbers each store's changes itself/,
    );
    expect(checkCursor(state, parseCursor(`c1.${epoch}.0.17`))).toEqual({ epoch, seq: 17 });
    expect(() => checkCursor(state, parseCursor(`c1.${epoch}.0.41`))).toThrow(/ahead of HQ/);
    expect(() => checkCursor(state, parseCursor(`c1.${epoch}.0.4`))).toThrow(/away longer/);
    expect(() =>
      checkCursor(state, parseCursor('c1.00000000-0000-4000-8000-000000000000.0.17')),
    ).toThrow(/reset/);
  });
});

describe('credentials', () => {
  it('round-trip a device credential and compare hashes exactly', () => {
    const credential = {
      storeId: 'seattle',
      deviceId: '6f1c2c8e-1111-4b7a-9d2c-0123456789ab',
      secret: newSecret(),
    };
    expect(parseDeviceToken(deviceToken(credential))).toEqual(credential);
    expect(parseDeviceToken(`${deviceToken(credential)}x`)).toBeUndefined();
    expect(parseDeviceToken('seattle..x')).toBeUndefined();
    expect(sameHash(sha256Hex(credential.secret), sha256Hex(credential.secret))).toBe(true);
    expect(sameHash(sha256Hex(credential.secret), sha256Hex(newSecret()))).toBe(false);
    expect(sameHash('abc', 'abcd')).toBe(false);
  });

  it('issues enrollment codes the protocol accepts and splits them back', () => {
    const code = `redmond.${newEnrollmentSecret()}`;
    expect(EnrollmentCode.parse(code)).toBe(code);
    expect(splitEnrollmentCode(code)).toEqual({ storeId: 'redmond', secret: code.slice(8) });
  });
});
