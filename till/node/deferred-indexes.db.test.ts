/**
 * Index builds put off by a bulk load, on a real till on disk: built once with their row
 * removed in the same transaction, vector search exact before and identical after, a sale
 * arriving during a build simply waits for it, and builds left pending at a restart run at
 * the store's first idle moment.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { commitSale } from '../../db/checkout/sale';
import { openShift } from '../../db/checkout/shifts';
import type { Queryable } from '../../db/queryable';
import { searchByVector } from '../../db/queries/similar';
import { builtinEmbedder } from '../../db/search/embedding/builtin';
import { findHnswIndex } from '../../db/search/indexes';
import { embedAllProducts } from '../../db/search/refresher';
import {
  buildDeferredCells,
  buildDeferredIndexes,
  deferIndexBuilds,
  deferVectorCells,
  pendingCellBuilds,
  pendingIndexBuilds,
} from '../../db/queries/deferred-indexes';
import { vectorLiteral } from '../../db/search/embedding/types';
import { dropVectorCells, vectorCellCount } from '../../db/search/vector-cells';
import { nearestVectors } from '../../db/search/vector-search';
import { openEdgeStore, type EdgeStore } from './store';

let t: TestTill;
let ddl: string;

/** Drop the built-in model's HNSW index and defer its CREATE, as a first download does. */
async function deferVectorIndex(store: EdgeStore): Promise<string> {
  const name = await findHnswIndex(store.db, builtinEmbedder);
  if (!name) throw new Error('no HNSW index to defer');
  const { rows } = await store.db.query<{ def: string }>(
    `SELECT pg_get_indexdef(to_regclass('retail.' || $1)) AS def`,
    [name],
  );
  const def = rows[0]?.def ?? '';
  await store.db.transaction(async (tx) => {
    await tx.query(`DROP INDEX retail.${name}`);
    await deferIndexBuilds(tx, [def]);
  });
  return def;
}

/** Nearest-neighbour queries with scans and sorts off: the index is used whenever it exists. */
function indexPreferred<T>(store: EdgeStore, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return store.db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    await tx.query('SET LOCAL enable_sort = off');
    return fn(tx);
  });
}

/** Does a nearest-neighbour query of the built-in model go through an HNSW index? */
async function usesIndex(store: EdgeStore): Promise<boolean> {
  const vec = `[${Array.from(builtinEmbedder.embedSync('red cotton shirt')).join(',')}]`;
  const rows = await indexPreferred(store, async (db) => {
    const r = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT product_id FROM retail.product_embeddings e
        WHERE e.embedding_model = $2 AND e.store_id = 'seattle'
        ORDER BY e.embedding::vector(256) <=> $1::text::vector(256) LIMIT 10`,
      [vec, builtinEmbedder.id],
    );
    return r.rows;
  });
  return rows.some((r) => r['QUERY PLAN'].includes('hnsw'));
}

/** The ten most similar products, through the index when there is one. */
function similar(store: EdgeStore, text: string): Promise<string[]> {
  return indexPreferred(store, async (db) => {
    const hits = await searchByVector(db, {
      storeId: 'seattle',
      embedding: Array.from(builtinEmbedder.embedSync(text)),
      model: builtinEmbedder,
      similarityThreshold: 0,
      maxResults: 10,
    });
    return hits.map((h) => h.productId);
  });
}

beforeEach(async () => {
  t = await openTestTill({ products: 300 });
  await embedAllProducts(t.store.db, { storeId: 'seattle' });
  ddl = await deferVectorIndex(t.store);
});
afterEach(async () => {
  await t.close();
});

describe('deferred index builds', () => {
  it('builds each once, with its row removed in the same transaction', async () => {
    expect(await pendingIndexBuilds(t.store.db)).toEqual([ddl]);
    expect(await findHnswIndex(t.store.db, builtinEmbedder)).toBeUndefined();
    expect(await buildDeferredIndexes(t.store.db)).toEqual([ddl]);
    expect(await findHnswIndex(t.store.db, builtinEmbedder)).toBeDefined();
    expect(await pendingIndexBuilds(t.store.db)).toEqual([]);
    expect(await buildDeferredIndexes(t.store.db)).toEqual([]);
  });

  it('counts an index built meanwhile as built, and keeps a failing build pending', async () => {
    await t.store.db.query(ddl); // built some other way, same name
    await deferIndexBuilds(t.store.db, [`CREATE INDEX broken ON retail.products (no_such_column)`]);
    await expect(buildDeferredIndexes(t.store.db)).rejects.toThrow(/no_such_column/);
    expect(await pendingIndexBuilds(t.store.db)).toEqual([
      `CREATE INDEX broken ON retail.products (no_such_column)`,
    ]);
    await t.store.db.query(`DELETE FROM pos.deferred_indexes WHERE ddl LIKE '%broken%'`);
    expect(await buildDeferredIndexes(t.store.db)).toEqual([]);
    expect(await findHnswIndex(t.store.db, builtinEmbedder)).toBeDefined();
  });

  it('searches by vector exactly before the index exists and finds the same products after', async () => {
    const queries = ['red cotton shirt', 'wireless headphones', 'oak dining table', 'face cream'];
    expect(await usesIndex(t.store)).toBe(false);
    const before: string[][] = [];
    for (const q of queries) before.push(await similar(t.store, q));
    expect(before.every((ids) => ids.length === 10)).toBe(true);
    await t.store.maintain();
    expect(await usesIndex(t.store)).toBe(true);
    const after: string[][] = [];
    for (const q of queries) after.push(await similar(t.store, q));
    expect(after).toEqual(before);
  });

  it('lets a sale that arrives during the build wait for it, then commit', async () => {
    await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 0 });
    const p = t.catalog.filter((x) => x.isActive)[0]!;
    const order: string[] = [];
    const build = t.store.maintain().then(() => order.push('built'));
    const sale = commitSale(t.till, {
      cart: {
        lines: [
          {
            productId: p.productId,
            sku: p.sku,
            productName: p.productName,
            categoryId: p.categoryId,
            unitPriceCents: p.priceCents,
            quantity: 1,
          },
        ],
      },
      tenders: [{ type: 'cash', tenderedCents: 99_999_999 }],
      cashierId: t.cashier.staffId,
    }).then((r) => {
      order.push('sold');
      return r;
    });
    const [, result] = await Promise.all([build, sale]);
    expect(order).toEqual(['built', 'sold']);
    expect(result.receipt.receiptNumber).toBe('SEATTLE-R01-000001');
  });

  it('puts off the vector cells: exact answers meanwhile, the same cells once built', async () => {
    const model = { storeId: 'seattle', model: builtinEmbedder };
    const centroids = async (): Promise<string[]> => {
      const { rows } = await t.store.db.query<{ c: string }>(
        `SELECT cell || ':' || centroid::text AS c FROM pos.vector_centroids
          WHERE store_id = 'seattle' AND model = $1 ORDER BY cell`,
        [builtinEmbedder.id],
      );
      return rows.map((r) => r.c);
    };
    const built = await centroids();
    expect(built.length).toBeGreaterThan(1);
    // As a first download leaves them: no cells, their build recorded.
    await t.store.db.transaction(async (tx) => {
      await dropVectorCells(tx, model);
      await deferVectorCells(tx, model);
    });
    expect(await pendingCellBuilds(t.store.db)).toEqual([
      { storeId: 'seattle', model: builtinEmbedder.id },
    ]);
    const nearest = (exact: boolean) =>
      nearestVectors(t.store.db, {
        ...model,
        vector: vectorLiteral(builtinEmbedder.embedSync('red cotton shirt')),
        depth: 10,
        floor: -1,
        exact,
      });
    // Neither cells nor HNSW index: every vector compared, the exact answer.
    expect(await nearest(false)).toEqual(await nearest(true));

    const done = await t.store.maintain();
    expect(done.cells).toEqual([`seattle/${builtinEmbedder.id}`]);
    expect(done.indexed).toEqual([ddl]);
    expect(await pendingCellBuilds(t.store.db)).toEqual([]);
    expect(await vectorCellCount(t.store.db, model)).toBe(built.length);
    expect(await centroids()).toEqual(built); // deterministic: the cells the refresher built
    expect(await buildDeferredCells(t.store.db)).toEqual([]);
  });

  it('gives a till whose vectors have no cells (enrolled before cells existed) its cells at the next opening', async () => {
    const model = { storeId: 'seattle', model: builtinEmbedder };
    // As such a till is: vectors, no cells and nothing recorded to build them.
    await t.store.db.transaction((tx) => dropVectorCells(tx, model));
    await t.store.close();
    const store = await openEdgeStore({ dir: t.dir });
    try {
      expect(await pendingCellBuilds(store.db)).toEqual([
        { storeId: 'seattle', model: builtinEmbedder.id },
      ]);
      expect((await store.maintain()).cells).toEqual([`seattle/${builtinEmbedder.id}`]);
      expect(await vectorCellCount(store.db, model)).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });

  it('runs builds left pending at a restart at the first idle moment after opening', async () => {
    await t.store.db.transaction(async (tx) => {
      await dropVectorCells(tx, { storeId: 'seattle', model: builtinEmbedder });
      await deferVectorCells(tx, { storeId: 'seattle', model: builtinEmbedder });
    });
    await t.store.close();
    const store = await openEdgeStore({ dir: t.dir, idleBeforeMaintenanceMs: 50 });
    try {
      const pending = async (): Promise<number> =>
        (await pendingIndexBuilds(store.db)).length + (await pendingCellBuilds(store.db)).length;
      for (let waited = 0; (await pending()) > 0; waited += 100) {
        if (waited > 240_000) throw new Error('the pending build never ran (hang limit)');
        await new Promise((r) => setTimeout(r, 100));
      }
      await store.maintain(); // waits for the build in flight to finish
      expect(await findHnswIndex(store.db, builtinEmbedder)).toBeDefined();
      expect(
        await vectorCellCount(store.db, { storeId: 'seattle', model: builtinEmbedder }),
      ).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
