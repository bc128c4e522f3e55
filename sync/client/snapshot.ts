/**
 * Full downloads: the first sync of a new till, and the resync of one whose cursor HQ cannot
 * continue (expired, feed reset, restored HQ, or an administrator's request).
 *
 *   direct  (the till's catalog is empty) each page goes straight into `retail` with the
 *           resume token in the same transaction: killed midway, it continues where it
 *           stopped. Vector indexes are dropped for the load and built once at the end.
 *   staged  (the till has a catalog and keeps selling from it) pages go to pos.sync_stage;
 *           the last page swaps the whole catalog in ONE transaction: rows HQ no longer has
 *           are deleted, changed rows replaced, new rows inserted. No reader ever sees an
 *           empty or half-replaced catalog, and the outbox (pending sales) is not touched.
 * Either way the last page also stores the feed cursor HQ returned, so the feed continues
 * from the snapshot's horizon and corrects whatever changed during the download.
 */
import type { Queryable } from '../../db/queryable';
import {
  SYNCED_ENTITIES,
  keyFromJsonSql,
  keyTextSql,
  type SyncedEntityName,
} from '../../db/synced/registry';
import { deferIndexBuilds, deferVectorCells } from '../../db/queries/deferred-indexes';
import { isProtocolDb } from '../../db/prepared';
import { SnapshotPage } from '../../contract/sync-protocol/snapshot';
import { type Changes } from '../../contract/sync-protocol/changes';
import { builtinEmbedder } from '../../db/search/embedding/builtin';
import { applyChangesTolerant, writeRows } from './apply';
import type { SyncContext } from './context';
import { SyncError } from './http';

export type SnapshotMode = 'direct' | 'staged';

/** The tables a direct download fills (analysed in its last transaction). */
const DIRECT_TABLES = [
  'retail.stores',
  'retail.product_categories',
  'retail.category_tax_rates',
  'retail.registers',
  'retail.staff',
  'retail.products',
  'retail.customers',
  'retail.stock_levels',
  'retail.stored_value_allowances',
  'retail.product_embeddings',
  'retail.promotions',
  'retail.scheduled_prices',
  'pos.product_search',
  'pos.search_words',
] as const;

interface SnapshotRow {
  mode: SnapshotMode;
  reason: string;
  token: string | null;
  stage: string | null;
  done_rows: number;
  total_rows: number;
}

export async function readSnapshot(db: Queryable): Promise<SnapshotRow | undefined> {
  const { rows } = await db.query<SnapshotRow>(`SELECT * FROM pos.sync_snapshot`);
  return rows[0];
}

async function countProducts(db: Queryable, storeId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.products WHERE store_id = $1`,
    [storeId],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Begin a download unless one is already in progress (which then simply continues).
 * Direct into an empty catalog, staged otherwise.
 */
export async function beginSnapshot(ctx: SyncContext, reason: string): Promise<SnapshotMode> {
  return ctx.db.transaction(async (tx) => {
    const current = await readSnapshot(tx);
    if (current) return current.mode;
    const mode: SnapshotMode =
      (await countProducts(tx, ctx.device.storeId)) === 0 ? 'direct' : 'staged';
    await tx.query(`DELETE FROM pos.sync_stage`);
    let deferred: string[] = [];
    if (mode === 'direct') {
      // Building an HNSW graph once after the load is several times faster than growing it
      // row by row; the CREATE statements are kept so the build happens even after a crash.
      const { rows } = await tx.query<{ name: string; def: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_am a ON a.oid = c.relam
          WHERE i.indrelid = 'retail.product_embeddings'::regclass AND a.amname = 'hnsw'`,
      );
      deferred = rows.map((r) => r.def);
      for (const r of rows) await tx.query(`DROP INDEX retail.${quoteIdent(r.name)}`);
    }
    await tx.query(
      `INSERT INTO pos.sync_snapshot (mode, reason, deferred_indexes) VALUES ($1, $2, $3)`,
      [mode, reason, deferred],
    );
    ctx.logger.info({ mode, reason }, 'catalog download started');
    return mode;
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function stageRows(tx: Queryable, changes: Changes): Promise<void> {
  for (const spec of SYNCED_ENTITIES) {
    const rows = changes[spec.field];
    if (rows.length === 0) continue;
    // Keyed exactly like HQ's change log keys.
    await tx.query(
      `INSERT INTO pos.sync_stage (entity, key, row)
       SELECT $1, ${keyFromJsonSql(spec)}, e FROM jsonb_array_elements($2::jsonb) AS e
       ON CONFLICT (entity, key) DO UPDATE SET row = EXCLUDED.row`,
      [spec.entity, JSON.stringify(rows)],
    );
  }
}

/** Staged rows of one entity, in key order, in chunks. */
async function* stagedRows(
  tx: Queryable,
  entity: string,
  chunk = 5_000,
): AsyncGenerator<unknown[]> {
  let after = '';
  for (;;) {
    const { rows } = await tx.query<{ key: string; row: unknown }>(
      `SELECT key, row FROM pos.sync_stage WHERE entity = $1 AND key > $2 ORDER BY key LIMIT $3`,
      [entity, after, chunk],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.row);
    after = rows[rows.length - 1]!.key;
    if (rows.length < chunk) return;
  }
}

/** Rows of the till that must survive a swap although HQ's snapshot lacks them. */
const KEEP: Partial<Record<SyncedEntityName, string>> = {
  // A customer created here and not yet acknowledged by HQ is not in HQ's snapshot.
  customer: `EXISTS (SELECT 1 FROM pos.outbox o
                      WHERE o.mutation_type = 'customer.created' AND o.entity_id = t.customer_id
                        AND o.mutation_id > (SELECT last_acked_mutation_id FROM pos.sync_state))`,
  register: `EXISTS (SELECT 1 FROM retail.shifts s WHERE s.store_id = t.store_id AND s.register_id = t.register_id)`,
};

/** The store's own tables, children first (the store row and shared categories apart). */
const SWAP_TABLES = SYNCED_ENTITIES.filter((e) => e.storeScoped && e.entity !== 'store').reverse();

/** Replace the catalog with the staged snapshot (inside the caller's transaction). */
async function swapStaged(tx: Queryable, storeId: string): Promise<number> {
  for (const spec of SWAP_TABLES) {
    const key = keyTextSql(spec);
    const notStaged = `NOT EXISTS (SELECT 1 FROM pos.sync_stage s WHERE s.entity = '${spec.entity}' AND s.key = ${key})`;
    const keep = KEEP[spec.entity] ? ` AND NOT ${KEEP[spec.entity]}` : '';
    await tx.query(`DELETE FROM ${spec.table} t WHERE t.store_id = $1 AND ${notStaged}${keep}`, [
      storeId,
    ]);
    if (spec.entity === 'register') {
      await tx.query(
        `UPDATE retail.registers t SET is_active = false WHERE t.store_id = $1 AND ${notStaged}`,
        [storeId],
      );
    }
    // Rows whose version differs from HQ's are overwritten whatever their version (an HQ
    // restored from a backup may be behind): version 0 lets the guarded upsert through.
    await tx.query(
      `UPDATE ${spec.table} t SET version = 0 FROM pos.sync_stage s
        WHERE t.store_id = $1 AND s.entity = '${spec.entity}' AND s.key = ${key}
          AND t.version <> (s.row->>'version')::bigint`,
      [storeId],
    );
  }
  // Shared categories: those HQ no longer has lose their references first.
  const gone = `NOT EXISTS (SELECT 1 FROM pos.sync_stage s WHERE s.entity = 'category' AND s.key = c.category_id::text)`;
  await tx.query(
    `UPDATE retail.products SET category_id = NULL
      WHERE category_id IN (SELECT c.category_id FROM retail.product_categories c WHERE ${gone})`,
  );
  await tx.query(
    `UPDATE retail.product_categories SET parent_category_id = NULL
      WHERE parent_category_id IN (SELECT c.category_id FROM retail.product_categories c WHERE ${gone})`,
  );
  await tx.query(
    `DELETE FROM retail.category_tax_rates
      WHERE category_id IN (SELECT c.category_id FROM retail.product_categories c WHERE ${gone})`,
  );
  await tx.query(`DELETE FROM retail.product_categories c WHERE ${gone}`);
  await tx.query(
    `UPDATE retail.product_categories c SET version = 0 FROM pos.sync_stage s
      WHERE s.entity = 'category' AND s.key = c.category_id::text
        AND c.version <> (s.row->>'version')::bigint`,
  );
  await tx.query(
    `UPDATE retail.stores t SET version = 0 FROM pos.sync_stage s
      WHERE t.store_id = $1 AND s.entity = 'store' AND s.key = t.store_id
        AND t.version <> (s.row->>'version')::bigint`,
    [storeId],
  );

  let rows = 0;
  for (const spec of SYNCED_ENTITIES) {
    const chunk = spec.entity === 'embedding' ? 1_000 : undefined;
    for await (const b of stagedRows(tx, spec.entity, chunk)) {
      // Staged rows are HQ's, validated when their page arrived.
      await writeRows(tx, storeId, spec.field, b as Changes[typeof spec.field]);
      rows += b.length;
    }
  }
  await tx.query(`DELETE FROM pos.sync_stage`);
  return rows;
}

export interface SnapshotRound {
  rows: number;
  done: boolean;
}

function fetchPage(
  ctx: SyncContext,
  token: string | null,
  signal?: AbortSignal,
): Promise<SnapshotPage> {
  return ctx.http.request(
    'POST',
    '/v1/snapshot',
    { token, limit: ctx.tuning.snapshotLimit },
    SnapshotPage,
    { signal },
  );
}

/** Apply one page in ONE local transaction with its resume token; the last one finishes. */
async function applyPage(
  ctx: SyncContext,
  current: SnapshotRow,
  page: SnapshotPage,
  timing: { fetchMs: number; waitMs: number },
): Promise<number> {
  const storeId = ctx.device.storeId;
  let swapped = 0;
  const applyStarted = Date.now();
  let finishMs = 0;
  let writeMs = 0;
  await ctx.db.transaction(async (tx) => {
    if (current.mode === 'direct') {
      // Search rows are built once, over the whole catalog, by the last page (below): one
      // refresh of 50,000 products costs far less than 50 refreshes of 1,000 (edge 0021).
      await tx.query(`SELECT set_config('pos.search_deferred', 'on', true)`);
      const refused = await applyChangesTolerant(tx, storeId, page.changes, {
        bulk: isProtocolDb(ctx.db) ? ctx.db : undefined,
      });
      if (refused.length > 0) {
        ctx.logger.warn(
          { refused: refused.map((r) => ({ field: r.field, message: r.message })) },
          'HQ sent catalog rows this till cannot store; they were left out',
        );
      }
    } else {
      await stageRows(tx, page.changes);
    }
    writeMs = Date.now() - applyStarted;
    const advanced = await tx.query(
      `UPDATE pos.sync_snapshot SET token = $1, stage = $2, done_rows = $3, total_rows = $4
        WHERE token IS NOT DISTINCT FROM $5`,
      [page.token, page.progress.stage, page.progress.done, page.progress.total, current.token],
    );
    if (!advanced.affectedRows) {
      throw new SyncError({
        kind: 'conflict',
        errorClass: 'retryable',
        message: 'The download position moved while a page was being applied',
      });
    }
    if (!page.done) return;
    const finishStarted = Date.now();
    if (current.mode === 'staged') {
      swapped = await swapStaged(tx, storeId);
      // The swap kept the cells and their trigger placed every changed vector, but the
      // centroids were computed over the old catalog: rebuilt at the next idle moment, so a
      // catalog replaced by resyncs does not drift away from its cells (docs/search.md).
      await deferVectorCells(tx, { storeId, model: builtinEmbedder });
    }
    const { rows } = await tx.query<{ deferred_indexes: string[] }>(
      `DELETE FROM pos.sync_snapshot RETURNING deferred_indexes`,
    );
    if (current.mode === 'direct') {
      // Every page of this download left its products' search rows out (above); the till is
      // marked ready in this transaction, so it never searches without them.
      await tx.query(`SELECT pos.refresh_store_search($1)`, [storeId]);
      // The vector indexes are built once over the whole load, but not here: the till can
      // sell without them (vector search compares every vector until then), so the host's
      // idle maintenance builds them after the till is ready (db/queries/deferred-indexes.ts).
      await deferIndexBuilds(tx, rows[0]?.deferred_indexes ?? []);
      // Likewise the deterministic vector cells (db/search/vector-cells.ts): every vector came
      // from HQ, so nothing local built them. Put off to the same idle maintenance, which
      // builds them over the whole load; until then vector search compares every vector.
      await deferVectorCells(tx, { storeId, model: builtinEmbedder });
      // Planner statistics for the freshly loaded catalog before the first search; the
      // vacuum itself waits for the idle maintenance too.
      await tx.query(`ANALYZE ${DIRECT_TABLES.join(', ')}`);
    }
    await tx.query(
      `UPDATE pos.sync_state SET pull_cursor = $1, last_pull_at = now(), last_error = NULL,
              updated_at = now()`,
      [page.cursor],
    );
    finishMs = Date.now() - finishStarted;
  });
  ctx.logger.debug(
    {
      stage: page.progress.stage,
      rows: page.rows,
      ...timing,
      applyMs: Date.now() - applyStarted,
      writeMs,
      ...(page.done ? { finishMs } : {}),
    },
    'catalog page applied',
  );
  return swapped;
}

/**
 * Run the download in progress to its end. The next page is fetched while the current one
 * is applied (HQ builds a page in PostgreSQL while the till writes the previous one); each
 * page is still applied in order, in its own transaction with its token. `onPage` reports
 * progress; `stop()` ends the loop between pages (the next run resumes from the token).
 */
export async function downloadSnapshot(
  ctx: SyncContext,
  options: { onPage?: () => Promise<void> | void; stop?: () => boolean } = {},
): Promise<SnapshotRound> {
  let current = await readSnapshot(ctx.db);
  if (!current) return { rows: 0, done: true };
  let rows = 0;
  let fetchStarted = Date.now();
  let next: Promise<SnapshotPage> = fetchPage(ctx, current.token);
  for (;;) {
    let page: SnapshotPage;
    const waitStarted = Date.now();
    try {
      page = await next;
    } catch (error) {
      if (
        error instanceof SyncError &&
        error.kind === 'resync_required' &&
        current.token !== null
      ) {
        // HQ's feed was reset during the download: start over (staged if rows already arrived).
        ctx.logger.warn({ reason: error.message }, 'catalog download restarts');
        await ctx.db.query(`DELETE FROM pos.sync_snapshot`);
        await beginSnapshot(ctx, `restart: ${error.message}`);
        return { rows, done: false };
      }
      throw error;
    }
    // fetchMs: request to answer (overlaps the previous page's apply); waitMs: how long the
    // download stood still waiting for this page.
    const timing = { fetchMs: Date.now() - fetchStarted, waitMs: Date.now() - waitStarted };
    const stopping = options.stop?.() ?? false;
    if (!page.done && !stopping) {
      fetchStarted = Date.now();
      next = fetchPage(ctx, page.token);
      // Awaited on the next turn; never left unhandled if this page fails to apply.
      next.catch(() => undefined);
    }
    const swapped = await applyPage(ctx, current, page, timing);
    rows += page.rows;
    ctx.progress = page.done ? null : page.progress;
    await options.onPage?.();
    if (page.done) {
      // Maintenance (vacuum, deferred index builds) is the caller's next step, once the till
      // is marked ready: see SyncClient.cycle.
      ctx.rowsSinceMaintain += rows + swapped;
      ctx.logger.info(
        { mode: current.mode, rows: page.progress.done },
        'catalog download complete',
      );
      return { rows, done: true };
    }
    if (stopping) return { rows, done: false };
    current = { ...current, token: page.token };
  }
}
