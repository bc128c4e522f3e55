/**
 * The till API is the renderer's trust boundary: malformed input is refused there, once, with
 * a message a cashier can act on, before anything touches the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

let t: TestTill;
let api: TillApi;

beforeAll(async () => {
  t = await openTestTill();
  api = apiFor(t);
});

afterAll(async () => {
  await t.close();
});

describe('till API boundary', () => {
  it('rejects malformed input at the boundary without touching the database', async () => {
    expect(await api.login({ pin: 1234 as unknown as string })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect((await api.login({ pin: t.cashier.pin })).ok).toBe(true);
    expect(await api.scan({ code: 'x'.repeat(5_000) })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
    expect(await api.scan({ code: 'x'.repeat(20_000) })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect(await api.scan({ code: '9999999999999' })).toMatchObject({
      ok: false,
      error: { kind: 'not_found', message: 'No product has the code 9999999999999' },
    });
    expect(await api.enroll({ hqUrl: 'not a url', code: 'ABCD-1234' })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    const search = await api.search({ query: `${'shoe '.repeat(1_000)}'&|!:*` });
    expect(search.ok).toBe(true);
  });
});
