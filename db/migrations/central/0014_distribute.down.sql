-- Reverses 0014 on a Citus database: the monitoring views, then every table back to a local
-- table on the coordinator (undistribute_table follows the foreign keys).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    DROP VIEW IF EXISTS monitoring.citus_statements;
    DROP VIEW IF EXISTS monitoring.citus_shards;
    DROP VIEW IF EXISTS monitoring.citus_tables;
    IF EXISTS (SELECT 1 FROM public.citus_tables WHERE table_name = 'retail.products'::regclass) THEN
        PERFORM undistribute_table('retail.products'::regclass, cascade_via_foreign_keys => true);
    END IF;
END;
$$;
