DROP TABLE pos.deferred_vector_cells;
DROP TABLE pos.deferred_indexes;
