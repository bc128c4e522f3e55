-- Index builds a bulk load put off (issue 19). A new till's first catalog download drops the
-- vector (HNSW) indexes, loads every row, and records their CREATE statements here in the
-- same transaction as the last page; the till can sell at once (vector search compares every
-- vector exactly until the index exists) and the store's idle maintenance builds them
-- (db/queries/deferred-indexes.ts), each in one transaction with the removal of its row.
-- Local-only state: a catalog resync never touches it.
CREATE TABLE pos.deferred_indexes (
    ddl          text PRIMARY KEY,
    deferred_at  timestamptz NOT NULL DEFAULT now()
);

-- The deterministic vector cells (pos.vector_centroids / pos.vector_cells) of a model whose
-- vectors a download loaded in bulk: built by the same idle maintenance, one transaction per
-- row with its removal. Until then the model has no centroids and vector search compares
-- every vector exactly.
CREATE TABLE pos.deferred_vector_cells (
    store_id     text NOT NULL,
    model        text NOT NULL,
    deferred_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, model)
);
