/**
 * Product embeddings computed at HQ, so they travel down with the catalog and a new till never
 * recomputes them. The text is built by the same `productEmbeddingText` the tills use and the
 * built-in model gives bit-identical vectors everywhere, so a till that receives a row for the
 * same model and text knows it is current.
 *
 * Work is incremental: a run looks at products without an embedding for the model, and (after
 * the first run) at products updated since the previous run started; rows whose text did not
 * change (a price edit) are left alone. Each page is one tenant transaction as edgepos_app.
 */
import type pg from 'pg';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { builtinEmbedder } from '../search/embedding/builtin';
import { productEmbeddingTextFromRow, type ProductTextRow } from '../search/embedding/product-text';
import type { Embedder } from '../search/embedding/types';
import { toUnitVectors } from '../search/embedding/types';
import { embeddingKey } from './feed-log';
import { withTenant } from './tenant';

export interface RefreshResult {
  storeId: string;
  examined: number;
  embedded: number;
}

interface ProductRow extends ProductTextRow {
  product_id: string;
  embedding_text: string | null;
}

export async function refreshStoreEmbeddings(
  pool: pg.Pool,
  options: { storeId: string; embedder?: Embedder; since?: Date | null; pageSize?: number },
): Promise<RefreshResult> {
  const embedder = options.embedder ?? builtinEmbedder;
  const pageSize = options.pageSize ?? 500;
  let after = '00000000-0000-0000-0000-000000000000';
  let examined = 0;
  let embedded = 0;
  for (;;) {
    const page = await withTenant(pool, options.storeId, async (tx) => {
      const { rows } = await tx.query<ProductRow>(
        `SELECT p.product_id, p.product_name, p.brand, c.category_name, p.color, p.size, p.tags,
                p.product_description, e.embedding_text
           FROM retail.products p
           LEFT JOIN retail.product_categories c ON c.category_id = p.category_id
           LEFT JOIN retail.product_embeddings e
                  ON e.store_id = p.store_id AND e.product_id = p.product_id AND e.embedding_model = $3
          WHERE p.store_id = $1 AND p.product_id > $2
            AND (e.product_id IS NULL OR $4::timestamptz IS NULL OR p.updated_at >= $4::timestamptz)
          ORDER BY p.product_id
          LIMIT $5`,
        [options.storeId, after, embedder.id, options.since?.toISOString() ?? null, pageSize],
      );
      const stale = rows
        .map((r) => ({
          productId: r.product_id,
          current: r.embedding_text,
          text: productEmbeddingTextFromRow(r),
        }))
        .filter((r) => r.text !== r.current);
      if (stale.length > 0) {
        const vectors = toUnitVectors(
          embedder.id,
          embedder.dimension,
          await embedder.embed(stale.map((s) => s.text)),
          stale.length,
        );
        const written = await tx.query<{ product_id: string }>(
          `INSERT INTO retail.product_embeddings AS e (store_id, product_id, embedding_model, embedding_text, embedding)
           SELECT $1, u.product_id, $2, u.embedding_text, u.embedding::real[]
             FROM unnest($3::uuid[], $4::text[], $5::text[]) AS u(product_id, embedding_text, embedding)
           ON CONFLICT (store_id, product_id, embedding_model) DO UPDATE
             SET embedding_text = EXCLUDED.embedding_text, embedding = EXCLUDED.embedding
           WHERE e.embedding_text IS DISTINCT FROM EXCLUDED.embedding_text
           RETURNING e.product_id`,
          [
            options.storeId,
            embedder.id,
            stale.map((s) => s.productId),
            stale.map((s) => s.text),
            vectors.map((v) => `{${Array.from(v).join(',')}}`),
          ],
        );
        tx.changes.record(
          'embedding',
          written.rows.map((r) => embeddingKey(r.product_id, embedder.id)),
        );
      }
      return { rows: rows.length, last: rows.at(-1)?.product_id, embedded: stale.length };
    });
    examined += page.rows;
    embedded += page.embedded;
    if (!page.last || page.rows < pageSize) break;
    after = page.last;
  }
  return { storeId: options.storeId, examined, embedded };
}

/** Refresh every active store; the first run looks at everything, later runs at changes. */
export class CentralEmbeddingRefresher {
  private lastStart: Date | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RefreshResult[]> | undefined;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      embedder?: Embedder;
      logger?: Logger;
      intervalMs?: number;
    },
  ) {}

  /** One pass over all stores. Concurrent callers share the pass in flight. */
  runOnce(): Promise<RefreshResult[]> {
    this.running ??= (async () => {
      const started = new Date();
      const { rows } = await this.options.pool.query<{ store_id: string }>(
        `SELECT store_id FROM retail.stores WHERE is_active ORDER BY store_id`,
      );
      const results: RefreshResult[] = [];
      for (const row of rows) {
        const refresh: Parameters<typeof refreshStoreEmbeddings>[1] = {
          storeId: row.store_id,
          since: this.lastStart,
        };
        if (this.options.embedder) refresh.embedder = this.options.embedder;
        results.push(await refreshStoreEmbeddings(this.options.pool, refresh));
      }
      // Next time, look at what changed since this pass STARTED: edits made during it are seen.
      this.lastStart = started;
      const embedded = results.reduce((a, r) => a + r.embedded, 0);
      if (embedded > 0)
        (this.options.logger ?? silentLogger).info({ embedded }, 'product embeddings refreshed');
      return results;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((error: unknown) =>
        (this.options.logger ?? silentLogger).warn(
          { error: String(error) },
          'embedding refresh failed',
        ),
      );
    }, this.options.intervalMs ?? 15_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
