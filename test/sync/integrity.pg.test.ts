/**
 * The catalog integrity check (issue 11, item 7): a till asks HQ for per-table checksums of its
 * store's catalog, compares them with its own rows at the same feed position, and heals a
 * difference by downloading the catalog afresh; after every full download and on a schedule.
 * Real HQ on the run's PostgreSQL, real PGlite tills. Without the check, a till whose rows were
 * changed in place or lost keeps them for good: nothing in the feed ever mentions them again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogChecksums } from '../../db/queries/catalog-checksums';
import { withTenant } from '../../db/central/tenant';
import { CatalogChecksums } from '../../contract/sync-protocol/checksums';
import { eventually, openSyncTill, startTestHq, type TestHq, type TestTillHandle } from './harness';

let hq: TestHq;
const tills: TestTillHandle[] = [];

beforeAll(async () => {
  hq = await startTestHq();
});

afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  await hq?.close();
});

async function till(
  storeId: string,
  registerId: string,
  integrityIntervalMs?: number,
): Promise<TestTillHandle> {
  const t = await openSyncTill({
    url: hq.url,
    code: await hq.code(storeId, registerId),
    storeId,
    client: integrityIntervalMs === undefined ? {} : { integrityIntervalMs },
  });
  tills.push(t);
  return t;
}

const hqSums = (storeId: string) =>
  withTenant(hq.db.pools.app, storeId, (tx) => catalogChecksums(tx, storeId));

describe('catalog integrity check', () => {
  it('HQ sums only the asking till’s store, at the feed position it names', async () => {
    const t = await till('bellevue', 'R01');
    const { rows } = await t.store.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
    const response = await fetch(`${hq.url}/v1/checksums`, {
      headers: { 'x-edgepos-protocol': '1', authorization: `Bearer ${rows[0]!.token}` },
    });
    expect(response.status).toBe(200);
    const body = CatalogChecksums.parse(((await response.json()) as { data: unknown }).data);
    expect(body.tables).toEqual(await hqSums('bellevue'));
    expect(body.tables).not.toEqual(await hqSums('redmond'));
    // After its first download the till checked by itself, and matched.
    await eventually(async () => expect((await t.client.status()).integrity?.result).toBe('match'));
  });

  it('detects a price changed in place at the till and heals it', async () => {
    const t = await till('seattle', 'R01');
    await eventually(async () => expect((await t.client.status()).integrity?.result).toBe('match'));
    const { rows } = await t.store.db.query<{ product_id: string; price: string }>(
      `SELECT product_id, price::text AS price FROM retail.products ORDER BY sku LIMIT 1`,
    );
    const product = rows[0]!;
    // Tampered with: a lower price, same version (the feed will never send this row again).
    await t.store.db.query(`UPDATE retail.products SET price = 0.01 WHERE product_id = $1`, [
      product.product_id,
    ]);
    const result = await t.client.checkIntegrity();
    expect(result?.result).toBe('healed');
    expect(result?.differing).toEqual(['products']);
    const after = await t.store.db.query<{ price: string }>(
      `SELECT price::text AS price FROM retail.products WHERE product_id = $1`,
      [product.product_id],
    );
    expect(after.rows[0]!.price).toBe(product.price);
    expect(await catalogChecksums(t.store.db, 'seattle')).toEqual(await hqSums('seattle'));
    expect((await t.client.status()).integrity?.result).toBe('healed');
  });

  it('heals a diverged till on its schedule: rows lost and changed, nothing pending', async () => {
    const t = await till('redmond', 'R01', 500);
    await eventually(async () => expect((await t.client.status()).integrity?.result).toBe('match'));
    await t.store.db.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM retail.stock_levels
          WHERE product_id = (SELECT product_id FROM retail.stock_levels ORDER BY product_id LIMIT 1)`,
      );
      await tx.query(
        `UPDATE retail.staff SET display_name = 'Nobody'
          WHERE staff_id = (SELECT staff_id FROM retail.staff ORDER BY staff_id LIMIT 1)`,
      );
    });
    expect(await catalogChecksums(t.store.db, 'redmond')).not.toEqual(await hqSums('redmond'));
    // No call: the scheduled check finds it and downloads the catalog afresh.
    await eventually(
      async () => {
        const integrity = (await t.client.status()).integrity;
        expect(integrity?.result).toBe('healed');
        expect(integrity?.differing).toEqual(['staff', 'stock_levels']);
      },
      { timeoutMs: 120_000 },
    );
    expect(await catalogChecksums(t.store.db, 'redmond')).toEqual(await hqSums('redmond'));
    expect((await t.client.status()).pendingCount).toBe(0);
  });
});
