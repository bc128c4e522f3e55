/**
 * Edge migration 0021: search rows built with equality joins and, for a first download, once
 * over the whole catalog. Both must give exactly the rows the per-page triggers of 0006 gave.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_MIGRATIONS_DIR } from '../migrations/node-source';
import { openSearchDb, type SearchDb } from './fixtures/search-db';

let s: SearchDb;

/** Everything refresh_product_search writes for the store, in a comparable order. */
async function searchRows(): Promise<unknown[]> {
  const docs = await s.db.query(
    `SELECT product_id, is_active, sku_key, document::text AS document
       FROM pos.product_search WHERE store_id = $1 ORDER BY product_id`,
    [s.storeId],
  );
  const words = await s.db.query(
    `SELECT word, field FROM pos.search_words WHERE store_id = $1 ORDER BY word`,
    [s.storeId],
  );
  const stems = await s.db.query(
    `SELECT stem FROM pos.search_stems WHERE store_id = $1 ORDER BY stem`,
    [s.storeId],
  );
  return [docs.rows, words.rows, stems.rows];
}

async function clearSearchRows(): Promise<void> {
  for (const table of ['pos.product_search', 'pos.search_words', 'pos.search_stems']) {
    await s.db.query(`DELETE FROM ${table} WHERE store_id = $1`, [s.storeId]);
  }
}

beforeAll(async () => {
  s = await openSearchDb({ products: 600, embed: false });
  // Products the joins' NULL cases reach: no category, and a name without a head noun.
  const { rows } = await s.db.query<{ product_id: string }>(
    `SELECT product_id FROM retail.products WHERE store_id = $1 ORDER BY product_id LIMIT 2`,
    [s.storeId],
  );
  await s.db.query(`UPDATE retail.products SET category_id = NULL WHERE product_id = $1`, [
    rows[0]!.product_id,
  ]);
  await s.db.query(`UPDATE retail.products SET product_name = '--- / ---' WHERE product_id = $1`, [
    rows[1]!.product_id,
  ]);
});
afterAll(async () => {
  await s.close();
});

describe('search rows in bulk (edge 0021)', () => {
  it('equality joins give the rows the IS NOT DISTINCT FROM joins of 0006 gave', async () => {
    const now = await searchRows();
    // 0006's function, under another name, over the same products.
    const original = await readFile(join(EDGE_MIGRATIONS_DIR, '0006_search_index.up.sql'), 'utf8');
    const body = /CREATE FUNCTION pos\.refresh_product_search\(.*?\n\$\$;\n/s.exec(original)?.[0];
    expect(body).toContain('h.head IS NOT DISTINCT FROM t.head');
    await s.db.exec(body!.replace('pos.refresh_product_search', 'pg_temp.refresh_0006'));
    await clearSearchRows();
    await s.db.query(
      `SELECT pg_temp.refresh_0006(array_agg(store_id), array_agg(product_id))
         FROM retail.products WHERE store_id = $1`,
      [s.storeId],
    );
    expect(await searchRows()).toEqual(now);
  });

  it('a whole store refreshed in chunks gives the rows the per-page triggers gave', async () => {
    const byTriggers = await searchRows();
    await clearSearchRows();
    const { rows } = await s.db.query<{ n: number }>(
      `SELECT pos.refresh_store_search($1, 7) AS n`,
      [s.storeId],
    );
    expect(rows[0]!.n).toBe(600);
    expect(await searchRows()).toEqual(byTriggers);
  });

  it("pos.search_deferred leaves a transaction's products out until the store is refreshed", async () => {
    const id = '01900000-0000-7000-8000-0000000000aa';
    await s.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('pos.search_deferred', 'on', true)`);
      await tx.query(
        `INSERT INTO retail.products (store_id, product_id, sku, product_name, price)
         VALUES ($1, $2, 'DEFER-1', 'Deferred walnut bookshelf', 10)`,
        [s.storeId, id],
      );
    });
    const count = async () =>
      (
        await s.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pos.product_search WHERE product_id = $1`,
          [id],
        )
      ).rows[0]!.n;
    expect(await count()).toBe(0);
    await s.db.query(`SELECT pos.refresh_store_search($1)`, [s.storeId]);
    expect(await count()).toBe(1);
    // Outside such a transaction the trigger indexes at once, as before.
    await s.db.query(
      `UPDATE retail.products SET product_name = 'Walnut shelf' WHERE product_id = $1`,
      [id],
    );
    const doc = await s.db.query<{ d: string }>(
      `SELECT document::text AS d FROM pos.product_search WHERE product_id = $1`,
      [id],
    );
    expect(doc.rows[0]!.d).not.toContain('bookshelf');
  });
});
