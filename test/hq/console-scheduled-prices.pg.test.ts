/**
 * Scheduled price changes from the console's API against a real HQ (PostgreSQL, RLS) and a real
 * till (issue 14, item 2). HQ's clock is injected (the 19th of November); the till's clock is
 * the harness's, the 20th from 10:00 UTC. A change set for 01:00 on each store's clock in two
 * stores (Los Angeles and UTC) reaches the till ahead of time, the till charges it offline at
 * the sale's time, and HQ's recomputation of the sale agrees. Cancelling sends a deletion
 * down and is refused once the change has taken effect; a price set directly supersedes it;
 * deleting the product takes its changes along. Bad input (a time passed, a negative price, a
 * SKU a store does not sell) is refused in words with nothing written anywhere; roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConsoleScheduledPrice,
  ConsoleScheduledPriceList,
} from '../../contract/console-prices';
import { withTenant } from '../../db/central/tenant';
import type { PriceRecomputation } from '../../db/central/price-check';
import {
  CONSOLE_ADMIN,
  eventually,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';
import { ConsoleClient } from './console-client';

let hqNow = Date.parse('2026-11-19T12:00:00.000Z');
let hq: TestHq;
let till: TestTillHandle;
let admin: ConsoleClient;
let sku: string;
let baseCents: number;

beforeAll(async () => {
  hq = await startTestHq({
    seed: { products: 30, customers: 10, sales: 0 },
    clock: { now: () => new Date(hqNow) },
  });
  till = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
  admin = new ConsoleClient(hq.url);
  expect((await admin.signIn(CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).status).toBe(200);
  // The product ringSale sells first: the till's first active product by SKU.
  const { rows } = await till.store.db.query<{ sku: string; cents: number }>(
    `SELECT sku, (price * 100)::int AS cents FROM retail.products WHERE is_active
      ORDER BY sku LIMIT 1`,
  );
  sku = rows[0]!.sku;
  baseCents = rows[0]!.cents;
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

async function hqRows(storeId: string): Promise<number> {
  return withTenant(hq.hq.central.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.scheduled_prices WHERE store_id = $1`,
      [storeId],
    );
    return rows[0]!.n;
  });
}

async function tillRows(): Promise<Array<{ id: string; superseded: string | null }>> {
  const { rows } = await till.store.db.query<{ id: string; superseded: string | null }>(
    `SELECT schedule_id AS id, superseded_at::text AS superseded FROM retail.scheduled_prices
      ORDER BY effective_at`,
  );
  return rows;
}

describe('scheduled prices from the console', () => {
  let first: ConsoleScheduledPrice[];
  let later: ConsoleScheduledPrice;

  it('sets a price for 01:00 on each store’s clock in two stores; the till charges it offline at the sale’s time; HQ agrees', async () => {
    first = (
      await admin.data<{ scheduled: ConsoleScheduledPrice[] }>('POST', '/scheduled-prices', {
        sku,
        priceCents: baseCents - 50,
        storeIds: ['redmond', 'online'],
        effectiveAt: '2026-11-20T01:00',
      })
    ).scheduled;
    const byStore = new Map(first.map((s) => [s.storeId, s]));
    // 01:00 in Los Angeles (PST) is 09:00 UTC; in the UTC store it is 01:00 UTC.
    expect(byStore.get('redmond')).toMatchObject({
      effectiveAt: '2026-11-20T09:00:00.000Z',
      effectiveLocal: '2026-11-20T01:00',
      timezone: 'America/Los_Angeles',
      status: 'pending',
      priceCents: baseCents - 50,
    });
    expect(byStore.get('online')).toMatchObject({
      effectiveAt: '2026-11-20T01:00:00.000Z',
      timezone: 'UTC',
    });
    later = (
      await admin.data<{ scheduled: ConsoleScheduledPrice[] }>('POST', '/scheduled-prices', {
        sku,
        priceCents: 1,
        storeIds: ['redmond'],
        effectiveAt: '2026-11-22T00:00',
      })
    ).scheduled[0]!;

    await eventually(async () => {
      await till.client.syncNow();
      expect(await tillRows()).toHaveLength(2);
    });
    // The till's clock is past 09:00 UTC on the 20th and before the 22nd: the first applies.
    const sale = await ringSale(till, { lines: 1 });
    expect(sale.receipt.lines[0]!.unitPriceCents).toBe(baseCents - 50);
    await till.client.syncNow();
    const status = till.client.snapshot();
    expect({
      pending: status.pendingCount,
      rejected: status.rejected,
      error: status.lastError,
    }).toEqual({
      pending: 0,
      rejected: [],
      error: null,
    });
    await eventually(async () => {
      const check = await hq.admin<{ ok: true; data: PriceRecomputation }>(
        'GET',
        `/stores/redmond/sales/${sale.receipt.transactionId}/prices`,
      );
      expect(check.status).toBe(200);
      expect(check.body.data.matches).toBe(true);
      expect(check.body.data.lines[0]).toMatchObject({
        recordedCents: baseCents - 50,
        recomputedCents: baseCents - 50,
        scheduled: true,
      });
    });
  });

  it('cancels a change before it takes effect (the deletion reaches the till), not after', async () => {
    const cancelled = await admin.call(
      'POST',
      `/stores/redmond/scheduled-prices/${later.scheduleId}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    await eventually(async () => {
      await till.client.syncNow();
      expect((await tillRows()).map((r) => r.id)).toEqual([
        first.find((s) => s.storeId === 'redmond')!.scheduleId,
      ]);
    });
    hqNow = Date.parse('2026-11-20T12:00:00.000Z');
    const tooLate = await admin.call(
      'POST',
      `/stores/redmond/scheduled-prices/${first.find((s) => s.storeId === 'redmond')!.scheduleId}/cancel`,
    );
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.ok === false && tooLate.body.error.message).toMatch(
      /took its new price at Nov 20, 2026, 1:00 AM: set a new price instead of cancelling/,
    );
    const list = await admin.data<ConsoleScheduledPriceList>(
      'GET',
      '/stores/redmond/scheduled-prices',
    );
    expect(list.scheduled.map((s) => s.status)).toEqual(['in_force']);
    const audit = await admin.data<{ entries: Array<{ action: string; target: string }> }>(
      'GET',
      '/audit',
    );
    expect(audit.entries.filter((e) => e.action === 'product.price-scheduled')).toHaveLength(3);
    expect(audit.entries.some((e) => e.action === 'product.price-schedule-cancel')).toBe(true);
  });

  it('a price set directly supersedes the change in force, at HQ’s moment', async () => {
    await admin.data('POST', '/prices', { sku, priceCents: baseCents + 7, storeIds: ['redmond'] });
    await eventually(async () => {
      await till.client.syncNow();
      expect((await tillRows())[0]?.superseded).toMatch(/^2026-11-20 12:00:00/);
    });
    const list = await admin.data<ConsoleScheduledPriceList>(
      'GET',
      '/stores/redmond/scheduled-prices',
    );
    expect(list.scheduled.map((s) => s.status)).toEqual(['ended']);
  });

  it('refuses a time passed, a negative price and a SKU a store does not sell, writing nothing', async () => {
    const before = [await hqRows('redmond'), await hqRows('online')];
    // 10:00 in Los Angeles is 18:00 UTC, ahead of HQ's 12:00; 03:00 in UTC has passed.
    const passed = await admin.call('POST', '/scheduled-prices', {
      body: {
        sku,
        priceCents: 100,
        storeIds: ['redmond', 'online'],
        effectiveAt: '2026-11-20T10:00',
      },
    });
    expect(passed.status).toBe(400);
    expect(passed.body.ok === false && passed.body.error.message).toBe(
      'Nov 20, 2026, 10:00 AM has already passed at online (UTC): choose a later time',
    );
    const negative = await admin.call('POST', '/scheduled-prices', {
      body: { sku, priceCents: -1, storeIds: ['redmond'], effectiveAt: '2026-12-01T06:00' },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.ok === false && negative.body.error.message).toMatch(
      /A price cannot be negative/,
    );
    const unknown = await admin.call('POST', '/scheduled-prices', {
      body: {
        sku: 'NO-SUCH-SKU',
        priceCents: 100,
        storeIds: ['redmond'],
        effectiveAt: '2026-12-01T06:00',
      },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.ok === false && unknown.body.error.message).toBe(
      'Store redmond does not sell NO-SUCH-SKU',
    );
    const malformed = await admin.call('POST', '/scheduled-prices', {
      body: { sku, priceCents: 100, storeIds: ['redmond'], effectiveAt: '2026-02-30T06:00' },
    });
    expect(malformed.status).toBe(400);
    expect([await hqRows('redmond'), await hqRows('online')]).toEqual(before);
  });

  it('deletes a product with its scheduled changes, and keeps other stores’ managers out', async () => {
    const { rows } = await till.store.db.query<{ sku: string; id: string }>(
      `SELECT sku, product_id AS id FROM retail.products WHERE is_active ORDER BY sku OFFSET 5 LIMIT 1`,
    );
    const doomed = rows[0]!;
    const [row] = (
      await admin.data<{ scheduled: ConsoleScheduledPrice[] }>('POST', '/scheduled-prices', {
        sku: doomed.sku,
        priceCents: 100,
        storeIds: ['redmond'],
        effectiveAt: '2026-12-01T06:00',
      })
    ).scheduled;
    await eventually(async () => {
      await till.client.syncNow();
      expect((await tillRows()).map((r) => r.id)).toContain(row!.scheduleId);
    });
    expect((await admin.call('POST', `/stores/redmond/products/${doomed.id}/delete`)).status).toBe(
      200,
    );
    await eventually(async () => {
      await till.client.syncNow();
      expect((await tillRows()).map((r) => r.id)).not.toContain(row!.scheduleId);
    });

    const email = `mgr-${Math.random().toString(36).slice(2, 8)}@test.local`;
    await admin.data('POST', '/users', {
      email,
      displayName: 'A manager',
      role: 'manager',
      storeIds: ['bellevue'],
      password: 'a long enough password',
    });
    const manager = new ConsoleClient(hq.url);
    await manager.signIn(email, 'a long enough password');
    const foreign = await manager.call('POST', '/scheduled-prices', {
      body: { sku, priceCents: 100, storeIds: ['redmond'], effectiveAt: '2026-12-01T06:00' },
    });
    expect(foreign.status).toBe(403);
    expect((await manager.call('GET', '/stores/redmond/scheduled-prices')).status).toBe(403);
  });
});
