/**
 * HQ computes product embeddings so tills do not: identical to what a till computes for the
 * same product, incremental (a price edit re-embeds nothing, a name edit re-embeds one row),
 * and written through RLS as the application role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralEmbeddingRefresher, refreshStoreEmbeddings } from '../../db/central/embeddings';
import { withTenant } from '../../db/central/tenant';
import { builtinEmbedder } from '../../db/search/embedding/builtin';
import { productEmbeddingText } from '../../db/search/embedding/product-text';
import { seedCentral } from '../../db/seed/write-central';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedCentral({
    owner: db.pools.owner,
    app: db.pools.app,
    seed: 5,
    products: 30,
    customers: 8,
    sales: 0,
    batchSize: 100,
  });
});
afterAll(async () => {
  await db?.drop();
});

const count = async (storeId: string): Promise<number> =>
  withTenant(db.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.product_embeddings WHERE embedding_model = $1`,
      [builtinEmbedder.id],
    );
    return rows[0]?.n ?? 0;
  });

describe('HQ product embeddings', () => {
  it('embeds every product of every store once, with the vector a till would compute', async () => {
    const refresher = new CentralEmbeddingRefresher({ pool: db.pools.app });
    const first = await refresher.runOnce();
    expect(first.map((r) => [r.storeId, r.embedded])).toEqual([
      ['bellevue', 30],
      ['online', 30],
      ['redmond', 30],
      ['seattle', 30],
    ]);
    expect(await count('seattle')).toBe(30);
    const row = await withTenant(db.pools.app, 'seattle', async (tx) => {
      const { rows } = await tx.query<{
        product_name: string;
        brand: string | null;
        category_name: string | null;
        color: string | null;
        size: string | null;
        tags: string[];
        product_description: string | null;
        embedding_text: string;
        embedding: number[];
      }>(
        `SELECT p.product_name, p.brand, c.category_name, p.color, p.size, p.tags, p.product_description, e.embedding_text, e.embedding
           FROM retail.products p JOIN retail.product_categories c USING (category_id)
           JOIN retail.product_embeddings e USING (store_id, product_id) LIMIT 1`,
      );
      return rows[0];
    });
    if (!row) throw new Error('no embedding');
    const text = productEmbeddingText({
      productName: row.product_name,
      brand: row.brand,
      categoryName: row.category_name,
      color: row.color,
      size: row.size,
      tags: row.tags,
      productDescription: row.product_description,
    });
    expect(row.embedding_text).toBe(text);
    const local = Array.from(builtinEmbedder.embedSync(text));
    expect(row.embedding.map((x) => Math.fround(x))).toEqual(local.map((x) => Math.fround(x)));
    expect((await refresher.runOnce()).every((r) => r.embedded === 0)).toBe(true);
  });

  it('re-embeds only products whose text changed', async () => {
    const refresher = new CentralEmbeddingRefresher({ pool: db.pools.app });
    await refresher.runOnce();
    const [renamed, repriced] = await withTenant(db.pools.app, 'redmond', async (tx) => {
      const { rows } = await tx.query<{ product_id: string }>(
        `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 2`,
      );
      await tx.query(
        `UPDATE retail.products SET product_name = product_name || ' Pro' WHERE product_id = $1`,
        [rows[0]?.product_id],
      );
      await tx.query(`UPDATE retail.products SET price = price + 1 WHERE product_id = $1`, [
        rows[1]?.product_id,
      ]);
      return [rows[0]?.product_id, rows[1]?.product_id];
    });
    const second = await refresher.runOnce();
    expect(second.find((r) => r.storeId === 'redmond')?.embedded).toBe(1);
    expect(second.filter((r) => r.storeId !== 'redmond').every((r) => r.embedded === 0)).toBe(true);
    const texts = await withTenant(db.pools.app, 'redmond', async (tx) => {
      const { rows } = await tx.query<{ product_id: string; embedding_text: string }>(
        `SELECT product_id, embedding_text FROM retail.product_embeddings WHERE product_id = ANY($1::uuid[])`,
        [[renamed, repriced]],
      );
      return new Map(rows.map((r) => [r.product_id, r.embedding_text]));
    });
    expect(texts.get(renamed ?? '')).toMatch(/ Pro\n/);
    expect((await refreshStoreEmbeddings(db.pools.app, { storeId: 'redmond' })).embedded).toBe(0);
  });
});
