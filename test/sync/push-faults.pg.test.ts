/**
 * Push faults, against the real HQ service through the seeded fault proxy: lost
 * acknowledgements, duplicated and truncated deliveries, gaps, concurrent drains, a poison
 * mutation, a 5,000-sale drain through 503s, and a till whose counter went backwards.
 * Every test ends by comparing HQ's sales with the till's, exactly.
 */
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../db/checkout/customers';
import { withTenant } from '../../db/central/tenant';
import { insertOutbox, nextCounter } from '../../db/queries/outbox';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  addRegister,
  eventually,
  hqSalesOf,
  openSyncTill,
  queueGeneratedSales,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from './harness';
import { makeTempDir } from '../fixtures/till';

let hq: TestHq;
const proxies: FaultProxy[] = [];
const tills: TestTillHandle[] = [];

beforeAll(async () => {
  hq = await startTestHq();
});

afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  for (const p of proxies) await p.close();
  await hq?.close();
});

async function proxy(seed: number): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: hq.url, seed });
  proxies.push(p);
  return p;
}

async function till(storeId: string, registerId: string, url: string): Promise<TestTillHandle> {
  const t = await openSyncTill({ url, code: await hq.code(storeId, registerId), storeId });
  tills.push(t);
  return t;
}

async function tillSaleIds(t: TestTillHandle): Promise<Map<string, number>> {
  const { rows } = await t.store.db.query<{ id: string; cents: number }>(
    `SELECT transaction_id AS id, (total_amount * 100)::bigint AS cents FROM retail.sales_transactions`,
  );
  return new Map(rows.map((r) => [r.id, Number(r.cents)]));
}

async function drained(t: TestTillHandle, timeoutMs = 180_000): Promise<void> {
  await eventually(async () => expect((await t.client.status()).pendingCount).toBe(0), {
    timeoutMs,
  });
}

async function tokenOf(t: TestTillHandle): Promise<string> {
  const { rows } = await t.store.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
  return rows[0]!.token;
}

/** A sale whose tenders do not add up: HQ must refuse it, whatever the till thought. */
async function queuePoison(t: TestTillHandle): Promise<number> {
  const good = await ringSale(t, { lines: 1, offset: 3 });
  const { rows } = await t.store.db.query<{ payload: Record<string, unknown> }>(
    `SELECT payload FROM pos.outbox WHERE mutation_id = $1`,
    [good.mutationId],
  );
  const payload = structuredClone(rows[0]!.payload) as {
    transactionId: string;
    receiptSeq: number;
    receiptNumber: string;
    payments: Array<{ paymentId: string; amountCents: number; tenderedCents: number | null }>;
    lines: Array<{ itemId: string }>;
    stockMovements: Array<{ movementId: string }>;
  };
  payload.transactionId = '0196f000-0000-7000-8000-00000000beef';
  payload.receiptSeq += 1_000;
  payload.receiptNumber = `${payload.receiptNumber}-X`;
  payload.payments = payload.payments.map((p) => ({
    ...p,
    paymentId: '0196f000-0000-7000-8000-00000000bee1',
    amountCents: p.amountCents + 1,
  }));
  payload.lines = payload.lines.map((l, i) => ({
    ...l,
    itemId: `0196f000-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`,
  }));
  payload.stockMovements = payload.stockMovements.map((m, i) => ({
    ...m,
    movementId: `0196f000-0000-7000-8000-0000000002${String(i).padStart(2, '0')}`,
  }));
  return t.store.db.transaction(async (tx) => {
    const mutationId = await nextCounter(tx, 'mutation');
    // Outbox only: a buggy till recorded something HQ's rules reject.
    await insertOutbox(tx, { mutationId, type: 'sale.recorded', payload } as never);
    return mutationId;
  });
}

describe('lost and duplicated deliveries', () => {
  it('a lost acknowledgement is answered with the original results, applied once', async () => {
    const p = await proxy(101);
    const t = await till('seattle', 'R01', p.url);
    p.offline = true;
    await ringSale(t, { lines: 2 });
    const poison = await queuePoison(t);
    await ringSale(t, { lines: 1, offset: 5 });
    p.script({ fault: 'drop_response', path: '/v1/push' });
    p.offline = false;
    t.client.nudge();
    await drained(t);
    expect(p.stats.drop_response).toBe(1);
    expect(p.stats.requests['/v1/push']).toBeGreaterThanOrEqual(2);
    const atHq = await hqSalesOf(hq, 'seattle');
    const local = await tillSaleIds(t);
    expect(atHq).toEqual(local);
    // The rejection HQ decided in the lost answer came back with the replay.
    const status = await t.client.status();
    expect(status.rejected.map((r) => [r.mutationId, r.code])).toEqual([
      [poison, 'invalid_totals'],
    ]);
  });

  it('a delivery HQ receives twice at once is applied once', async () => {
    const p = await proxy(102);
    const t = await till('seattle', 'R02', p.url);
    p.offline = true;
    for (let i = 0; i < 4; i++) await ringSale(t, { lines: 1, offset: i });
    p.script({ fault: 'duplicate', path: '/v1/push' }, { fault: 'duplicate', path: '/v1/pull' });
    p.offline = false;
    t.client.nudge();
    await drained(t);
    await t.client.syncNow();
    expect(p.stats.duplicate).toBe(2);
    const atHq = await hqSalesOf(hq, 'seattle');
    const local = await tillSaleIds(t);
    for (const [id, cents] of local) expect(atHq.get(id)).toBe(cents);
  });

  it('a truncated answer is retried and applied once', async () => {
    const p = await proxy(103);
    const t = await till('redmond', 'R02', p.url);
    p.offline = true;
    for (let i = 0; i < 3; i++) await ringSale(t, { lines: 2, offset: i });
    p.script({ fault: 'truncate', path: '/v1/push' }, { fault: 'drop_request', path: '/v1/push' });
    p.offline = false;
    t.client.nudge();
    await drained(t);
    expect(p.stats.truncate).toBe(1);
    expect(p.stats.drop_request).toBe(1);
    const atHq = await hqSalesOf(hq, 'redmond');
    const local = await tillSaleIds(t);
    for (const [id, cents] of local) expect(atHq.get(id)).toBe(cents);
    expect((await t.client.status()).rejected).toEqual([]);
  });
});

describe('ordering', () => {
  it('refuses a push that skips IDs, and applies nothing of it', async () => {
    const t = tills[0]!;
    await t.client.syncNow();
    const token = await tokenOf(t);
    const before = await hqSalesOf(hq, t.client.snapshot().storeId!);
    const { rows } = await t.store.db.query<{
      mutation_id: number;
      mutation_type: string;
      payload: unknown;
    }>(
      `SELECT mutation_id, mutation_type, payload FROM pos.outbox ORDER BY mutation_id DESC LIMIT 1`,
    );
    const last = rows[0]!;
    const response = await fetch(`${hq.url}/v1/push`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-edgepos-protocol': '1',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        mutations: [
          {
            mutationId: Number(last.mutation_id) + 5,
            type: last.mutation_type,
            payload: last.payload,
          },
        ],
      }),
    });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { kind: string; lastMutationId: number } };
    expect(body.error.kind).toBe('gap');
    expect(body.error.lastMutationId).toBe(Number(last.mutation_id));
    expect(await hqSalesOf(hq, t.client.snapshot().storeId!)).toEqual(before);
  });

  it('resends what HQ lost after acknowledging it (HQ restored: gap)', async () => {
    const t = await till('redmond', 'R01', hq.url);
    for (let i = 0; i < 4; i++) await ringSale(t, { lines: 1, offset: i });
    await t.client.syncNow();
    const deviceId = t.client.snapshot().deviceId!;
    // HQ "restored" to a point where it had applied only the first two of this till's mutations.
    await hq.db.pools.admin.query(
      `UPDATE sync.devices SET last_mutation_id = 2 WHERE device_id = $1`,
      [deviceId],
    );
    await hq.db.pools.admin.query(
      `DELETE FROM sync.mutation_log WHERE device_id = $1 AND mutation_id > 2`,
      [deviceId],
    );
    await ringSale(t, { lines: 2, offset: 6 });
    await t.client.syncNow().catch(() => undefined);
    await drained(t);
    await t.client.syncNow();
    const device = await withTenant(hq.db.pools.app, 'redmond', (tx) =>
      tx.query<{ last: number }>(
        `SELECT last_mutation_id AS last FROM sync.devices WHERE device_id = $1`,
        [deviceId],
      ),
    );
    const counter = await t.store.db.query<{ value: number }>(
      `SELECT value FROM pos.counters WHERE name = 'mutation'`,
    );
    expect(Number(device.rows[0]!.last)).toBe(Number(counter.rows[0]!.value));
    const atHq = await hqSalesOf(hq, 'redmond');
    for (const [id, cents] of await tillSaleIds(t)) expect(atHq.get(id)).toBe(cents);
  });

  it('never runs two drains at once, however many callers ask', async () => {
    const p = await proxy(104);
    const t = await till('bellevue', 'R02', p.url);
    p.offline = true;
    for (let i = 0; i < 6; i++) await ringSale(t, { lines: 1, offset: i });
    p.offline = false;
    const pushesBefore = p.stats.requests['/v1/push'] ?? 0;
    await Promise.all([
      t.client.drain(),
      t.client.drain(),
      t.client.syncNow(),
      t.client.drain(),
      t.client.syncNow(),
    ]);
    expect(t.client.maxActiveRounds).toBe(1);
    expect(p.stats.maxInFlight['/v1/push']).toBe(1);
    expect((p.stats.requests['/v1/push'] ?? 0) - pushesBefore).toBeLessThanOrEqual(2);
    expect((await t.client.status()).pendingCount).toBe(0);
    const atHq = await hqSalesOf(hq, 'bellevue');
    for (const [id, cents] of await tillSaleIds(t)) expect(atHq.get(id)).toBe(cents);
  });

  it('applies one batch once when the same device sends it twice at the same moment', async () => {
    const t = await till('online', 'R02', hq.url);
    await t.client.stop();
    await ringSale(t, { lines: 1 });
    await ringSale(t, { lines: 2, offset: 1 });
    const token = await tokenOf(t);
    const { rows } = await t.store.db.query<{
      mutation_id: number;
      mutation_type: string;
      payload: unknown;
    }>(`SELECT mutation_id, mutation_type, payload FROM pos.outbox ORDER BY mutation_id`);
    const body = JSON.stringify({
      mutations: rows.map((r) => ({
        mutationId: Number(r.mutation_id),
        type: r.mutation_type,
        payload: r.payload,
      })),
    });
    const send = () =>
      fetch(`${hq.url}/v1/push`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-edgepos-protocol': '1',
          authorization: `Bearer ${token}`,
        },
        body,
      }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as { data: { results: Array<{ status: string }> } },
      }));
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers)
      expect(a.json.data.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const atHq = await hqSalesOf(hq, 'online');
    const local = await tillSaleIds(t);
    for (const [id, cents] of local) expect(atHq.get(id)).toBe(cents);
    const logged = await withTenant(hq.db.pools.app, 'online', (tx) =>
      tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sync.mutation_log WHERE device_id = $1`,
        [t.client.snapshot().deviceId],
      ),
    );
    expect(logged.rows[0]!.n).toBe(3);
  });
});

describe('a poison mutation', () => {
  it('is rejected with its reason, shown at the till, and never blocks the queue', async () => {
    const t = await till('bellevue', 'R01', hq.url);
    await ringSale(t, { lines: 1 });
    const poison = await queuePoison(t);
    await ringSale(t, { lines: 2, offset: 4 });
    await t.client.syncNow();
    const status = await t.client.status();
    expect(status.pendingCount).toBe(0);
    expect(status.rejected).toHaveLength(1);
    expect(status.rejected[0]).toMatchObject({
      mutationId: poison,
      code: 'invalid_totals',
      mutationType: 'sale.recorded',
    });
    expect(status.rejected[0]!.message).toMatch(/tenders add up/);
    const atHq = await hqSalesOf(hq, 'bellevue');
    expect(atHq.has('0196f000-0000-7000-8000-00000000beef')).toBe(false);
    // The poison never entered the till's sales (a buggy till queued it); all others arrived.
    for (const [id, cents] of await tillSaleIds(t)) expect(atHq.get(id)).toBe(cents);
  });
});

describe('a long outage', () => {
  it('drains 5,000 queued sales exactly once through 503s, drops and truncated answers', async () => {
    const p = await proxy(2024);
    await addRegister(hq, 'seattle', 'R05');
    const t = await till('seattle', 'R05', p.url);
    p.offline = true;
    const queued = await queueGeneratedSales(t, { count: 5_000, seed: 9, outboxOnly: true });
    expect(queued).toHaveLength(5_000);
    p.rates = {
      unavailable: 0.25,
      drop_request: 0.05,
      drop_response: 0.08,
      truncate: 0.05,
      delay: 0.1,
    };
    p.offline = false;
    const started = Date.now();
    t.client.nudge();
    await drained(t, 540_000);
    const seconds = (Date.now() - started) / 1000;
    p.rates = {};
    const atHq = await hqSalesOf(hq, 'seattle');
    for (const q of queued) expect(atHq.get(q.transactionId)).toBe(q.totalCents);
    const faults =
      p.stats.unavailable + p.stats.drop_request + p.stats.drop_response + p.stats.truncate;
    expect(faults).toBeGreaterThan(0);
    console.log(`5,000-sale drain through ${faults} injected faults: ${seconds.toFixed(1)} s`);
    expect((await t.client.status()).rejected).toEqual([]);
  }, 600_000);
});

describe('a till whose counter went backwards', () => {
  it('continues as a new device and loses no sale (database restored without its journal)', async () => {
    const dir = await makeTempDir('edge-pos-restore-');
    const backup = await makeTempDir('edge-pos-backup-');
    await addRegister(hq, 'seattle', 'R03');
    let t = await openSyncTill({
      url: hq.url,
      code: await hq.code('seattle', 'R03'),
      storeId: 'seattle',
      dir,
    });
    await ringSale(t, { lines: 1 });
    await ringSale(t, { lines: 2, offset: 2 });
    await t.client.syncNow();
    const oldDevice = t.client.snapshot().deviceId!;
    await t.close({ keepDir: true });
    await rm(backup, { recursive: true, force: true });
    await cp(dir, backup, { recursive: true });

    t = await openSyncTill({ url: hq.url, storeId: 'seattle', dir });
    const till = await t.till();
    await createCustomer(till, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
    });
    await createCustomer(till, {
      firstName: 'Alan',
      lastName: 'Turing',
      email: 'alan@example.com',
    });
    await t.client.syncNow();
    const { rows: lost } = await t.store.db.query<{ id: string }>(
      `SELECT customer_id AS id FROM retail.customers WHERE email IN ('ada@example.com', 'alan@example.com')`,
    );
    await t.close({ keepDir: true });

    // Restore the backup WITHOUT the journal written since: the counter goes back by two.
    await rm(dir, { recursive: true, force: true });
    await cp(backup, dir, { recursive: true });
    await rm(join(dir, 'sale-journal.ndjson'), { force: true });
    t = await openSyncTill({ url: hq.url, storeId: 'seattle', dir });
    const sale = await ringSale(t, { lines: 3, offset: 4 });
    await t.client.syncNow().catch(() => undefined);
    await eventually(async () => {
      const s = await t.client.status();
      expect(s.pendingCount).toBe(0);
      expect(s.deviceId).not.toBe(oldDevice);
    });
    await t.client.syncNow();
    const atHq = await hqSalesOf(hq, 'seattle');
    expect(atHq.get(sale.receipt.transactionId)).toBe(sale.receipt.totalCents);
    for (const [id, cents] of await tillSaleIds(t)) expect(atHq.get(id)).toBe(cents);
    const old = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      tx.query<{ superseded_by: string }>(
        `SELECT superseded_by FROM sync.devices WHERE device_id = $1`,
        [oldDevice],
      ),
    );
    expect(old.rows[0]!.superseded_by).toBe(t.client.snapshot().deviceId);
    // What the restore lost locally comes back from HQ.
    const back = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.customers WHERE customer_id = ANY($1::uuid[])`,
      [lost.map((r) => r.id)],
    );
    expect(back.rows[0]!.n).toBe(2);
    expect((await t.client.status()).rejected).toEqual([]);
    await t.close();
    await rm(backup, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });
});
