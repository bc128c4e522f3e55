/**
 * Security (issue 12, finding 6): no client input makes HQ answer 500. A 500 tells a till to
 * retry, so a request HQ cannot handle would be retried forever (a sale with receiptSeq 2^31
 * did exactly that). Every device request HQ cannot serve must get a 4xx that says why, and a
 * mutation that passes the schema but breaks a database rule becomes a recorded rejection.
 *
 * First the three reported inputs, then a seeded fuzz over the device endpoints: valid
 * requests with one field (or header) replaced by a hostile value — integer and float
 * boundaries, schema maxima, malformed IDs and tokens, wrong types. Every answer must be a
 * well-formed `{ ok, ... }` body with a status below 500. `HOSTILE_SEED=<n>` replays a run; a
 * failure names the seed, case and path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids';
import { MAX_CENTS } from '../../core/money';
import { Rng } from '../../db/seed/random';
import { encodeToken } from '../../hq/services/snapshot';
import {
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';

let hq: TestHq;
let till: TestTillHandle;
let token: string;
let baseSale: { type: string; payload: Record<string, unknown> };
let cursor: string;

beforeAll(async () => {
  hq = await startTestHq();
  till = await openSyncTill({ url: hq.url, code: await hq.code('seattle'), storeId: 'seattle' });
  await till.client.syncNow();
  await till.client.stop();
  await ringSale(till, { lines: 2 });
  const { rows } = await till.store.db.query<{
    mutation_type: string;
    payload: Record<string, unknown>;
  }>(`SELECT mutation_type, payload FROM pos.outbox WHERE mutation_type = 'sale.recorded'`);
  baseSale = { type: rows[0]!.mutation_type, payload: rows[0]!.payload };
  const device = await till.store.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
  token = device.rows[0]!.token;
  const state = await till.store.db.query<{ c: string }>(
    `SELECT pull_cursor AS c FROM pos.sync_state`,
  );
  cursor = state.rows[0]!.c;
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

interface Answer {
  status: number;
  body: { ok: boolean; error?: { kind: string; message: string } };
}

async function send(
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${hq.url}${path}`, {
    method,
    headers: {
      'x-edgepos-protocol': '1',
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function lastMutationId(): Promise<number> {
  const answer = await send('GET', '/v1/device', undefined);
  return (answer.body as unknown as { data: { lastMutationId: number } }).data.lastMutationId;
}

let receiptSeq = 1_000;

/** The till's sale with fresh IDs and receipt number, so HQ ingests it rather than dedupes it. */
function freshSale(): { type: string; payload: Record<string, unknown> } {
  const payload = structuredClone(baseSale.payload) as {
    transactionId: string;
    receiptSeq: number;
    receiptNumber: string;
    lines: { itemId: string }[];
    payments: { paymentId: string }[];
    stockMovements: { movementId: string; transactionId: string | null }[];
  };
  payload.transactionId = newId();
  receiptSeq += 1;
  payload.receiptSeq = receiptSeq;
  payload.receiptNumber = `R01-${receiptSeq}`;
  for (const line of payload.lines) line.itemId = newId();
  for (const p of payload.payments) p.paymentId = newId();
  for (const m of payload.stockMovements) {
    m.movementId = newId();
    m.transactionId = payload.transactionId;
  }
  return { type: baseSale.type, payload };
}

describe('the reported inputs', () => {
  it('x-edgepos-pending beyond what HQ records is refused with 400, not 500', async () => {
    const answer = await send('GET', '/v1/device', undefined, {
      'x-edgepos-pending': '3000000000',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.kind).toBe('validation');
    expect(answer.body.error?.message).toMatch(/x-edgepos-pending/);
  });

  it('a malformed x-edgepos-app version is refused with 400, not stored', async () => {
    const answer = await send('GET', '/v1/device', undefined, {
      'x-edgepos-app': "1.0'; DROP TABLE sync.devices; --",
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.kind).toBe('validation');
    expect(answer.body.error?.message).toMatch(/x-edgepos-app/);
  });

  it('a snapshot token whose key is not a key of its stage starts the download again (409)', async () => {
    const first = await send('POST', '/v1/snapshot', { token: null, limit: 1 });
    expect(first.status).toBe(200);
    const issued = (first.body as unknown as { data: { token: string } }).data.token;
    const body = JSON.parse(Buffer.from(issued, 'base64url').toString('utf8')) as Parameters<
      typeof encodeToken
    >[0];
    for (const [i, a] of [
      [4, 'not-a-uuid'],
      [5, "x' OR 1=1"],
      [1, '99999999999'],
      [8, 'abc/def'],
    ] as const) {
      const forged = encodeToken({ ...body, i, a });
      const answer = await send('POST', '/v1/snapshot', { token: forged });
      expect(answer.status, `stage ${i} key ${a}`).toBe(409);
      expect(answer.body.error?.kind).toBe('resync_required');
    }
  });

  it('a sale with receiptSeq 2^31 is refused by the schema (400), never retried as a 500', async () => {
    const sale = freshSale();
    sale.payload.receiptSeq = 2 ** 31;
    const answer = await send('POST', '/v1/push', {
      mutations: [{ mutationId: (await lastMutationId()) + 1, ...sale }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.kind).toBe('validation');
    expect(answer.body.error?.message).toMatch(/receiptSeq/);
  });
});

// ---------------------------------------------------------------------------------------
// Seeded fuzz
// ---------------------------------------------------------------------------------------

const HOSTILE_NUMBERS = [
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  1e20,
  -1e20,
  1e308,
  -1,
  0,
  0.5,
  MAX_CENTS,
  -MAX_CENTS,
  1_000_000,
  9_999_999,
  100_000,
  -100_000,
];
const HOSTILE_STRINGS = [
  '',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  "'; DROP TABLE retail.sales_transactions; --",
  '\u0000',
  'x'.repeat(5_000),
  '9999-99-99T99:99:99Z',
  '2026-02-30T10:00:00Z',
  '0001-01-01T00:00:00Z',
  '-infinity',
  'NaN',
  'é\u{1f600}',
  'R0\u0000',
];
const HOSTILE_OTHERS: unknown[] = [null, true, [], {}, '1', 1.5, -0];
const HOSTILE_HEADERS = ['3000000000', '-1', '1e10', '0x10', ' 5', '', '99999999999999999999'];

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[Math.floor(rng.next() * values.length)]!;
}

function hostileValue(rng: Rng, current: unknown): unknown {
  const r = rng.next();
  if (typeof current === 'number') {
    return r < 0.8 ? pick(rng, HOSTILE_NUMBERS) : pick(rng, HOSTILE_OTHERS);
  }
  if (typeof current === 'string') {
    return r < 0.7 ? pick(rng, HOSTILE_STRINGS) : pick(rng, HOSTILE_NUMBERS);
  }
  return r < 0.5 ? pick(rng, HOSTILE_NUMBERS) : pick(rng, [...HOSTILE_STRINGS, ...HOSTILE_OTHERS]);
}

/** Every path to a leaf (or array/null) of a JSON value. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value);
    const below = entries.flatMap(([k, v]) => leaves(v, [...path, k]));
    return path.length > 0 ? [path, ...below] : below;
  }
  return [path];
}

function getAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = value;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

function setAt(value: unknown, path: readonly (string | number)[], leaf: unknown): void {
  let v = value as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) v = v[k] as Record<string | number, unknown>;
  v[path[path.length - 1]!] = leaf;
}

interface Case {
  method: 'GET' | 'POST';
  path: string;
  body: unknown;
  headers?: Record<string, string>;
}

async function validBody(endpoint: string): Promise<Case> {
  switch (endpoint) {
    case 'push':
      return {
        method: 'POST',
        path: '/v1/push',
        body: { mutations: [{ mutationId: (await lastMutationId()) + 1, ...freshSale() }] },
      };
    case 'pull':
      return { method: 'POST', path: '/v1/pull', body: { cursor, limit: 10, waitMs: 0 } };
    case 'snapshot':
      return { method: 'POST', path: '/v1/snapshot', body: { token: null, limit: 5 } };
    case 'rebase':
      return {
        method: 'POST',
        path: '/v1/rebase',
        body: { newDeviceId: newId(), newSecret: 'A'.repeat(43), fromMutationId: 1 },
      };
    case 'enroll':
      return {
        method: 'POST',
        path: '/v1/enroll',
        body: { code: 'seattle.ABCD-EFGH-JKLM-NPQR', label: 'fuzz' },
      };
    default:
      return { method: 'GET', path: '/v1/device', body: undefined };
  }
}

describe('seeded fuzz over the device endpoints', () => {
  it('answers every hostile request with a well-formed 4xx or success, never a 500', async () => {
    const seed = Number(process.env.HOSTILE_SEED ?? 20261207);
    const rng = new Rng(seed);
    // Rebase is fuzzed without a valid conflict, so it can never actually move this device.
    const endpoints = [
      'push',
      'push',
      'push',
      'push',
      'pull',
      'snapshot',
      'rebase',
      'enroll',
      'device',
    ];
    const failures: string[] = [];
    let served = 0;
    for (let n = 0; n < 160; n++) {
      const endpoint = pick(rng, endpoints);
      const c = await validBody(endpoint);
      let described = 'header x-edgepos-pending';
      if (c.body === undefined || rng.next() < 0.1) {
        c.headers = { 'x-edgepos-pending': pick(rng, HOSTILE_HEADERS) };
        described += `=${c.headers['x-edgepos-pending']}`;
      } else {
        const path = pick(rng, leaves(c.body));
        const value = hostileValue(rng, getAt(c.body, path));
        setAt(c.body, path, value);
        described = `${path.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`;
      }
      const answer = await send(c.method, c.path, c.body, c.headers);
      const wellFormed =
        typeof answer.body.ok === 'boolean' &&
        (answer.body.ok || typeof answer.body.error?.message === 'string');
      if (answer.status < 300) served += 1;
      if (answer.status >= 500 || !wellFormed) {
        failures.push(
          `seed ${seed} case ${n} ${c.path} ${described}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    // Some hostile values are valid (0, maxima, other UUIDs): the fuzz reaches the services too.
    expect(served).toBeGreaterThan(5);
  });
});
