/**
 * Search that understands a cashier (issue 15), on a real PGlite till with the sample catalog:
 * category intent, whole words, misspelt brands, code variants, an honest "no match", filtered
 * vector search and the deterministic vector index. Correctness only: speed is the bench's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchProducts } from '../queries/search';
import { searchByVector } from '../queries/similar';
import { builtinEmbedder } from './embedding/builtin';
import { vectorLiteral } from './embedding/types';
import { gtinCorrections } from './codes';
import { openSearchDb, type SearchDb } from './fixtures/search-db';
import { buildVectorCells } from './vector-cells';
import { indexRecall, nearestVectors } from './vector-search';

let s: SearchDb;
beforeAll(async () => {
  s = await openSearchDb({ products: 600 });
});
afterAll(async () => {
  await s.close();
});

const active = () => s.catalog.filter((p) => p.isActive);
const byId = (id: string) => s.catalog.find((p) => p.productId === id);
const search = (query: string, extra: Record<string, unknown> = {}) =>
  searchProducts(s.db, { storeId: s.storeId, query, limit: 10, ...extra });
const facts = async (query: string, n = 10) =>
  (await search(query)).hits.slice(0, n).map((h) => byId(h.productId)!.facts);

describe('category intent', () => {
  it('ranks the products of a category the query names first, subcategories included', async () => {
    for (const f of await facts('furniture')) expect(f.subcategory).toBe('Furniture');
    for (const f of await facts('toys and games')) expect(f.subcategory).toBe('Toys & Games');
    for (const f of await facts('skincare')) expect(f.subcategory).toBe('Skincare');
    // A parent category: any of its subcategories.
    for (const f of await facts('health & beauty')) expect(f.category).toBe('Health & Beauty');
    // "garden" names Garden (fully) before Home & Garden (half).
    for (const f of await facts('garden', 5)) expect(f.subcategory).toBe('Garden');
  });

  it('finds a category by word meaning and by a renamed name', async () => {
    // WordNet: a sofa is a seat is furniture; jeans are trousers.
    const couch = await facts('couch', 5);
    for (const f of couch) expect(f.noun).toBe('Sofa');
    const pants = await facts('pants', 5);
    for (const f of pants) expect(f.noun).toBe('Jeans');

    await s.db.query(
      `UPDATE retail.product_categories SET category_name = 'Comfy Seating' WHERE category_id = 31`,
    );
    try {
      for (const f of await facts('comfy seating')) expect(f.subcategory).toBe('Furniture');
    } finally {
      await s.db.query(
        `UPDATE retail.product_categories SET category_name = 'Furniture' WHERE category_id = 31`,
      );
    }
  });
});

describe('whole words and prefixes', () => {
  it('never treats a complete word as the start of a longer one when whole matches exist', async () => {
    // "pot" is Plant Pot, not Clarkson Potter; "pants" is jeans, not Pantene.
    for (const f of await facts('pot')) expect(f.noun).toBe('Plant Pot');
    for (const f of await facts('pants')) expect(f.brand).not.toBe('Pantene');
    for (const f of await facts('table ')) expect(f.noun).toBe('Dining Table');
  });

  it('completes the word still being typed in names before matching descriptions', async () => {
    // "hair dry": hair dryers, not shampoos "for dry hair".
    for (const f of await facts('hair dry', 5)) expect(f.noun).toBe('Hair Dryer');
    // Cut inside a word, as typed key by key.
    const p = active().find((x) => x.facts.noun === 'Cordless Drill')!;
    const typed = `${p.facts.brand} cordl`.toLowerCase();
    for (const f of await facts(typed, 3)) expect(f.noun).toBe('Cordless Drill');
  });
});

describe('misspelt brands', () => {
  it('reads a brand typed the way it sounds as that brand, and says so', async () => {
    for (const [typed, brand] of [
      ['colombia', 'Columbia'],
      ['dison', 'Dyson'],
      ['mishelin', 'Michelin'],
    ] as const) {
      const r = await search(typed);
      expect(r.corrections?.[0]?.word).toBe(typed);
      const carried = active().filter((p) => p.brand === brand).length;
      expect(carried).toBeGreaterThan(0);
      const first = r.hits.slice(0, Math.min(3, carried)).map((h) => byId(h.productId)?.brand);
      expect(first).toEqual(Array.from({ length: Math.min(3, carried) }, () => brand));
    }
  });
});

describe('codes', () => {
  it('finds a SKU typed without dashes, or its first characters, exact code first', async () => {
    const p = active()[42]!;
    const dashless = await search(p.sku.replace(/-/g, '').toLowerCase());
    expect(dashless.hits[0]?.productId).toBe(p.productId);
    expect(dashless.hits[0]?.why.codeField).toBe('sku_key');

    const prefix = p.sku.slice(0, 7); // "ELE-SMA"
    const r = await search(prefix, { limit: 20 });
    expect(r.hits.length).toBeGreaterThan(0);
    for (const h of r.hits.filter((x) => x.matchedBy.includes('code')))
      expect(h.sku.startsWith(prefix)).toBe(true);
    expect(r.hits[0]?.why.codeField).toBe('sku_prefix');

    const exact = await search(p.sku);
    expect(exact.hits[0]?.productId).toBe(p.productId);
    expect(exact.hits[0]?.why.codeField).toBe('sku');
  });

  it('validates a barcode check digit and offers the codes one digit away', async () => {
    const p = active()[7]!;
    const barcode = p.barcode!;
    const wrong = barcode.slice(0, 10) + String((Number(barcode[10]) + 3) % 10) + barcode.slice(11);
    expect(gtinCorrections(wrong)).toContain(barcode);
    const r = await search(wrong);
    const hit = r.hits.find((h) => h.productId === p.productId);
    expect(hit?.why.codeField).toBe('barcode_corrected');
    for (const h of r.hits.filter((x) => x.matchedBy.includes('code')))
      expect(gtinCorrections(wrong)).toContain(h.barcode);

    // A valid barcode is looked up as it is: never "corrected" into another product.
    const exact = await search(barcode);
    expect(exact.hits[0]?.productId).toBe(p.productId);
    expect(exact.hits.filter((h) => h.why.codeField === 'barcode_corrected')).toEqual([]);
    // A valid code the store does not carry finds no product by code.
    const unknown = await search('4006381333931');
    expect(unknown.hits.filter((h) => h.matchedBy.includes('code'))).toEqual([]);
  });
});

describe('an honest "no match"', () => {
  it('answers things the store does not sell with nothing, and the closest categories', async () => {
    for (const q of ['pizza', 'dog food', 'lawn mower', 'kettle']) {
      const r = await search(q);
      expect(r.hits).toEqual([]);
      expect(r.noMatch).toBeDefined();
      expect(r.noMatch!.suggestions.length).toBeLessThanOrEqual(3);
      for (const c of r.noMatch!.suggestions) {
        expect(c.categoryId).toBeGreaterThan(0);
        expect(c.name.length).toBeGreaterThan(0);
      }
    }
    // Something it does sell is never "no match".
    const sofa = await search('sofa');
    expect(sofa.hits.length).toBeGreaterThan(0);
    expect(sofa.noMatch).toBeUndefined();
  });
});

describe('vector index', () => {
  it('returns the k nearest products that pass the filters, however few pass', async () => {
    // Leave only every 25th product in stock.
    const inStock = new Set(
      active()
        .filter((_, i) => i % 25 === 0)
        .map((p) => p.productId),
    );
    await s.db.query(
      `UPDATE retail.stock_levels SET on_hand = CASE WHEN product_id = ANY($2::uuid[]) THEN 5 ELSE 0 END
        WHERE store_id = $1`,
      [s.storeId, [...inStock]],
    );
    await s.db.query(`DELETE FROM retail.stock_movements WHERE store_id = $1`, [s.storeId]);
    const query = builtinEmbedder.embedSync('leather sofa');
    const found = await searchByVector(s.db, {
      storeId: s.storeId,
      embedding: Array.from(query),
      model: builtinEmbedder,
      similarityThreshold: -1,
      maxResults: 15,
      inStockOnly: true,
    });
    expect(found.length).toBe(15);
    for (const p of found) {
      expect(inStock.has(p.productId)).toBe(true);
      expect(p.onHand).toBeGreaterThan(0);
    }
    // They are the 15 nearest of the in-stock products (exact comparison).
    const exact = await nearestVectors(s.db, {
      storeId: s.storeId,
      model: builtinEmbedder,
      vector: vectorLiteral(query),
      depth: 600,
      floor: -1,
      exact: true,
    });
    const nearestInStock = exact.filter((n) => inStock.has(n.productId)).slice(0, 15);
    expect(found.map((p) => p.productId).sort()).toEqual(
      nearestInStock.map((n) => n.productId).sort(),
    );
  });

  it('finds what an exact scan finds', async () => {
    let recall = 0;
    const queries = ['running shoes', 'wireless headphones', 'sofa', 'cordless drill 18v', 'novel'];
    for (const q of queries) {
      const vector = vectorLiteral(builtinEmbedder.embedSync(q));
      const base = { storeId: s.storeId, model: builtinEmbedder, vector, depth: 10, floor: -1 };
      const viaCells = await nearestVectors(s.db, { ...base, via: 'cells' });
      const exact = await nearestVectors(s.db, { ...base, exact: true });
      recall += indexRecall(viaCells, exact, 10);
    }
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.95);
  });

  it('is built deterministically: a second build gives the same cells and the same answers', async () => {
    const cells = async () =>
      (
        await s.db.query<{ product_id: string; cell: number }>(
          `SELECT product_id, cell FROM pos.vector_cells WHERE store_id = $1 ORDER BY product_id`,
          [s.storeId],
        )
      ).rows;
    const answers = async () => {
      const out: string[][] = [];
      for (const q of ['blue jeans', 'yoga mat', 'dash cam 4k']) {
        const vector = vectorLiteral(builtinEmbedder.embedSync(q));
        const n = await nearestVectors(s.db, {
          storeId: s.storeId,
          model: builtinEmbedder,
          vector,
          depth: 10,
          floor: -1,
        });
        out.push(n.map((x) => x.productId));
      }
      return out;
    };
    const first = { cells: await cells(), answers: await answers() };
    expect(first.cells.length).toBe(s.catalog.length);
    await buildVectorCells(s.db, { storeId: s.storeId, model: builtinEmbedder });
    expect(await cells()).toEqual(first.cells);
    expect(await answers()).toEqual(first.answers);
  });

  it("writes a cell's vectors together, so a search reads few pages", async () => {
    await buildVectorCells(s.db, { storeId: s.storeId, model: builtinEmbedder });
    // In physical (heap) order the cells never go back: each cell is one run of pages.
    const { rows } = await s.db.query<{ cell: number }>(
      `SELECT cell FROM pos.vector_cells WHERE store_id = $1 ORDER BY ctid`,
      [s.storeId],
    );
    expect(rows.length).toBe(s.catalog.length);
    const backwards = rows.filter((r, i) => i > 0 && r.cell < (rows[i - 1]?.cell ?? 0)).length;
    expect(backwards).toBe(0);
  });

  it('places a product that arrives later in the cell of its nearest centroid', async () => {
    const p = active()[5]!;
    await s.db.query(
      `UPDATE retail.product_embeddings SET version = version + 1
        WHERE store_id = $1 AND product_id = $2`,
      [s.storeId, p.productId],
    );
    const { rows } = await s.db.query<{ cell: number; nearest: number }>(
      `SELECT v.cell,
              (SELECT c.cell FROM pos.vector_centroids c
                WHERE c.store_id = v.store_id AND c.model = v.model
                ORDER BY c.centroid <=> v.embedding, c.cell LIMIT 1) AS nearest
         FROM pos.vector_cells v WHERE v.store_id = $1 AND v.product_id = $2`,
      [s.storeId, p.productId],
    );
    expect(rows[0]?.cell).toBe(rows[0]?.nearest);
  });
});
