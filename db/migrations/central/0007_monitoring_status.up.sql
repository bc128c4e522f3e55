-- 0005's status check read shared_preload_libraries, which only superusers and members of
-- pg_read_all_settings may see, so it failed for the reporting role. Probe the statistics view
-- instead: the extension says "must be loaded via shared_preload_libraries" (SQLSTATE 55000)
-- when it is installed but not preloaded. Any role can run this.
CREATE OR REPLACE FUNCTION monitoring.pg_stat_statements_status() RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
DECLARE
    ext_schema text;
BEGIN
    SELECT n.nspname INTO ext_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_stat_statements';
    IF ext_schema IS NULL THEN
        RETURN 'pg_stat_statements is not installed in this database: add pg_stat_statements to shared_preload_libraries in postgresql.conf (the embedded server does), restart the server, then run CREATE EXTENSION pg_stat_statements in this database as a superuser';
    END IF;
    BEGIN
        EXECUTE format('SELECT 1 FROM %I.pg_stat_statements LIMIT 1', ext_schema);
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        RETURN 'pg_stat_statements is installed but not loaded: add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart the server';
    END;
    RETURN 'ready';
END;
$$;
