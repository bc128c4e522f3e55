/**
 * Every cross-store attack on the sync API with store A's (seattle) credential: store IDs in
 * paths and bodies, B's cursor and snapshot token, references to B's rows, tampered, foreign,
 * replayed and revoked credentials, and altered enrollment codes. B (redmond) must come out
 * exactly as it went in, and A must never see a B-only row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { newId } from '../../core/ids';
import {
  hqChecksums,
  hqSalesOf,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';

let hq: TestHq;
let a: TestTillHandle;
let b: TestTillHandle;
let tokenA: string;
let tokenB: string;
const B_ONLY = '0196f000-0000-7000-8000-0000000000b0';

async function tokenOf(t: TestTillHandle): Promise<string> {
  const { rows } = await t.store.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
  return rows[0]!.token;
}

async function cursorOf(t: TestTillHandle): Promise<string> {
  const { rows } = await t.store.db.query<{ c: string }>(
    `SELECT pull_cursor AS c FROM pos.sync_state`,
  );
  return rows[0]!.c;
}

function send(path: string, token: string, body: unknown, method = 'POST') {
  return fetch(`${hq.url}${path}`, {
    method,
    headers: {
      'x-edgepos-protocol': '1',
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface BState {
  checksums: Record<string, string>;
  sales: Map<string, number>;
  voided: number;
}

async function bState(): Promise<BState> {
  const voided = await withTenant(hq.db.pools.app, 'redmond', (tx) =>
    tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transactions WHERE status = 'voided'`,
    ),
  );
  return {
    checksums: await hqChecksums(hq, 'redmond'),
    sales: await hqSalesOf(hq, 'redmond'),
    voided: voided.rows[0]!.n,
  };
}

/** A copy of one of A's sale payloads with new IDs everywhere (a well-formed new sale). */
async function freshSale(
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const { rows } = await a.store.db.query<{ payload: Record<string, unknown> }>(
    `SELECT payload FROM pos.outbox WHERE mutation_type = 'sale.recorded' ORDER BY mutation_id LIMIT 1`,
  );
  const p = rows[0]!.payload;
  const transactionId = newId();
  return {
    ...p,
    transactionId,
    receiptSeq: 9_000 + Math.floor(Math.random() * 900),
    receiptNumber: `ATTACK-${transactionId.slice(-6)}`,
    lines: (p.lines as Array<Record<string, unknown>>).map((l) => ({ ...l, itemId: newId() })),
    payments: (p.payments as Array<Record<string, unknown>>).map((x) => ({
      ...x,
      paymentId: newId(),
    })),
    stockMovements: [],
    ...overrides,
  };
}

async function nextMutationId(): Promise<number> {
  const r = await send('/v1/device', tokenA, undefined, 'GET');
  return ((await r.json()) as { data: { lastMutationId: number } }).data.lastMutationId + 1;
}

let before: BState;
let bSale: Awaited<ReturnType<typeof ringSale>>;

beforeAll(async () => {
  hq = await startTestHq();
  a = await openSyncTill({ url: hq.url, code: await hq.code('seattle'), storeId: 'seattle' });
  b = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
  expect(
    (
      await hq.admin('POST', '/stores/redmond/products', {
        productId: B_ONLY,
        sku: 'B-ONLY-1',
        barcode: null,
        productName: 'Redmond secret product',
        productDescription: null,
        categoryId: 1,
        brand: null,
        model: null,
        color: null,
        size: null,
        weightKg: null,
        priceCents: 4242,
        costCents: null,
        minimumStock: 0,
        reorderPoint: 0,
        supplierName: null,
        isActive: true,
        isFeatured: false,
        tags: [],
        metadata: {},
      })
    ).status,
  ).toBe(200);
  bSale = await ringSale(b, { lines: 2 });
  await ringSale(a, { lines: 2 });
  await b.client.syncNow();
  await a.client.syncNow();
  await a.client.stop();
  await b.client.stop();
  tokenA = await tokenOf(a);
  tokenB = await tokenOf(b);
  before = await bState();
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await hq?.close();
});

describe("store A's credential", () => {
  it('cannot name store B in a path', async () => {
    for (const path of [
      '/v1/stores/redmond/pull',
      '/v1/redmond/push',
      '/admin/v1/stores/redmond/products',
    ]) {
      const r = await send(path, tokenA, { cursor: await cursorOf(a) });
      expect([401, 404]).toContain(r.status);
      expect(await r.text()).not.toContain('Redmond secret');
    }
    const get = await fetch(`${hq.url}/admin/v1/devices?storeId=redmond`, {
      headers: { authorization: `Bearer ${tokenA}` },
    });
    expect(get.status).toBe(401);
  });

  it('cannot name store B in a body: the mutation lands in A (or is refused), never in B', async () => {
    const next = await nextMutationId();
    const attack = {
      storeId: 'redmond',
      mutations: [
        {
          mutationId: next,
          storeId: 'redmond',
          type: 'sale.recorded',
          // B's sale ID, and a store field the schema does not have.
          payload: await freshSale({
            storeId: 'redmond',
            transactionId: bSale.receipt.transactionId,
          }),
        },
        {
          mutationId: next + 1,
          type: 'sale.voided',
          payload: {
            transactionId: bSale.receipt.transactionId,
            reason: 'attack',
            voidedBy: a.cashierId,
            voidedAt: '2026-11-20T12:00:00.000Z',
            stockMovements: [],
          },
        },
      ],
    };
    const r = await send('/v1/push', tokenA, attack);
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      data: { results: Array<{ status: string; code?: string }> };
    };
    // The "B" sale ID became a sale of A (keys are per store); the void could only reach A's copy.
    expect(body.data.results[0]!.status).toBe('applied');
    const inA = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.sales_transactions WHERE store_id = 'seattle' AND transaction_id = $1`,
        [bSale.receipt.transactionId],
      ),
    );
    expect(inA.rows[0]!.n).toBe(1);
    expect(await bState()).toEqual(before);
  });

  it("cannot reference B's customers", async () => {
    const customer = await withTenant(hq.db.pools.app, 'redmond', (tx) =>
      tx.query<{ id: string }>(
        `SELECT customer_id AS id FROM retail.customers WHERE store_id = 'redmond'
          AND customer_id NOT IN (SELECT customer_id FROM retail.customers WHERE store_id = 'seattle')
          LIMIT 1`,
      ),
    );
    // Customer IDs are per store; the seed gives every store its own customers.
    const bCustomer = customer.rows[0]?.id;
    expect(bCustomer).toBeDefined();
    const r = await send('/v1/push', tokenA, {
      mutations: [
        {
          mutationId: await nextMutationId(),
          type: 'sale.recorded',
          payload: await freshSale({ customerId: bCustomer }),
        },
      ],
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      data: { results: Array<{ status: string; code?: string; exceptions?: unknown[] }> };
    };
    // The sale is A's fact and is recorded, linked to no customer: an exception, not B's row.
    expect(body.data.results[0]).toMatchObject({
      status: 'applied',
      exceptions: [{ kind: 'unknown_customer' }],
    });
    const linked = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      tx.query<{ c: string | null }>(
        `SELECT customer_id AS c FROM retail.sales_transactions
          WHERE store_id = 'seattle' AND metadata -> 'till' ->> 'tillCustomerId' = $1`,
        [bCustomer],
      ),
    );
    expect(linked.rows).toEqual([{ c: null }]);
    expect(await bState()).toEqual(before);
  });

  it("cannot read B's feed with B's cursor or snapshot token", async () => {
    const withB = await send('/v1/pull', tokenA, { cursor: await cursorOf(b) });
    expect(withB.status).toBe(409);
    const text = await withB.text();
    expect(JSON.parse(text)).toMatchObject({ ok: false, error: { kind: 'resync_required' } });
    expect(text).not.toContain('Redmond secret');

    const bSnap = await send('/v1/snapshot', tokenB, { token: null, limit: 5 });
    const bToken = ((await bSnap.json()) as { data: { token: string } }).data.token;
    const aWithBToken = await send('/v1/snapshot', tokenA, { token: bToken, limit: 50 });
    expect(aWithBToken.status).toBe(409);
    expect(await aWithBToken.text()).not.toContain('Redmond secret');

    // A cursor of A's own feed at position zero: A's rows only.
    const epoch = (await cursorOf(a)).split('.')[1]!;
    const fromZero = await send('/v1/pull', tokenA, { cursor: `c1.${epoch}.0.0`, limit: 10_000 });
    expect(fromZero.status).toBe(200);
    const all = await fromZero.text();
    expect(all).not.toContain('Redmond secret');
    expect(all).not.toContain(B_ONLY);
    const snapshot = await send('/v1/snapshot', tokenA, { token: null, limit: 10_000 });
    const snapText = await snapshot.text();
    expect(snapText).toContain('"storeId" : "seattle"');
    expect(snapText).not.toContain('Redmond secret');
    expect(snapText).not.toContain('"storeId" : "redmond"');
  });

  it("cannot read B's receipt through the receipt lookup, whatever the chain's policy", async () => {
    const number = bSale.receipt.receiptNumber;
    const lookUp = async () => {
      const r = await send('/v1/receipts/lookup', tokenA, { receiptNumber: number });
      expect(r.status).toBe(200);
      return (await r.json()) as { data: Record<string, unknown> };
    };
    // Off (the default): where it was sold, nothing of the sale.
    const off = await lookUp();
    expect(off.data).toMatchObject({ found: false, refusal: 'policy_off' });
    expect(Object.keys(off.data).sort()).toEqual(['found', 'otherStore', 'refusal']);
    // On, but older than the policy allows: still nothing of the sale.
    await hq.db.pools.admin.query(
      `UPDATE retail.chain_policy SET cross_store_returns = true, cross_store_return_days = 1`,
    );
    try {
      const old = await lookUp();
      expect(old.data).toMatchObject({ found: false, refusal: 'too_old' });
      expect(JSON.stringify(old.data)).not.toContain(bSale.receipt.transactionId);
      // Nothing recorded as shown to A, and B's rows unchanged.
      const shown = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
        tx.query(`SELECT 1 FROM sync.receipt_disclosures`),
      );
      expect(shown.rows).toEqual([]);
    } finally {
      await hq.db.pools.admin.query(
        `UPDATE retail.chain_policy SET cross_store_returns = false, cross_store_return_days = 30`,
      );
    }
    expect(await bState()).toEqual(before);
  });

  it('cannot be bent into another credential', async () => {
    const [, deviceA, secretA] = tokenA.split('.');
    const [, deviceB] = tokenB.split('.');
    for (const forged of [
      `redmond.${deviceA}.${secretA}`,
      `seattle.${deviceB}.${secretA}`,
      `redmond.${deviceB}.${secretA}`,
      `seattle.${deviceA}.${'A'.repeat(43)}`,
    ]) {
      const r = await send('/v1/pull', forged, { cursor: await cursorOf(b) });
      expect(r.status).toBe(401);
    }
  });

  it("cannot turn B's enrollment code into an A device, nor reuse or outlive a code", async () => {
    const codeB = await hq.code('redmond', 'R02');
    const altered = `seattle.${codeB.split('.')[1]}`;
    const enroll = (code: string) =>
      fetch(`${hq.url}/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-edgepos-protocol': '1' },
        body: JSON.stringify({ code }),
      });
    expect((await enroll(altered)).status).toBe(403);
    const expired = await hq.code('seattle', 'R02');
    await hq.db.pools.admin.query(
      `UPDATE sync.enrollment_codes SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'`,
    );
    expect((await enroll(expired)).status).toBe(403);
    expect((await enroll(codeB)).status).toBe(403); // expired too now
  });

  it('is refused once revoked, on every route', async () => {
    const deviceId = tokenA.split('.')[1]!;
    expect(
      (
        await hq.admin('POST', `/stores/seattle/devices/${deviceId}/revoke`, {
          reason: 'stolen till',
        })
      ).status,
    ).toBe(200);
    const cursor = await cursorOf(a);
    for (const [path, body] of [
      ['/v1/pull', { cursor }],
      ['/v1/snapshot', { token: null }],
      [
        '/v1/push',
        { mutations: [{ mutationId: 1_000, type: 'sale.recorded', payload: await freshSale() }] },
      ],
      [
        '/v1/rebase',
        {
          newDeviceId: '0196f000-0000-4000-8000-000000000001',
          newSecret: 'B'.repeat(43),
          fromMutationId: 1,
        },
      ],
    ] as const) {
      const r = await send(path, tokenA, body);
      expect([path, r.status]).toEqual([path, 401]);
    }
    const r = await send('/v1/device', tokenA, undefined, 'GET');
    expect(r.status).toBe(401);
    expect(await bState()).toEqual(before);
  });
});

describe('the sync tables', () => {
  it('are row-level secured like every tenant table', async () => {
    const { rows } = await hq.db.pools.admin.query<{ name: string; rls: boolean; forced: boolean }>(
      `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
         FROM pg_class c WHERE c.relnamespace = 'sync'::regnamespace AND c.relkind = 'r' ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      'change_log',
      'devices',
      'enrollment_codes',
      'exceptions',
      'feed_state',
      'mutation_log',
      'quarantine',
      'receipt_disclosures',
    ]);
    for (const r of rows) expect([r.name, r.rls, r.forced]).toEqual([r.name, true, true]);
    const noKey = await hq.db.pools.app.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.devices`,
    );
    expect(noKey.rows[0]!.n).toBe(0);
    const asA = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      tx.query<{ store_id: string }>(`SELECT DISTINCT store_id FROM sync.change_log`),
    );
    expect(asA.rows).toEqual([{ store_id: 'seattle' }]);
  });
});
