/**
 * One partial HNSW index per embedding model, at that model's dimension:
 *   CREATE INDEX ... USING hnsw ((embedding::vector(D)) vector_cosine_ops)
 *    WHERE embedding_model = '<id>'
 * The built-in model's index comes from migration 0002; an optional provider's model gets its
 * index here at runtime (which provider a till or HQ uses is configuration, not schema).
 * Queries must repeat the same cast and predicate to use the index (queries/search.ts does).
 *
 * Model ids are checked against MODEL_ID (letters, digits, . _ : -) before they are written
 * into DDL, so the literal cannot break out of its quotes.
 */
import type { Queryable, TransactionalDb } from '../queryable';
import { hashFeature } from './embedding/builtin';
import { assertModel, type Embedder } from './embedding/types';

type Model = Pick<Embedder, 'id' | 'dimension'>;

/** Memory for an HNSW build: the whole graph of 50,000 x 256 fits, so it is built in memory. */
export const HNSW_BUILD_MEMORY = '256MB';

export function hnswIndexBaseName(modelId: string): string {
  return `product_embeddings_hnsw_${modelId.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(
    0,
    63,
  );
}

export function hnswIndexDdl(model: Model, name: string): string {
  assertModel(model);
  return `CREATE INDEX ${name} ON retail.product_embeddings
    USING hnsw ((embedding::vector(${model.dimension})) vector_cosine_ops)
    WHERE embedding_model = '${model.id}'`;
}

/** The existing index serving this model (found by its predicate and dimension), if any. */
export async function findHnswIndex(db: Queryable, model: Model): Promise<string | undefined> {
  assertModel(model);
  const { rows } = await db.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_am a ON a.oid = c.relam
      WHERE i.indrelid = 'retail.product_embeddings'::regclass AND a.amname = 'hnsw'
        AND pg_get_expr(i.indpred, i.indrelid) = $1`,
    [`(embedding_model = '${model.id}'::text)`],
  );
  return rows.find((r) => r.def.includes(`vector(${model.dimension})`))?.name;
}

async function freeName(db: Queryable, model: Model): Promise<string> {
  const base = hnswIndexBaseName(model.id);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class WHERE relname = $1 AND relnamespace = 'retail'::regnamespace`,
    [base],
  );
  if ((rows[0]?.n ?? 0) === 0) return base;
  // Two ids that differ only in punctuation would share a base name: disambiguate by hash.
  return `${base.slice(0, 54)}_${hashFeature(model.id).toString(16).padStart(8, '0')}`;
}

/**
 * Make sure `model` has its HNSW index (idempotent). Building over many existing rows takes
 * time (about 25 s for 50,000 x 256 on a 2-core till) and holds the database meanwhile: call
 * it at setup, before loading vectors, or from `rebuildHnswIndex` after a bulk load.
 */
export async function ensureHnswIndex(db: Queryable, model: Model): Promise<string> {
  const existing = await findHnswIndex(db, model);
  if (existing) return existing;
  const name = await freeName(db, model);
  await db.query(hnswIndexDdl(model, name));
  return name;
}

/**
 * Drop the model's HNSW index, run `load` (a bulk insert of vectors), then build the index once
 * with enough memory. Inserting into an existing HNSW graph row by row is several times slower
 * than one build after the load (pgvector's own advice). Runs in ONE transaction: a failure
 * leaves the index exactly as it was. Holds the database for the whole load and build, so it
 * is for setup and seeding, never for trading hours (the refresher handles those).
 */
export async function withHnswRebuild<T>(
  db: TransactionalDb,
  model: Model,
  load: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const existing = await findHnswIndex(tx, model);
    if (existing) await tx.query(`DROP INDEX retail.${existing}`);
    const result = await load(tx);
    await tx.query(`SET LOCAL maintenance_work_mem = '${HNSW_BUILD_MEMORY}'`);
    await tx.query(hnswIndexDdl(model, existing ?? (await freeName(tx, model))));
    return result;
  });
}
