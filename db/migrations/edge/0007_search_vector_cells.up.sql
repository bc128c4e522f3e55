-- A deterministic vector index (issue 15): an inverted file of "cells". Each embedding model's
-- vectors are partitioned around centroids that db/search/vector-cells.ts computes by a seeded
-- k-means (the same catalog always gives the same cells); a query compares only the vectors
-- of the cells whose centroids are nearest, exactly. On this catalog pgvector's HNSW graph
-- found 0.6-0.9 of the exact nearest neighbours and a second build of the same store
-- answered differently (its levels come from a random generator nothing can seed).
--
-- The vectors are copied next to their cell so a probe reads them in one index range. The
-- copy follows retail.product_embeddings through the trigger below (a product from HQ or the
-- refresher lands in the cell of its nearest centroid) and goes with it (foreign key).

CREATE TABLE pos.vector_centroids (
    store_id  text NOT NULL,
    model     text NOT NULL,
    cell      integer NOT NULL,
    centroid  vector NOT NULL,
    PRIMARY KEY (store_id, model, cell)
);

CREATE TABLE pos.vector_cells (
    store_id    text NOT NULL,
    product_id  uuid NOT NULL,
    model       text NOT NULL,
    cell        integer NOT NULL,
    embedding   vector NOT NULL,
    PRIMARY KEY (store_id, product_id, model),
    FOREIGN KEY (store_id, product_id, model)
        REFERENCES retail.product_embeddings (store_id, product_id, embedding_model)
        ON DELETE CASCADE
);
CREATE INDEX vector_cells_cell ON pos.vector_cells (store_id, model, cell);

-- Put the given embeddings in the cell of their nearest centroid (models without centroids
-- are left alone: they are searched through HNSW until their cells are built).
CREATE FUNCTION pos.assign_vector_cells(p_store_ids text[], p_product_ids uuid[], p_models text[])
RETURNS void LANGUAGE sql AS $$
    INSERT INTO pos.vector_cells AS v (store_id, product_id, model, cell, embedding)
    SELECT e.store_id, e.product_id, e.embedding_model,
           (SELECT c.cell FROM pos.vector_centroids c
             WHERE c.store_id = e.store_id AND c.model = e.embedding_model
             ORDER BY c.centroid <=> e.embedding, c.cell
             LIMIT 1),
           e.embedding
      FROM (SELECT DISTINCT s, p, m FROM unnest(p_store_ids, p_product_ids, p_models) AS u(s, p, m)) u
      JOIN retail.product_embeddings e
        ON e.store_id = u.s AND e.product_id = u.p AND e.embedding_model = u.m
     WHERE EXISTS (SELECT 1 FROM pos.vector_centroids c
                    WHERE c.store_id = e.store_id AND c.model = e.embedding_model)
    ON CONFLICT (store_id, product_id, model) DO UPDATE
        SET cell = EXCLUDED.cell, embedding = EXCLUDED.embedding;
$$;

CREATE FUNCTION pos.embeddings_changed_cells() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.assign_vector_cells(array_agg(n.store_id), array_agg(n.product_id),
                                    array_agg(n.embedding_model))
       FROM new_rows n
     HAVING count(*) > 0;
    RETURN NULL;
END;
$$;
CREATE TRIGGER product_embeddings_cells_inserted AFTER INSERT ON retail.product_embeddings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.embeddings_changed_cells();
CREATE TRIGGER product_embeddings_cells_updated AFTER UPDATE ON retail.product_embeddings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.embeddings_changed_cells();
