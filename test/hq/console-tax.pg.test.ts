/**
 * Tax rates per store and category from the console's API against a real HQ (PostgreSQL, RLS):
 * a category's rate set in several stores at once reaches a till, which taxes a sale with it;
 * clearing it sends the deletion down (the category goes back to the store's rate); the store's
 * own rate reaches the till with its store row; a store that charges several taxes is refused
 * in plain words and nothing changes anywhere; roles and bad input; the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleTaxRates } from '../../contract/console-tax';
import { withTenant } from '../../db/central/tenant';
import { readStoreConfig } from '../../db/queries/identity';
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

let hq: TestHq;
let till: TestTillHandle;
let admin: ConsoleClient;

beforeAll(async () => {
  hq = await startTestHq({ seed: { products: 30, customers: 10, sales: 20 } });
  till = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
  admin = new ConsoleClient(hq.url);
  expect((await admin.signIn(CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).status).toBe(200);
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

/** A category with an active product in redmond and no rate of its own there. */
async function plainCategory(): Promise<number> {
  return withTenant(hq.hq.central.pools.app, 'redmond', async (tx) => {
    const { rows } = await tx.query<{ category_id: number }>(
      `SELECT p.category_id FROM retail.products p
        WHERE p.store_id = $1 AND p.is_active AND p.category_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM retail.category_tax_rates r
                           WHERE r.store_id = p.store_id AND r.category_id = p.category_id)
        ORDER BY p.sku LIMIT 1`,
      ['redmond'],
    );
    return rows[0]!.category_id;
  });
}

/** Where the first product of `categoryId` stands in the till's active products by SKU. */
async function offsetOf(categoryId: number): Promise<number> {
  const { rows } = await till.store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.products
      WHERE is_active AND sku < (SELECT min(sku) FROM retail.products
                                  WHERE is_active AND category_id = $1)`,
    [categoryId],
  );
  return rows[0]!.n;
}

describe('tax rates from the console', () => {
  it("sets a category's rate in two stores at once; the till taxes a sale with it", async () => {
    const categoryId = await plainCategory();
    const result = await admin.data<{ updated: string[] }>('POST', '/tax/category-rate', {
      storeIds: ['redmond', 'bellevue'],
      categoryId,
      ratePpm: 123_400,
    });
    expect(result.updated.sort()).toEqual(['bellevue', 'redmond']);
    const view = await admin.data<ConsoleTaxRates>('GET', '/stores/bellevue/tax-rates');
    expect(view.categoryRates).toContainEqual({ categoryId, ratePpm: 123_400 });

    await eventually(async () => {
      await till.client.syncNow();
      const config = await readStoreConfig(till.store.db, 'redmond');
      expect(config.categoryTaxRates.get(categoryId)).toBe(123_400);
    });
    const sale = await ringSale(till, { lines: 1, offset: await offsetOf(categoryId) });
    expect(sale.receipt.taxBreakdown.map((b) => b.ratePpm)).toEqual([123_400]);

    // Cleared: the deletion reaches the till, and the category is taxed at the store's rate.
    await admin.data('POST', '/tax/category-rate', {
      storeIds: ['redmond'],
      categoryId,
      ratePpm: null,
    });
    await eventually(async () => {
      await till.client.syncNow();
      const config = await readStoreConfig(till.store.db, 'redmond');
      expect(config.categoryTaxRates.has(categoryId)).toBe(false);
    });
    const again = await ringSale(till, { lines: 1, offset: await offsetOf(categoryId) });
    const { taxRatePpm } = await readStoreConfig(till.store.db, 'redmond');
    expect(again.receipt.taxBreakdown.map((b) => b.ratePpm)).toEqual([taxRatePpm]);
  });

  it("changes the store's own rate; the till receives it with the store row", async () => {
    const before = await admin.data<ConsoleTaxRates>('GET', '/stores/redmond/tax-rates');
    const ratePpm = before.storeRatePpm === 95_000 ? 96_000 : 95_000;
    const result = await admin.data<{ updated: string[] }>('POST', '/tax/store-rate', {
      storeIds: ['redmond'],
      ratePpm,
    });
    expect(result.updated).toEqual(['redmond']);
    await eventually(async () => {
      await till.client.syncNow();
      expect((await readStoreConfig(till.store.db, 'redmond')).taxRatePpm).toBe(ratePpm);
    });
    const audit = await admin.data<{
      entries: Array<{ action: string; storeId: string | null; after: unknown }>;
    }>('GET', '/audit');
    expect(audit.entries.find((e) => e.action === 'tax.store-rate')).toMatchObject({
      storeId: 'redmond',
    });
    expect(audit.entries.some((e) => e.action === 'tax.category-rate')).toBe(true);
  });

  it('refuses a store that charges several taxes, and changes no store at all', async () => {
    await hq.hq.central.pools.owner.query(
      `UPDATE retail.stores SET tax_components = $2::jsonb WHERE store_id = $1`,
      [
        'seattle',
        JSON.stringify([
          { code: 'STATE', name: 'State tax', ratePpm: 65_000, categoryRates: {} },
          { code: 'CITY', name: 'City tax', ratePpm: 36_000, categoryRates: {} },
        ]),
      ],
    );
    const categoryId = await plainCategory();
    const bellevueBefore = await admin.data<ConsoleTaxRates>('GET', '/stores/bellevue/tax-rates');
    const category = await admin.call('POST', '/tax/category-rate', {
      body: { storeIds: ['bellevue', 'seattle'], categoryId, ratePpm: 10_000 },
    });
    expect(category.status).toBe(400);
    expect(category.body.ok === false && category.body.error.message).toBe(
      'Store seattle charges several taxes; its rates are set per tax, not here',
    );
    const bellevue = await admin.data<ConsoleTaxRates>('GET', '/stores/bellevue/tax-rates');
    expect(bellevue).toEqual(bellevueBefore);

    const storeRate = await admin.call('POST', '/tax/store-rate', {
      body: { storeIds: ['bellevue', 'seattle'], ratePpm: 10_000 },
    });
    expect(storeRate.status).toBe(400);
    expect(await admin.data<ConsoleTaxRates>('GET', '/stores/bellevue/tax-rates')).toEqual(
      bellevueBefore,
    );
  });

  it('refuses bad input in plain words, and changes by analysts or other stores’ managers', async () => {
    const bad = await admin.call('POST', '/tax/category-rate', {
      body: { storeIds: ['redmond'], categoryId: 1, ratePpm: 2_000_000 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.ok === false && bad.body.error.message).toMatch(/Use a rate from 0 to 100 %/);
    const none = await admin.call('POST', '/tax/store-rate', {
      body: { storeIds: [], ratePpm: 10_000 },
    });
    expect(none.body.ok === false && none.body.error.message).toMatch(/Choose at least one store/);

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
    const foreign = await manager.call('POST', '/tax/store-rate', {
      body: { storeIds: ['redmond'], ratePpm: 10_000 },
    });
    expect(foreign.status).toBe(403);
    expect((await manager.call('GET', '/stores/redmond/tax-rates')).status).toBe(403);
    expect((await manager.call('GET', '/stores/bellevue/tax-rates')).status).toBe(200);
  });
});
