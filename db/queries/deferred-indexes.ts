/**
 * Index builds put off by a bulk load (pos.deferred_indexes, edge migration 0012).
 *
 * A new till's first catalog download drops the vector (HNSW) indexes, loads every row and,
 * in the transaction of its last page, records their CREATE statements here instead of
 * building them: building an HNSW graph over 50,000 vectors takes longer than the whole rest
 * of the download on a 2-core till, and the till can already sell without it (a vector search
 * without its index compares every vector: exact, ~40 ms at 50,000 x 256). The host's idle
 * maintenance then builds them (EdgeStore.maintain, the browser worker's afterBulkApply).
 *
 * The vector cells of a model loaded in bulk (db/search/vector-cells.ts) are put off the same
 * way (pos.deferred_vector_cells): computing ~450 centroids over 50,000 vectors takes seconds
 * of the till's CPU, and until they exist vector search compares every vector exactly.
 *
 * Contract: each build runs in ONE transaction with the removal of its row, so the index
 * (or the model's cells) exists exactly when its row is gone; a crash before or during a build leaves the row for
 * the next maintenance. PGlite has one connection: a build holds the database (a sale waits)
 * for its whole duration, so hosts run it when the till is idle, never in a sale's path.
 */
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable, TransactionalDb } from '../queryable';
import { buildVectorCells } from '../search/vector-cells';

/** Memory for one build: an HNSW graph of 50,000 x 256 fits, so it is built in memory. */
export const DEFERRED_BUILD_MEMORY = '256MB';

/** PostgreSQL's "relation already exists": the index was built some other way meanwhile. */
const DUPLICATE_TABLE = '42P07';

/** Record CREATE statements to run later (call inside the transaction that needs them put off). */
export async function deferIndexBuilds(tx: Queryable, ddls: readonly string[]): Promise<void> {
  if (ddls.length === 0) return;
  await tx.query(
    `INSERT INTO pos.deferred_indexes (ddl) SELECT unnest($1::text[]) ON CONFLICT (ddl) DO NOTHING`,
    [ddls],
  );
}

export async function pendingIndexBuilds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ ddl: string }>(
    `SELECT ddl FROM pos.deferred_indexes ORDER BY deferred_at, ddl`,
  );
  return rows.map((r) => r.ddl);
}

/**
 * Build every deferred index, one transaction each (see the module contract). Returns the
 * statements that ran. An index that already exists under the same name counts as built.
 */
export async function buildDeferredIndexes(
  db: TransactionalDb,
  options: { logger?: Logger } = {},
): Promise<string[]> {
  const logger = options.logger ?? silentLogger;
  const built: string[] = [];
  for (const ddl of await pendingIndexBuilds(db)) {
    const started = Date.now();
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ ddl: string }>(
        `DELETE FROM pos.deferred_indexes WHERE ddl = $1 RETURNING ddl`,
        [ddl],
      );
      if (rows.length === 0) return; // built by someone else meanwhile
      await tx.query(`SET LOCAL maintenance_work_mem = '${DEFERRED_BUILD_MEMORY}'`);
      await tx.query('SAVEPOINT deferred_index');
      try {
        await tx.query(ddl);
      } catch (error) {
        if ((error as { code?: unknown }).code !== DUPLICATE_TABLE) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT deferred_index');
      }
    });
    built.push(ddl);
    logger.info({ ddl, ms: Date.now() - started }, 'deferred index built');
  }
  return built;
}

/** Put off the vector cells of one model (call inside the transaction that loaded its vectors). */
export async function deferVectorCells(
  tx: Queryable,
  options: { storeId: string; model: { id: string } },
): Promise<void> {
  await tx.query(
    `INSERT INTO pos.deferred_vector_cells (store_id, model) VALUES ($1, $2)
     ON CONFLICT (store_id, model) DO NOTHING`,
    [options.storeId, options.model.id],
  );
}

/**
 * Put off the cells of every model whose vectors have none (a till that enrolled before cells
 * existed, or a load cut short): without cells its vectors are searched through HNSW, whose
 * recall falls well below the cells' (docs/search.md). Not while a catalog download is in
 * progress: the download defers them itself once its last page is in.
 */
export async function deferMissingCells(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH missing AS (
       INSERT INTO pos.deferred_vector_cells (store_id, model)
       SELECT DISTINCT e.store_id, e.embedding_model
         FROM retail.product_embeddings e
        WHERE NOT EXISTS (SELECT 1 FROM pos.sync_snapshot)
          AND NOT EXISTS (SELECT 1 FROM pos.vector_centroids c
                           WHERE c.store_id = e.store_id AND c.model = e.embedding_model)
       ON CONFLICT (store_id, model) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS n FROM missing`,
  );
  return rows[0]?.n ?? 0;
}

export async function pendingCellBuilds(
  db: Queryable,
): Promise<Array<{ storeId: string; model: string }>> {
  const { rows } = await db.query<{ store_id: string; model: string }>(
    `SELECT store_id, model FROM pos.deferred_vector_cells ORDER BY deferred_at, store_id, model`,
  );
  return rows.map((r) => ({ storeId: r.store_id, model: r.model }));
}

/**
 * Build every deferred model's vector cells, one transaction each (see the module contract).
 * Returns `store/model` of each build that ran.
 */
export async function buildDeferredCells(
  db: TransactionalDb,
  options: { logger?: Logger } = {},
): Promise<string[]> {
  const logger = options.logger ?? silentLogger;
  const built: string[] = [];
  for (const pending of await pendingCellBuilds(db)) {
    const started = Date.now();
    const cells = await db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `DELETE FROM pos.deferred_vector_cells WHERE store_id = $1 AND model = $2 RETURNING model`,
        [pending.storeId, pending.model],
      );
      if (rows.length === 0) return undefined; // built by someone else meanwhile
      return buildVectorCells(tx, { storeId: pending.storeId, model: { id: pending.model } });
    });
    if (!cells) continue;
    built.push(`${pending.storeId}/${pending.model}`);
    logger.info({ ...pending, ...cells, ms: Date.now() - started }, 'deferred vector cells built');
  }
  return built;
}
