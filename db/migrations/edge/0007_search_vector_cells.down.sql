DROP TRIGGER product_embeddings_cells_updated ON retail.product_embeddings;
DROP TRIGGER product_embeddings_cells_inserted ON retail.product_embeddings;
DROP FUNCTION pos.embeddings_changed_cells();
DROP FUNCTION pos.assign_vector_cells(text[], uuid[], text[]);
DROP TABLE pos.vector_cells;
DROP TABLE pos.vector_centroids;
