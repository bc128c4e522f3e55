/**
 * The bulk embedding writer (binary vectors through a prepared statement) against the plain
 * one on a real till: the same rows and vectors, the same version guard, several models and
 * dimensions in one batch, and a refused row failing the statement like the plain writer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import type { EmbeddingEntity } from '../../contract/catalog';
import { builtinEmbedder, embedText } from '../search/embedding/builtin';
import { upsertEmbeddings, upsertEmbeddingsBinary } from './catalog-write';

let t: TestTill;
beforeEach(async () => {
  t = await openTestTill({ products: 30 });
});
afterEach(async () => {
  await t.close();
});

function rows(model: string, dimension: number, version: number): EmbeddingEntity[] {
  return t.catalog.map((p) => ({
    productId: p.productId,
    embeddingModel: model,
    embeddingText: `${p.productName} "quoted", {braced} \\ back\tslash`,
    embedding: Array.from(embedText(`${p.productName} ${version}`, dimension)).map(Math.fround),
    version,
  }));
}

async function stored(
  model: string,
): Promise<Array<{ id: string; text: string; vec: string; v: number }>> {
  const { rows: r } = await t.store.db.query<{ id: string; text: string; vec: string; v: number }>(
    `SELECT product_id AS id, embedding_text AS text, embedding::text AS vec, version::int AS v
       FROM retail.product_embeddings WHERE embedding_model = $1 ORDER BY product_id`,
    [model],
  );
  return r;
}

describe('upsertEmbeddingsBinary', () => {
  it('writes exactly what upsertEmbeddings writes, models and dimensions mixed in one batch', async () => {
    const built = rows(builtinEmbedder.id, 256, 1);
    const small = rows('test-hash-8', 8, 1);
    await t.store.db.transaction((tx) => upsertEmbeddings(tx, 'seattle', [...built, ...small]));
    const plain = { built: await stored(builtinEmbedder.id), small: await stored('test-hash-8') };
    await t.store.db.query(`DELETE FROM retail.product_embeddings`);
    await t.store.db.transaction(() =>
      upsertEmbeddingsBinary(t.store.db, 'seattle', [...small, ...built]),
    );
    expect(await stored(builtinEmbedder.id)).toEqual(plain.built);
    expect(await stored('test-hash-8')).toEqual(plain.small);
    expect(plain.built).toHaveLength(30);
  });

  it('keeps the version guard: an older row never replaces a newer one', async () => {
    await t.store.db.transaction(() =>
      upsertEmbeddingsBinary(t.store.db, 'seattle', rows(builtinEmbedder.id, 256, 3)),
    );
    const v3 = await stored(builtinEmbedder.id);
    await t.store.db.transaction(() =>
      upsertEmbeddingsBinary(t.store.db, 'seattle', rows(builtinEmbedder.id, 256, 2)),
    );
    expect(await stored(builtinEmbedder.id)).toEqual(v3);
    await t.store.db.transaction(() =>
      upsertEmbeddingsBinary(t.store.db, 'seattle', rows(builtinEmbedder.id, 256, 4)),
    );
    expect((await stored(builtinEmbedder.id)).every((r) => r.v === 4)).toBe(true);
  });

  it('fails the statement on a vector its model index refuses, leaving the transaction to the caller', async () => {
    const bad = rows(builtinEmbedder.id, 8, 1); // the built-in model's index is 256-dimensional
    const error = await t.store.db
      .transaction(() => upsertEmbeddingsBinary(t.store.db, 'seattle', bad))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(String((error as { code?: string }).code)).toMatch(/^22/);
    expect(await stored(builtinEmbedder.id)).toEqual([]);
  });
});
