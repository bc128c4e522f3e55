/**
 * The main sync flows against the real HQ service and real PGlite tills: enrollment and the
 * first download, sales made offline reaching HQ exactly once after reconnecting, price
 * changes reaching the till, rejections coming back, stock reconciliation and the status the
 * cashier sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  eventually,
  hqSales,
  openSyncTill,
  ringSale,
  startTestHq,
  tillSales,
  type TestHq,
  type TestTillHandle,
} from './harness';

let hq: TestHq;
let proxy: FaultProxy;
let till: TestTillHandle;

beforeAll(async () => {
  hq = await startTestHq();
  proxy = await startFaultProxy({ target: hq.url, seed: 1 });
  till = await openSyncTill({ url: proxy.url, code: await hq.code('seattle'), storeId: 'seattle' });
});

afterAll(async () => {
  await till?.close();
  await proxy?.close();
  await hq?.close();
});

describe('enrollment and first sync', () => {
  it('downloads exactly the store catalog HQ has', async () => {
    const local = await till.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.products`,
    );
    const central = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM retail.products`),
    );
    expect(local.rows[0]?.n).toBe(30);
    expect(local.rows[0]?.n).toBe(central.rows[0]?.n);
    const identity = await till.store.identity();
    expect(identity?.storeId).toBe('seattle');
    const status = await till.client.status();
    expect(status).toMatchObject({ enrolled: true, ready: true, storeId: 'seattle', online: true });
  });

  it('refuses a used code', async () => {
    const { code, expiresAt } = await hq.hq.createEnrollmentCode('seattle', 'R02', {
      ttlMinutes: 5,
    });
    expect(code).toMatch(/^seattle\.[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const first = await fetch(`${hq.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-edgepos-protocol': '1' },
      body: JSON.stringify({ code }),
    });
    expect(first.status).toBe(200);
    const again = await fetch(`${hq.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-edgepos-protocol': '1' },
      body: JSON.stringify({ code }),
    });
    expect(again.status).toBe(403);
  });
});

describe('offline sales', () => {
  it('reach HQ exactly once after HQ comes back, without a new sale', async () => {
    proxy.offline = true;
    const before = await hqSales(hq, 'seattle');
    for (let i = 0; i < 5; i++) await ringSale(till, { lines: 2, offset: i });
    await eventually(async () => expect((await till.client.status()).online).toBe(false));
    expect((await till.client.status()).pendingSales).toBe(5);
    proxy.offline = false;
    await eventually(async () => expect((await till.client.status()).pendingCount).toBe(0));
    const after = await hqSales(hq, 'seattle');
    const local = await tillSales(till);
    expect(after.count - before.count).toBe(5);
    expect(after).toEqual(local);
    expect((await till.client.status()).online).toBe(true);
  });
});

describe('price changes', () => {
  it('reach the till while online', async () => {
    const products = await till.store.db.query<{ product_id: string; cents: number }>(
      `SELECT product_id, (price * 100)::int AS cents FROM retail.products ORDER BY sku LIMIT 1`,
    );
    const product = products.rows[0]!;
    const target = Number(product.cents) + 101;
    const r = await hq.admin('PATCH', `/stores/seattle/products/${product.product_id}`, {
      priceCents: target,
    });
    expect(r.status).toBe(200);
    await eventually(async () => {
      const { rows } = await till.store.db.query<{ cents: number }>(
        `SELECT (price * 100)::int AS cents FROM retail.products WHERE product_id = $1`,
        [product.product_id],
      );
      expect(Number(rows[0]?.cents)).toBe(target);
    });
  });
});

describe('stock', () => {
  it('counts each movement once: local until HQ folded it in, then HQ level', async () => {
    await till.client.syncNow();
    const sale = await ringSale(till, { lines: 1, offset: 7 });
    const productId = sale.receipt.lines[0]!.productId;
    const onHand = async () =>
      (
        await till.store.db.query<{ q: number }>(`SELECT pos.on_hand('seattle', $1) AS q`, [
          productId,
        ])
      ).rows[0]!.q;
    const hqLevel = async () =>
      withTenant(hq.db.pools.app, 'seattle', async (tx) => {
        const { rows } = await tx.query<{ on_hand: number }>(
          `SELECT on_hand FROM retail.stock_levels WHERE store_id = 'seattle' AND product_id = $1`,
          [productId],
        );
        return rows[0]!.on_hand;
      });
    await till.client.syncNow();
    await eventually(async () => expect(await onHand()).toBe(await hqLevel()));
    const { rows } = await till.store.db.query<{ ack: number; acked: number }>(
      `SELECT stock_ack_mutation_id AS ack, last_acked_mutation_id AS acked FROM pos.sync_state`,
    );
    expect(Number(rows[0]!.ack)).toBe(Number(rows[0]!.acked));
  });
});
