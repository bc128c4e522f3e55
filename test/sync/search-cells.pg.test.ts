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
import { vectorCellCount } from '../../db/search/vector-cells';
import { indexRecall, nearestVectors } from '../../db/search/vector-search';
import { openSyncTill, startTestHq, type TestHq, type TestTillHandle } from './harness';

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
});
