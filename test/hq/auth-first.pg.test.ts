/**
 * Security (issue 12, finding 4): no work before authentication. The device credential is
 * checked before the body is read (a 10 MiB push with a junk credential used to be parsed and
 * validated first, and a forged one made HQ create sales partitions for every month named in
 * its body); the one route that needs no credential (enroll) reads only a small body; failed
 * authentication and enrollment attempts are limited per address (429 with Retry-After), and
 * a device that authenticates is never counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids';
import {
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';

const AUTH_FAILURES = 4;
const ENROLL_FAILURES = 3;

let hq: TestHq;
let till: TestTillHandle;
let token: string;
let forged: string;
let sale: Record<string, unknown>;

beforeAll(async () => {
  hq = await startTestHq({
    authFailures: { max: AUTH_FAILURES, windowMs: 600_000 },
    enrollFailures: { max: ENROLL_FAILURES, windowMs: 600_000 },
  });
  till = await openSyncTill({ url: hq.url, code: await hq.code('seattle'), storeId: 'seattle' });
  await till.client.stop();
  await ringSale(till);
  const { rows } = await till.store.db.query<{ payload: Record<string, unknown> }>(
    `SELECT payload FROM pos.outbox WHERE mutation_type = 'sale.recorded' LIMIT 1`,
  );
  sale = rows[0]!.payload;
  const device = await till.store.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
  token = device.rows[0]!.token;
  // The real store and device, another secret: what a guesser or a revoked copy would send.
  forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

function push(credential: string, body: string): Promise<Response> {
  return fetch(`${hq.url}/v1/push`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-edgepos-protocol': '1',
      authorization: `Bearer ${credential}`,
    },
    body,
  });
}

async function kindOf(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { kind: string } }).error?.kind;
}

/** Sales partitions of the HQ database (as the superuser: partitions are closed to the app). */
async function salesPartitions(): Promise<number> {
  const { rows } = await hq.db.pools.owner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'retail' AND c.relname ~ '^sales_transactions_p[0-9]{6}$'`,
  );
  return rows[0]!.n;
}

/** Sales of the given months (the 1st, noon UTC), well-formed for the schema. */
function salesIn(months: Date[]): unknown {
  return {
    mutations: months.map((month, i) => {
      const transactionId = newId();
      return {
        mutationId: 1_000 + i,
        type: 'sale.recorded',
        payload: {
          ...sale,
          transactionId,
          occurredAt: month.toISOString(),
          receiptSeq: 50_000 + i,
          receiptNumber: `FORGED-${i}`,
          lines: (sale.lines as Record<string, unknown>[]).map((l) => ({ ...l, itemId: newId() })),
          payments: (sale.payments as Record<string, unknown>[]).map((p) => ({
            ...p,
            paymentId: newId(),
          })),
          stockMovements: [],
        },
      };
    }),
  };
}

describe('the credential is checked before the body', () => {
  it('a junk credential with a 10 MiB body that is not even JSON is refused as unauthorized', async () => {
    const body = '{'.repeat(10 * 1024 * 1024);
    const [refused, health] = await Promise.all([push(forged, body), fetch(`${hq.url}/healthz`)]);
    // Parsed first, this body would have been a 400 (invalid JSON): 401 shows it never was.
    expect(refused.status).toBe(401);
    expect(await kindOf(refused)).toBe('unauthorized');
    expect(health.status).toBe(200);
    // The same body with the real credential is read and parsed: 400.
    const parsed = await push(token, body);
    expect(parsed.status).toBe(400);
  });

  it('a forged credential makes HQ create no sales partitions, whatever months the body names', async () => {
    const now = new Date();
    const months = Array.from(
      { length: 60 },
      (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1, 12)),
    );
    const before = await salesPartitions();
    const refused = await push(forged, JSON.stringify(salesIn(months)));
    expect(refused.status).toBe(401);
    expect(await salesPartitions()).toBe(before);
    // Control: the months were missing, so an unchecked push would have created them.
    const { rows } = await hq.db.pools.owner.query<{ missing: number }>(
      `SELECT count(*)::int AS missing FROM unnest($1::timestamptz[]) AS m
        WHERE m >= (SELECT date_trunc('month', retained_from) FROM retail.sales_retention)
          AND to_regclass(format('retail.sales_transactions_p%s', to_char(m AT TIME ZONE 'UTC', 'YYYYMM'))) IS NULL`,
      [months.map((m) => m.toISOString())],
    );
    expect(rows[0]!.missing).toBeGreaterThan(0);
  });

  it('enrollment, which needs no credential, reads at most a small body', async () => {
    const response = await fetch(`${hq.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-edgepos-protocol': '1' },
      body: JSON.stringify({ code: 'seattle.ABCD-EFGH-JKLM-NPQR', label: 'x'.repeat(8_000) }),
    });
    expect(response.status).toBe(413);
  });
});

describe('failed attempts are limited per address', () => {
  it('refuses a guesser with 429 after its failed attempts; enrollment has its own limit', async () => {
    // The two tests above used some of this address's failed authentications (and one
    // enrollment); a working device is never counted.
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${hq.url}/v1/device`, { headers: headers(token) })).status).toBe(200);
    }
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES + 2; i++) {
      statuses.push((await fetch(`${hq.url}/v1/device`, { headers: headers(forged) })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const limited = await fetch(`${hq.url}/v1/device`, { headers: headers(forged) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await kindOf(limited)).toBe('rate_limited');
    // The admin API shares the count: wrong admin tokens from here are refused too.
    const admin = await fetch(`${hq.url}/admin/v1/stores`, {
      headers: { authorization: 'Bearer not-the-admin-token-at-all' },
    });
    expect(admin.status).toBe(429);

    const enrollStatuses: number[] = [];
    for (let i = 0; i < ENROLL_FAILURES + 1; i++) {
      const response = await fetch(`${hq.url}/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-edgepos-protocol': '1' },
        body: JSON.stringify({ code: `seattle.ABCD-EFGH-JKLM-NP${'QR'}` }),
      });
      enrollStatuses.push(response.status);
    }
    expect(enrollStatuses.at(-1)).toBe(429);
    expect(enrollStatuses.filter((s) => s === 403).length).toBeGreaterThan(0);
  });
});

function headers(credential: string): Record<string, string> {
  return { 'x-edgepos-protocol': '1', authorization: `Bearer ${credential}` };
}
