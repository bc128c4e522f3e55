/**
 * Keeps product embeddings current in the background, and loads them in bulk at setup.
 *
 * EmbeddingRefresher drains pos.embedding_queue (filled by triggers whenever a product's name,
 * brand, description, colour, size, category or tags change, e.g. by the sync pull or
 * seeding) in small rounds. A round reads up to `claimSize` queued products, builds their
 * embedding text, and compares it with the stored text of every model it maintains: equal
 * means current (an embedding that came from HQ for the same model and text is never
 * recomputed); different or missing means embed and write. At most `maxWritesPerRound`
 * vectors are written per round, in one short transaction, and rounds are spaced by
 * `busyDelayMs`: PGlite has one connection, so a sale waits for at most one small round.
 *
 * A provider that fails (unreachable, bad response) fails only its own work: the built-in
 * model's vectors are still written, and the queue row is retried with backoff.
 */
import { buildVectorCells, dropVectorCells } from './vector-cells';
import { errorResult } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable, TransactionalDb } from '../queryable';
import { builtinEmbedder } from './embedding/builtin';
import { assertModel, type Embedder } from './embedding/types';
import {
  completeQueueItems,
  dueQueueItems,
  enqueueMissing,
  failQueueItems,
  loadProductTexts,
  storedTexts,
  writeEmbeddings,
  type QueueItem,
} from './embeddings';
import { withHnswRebuild } from './indexes';

export interface RefresherOptions {
  db: TransactionalDb;
  storeId: string;
  /** Models kept current; default the built-in model only. Keep the built-in model in the list:
   * it is what search falls back to when a provider is down. */
  embedders?: readonly Embedder[];
  /** Queue rows examined per round (text comparison is cheap). Default 128. */
  claimSize?: number;
  /** Vectors written per round at most; bounds how long a round holds the database. Default 32. */
  maxWritesPerRound?: number;
  /** Pause between rounds while work remains (lets sales in). Default 20 ms. */
  busyDelayMs?: number;
  /** Poll interval when the queue is empty. Default 2 s. */
  idleMs?: number;
  logger?: Logger;
}

export interface RoundResult {
  /** Queue rows looked at. */
  examined: number;
  /** Vectors written (over all models). */
  embedded: number;
  /** Products whose stored text already matched for every model. */
  current: number;
  /** Queue rows kept for a retry because a provider failed. */
  failed: number;
  /** Rows removed because their product no longer exists. */
  vanished: number;
  /** True when due work is probably left (the round was full). */
  more: boolean;
}

const zero = (): RoundResult => ({
  examined: 0,
  embedded: 0,
  current: 0,
  failed: 0,
  vanished: 0,
  more: false,
});

export class EmbeddingRefresher {
  private readonly db: TransactionalDb;
  private readonly storeId: string;
  private readonly embedders: readonly Embedder[];
  private readonly claimSize: number;
  private readonly maxWrites: number;
  private readonly busyDelayMs: number;
  private readonly idleMs: number;
  private readonly logger: Logger;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(options: RefresherOptions) {
    this.db = options.db;
    this.storeId = options.storeId;
    this.embedders = options.embedders ?? [builtinEmbedder];
    if (this.embedders.length === 0)
      throw new RangeError('EmbeddingRefresher needs at least one embedder');
    for (const e of this.embedders) assertModel(e);
    this.claimSize = options.claimSize ?? 128;
    this.maxWrites = options.maxWritesPerRound ?? 32;
    this.busyDelayMs = options.busyDelayMs ?? 20;
    this.idleMs = options.idleMs ?? 2_000;
    this.logger = (options.logger ?? silentLogger).child({
      component: 'embedding-refresher',
      storeId: options.storeId,
    });
  }

  /** Queue every product that lacks an embedding for one of the models (run at start). */
  async backfill(): Promise<number> {
    let queued = 0;
    for (const e of this.embedders) queued += await enqueueMissing(this.db, this.storeId, e.id);
    return queued;
  }

  /**
   * One round (see the module comment). Safe to call concurrently with sales; calls from the
   * timer and from a caller are queued one after the other, never interleaved.
   */
  async drainOnce(): Promise<RoundResult> {
    const round = this.inFlight.then(() => this.round());
    this.inFlight = round.catch(() => undefined);
    return round;
  }

  /** Rounds until nothing is due; for tests, CLIs and setup. Returns the summed counts. */
  async drainAll(): Promise<RoundResult> {
    const total = zero();
    for (;;) {
      const r = await this.drainOnce();
      for (const k of ['examined', 'embedded', 'current', 'failed', 'vanished'] as const)
        total[k] += r[k];
      if (!r.more) return total;
    }
  }

  /** Run rounds in the background until stop(): quickly while work remains, then idle polling. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.backfill()
      .catch((error: unknown) =>
        this.logger.warn({ error: errorResult(error).error }, 'embedding backfill failed'),
      )
      .finally(() => this.schedule(0));
  }

  /** Run a round soon (e.g. right after a sync pull wrote products). */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drainOnce()
        .then((r) => this.schedule(r.more ? this.busyDelayMs : this.idleMs))
        .catch((error: unknown) => {
          this.logger.warn({ error: errorResult(error).error }, 'embedding refresh round failed');
          this.schedule(this.idleMs);
        });
    }, ms);
  }

  private async round(): Promise<RoundResult> {
    const result = zero();
    const items = await dueQueueItems(this.db, this.storeId, this.claimSize);
    result.examined = items.length;
    if (items.length === 0) return result;
    const ids = items.map((i) => i.productId);
    const texts = new Map(
      (await loadProductTexts(this.db, this.storeId, ids)).map((t) => [t.productId, t.text]),
    );

    // Which (model, product) pairs are stale, in queue order.
    const stale = new Map<string, Set<string>>();
    for (const e of this.embedders) {
      const stored = await storedTexts(this.db, this.storeId, e.id, ids);
      stale.set(
        e.id,
        new Set(ids.filter((id) => texts.has(id) && stored.get(id) !== texts.get(id))),
      );
    }

    // Take whole products until the write budget is used; the rest wait for the next round.
    const done: QueueItem[] = [];
    let budget = this.maxWrites;
    for (const item of items) {
      const needs = this.embedders.filter((e) => stale.get(e.id)?.has(item.productId)).length;
      if (needs > 0 && needs > budget && done.length > 0) {
        result.more = true;
        break;
      }
      budget -= needs;
      done.push(item);
    }
    if (done.length === items.length && items.length === this.claimSize) result.more = true;

    const doneIds = new Set(done.map((i) => i.productId));
    const writes: Array<{
      model: Embedder;
      rows: Array<{ productId: string; text: string; vector: ArrayLike<number> }>;
    }> = [];
    const failedIds = new Set<string>();
    let lastError = '';
    for (const e of this.embedders) {
      const todo = [...(stale.get(e.id) ?? [])].filter((id) => doneIds.has(id));
      if (todo.length === 0) continue;
      try {
        const vectors = await e.embed(todo.map((id) => texts.get(id) ?? ''));
        writes.push({
          model: e,
          rows: todo.map((id, k) => ({
            productId: id,
            text: texts.get(id) ?? '',
            vector: vectors[k] ?? [],
          })),
        });
      } catch (error) {
        lastError = errorResult(error).error.message;
        this.logger.warn(
          { model: e.id, products: todo.length, error: lastError },
          'embedding provider failed; will retry',
        );
        for (const id of todo) failedIds.add(id);
      }
    }

    const failed = done.filter((i) => failedIds.has(i.productId));
    const completed = done.filter((i) => !failedIds.has(i.productId));
    await this.db.transaction(async (tx: Queryable) => {
      for (const w of writes)
        result.embedded += await writeEmbeddings(tx, {
          storeId: this.storeId,
          model: w.model,
          rows: w.rows,
        });
      await completeQueueItems(tx, this.storeId, completed);
      await failQueueItems(tx, this.storeId, failed, lastError);
    });
    result.failed = failed.length;
    result.vanished = done.filter((i) => !texts.has(i.productId)).length;
    result.current = done.filter(
      (i) =>
        texts.has(i.productId) && !this.embedders.some((e) => stale.get(e.id)?.has(i.productId)),
    ).length;
    return result;
  }
}

export interface BulkEmbedOptions {
  storeId: string;
  embedder?: Embedder;
  /** Products embedded and inserted per statement. Default 500. */
  batchSize?: number;
  /**
   * Drop the model's HNSW index, load, and build it once at the end (much faster for a whole
   * catalog). Default true. The whole load is one transaction that holds the database.
   */
  rebuildIndex?: boolean;
  /** Also clear these products from the refresh queue (true when this is the only model). */
  dequeue?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Embed every product of the store with one model, at setup or seeding time (not during
 * trading: it holds the database until done). Idempotent: rows are upserted.
 */
export async function embedAllProducts(
  db: TransactionalDb,
  options: BulkEmbedOptions,
): Promise<{ products: number }> {
  const embedder = options.embedder ?? builtinEmbedder;
  assertModel(embedder);
  const batchSize = options.batchSize ?? 500;
  const load = async (tx: Queryable): Promise<number> => {
    const { rows } = await tx.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products WHERE store_id = $1 ORDER BY product_id`,
      [options.storeId],
    );
    const ids = rows.map((r) => r.product_id);
    for (let i = 0; i < ids.length; i += batchSize) {
      const texts = await loadProductTexts(tx, options.storeId, ids.slice(i, i + batchSize));
      const vectors = await embedder.embed(texts.map((t) => t.text));
      await writeEmbeddings(tx, {
        storeId: options.storeId,
        model: embedder,
        rows: texts.map((t, k) => ({ ...t, vector: vectors[k] ?? [] })),
      });
      if (options.dequeue ?? true) {
        await tx.query(
          `DELETE FROM pos.embedding_queue WHERE store_id = $1 AND product_id = ANY($2::uuid[])`,
          [options.storeId, ids.slice(i, i + batchSize)],
        );
      }
      options.onProgress?.(Math.min(i + batchSize, ids.length), ids.length);
    }
    return ids.length;
  };
  // The model's cells (vector-cells.ts) are dropped first, so the cell trigger places
  // nothing while the catalog loads, and built once from the loaded vectors at the end.
  const loadAndCell = async (tx: Queryable): Promise<number> => {
    await dropVectorCells(tx, { storeId: options.storeId, model: embedder });
    const n = await load(tx);
    await buildVectorCells(tx, { storeId: options.storeId, model: embedder });
    return n;
  };
  const products =
    (options.rebuildIndex ?? true)
      ? await withHnswRebuild(db, embedder, loadAndCell)
      : await db.transaction(loadAndCell);
  return { products };
}
