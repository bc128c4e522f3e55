import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../errors';
import { SEARCH_TUNING, searchProducts } from '../queries/search';
import { searchByVector, substitutes } from '../queries/similar';
import { upsertProducts, upsertStores } from '../queries/catalog-write';
import { chainStores } from '../seed/chain';
import { toProductEntity } from '../seed/catalog';
import { builtinEmbedder, embedText } from './embedding/builtin';
import { createOpenAIEmbedder } from './embedding/openai';
import type { Embedder } from './embedding/types';
import { writeEmbeddings, loadProductTexts } from './embeddings';
import { openSearchDb, type SearchDb } from './fixtures/search-db';
import { ensureHnswIndex } from './indexes';

let s: SearchDb;
beforeAll(async () => {
  s = await openSearchDb({ products: 400 });
});
afterAll(async () => {
  await s.close();
});

const active = () => s.catalog.filter((p) => p.isActive);
const byId = (id: string) => s.catalog.find((p) => p.productId === id);
const search = (query: string, extra: Record<string, unknown> = {}, deps = {}) =>
  searchProducts(s.db, { storeId: s.storeId, query, ...extra }, deps);

/** A real embedder with another id and dimension, for model-isolation tests. */
const smallModel: Embedder = {
  id: 'test-hash-8',
  dimension: 8,
  embed: (texts) => Promise.resolve(texts.map((t) => embedText(t, 8))),
};

describe('searchProducts: finding things', () => {
  it('puts an exact barcode or SKU first (SKU case-insensitively) and says which field matched', async () => {
    const p = active()[17]!;
    const byBarcode = await search(p.barcode ?? '');
    expect(byBarcode.hits[0]?.productId).toBe(p.productId);
    expect(byBarcode.hits[0]?.matchedBy).toContain('code');
    expect(byBarcode.hits[0]?.why.codeField).toBe('barcode');
    const bySku = await search(p.sku.toLowerCase());
    expect(bySku.hits[0]?.productId).toBe(p.productId);
    expect(bySku.hits[0]?.why.codeField).toBe('sku');
    expect(bySku.hits[0]?.score).toBeGreaterThanOrEqual(1); // above any fused score (< 0.05)
  });

  it('ranks the exact name first and explains every hit with its signals, ranks and scores', async () => {
    const p = active()[3]!;
    const r = await search(p.productName);
    expect(r.hits[0]?.productName).toBe(p.productName);
    expect(r.vectorModel).toBe(builtinEmbedder.id);
    expect(r.degraded).toBeUndefined();
    for (const [i, h] of r.hits.entries()) {
      expect(h.matchedBy.length).toBeGreaterThan(0);
      for (const signal of h.matchedBy) {
        expect(h.why[signal]?.rank).toBeGreaterThanOrEqual(1);
        expect(typeof h.why[signal]?.score).toBe('number');
      }
      if (i > 0) expect(h.score).toBeLessThanOrEqual(r.hits[i - 1]?.score ?? Infinity);
    }
    // From SEARCH_TUNING.trigramWords words, a name full-text found needs no trigram.
    expect(p.productName.split(' ').length).toBeGreaterThanOrEqual(SEARCH_TUNING.trigramWords);
    expect(r.hits[0]?.matchedBy).toEqual(['fts', 'vector']);
    expect(r.corrections).toBeUndefined();
    // Below that, trigram runs alongside full-text and is fused (not only when full-text
    // finds nothing).
    const start = await search(p.productName.split(' ').slice(0, 2).join(' '));
    expect(start.hits[0]?.matchedBy).toEqual(expect.arrayContaining(['fts', 'trigram']));
  });

  it('forgives typos, finishes partial words and understands synonyms', async () => {
    const nouns = async (q: string, n = 3): Promise<string[]> =>
      (await search(q)).hits.slice(0, n).map((h) => byId(h.productId)?.facts.noun ?? '?');
    expect(await nouns('runing shoes')).toEqual([
      'Running Shoes',
      'Running Shoes',
      'Running Shoes',
    ]);
    expect(await nouns('hedphones')).toEqual(['Headphones', 'Headphones', 'Headphones']);
    expect(await nouns('blueto')).toEqual([
      'Bluetooth Speaker',
      'Bluetooth Speaker',
      'Bluetooth Speaker',
    ]);
    expect(await nouns('couch')).toEqual(['Sofa', 'Sofa', 'Sofa']);
    expect(await nouns('sneakers')).toEqual(['Running Shoes', 'Running Shoes', 'Running Shoes']);
    // No product has the word "runing": it is read as the catalog's "running".
    const typo = await search('runing shoes');
    expect(typo.corrections).toEqual([{ word: 'runing', readAs: ['running'] }]);
    expect(typo.hits[0]?.matchedBy).toEqual(['fts', 'trigram', 'vector']);
  });

  it('pages without overlap and says when more exist', async () => {
    const all = await search('nike', { limit: 10 });
    const first = await search('nike', { limit: 5 });
    const second = await search('nike', { limit: 5, offset: 5 });
    expect(first.hasMore).toBe(true);
    expect([...first.hits, ...second.hits].map((h) => h.productId)).toEqual(
      all.hits.map((h) => h.productId),
    );
    const far = await search('nike', { limit: 5, offset: 900 });
    expect(far.hits).toEqual([]);
    expect(far.hasMore).toBe(false);
  });

  it('honours the vector similarity threshold (the seed contract)', async () => {
    const strict = await search('something like a comfy couch', {
      minSimilarity: 0.99,
      signals: ['vector'],
    });
    expect(strict.hits).toEqual([]);
    const loose = await search('something like a comfy couch', {
      minSimilarity: 0,
      signals: ['vector'],
    });
    expect(loose.hits.length).toBeGreaterThan(0);
    for (const h of loose.hits) expect(h.why.vector?.score).toBeGreaterThanOrEqual(0);
  });
});

describe('searchProducts: bad input never reaches the database as an error', () => {
  it.each([
    [''],
    ['   '],
    ['🙂🔥👟'],
    ["'"],
    ['&'],
    ['|'],
    ['!'],
    [':*'],
    ['!!! ||| &&&'],
    ['\u0000'],
    ['\uD800'],
  ])('returns an empty result for %j', async (query) => {
    const r = await search(query);
    expect(r.hits).toEqual([]);
  });

  it.each([
    ["nike' OR '1'='1"],
    ["'; DROP TABLE retail.products; --"],
    ['nike:* & !adidas | (sony'],
    ['blue <-> jeans\\'],
    ['running 👟 shoes'],
    ['naïve café'],
    ['漢字'],
  ])('searches %j as plain text', async (query) => {
    const r = await search(query);
    expect(Array.isArray(r.hits)).toBe(true);
  });

  it('answers a 10,000-character query with a ValidationError', async () => {
    await expect(search('x'.repeat(10_000))).rejects.toBeInstanceOf(ValidationError);
    await expect(search('nike '.repeat(2_000))).rejects.toThrow(/at most 200/);
  });

  it('rejects invalid options with a ValidationError', async () => {
    await expect(search('nike', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(search('nike', { limit: 1_000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(search('nike', { offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(search('nike', { signals: [] })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      searchProducts(s.db, { storeId: "seattle'; --", query: 'nike' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

const filled = (n: number, value: number): number[] => Array.from({ length: n }, () => value);

describe('searchByVector (the seed function, without its flaws)', () => {
  const model = { id: builtinEmbedder.id, dimension: builtinEmbedder.dimension };

  it('returns products above the threshold, best first, at most maxResults', async () => {
    const r = await searchByVector(s.db, {
      storeId: s.storeId,
      embedding: [...embedText('gray sofa')],
      model,
      similarityThreshold: 0.2,
      maxResults: 7,
    });
    expect(r.length).toBeGreaterThan(0);
    expect(r.length).toBeLessThanOrEqual(7);
    for (const [i, hit] of r.entries()) {
      expect(hit.similarity).toBeGreaterThanOrEqual(0.2);
      if (i > 0) expect(hit.similarity).toBeLessThanOrEqual(r[i - 1]?.similarity ?? 1);
    }
    expect(byId(r[0]?.productId ?? '')?.facts.noun).toBe('Sofa');
  });

  it('finds a product by its own vector with similarity ~1 at the seed default threshold 0.7', async () => {
    const p = active()[40]!;
    const [text] = await loadProductTexts(s.db, s.storeId, [p.productId]);
    const r = await searchByVector(s.db, {
      storeId: s.storeId,
      embedding: [...embedText(text?.text ?? '')],
      model,
    });
    expect(r[0]?.similarity).toBeCloseTo(1, 5);
    expect(r.every((h) => h.similarity >= 0.7)).toBe(true);
  });

  it('rejects a vector of the wrong dimension, a non-finite or an all-zero vector', async () => {
    for (const embedding of [filled(255, 0.1), filled(1536, 0.1), [1, 2, 3]]) {
      await expect(
        searchByVector(s.db, { storeId: s.storeId, embedding, model }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(
      searchByVector(s.db, {
        storeId: s.storeId,
        embedding: [Number.NaN, ...filled(255, 0)],
        model,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      searchByVector(s.db, { storeId: s.storeId, embedding: filled(256, 0), model }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      searchByVector(s.db, {
        storeId: s.storeId,
        embedding: filled(256, 0.1),
        model: { id: "x'; --", dimension: 256 },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('substitutes', () => {
  it('suggests in-stock products of the same kind, near in price, never the product itself', async () => {
    const p = active().find((x) => x.facts.noun === 'Running Shoes')!;
    const subs = await substitutes(s.db, { storeId: s.storeId, productId: p.productId, limit: 5 });
    expect(subs.length).toBe(5);
    for (const sub of subs) {
      expect(sub.productId).not.toBe(p.productId);
      expect(sub.onHand).toBeGreaterThan(0);
      expect(sub.isActive).toBe(true);
      expect(sub.priceDeltaCents).toBe(sub.priceCents - p.priceCents);
    }
    expect(subs.filter((x) => x.sameCategory).length).toBeGreaterThanOrEqual(4);
    expect(byId(subs[0]!.productId)?.facts.noun).toBe('Running Shoes');
    for (const [i, sub] of subs.entries())
      if (i > 0) expect(sub.score).toBeLessThanOrEqual(subs[i - 1]!.score);
  });

  it('still works for a product whose embedding is not computed yet', async () => {
    const p = active().find((x) => x.facts.noun === 'Sofa')!;
    await s.db.query(`DELETE FROM retail.product_embeddings WHERE product_id = $1`, [p.productId]);
    const subs = await substitutes(s.db, { storeId: s.storeId, productId: p.productId });
    expect(subs.length).toBeGreaterThan(0);
    expect(byId(subs[0]!.productId)?.facts.noun).toBe('Sofa');
  });

  it('answers an unknown product with NotFoundError and a malformed id with ValidationError', async () => {
    await expect(
      substitutes(s.db, { storeId: s.storeId, productId: '01970000-0000-7000-8000-000000000000' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      substitutes(s.db, { storeId: s.storeId, productId: "1' OR 1=1" }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('filters, isolation and fallback (on a store of its own)', () => {
  let t: SearchDb;
  beforeAll(async () => {
    t = await openSearchDb({ products: 300, seed: 9 });
  });
  afterAll(async () => {
    await t.close();
  });
  const find = (query: string, extra: Record<string, unknown> = {}, deps = {}) =>
    searchProducts(t.db, { storeId: t.storeId, query, ...extra }, deps);

  it('shows only products in stock when asked', async () => {
    const before = await find('jacket', { limit: 10 });
    const gone = before.hits.slice(0, 4).map((h) => h.productId);
    expect(gone.length).toBe(4);
    await t.db.query(
      `UPDATE retail.stock_levels SET on_hand = 0 WHERE store_id = $1 AND product_id = ANY($2::uuid[])`,
      [t.storeId, gone],
    );
    const inStock = await find('jacket', { limit: 10, inStockOnly: true });
    expect(inStock.hits.length).toBeGreaterThan(0);
    for (const h of inStock.hits) {
      expect(gone).not.toContain(h.productId);
      expect(h.onHand).toBeGreaterThan(0);
    }
    const everything = await find('jacket', { limit: 10 });
    expect(everything.hits.map((h) => h.productId)).toEqual(expect.arrayContaining(gone));
  });

  it('never returns inactive products', async () => {
    const p = t.catalog.find((x) => x.isActive)!;
    await t.db.query(`UPDATE retail.products SET is_active = false WHERE product_id = $1`, [
      p.productId,
    ]);
    for (const q of [p.productName, p.sku, p.barcode ?? '']) {
      const r = await find(q);
      expect(r.hits.map((h) => h.productId)).not.toContain(p.productId);
    }
    await t.db.query(`UPDATE retail.products SET is_active = true WHERE product_id = $1`, [
      p.productId,
    ]);
  });

  it("never returns another store's products, even with identical names and vectors", async () => {
    const p = t.catalog.find((x) => x.isActive)!;
    const redmond = chainStores().find((x) => x.storeId === 'redmond')!;
    await upsertStores(t.db, [redmond]);
    const twin = {
      ...toProductEntity(p),
      productId: '01970000-0000-7000-8000-00000000beef',
      sku: 'TWIN-1',
      barcode: '9999999999999',
    };
    await upsertProducts(t.db, 'redmond', [twin]);
    const [text] = await loadProductTexts(t.db, 'redmond', [twin.productId]);
    await writeEmbeddings(t.db, {
      storeId: 'redmond',
      model: builtinEmbedder,
      rows: [{ productId: twin.productId, text: text!.text, vector: embedText(text!.text) }],
    });
    for (const q of [p.productName, 'TWIN-1', '9999999999999']) {
      const r = await find(q);
      expect(r.hits.map((h) => h.productId)).not.toContain(twin.productId);
    }
    const subs = await substitutes(t.db, {
      storeId: t.storeId,
      productId: p.productId,
      limit: 20,
      inStockOnly: false,
    });
    expect(subs.map((x) => x.productId)).not.toContain(twin.productId);
    const other = await searchProducts(t.db, { storeId: 'redmond', query: p.productName });
    expect(other.hits.map((h) => h.productId)).toEqual([twin.productId]);
  });

  it('compares vectors of one model only: another model lives beside it with its own index', async () => {
    const subset = t.catalog.filter((x) => x.isActive).slice(0, 25);
    const texts = await loadProductTexts(
      t.db,
      t.storeId,
      subset.map((x) => x.productId),
    );
    const vectors = await smallModel.embed(texts.map((x) => x.text));
    await writeEmbeddings(t.db, {
      storeId: t.storeId,
      model: smallModel,
      rows: texts.map((x, i) => ({ ...x, vector: vectors[i]! })),
    });
    const index = await ensureHnswIndex(t.db, smallModel);
    expect(index).toBe('product_embeddings_hnsw_test_hash_8');
    const allowed = new Set(subset.map((x) => x.productId));

    const withSmall = await find(
      'jacket',
      { signals: ['vector'], minSimilarity: -1, limit: 50 },
      { embedder: smallModel },
    );
    expect(withSmall.vectorModel).toBe('test-hash-8');
    expect(withSmall.hits.length).toBeGreaterThan(0);
    for (const h of withSmall.hits) expect(allowed.has(h.productId)).toBe(true);

    const withBuiltin = await find('jacket', { signals: ['vector'], minSimilarity: -1, limit: 50 });
    expect(withBuiltin.vectorModel).toBe(builtinEmbedder.id);
    expect(withBuiltin.hits.some((h) => !allowed.has(h.productId))).toBe(true);

    const byVector = await searchByVector(t.db, {
      storeId: t.storeId,
      embedding: [...(await smallModel.embed(['jacket']))[0]!],
      model: smallModel,
      similarityThreshold: -1,
    });
    for (const h of byVector) expect(allowed.has(h.productId)).toBe(true);
    await expect(
      searchByVector(t.db, {
        storeId: t.storeId,
        embedding: [...embedText('jacket')],
        model: smallModel,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('falls back to the built-in model, and says so, when the configured provider is down', async () => {
    const down = createOpenAIEmbedder({
      url: 'http://127.0.0.1:9/v1',
      apiKey: 'test-key',
      timeoutMs: 2_000,
    });
    const r = await find('gray couch', {}, { embedder: down });
    expect(r.degraded?.kind).toBe('invalid_state');
    expect(r.degraded?.message).toMatch(/unreachable/);
    expect(r.vectorModel).toBe(builtinEmbedder.id);
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.some((h) => h.matchedBy.includes('vector'))).toBe(true);
  });
});
