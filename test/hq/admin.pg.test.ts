/**
 * HQ administration: the admin API (and the CLI on top of it) edits products, prices and
 * categories so that tills receive the edits, creates enrollment codes, lists devices with
 * their sync state, and revokes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSyncState } from '../../contract/admin-protocol';
import {
  catalogChecksums,
  eventually,
  hqChecksums,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';
import { runHqAdmin } from './admin-cli';

let hq: TestHq;
let till: TestTillHandle;

beforeAll(async () => {
  hq = await startTestHq();
  till = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

const cli = (...args: string[]) => runHqAdmin(hq.url, args);

describe('catalog edits', () => {
  it('create, edit, reprice and delete products; the till follows', async () => {
    const productId = '0196f000-0000-7000-8000-00000000ad01';
    const created = await hq.admin('POST', '/stores/redmond/products', {
      productId,
      sku: 'ADM-1',
      barcode: '9990001',
      productName: 'Admin Test Lamp',
      productDescription: 'A lamp',
      categoryId: 1,
      brand: 'Zava',
      model: null,
      color: 'White',
      size: null,
      weightKg: '1.250',
      priceCents: 1999,
      costCents: 900,
      minimumStock: 0,
      reorderPoint: 5,
      supplierName: null,
      isActive: true,
      isFeatured: false,
      tags: ['lamp'],
      metadata: { aisle: 4 },
    });
    expect(created.status).toBe(200);
    const again = await hq.admin('POST', '/stores/redmond/products', {
      ...(created.body as { data: Record<string, unknown> }).data,
      version: undefined,
    });
    expect(again.status).toBe(409);
    expect(
      (
        await hq.admin('PATCH', `/stores/redmond/products/${productId}`, {
          productName: 'Admin Lamp',
          isActive: false,
        })
      ).status,
    ).toBe(200);
    const priced = await hq.admin<{ data: { updated: number; unknown: string[] } }>(
      'POST',
      '/prices',
      {
        changes: [
          { sku: 'ADM-1', priceCents: 2499 },
          { sku: 'NO-SUCH-SKU', priceCents: 1 },
        ],
      },
    );
    expect(priced.body.data).toEqual({ updated: 1, unknown: ['NO-SUCH-SKU'] });
    await eventually(async () => {
      const { rows } = await till.store.db.query<{ name: string; cents: number; active: boolean }>(
        `SELECT product_name AS name, (price * 100)::int AS cents, is_active AS active
           FROM retail.products WHERE product_id = $1`,
        [productId],
      );
      expect(rows[0]).toEqual({ name: 'Admin Lamp', cents: 2499, active: false });
    });
    expect((await hq.admin('DELETE', `/stores/redmond/products/${productId}`)).status).toBe(200);
    expect((await hq.admin('DELETE', `/stores/redmond/products/${productId}`)).status).toBe(404);
    await eventually(async () => {
      await till.client.syncNow();
      expect(await catalogChecksums(till.store.db, 'redmond')).toEqual(
        await hqChecksums(hq, 'redmond'),
      );
    });
  });

  it('changes a price in every store at once, and categories for all', async () => {
    const { rows } = await till.store.db.query<{ sku: string }>(
      `SELECT sku FROM retail.products ORDER BY sku LIMIT 1`,
    );
    const r = await hq.admin<{ data: { updated: number } }>('POST', '/prices', {
      changes: [{ sku: rows[0]!.sku, priceCents: 777 }],
    });
    expect(r.body.data.updated).toBe(4);
    expect(
      (
        await hq.admin('PUT', '/categories', {
          categoryId: 1,
          categoryName: 'Electronics & Gadgets',
        })
      ).status,
    ).toBe(200);
    await eventually(async () => {
      const c = await till.store.db.query<{ name: string }>(
        `SELECT category_name AS name FROM retail.product_categories WHERE category_id = 1`,
      );
      expect(c.rows[0]?.name).toBe('Electronics & Gadgets');
    });
  });

  it('answers unknown stores, products and bad input clearly', async () => {
    expect((await hq.admin('GET', '/stores/nowhere/products')).status).toBe(404);
    expect(
      (
        await hq.admin('PATCH', '/stores/redmond/products/0196f000-0000-7000-8000-0000000000ff', {
          priceCents: 1,
        })
      ).status,
    ).toBe(404);
    const bad = await hq.admin(
      'PATCH',
      '/stores/redmond/products/0196f000-0000-7000-8000-0000000000ff',
      {
        priceCents: -5,
      },
    );
    expect(bad.status).toBe(400);
    expect(
      (await hq.admin('POST', '/enrollment-codes', { storeId: 'redmond', registerId: 'R77' }))
        .status,
    ).toBe(404);
  });
});

describe('devices', () => {
  it('shows each till with its sync state, and revokes', async () => {
    await ringSale(till, { lines: 1 });
    await till.client.syncNow();
    const list = await hq.admin<{ data: { devices: DeviceSyncState[] } }>(
      'GET',
      '/devices?storeId=redmond',
    );
    const device = list.body.data.devices.find(
      (d) => d.deviceId === till.client.snapshot().deviceId,
    );
    expect(device).toMatchObject({
      storeId: 'redmond',
      registerId: 'R01',
      revokedAt: null,
      rejectedCount: 0,
      reportedPending: expect.any(Number) as number,
    });
    expect(device!.lastMutationId).toBe(2);
    expect(device!.lastSeenAt).not.toBeNull();
    expect(device!.cursorLag).not.toBeNull();

    const viaCli = await cli('devices', '--store', 'redmond', '--json');
    expect(viaCli.code).toBe(0);
    expect((JSON.parse(viaCli.stdout) as DeviceSyncState[]).map((d) => d.deviceId)).toContain(
      device!.deviceId,
    );
    const code = await cli('code', 'redmond', 'R02', '--ttl', '5');
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(/Enrollment code: redmond\.[A-Z2-9-]{19}/);

    const revoked = await cli('revoke', 'redmond', device!.deviceId, '--reason', 'retired');
    expect(revoked.code).toBe(0);
    await eventually(async () => {
      await till.client.syncNow().catch(() => undefined);
      expect((await till.client.status()).lastError).toMatch(/revoked/);
    });
    const wrongToken = await fetch(`${hq.url}/admin/v1/devices`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrongToken.status).toBe(401);
  });
});
