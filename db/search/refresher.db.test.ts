import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toPosError } from '../errors';
import { upsertEmbeddings, upsertProducts, deleteRows } from '../queries/catalog-write';
import { searchProducts } from '../queries/search';
import { toProductEntity } from '../seed/catalog';
import { builtinEmbedder, embedText } from './embedding/builtin';
import { createOpenAIEmbedder } from './embedding/openai';
import { embeddingStatus, loadProductTexts } from './embeddings';
import { openSearchDb, type SearchDb } from './fixtures/search-db';
import { ensureHnswIndex, findHnswIndex, hnswIndexBaseName } from './indexes';
import { EmbeddingRefresher, embedAllProducts } from './refresher';

let s: SearchDb;
beforeEach(async () => {
  s = await openSearchDb({ products: 300, embed: false });
});
afterEach(async () => {
  await s.close();
});

const MODEL = builtinEmbedder.id;
const queued = async (): Promise<number> =>
  Number(
    (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pos.embedding_queue`)).rows[0]
      ?.n,
  );
const stored = async (productId: string) =>
  (
    await s.db.query<{ embedding_text: string; embedding: string; version: number }>(
      `SELECT embedding_text, embedding::text AS embedding, version::int AS version FROM retail.product_embeddings WHERE product_id = $1 AND embedding_model = $2`,
      [productId, MODEL],
    )
  ).rows[0];
const asVector = (text: string): number[] => JSON.parse(text) as number[];
const refresher = (options: Partial<ConstructorParameters<typeof EmbeddingRefresher>[0]> = {}) =>
  new EmbeddingRefresher({ db: s.db, storeId: s.storeId, ...options });

describe('keeping embeddings current', () => {
  it('queues every product the seeding wrote and embeds them in bounded rounds', async () => {
    expect(await queued()).toBe(300);
    const r = refresher({ maxWritesPerRound: 16 });
    const first = await r.drainOnce();
    expect(first.embedded).toBe(16);
    expect(first.more).toBe(true);
    const rest = await r.drainAll();
    expect(first.embedded + rest.embedded).toBe(300);
    expect(await queued()).toBe(0);
    expect(await embeddingStatus(s.db, s.storeId, MODEL)).toEqual({
      products: 300,
      embedded: 300,
      queued: 0,
    });
    const p = s.catalog[0]!;
    const row = await stored(p.productId);
    const [text] = await loadProductTexts(s.db, s.storeId, [p.productId]);
    expect(row?.embedding_text).toBe(text?.text);
    // pgvector stores float32: the stored values are exactly the embedder's Float32Array.
    expect(asVector(row?.embedding ?? '[]').map(Math.fround)).toEqual([
      ...embedText(text?.text ?? ''),
    ]);
    expect(row?.version).toBe(0); // local rows never claim to be newer than HQ's
  });

  it('re-embeds a product whose name changes, and only that product; a price change costs nothing', async () => {
    await refresher().drainAll();
    const p = s.catalog[5]!;
    await s.db.query(`UPDATE retail.products SET price = price + 1 WHERE product_id = $1`, [
      p.productId,
    ]);
    expect(await queued()).toBe(0);
    await upsertProducts(s.db, s.storeId, [
      { ...toProductEntity(p), productName: 'Acme Rocket Skates', version: 2 },
    ]);
    expect(await queued()).toBe(1);
    const round = await refresher().drainOnce();
    expect(round).toMatchObject({ examined: 1, embedded: 1, current: 0 });
    expect((await stored(p.productId))?.embedding_text.startsWith('Acme Rocket Skates\n')).toBe(
      true,
    );
    const hit = await searchProducts(s.db, {
      storeId: s.storeId,
      query: 'rocket skates',
      signals: ['vector'],
    });
    expect(hit.hits[0]?.productId).toBe(p.productId);
  });

  it('never recomputes an embedding that came from HQ for the same model and text', async () => {
    await refresher().drainAll();
    const p = s.catalog[7]!;
    const changed = {
      ...toProductEntity(p),
      productDescription: 'Now with a lifetime warranty.',
      version: 2,
    };
    await upsertProducts(s.db, s.storeId, [changed]);
    const [text] = await loadProductTexts(s.db, s.storeId, [p.productId]);
    // HQ's vector is deliberately not what this till would compute, so a recompute would show.
    const hqVector = [...embedText('something else entirely')];
    await upsertEmbeddings(s.db, s.storeId, [
      {
        productId: p.productId,
        embeddingModel: MODEL,
        embeddingText: text!.text,
        embedding: hqVector,
        version: 5,
      },
    ]);
    expect(await queued()).toBe(1);
    const round = await refresher().drainOnce();
    expect(round).toMatchObject({ examined: 1, embedded: 0, current: 1 });
    const row = await stored(p.productId);
    expect(asVector(row?.embedding ?? '[]')[0]).toBeCloseTo(hqVector[0] ?? 0, 6);
    expect(row?.version).toBe(5);
  });

  it('recomputes an HQ embedding whose text is stale, keeping HQ version so the next HQ row still wins', async () => {
    await refresher().drainAll();
    const p = s.catalog[8]!;
    await upsertEmbeddings(s.db, s.storeId, [
      {
        productId: p.productId,
        embeddingModel: MODEL,
        embeddingText: 'an old text',
        embedding: [...embedText('an old text')],
        version: 3,
      },
    ]);
    await s.db.query(`SELECT pos.enqueue_embedding_rows(ARRAY[$1], ARRAY[$2]::uuid[])`, [
      s.storeId,
      p.productId,
    ]);
    expect(await refresher().drainOnce()).toMatchObject({ embedded: 1 });
    const row = await stored(p.productId);
    expect(row?.embedding_text).not.toBe('an old text');
    expect(row?.version).toBe(3);
  });

  it('refuses an HQ embedding of the wrong dimension for a model, writing nothing of the batch', async () => {
    const [a, b] = s.catalog;
    const rows = [
      {
        productId: a!.productId,
        embeddingModel: MODEL,
        embeddingText: 'x',
        embedding: [...embedText('x')],
        version: 1,
      },
      {
        productId: b!.productId,
        embeddingModel: MODEL,
        embeddingText: 'y',
        embedding: [0.6, 0.8],
        version: 1,
      },
    ];
    const error = await upsertEmbeddings(s.db, s.storeId, rows).then(
      () => undefined,
      (e: unknown) => toPosError(e, 'apply embeddings'),
    );
    expect(error?.kind).toBe('database');
    expect(error?.message).toMatch(/expected 256 dimensions, not 2/);
    expect(await stored(a!.productId)).toBeUndefined();
  });

  it('follows category renames and product deletions', async () => {
    await refresher().drainAll();
    await s.db.query(
      `UPDATE retail.product_categories SET category_name = 'Gadgets' WHERE category_id = 11`,
    );
    const inCategory = s.catalog.filter((p) => p.categoryId === 11).length;
    expect(await queued()).toBe(inCategory);
    await refresher().drainAll();
    const p = s.catalog.find((x) => x.categoryId === 11)!;
    expect((await stored(p.productId))?.embedding_text).toContain('| Gadgets |');

    const gone = s.catalog[2]!;
    await s.db.query(`SELECT pos.enqueue_embedding_rows(ARRAY[$1], ARRAY[$2]::uuid[])`, [
      s.storeId,
      gone.productId,
    ]);
    await deleteRows(s.db, { storeId: s.storeId, entity: 'products', ids: [gone.productId] });
    expect(await stored(gone.productId)).toBeUndefined(); // ON DELETE CASCADE
    expect(await queued()).toBe(0);
  });

  it('writes the built-in vectors and retries only the failed provider, with backoff', async () => {
    const down = createOpenAIEmbedder({
      url: 'http://127.0.0.1:9/v1',
      apiKey: 'k',
      id: 'remote-model-8',
      dimension: 8,
      timeoutMs: 2_000,
    });
    const r = refresher({
      embedders: [builtinEmbedder, down],
      claimSize: 10,
      maxWritesPerRound: 20,
    });
    const round = await r.drainOnce();
    expect(round).toMatchObject({ examined: 10, embedded: 10, failed: 10 });
    expect((await embeddingStatus(s.db, s.storeId, MODEL)).embedded).toBe(10);
    const { rows } = await s.db.query<{ attempts: number; later: boolean; last_error: string }>(
      `SELECT attempts, not_before > now() AS later, last_error FROM pos.embedding_queue WHERE attempts > 0`,
    );
    expect(rows.length).toBe(10);
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.later).toBe(true);
      expect(row.last_error).toMatch(/unreachable/);
    }
  });

  it('backfills a model that has no vectors yet', async () => {
    await refresher().drainAll();
    await s.db.query(`DELETE FROM retail.product_embeddings WHERE product_id = ANY($1::uuid[])`, [
      s.catalog.slice(0, 4).map((p) => p.productId),
    ]);
    expect(await refresher().backfill()).toBe(4);
    expect((await refresher().drainAll()).embedded).toBe(4);
  });

  it('runs in the background until stopped', async () => {
    const r = refresher({ idleMs: 20, busyDelayMs: 1 });
    r.start();
    const deadline = Date.now() + 240_000; // a hang limit, not a speed budget
    while ((await embeddingStatus(s.db, s.storeId, MODEL)).embedded < 300 && Date.now() < deadline)
      await new Promise((ok) => setTimeout(ok, 20));
    const p = s.catalog[11]!;
    await upsertProducts(s.db, s.storeId, [
      { ...toProductEntity(p), productName: 'Renamed While Running', version: 2 },
    ]);
    r.wake();
    while (
      !(await stored(p.productId))?.embedding_text.startsWith('Renamed While Running') &&
      Date.now() < deadline
    )
      await new Promise((ok) => setTimeout(ok, 20));
    await r.stop();
    expect((await embeddingStatus(s.db, s.storeId, MODEL)).embedded).toBe(300);
    expect((await stored(p.productId))?.embedding_text.startsWith('Renamed While Running')).toBe(
      true,
    );
  });
});

describe('bulk load and indexes', () => {
  it('rebuilds the HNSW index after a bulk load with exactly the definition of migration 0002', async () => {
    const indexDef = async () =>
      (
        await s.db.query<{ d: string }>(
          `SELECT pg_get_indexdef('retail.product_embeddings_hnsw_edge_hash_256_v1'::regclass) AS d`,
        )
      ).rows[0]?.d;
    const before = await indexDef();
    expect(await findHnswIndex(s.db, builtinEmbedder)).toBe(
      'product_embeddings_hnsw_edge_hash_256_v1',
    );
    await embedAllProducts(s.db, { storeId: s.storeId });
    expect(await indexDef()).toBe(before);
    expect(await queued()).toBe(0);
    expect((await embeddingStatus(s.db, s.storeId, MODEL)).embedded).toBe(300);
    // 300 rows are cheaper to scan than to search; disabling scans shows the index can serve
    // the exact query shape queries/search.ts uses (cast and partial predicate included).
    await s.db.exec('SET enable_seqscan = off');
    const plan = await s.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT product_id FROM retail.product_embeddings e WHERE e.embedding_model = $1
        ORDER BY e.embedding::vector(256) <=> $2::text::vector(256) LIMIT 10`,
      [MODEL, `[${[...embedText('sofa')].join(',')}]`],
    );
    await s.db.exec('RESET enable_seqscan');
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(
      'Index Scan using product_embeddings_hnsw_edge_hash_256_v1',
    );
  });

  it('creates a partial HNSW index for another model once, at its dimension', async () => {
    const model = { id: 'text-embedding-3-small', dimension: 1536 };
    expect(await findHnswIndex(s.db, model)).toBeUndefined();
    const name = await ensureHnswIndex(s.db, model);
    expect(name).toBe(hnswIndexBaseName(model.id));
    expect(await ensureHnswIndex(s.db, model)).toBe(name);
    const def =
      (
        await s.db.query<{ d: string }>(`SELECT pg_get_indexdef($1::regclass) AS d`, [
          `retail.${name}`,
        ])
      ).rows[0]?.d ?? '';
    expect(def).toContain('vector(1536)');
    expect(def).toContain("WHERE (embedding_model = 'text-embedding-3-small'::text)");
    await expect(
      ensureHnswIndex(s.db, { id: "bad'; DROP TABLE x; --", dimension: 8 }),
    ).rejects.toThrow(/not a plain identifier/);
    await expect(ensureHnswIndex(s.db, { id: 'too-wide', dimension: 4096 })).rejects.toThrow(
      /1\.\.2000/,
    );
  });
});
