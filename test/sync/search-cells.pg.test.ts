/**
 * A till whose vectors all come from HQ (it never embeds its catalog in bulk) still searches
 * them through the deterministic vector cells: its first download puts them off, as it puts
 * off the HNSW index, and the maintenance after it (here the harness's afterBulkApply) builds
 * them once over the whole load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshStoreEmbeddings } from '../../db/central/embeddings';
import { builtinEmbedder } from '../../db/search/embedding/builtin';
import { vectorLiteral } from '../../db/search/embedding/types';
import { buildVectorCells, vectorCellCount } from '../../db/search/vector-cells';
import { indexRecall, nearestVectors } from '../../db/search/vector-search';
import { withTenant } from '../../db/central/tenant';
import type { Queryable } from '../../db/queryable';
import { eventually, openSyncTill, startTestHq, type TestHq, type TestTillHandle } from './harness';

const STORE = 'redmond';
let hq: TestHq;
let till: TestTillHandle | undefined;

beforeAll(async () => {
  hq = await startTestHq({ seed: { products: 60, customers: 10, sales: 0 } });
  // HQ computes the built-in vectors (the till's refresher is not running in these tests).
  const refreshed = await refreshStoreEmbeddings(hq.db.pools.app, { storeId: STORE });
  expect(refreshed.embedded).toBeGreaterThan(0);
});

afterAll(async () => {
  await till?.close().catch(() => undefined);
  await hq?.close();
});

describe('vector cells on a till synced from HQ', () => {
  it('are built after the first download and answer like an exact scan', async () => {
    till = await openSyncTill({ url: hq.url, code: await hq.code(STORE), storeId: STORE });
    const db = till.store.db;
    // The maintenance after the download (the harness's afterBulkApply) may still be running:
    // maintain() runs after it, so the cells exist once it returns.
    await till.store.maintain();
    const { rows } = await db.query<{ vectors: number; placed: number }>(
      `SELECT (SELECT count(*)::int FROM retail.product_embeddings
                WHERE store_id = $1 AND embedding_model = $2) AS vectors,
              (SELECT count(*)::int FROM pos.vector_cells
                WHERE store_id = $1 AND model = $2) AS placed`,
      [STORE, builtinEmbedder.id],
    );
    expect(rows[0]!.vectors).toBeGreaterThan(0);
    expect(rows[0]!.placed).toBe(rows[0]!.vectors);
    expect(await vectorCellCount(db, { storeId: STORE, model: builtinEmbedder })).toBeGreaterThan(
      0,
    );

    // A small catalog has fewer cells than a query probes: the cells must give the exact answer.
    const base = {
      storeId: STORE,
      model: builtinEmbedder,
      vector: vectorLiteral(builtinEmbedder.embedSync('running shoes')),
      depth: 10,
      floor: -1,
    };
    const viaCells = await nearestVectors(db, { ...base, via: 'cells' });
    expect(viaCells).toHaveLength(10);
    // Ties at the tenth distance may come in either order; indexRecall counts them as found.
    expect(indexRecall(viaCells, await nearestVectors(db, { ...base, exact: true }), 10)).toBe(1);
  });

  it('are rebuilt over the new catalog after a resync swaps it', async () => {
    const db = till!.store.db;
    const centroids = async (q: Queryable = db): Promise<string[]> => {
      const { rows } = await q.query<{ c: string }>(
        `SELECT cell || ':' || centroid::text AS c FROM pos.vector_centroids
          WHERE store_id = $1 AND model = $2 ORDER BY cell`,
        [STORE, builtinEmbedder.id],
      );
      return rows.map((r) => r.c);
    };
    // The cells a fresh build over the till's current vectors gives (rolled back).
    const fresh = async (): Promise<string[]> => {
      let built: string[] = [];
      await db
        .transaction(async (tx) => {
          await buildVectorCells(tx, { storeId: STORE, model: builtinEmbedder });
          built = await centroids(tx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      return built;
    };
    const before = await centroids();
    // HQ renames half the catalog: new names, new vectors.
    await withTenant(hq.db.pools.app, STORE, (tx) =>
      tx.query(
        `UPDATE retail.products SET product_name = 'Garden hose reel ' || sku
          WHERE store_id = $1 AND product_id IN (SELECT product_id FROM retail.products
                WHERE store_id = $1 ORDER BY product_id LIMIT 30)`,
        [STORE],
      ),
    );
    await refreshStoreEmbeddings(hq.db.pools.app, { storeId: STORE });
    const deviceId = till!.client.snapshot().deviceId!;
    expect((await hq.admin('POST', `/stores/${STORE}/devices/${deviceId}/resync`)).status).toBe(
      200,
    );
    till!.client.nudge();
    await eventually(
      async () => {
        await till!.store.maintain();
        const now = await centroids();
        expect(now).not.toEqual(before);
        expect(now).toEqual(await fresh());
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );
  });
});
