-- Product search on the till (issue 5): fuzzy name matching, the built-in embedding model's
-- vector index, and the queue that keeps product embeddings current in the background.
-- The queries that rely on these live in db/queries/search.ts and db/search/*.

-- ---------------------------------------------------------------------------------------
-- Fuzzy text (pg_trgm)
-- ---------------------------------------------------------------------------------------

-- As-you-type and misspelt names. Name and brand in one expression so a product whose name
-- omits its brand still matches the brand; trigrams are a set, so a brand already in the
-- name changes nothing. db/queries/search.ts uses this exact expression (else no index).
CREATE INDEX products_name_trgm ON retail.products
    USING gin ((product_name || ' ' || coalesce(brand, '')) gin_trgm_ops)
    WHERE is_active;

-- Case-insensitive exact and prefix SKU lookup (the database collation is C, so a plain
-- btree serves `LIKE 'ABC%'`).
CREATE INDEX products_sku_upper ON retail.products (store_id, upper(sku));

-- ---------------------------------------------------------------------------------------
-- Vectors: one partial HNSW index per embedding model, at that model's dimension
-- ---------------------------------------------------------------------------------------

-- The built-in model (db/search/embedding/builtin.ts): 256-dimension hashed features, unit
-- length, cosine distance. Other models get their index at runtime from
-- db/search/indexes.ts, because which optional provider a till uses is configuration.
CREATE INDEX product_embeddings_hnsw_edge_hash_256_v1 ON retail.product_embeddings
    USING hnsw ((embedding::vector(256)) vector_cosine_ops)
    WHERE embedding_model = 'edge-hash-256-v1';

-- ---------------------------------------------------------------------------------------
-- Keeping embeddings current
-- ---------------------------------------------------------------------------------------

-- Products whose embedding text may have changed. Filled by the triggers below in the same
-- transaction as the product write (so nothing is missed), drained in small batches by
-- db/search/refresher.ts outside any sale. Local-only state: no foreign key into retail, so a
-- catalog resync can replace retail rows freely; rows for vanished products are dropped by
-- the refresher. A row is only a hint: the refresher compares the product's current
-- embedding text with what is stored per model and recomputes only when they differ.
CREATE TABLE pos.embedding_queue (
    store_id     text NOT NULL,
    product_id   uuid NOT NULL,
    enqueued_at  timestamptz NOT NULL DEFAULT now(),
    -- Failed attempts (a provider that was down); the refresher backs off until not_before.
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    not_before   timestamptz NOT NULL DEFAULT '-infinity',
    last_error   text,
    PRIMARY KEY (store_id, product_id)
);
CREATE INDEX embedding_queue_due ON pos.embedding_queue (not_before, enqueued_at);

CREATE FUNCTION pos.enqueue_embedding_rows(p_store_ids text[], p_product_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO pos.embedding_queue AS q (store_id, product_id)
    SELECT DISTINCT s, p FROM unnest(p_store_ids, p_product_ids) AS u(s, p)
    ON CONFLICT (store_id, product_id) DO UPDATE
        SET enqueued_at = now(), attempts = 0, not_before = '-infinity', last_error = NULL
$$;

-- Statement-level with transition tables: a 1,000-row upsert from the sync pull costs one
-- INSERT into the queue, not 1,000.
CREATE FUNCTION pos.products_inserted_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.enqueue_embedding_rows(
        (SELECT coalesce(array_agg(n.store_id), '{}') FROM new_rows n),
        (SELECT coalesce(array_agg(n.product_id), '{}') FROM new_rows n));
    RETURN NULL;
END;
$$;

-- Only the columns that make up the embedding text (db/search/embedding/product-text.ts);
-- a price or stock change must not cost an embedding.
CREATE FUNCTION pos.products_updated_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.enqueue_embedding_rows(array_agg(c.store_id), array_agg(c.product_id))
       FROM (SELECT n.store_id, n.product_id
               FROM new_rows n
               JOIN old_rows o ON o.store_id = n.store_id AND o.product_id = n.product_id
              WHERE (n.product_name, n.product_description, n.brand, n.model, n.color, n.size,
                     n.category_id, n.tags)
                    IS DISTINCT FROM
                    (o.product_name, o.product_description, o.brand, o.model, o.color, o.size,
                     o.category_id, o.tags)) c
     HAVING count(*) > 0;
    RETURN NULL;
END;
$$;

CREATE FUNCTION pos.products_deleted_dequeue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pos.embedding_queue q
     USING old_rows o
     WHERE q.store_id = o.store_id AND q.product_id = o.product_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER products_embedding_inserted AFTER INSERT ON retail.products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.products_inserted_enqueue();
CREATE TRIGGER products_embedding_updated AFTER UPDATE ON retail.products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.products_updated_enqueue();
CREATE TRIGGER products_embedding_deleted AFTER DELETE ON retail.products
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.products_deleted_dequeue();

-- The category name is part of the embedding text too.
CREATE FUNCTION pos.category_renamed_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.enqueue_embedding_rows(array_agg(p.store_id), array_agg(p.product_id))
       FROM retail.products p
      WHERE p.category_id = NEW.category_id
     HAVING count(*) > 0;
    RETURN NULL;
END;
$$;
CREATE TRIGGER category_renamed_embedding AFTER UPDATE OF category_name ON retail.product_categories
    FOR EACH ROW WHEN (OLD.category_name IS DISTINCT FROM NEW.category_name)
    EXECUTE FUNCTION pos.category_renamed_enqueue();
