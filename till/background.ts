/**
 * Background work of a till database host once a store is set up: keeping product embeddings
 * current (so "similar items" and meaning-based search work for new and changed products).
 * The sync loop is started next to it by the host. Idempotent: starting twice is a no-op.
 */
import type { Logger } from '../db/logger';
import type { TransactionalDb } from '../db/queryable';
import { EmbeddingRefresher } from '../db/search/refresher';

export interface Background {
  /** Run soon (after a pull or a seed wrote products). */
  wake(): void;
  stop(): Promise<void>;
}

export function startBackground(options: {
  db: TransactionalDb;
  storeId: string;
  logger: Logger;
}): Background {
  // Idle polling every 5 s (not 2): the queue is filled by the sync pull, which wakes the
  // refresher itself; polls only compete with the cashier's searches for the one connection.
  const refresher = new EmbeddingRefresher({
    db: options.db,
    storeId: options.storeId,
    logger: options.logger,
    idleMs: 5_000,
  });
  refresher.start();
  return {
    wake: () => refresher.wake(),
    stop: () => refresher.stop(),
  };
}
