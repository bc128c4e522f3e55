-- Reverses 0007: the status check as 0005 created it.
CREATE OR REPLACE FUNCTION monitoring.pg_stat_statements_status() RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
DECLARE
    preloaded boolean := 'pg_stat_statements' = ANY (
        string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','));
BEGIN
    IF NOT preloaded THEN
        RETURN 'pg_stat_statements is not loaded: add pg_stat_statements to shared_preload_libraries in postgresql.conf, restart the server, then run CREATE EXTENSION pg_stat_statements in this database as a superuser';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') THEN
        RETURN 'pg_stat_statements is loaded but not installed in this database: run CREATE EXTENSION pg_stat_statements as a superuser';
    END IF;
    RETURN 'ready';
END;
$$;
