-- Monitoring: slow statements, table activity and sizes, indexes that are never used.
-- Views are security_invoker (PG15+): they read with the caller's rights, never the owner's,
-- so none of them can become a way around a privilege. They show catalog statistics only, no
-- tenant rows. Readable by the owner and edgepos_reporting (db/central/queries/monitoring.ts).

CREATE SCHEMA monitoring;
REVOKE ALL ON SCHEMA monitoring FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA monitoring REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- 'ready', or what to do to get slow-query statistics. pg_stat_statements must be preloaded by
-- the server (shared_preload_libraries; the embedded server does this) and created in the
-- database (the superuser bootstrap does this when the server has it).
CREATE FUNCTION monitoring.pg_stat_statements_status() RETURNS text
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

-- Statements of this database whose mean time is at least p_min_mean_ms. Raises the status
-- message above (SQLSTATE 55000, object_not_in_prerequisite_state) when statistics are missing.
CREATE FUNCTION monitoring.statement_stats(p_min_mean_ms double precision DEFAULT 100)
RETURNS TABLE (
    query text, calls bigint, total_exec_ms double precision, mean_exec_ms double precision,
    max_exec_ms double precision, rows bigint, hit_percent numeric
)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
DECLARE
    status text := monitoring.pg_stat_statements_status();
    ext_schema text;
BEGIN
    IF status <> 'ready' THEN
        RAISE EXCEPTION '%', status USING ERRCODE = '55000';
    END IF;
    SELECT n.nspname INTO ext_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_stat_statements';
    RETURN QUERY EXECUTE format(
        'SELECT s.query, s.calls, s.total_exec_time, s.mean_exec_time, s.max_exec_time, s.rows,
                round(100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0), 2)
           FROM %I.pg_stat_statements s
          WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND s.mean_exec_time >= $1
          ORDER BY s.mean_exec_time DESC', ext_schema)
    USING p_min_mean_ms;
END;
$$;

CREATE VIEW monitoring.slow_queries WITH (security_invoker = true) AS
    SELECT * FROM monitoring.statement_stats(100);

-- Tables of the application schemas with their activity and size. Partitions are listed with
-- their parent, so retention and growth per month are visible.
CREATE VIEW monitoring.table_stats WITH (security_invoker = true) AS
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       parent.relname AS partition_of,
       pg_total_relation_size(c.oid) AS total_bytes,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       s.n_live_tup AS live_rows,
       s.n_dead_tup AS dead_rows,
       s.n_tup_ins AS inserts,
       s.n_tup_upd AS updates,
       s.n_tup_del AS deletes,
       s.seq_scan,
       s.idx_scan,
       s.last_autovacuum,
       s.last_autoanalyze
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
  LEFT JOIN pg_class parent ON parent.oid = i.inhparent
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
   AND c.relkind IN ('r', 'p');

-- Indexes never scanned since statistics were last reset. Primary keys and unique indexes are
-- excluded: they enforce rules even when no query reads them.
CREATE VIEW monitoring.unused_indexes WITH (security_invoker = true) AS
SELECT s.schemaname AS schema_name,
       s.relname AS table_name,
       s.indexrelname AS index_name,
       s.idx_scan,
       pg_relation_size(s.indexrelid) AS index_bytes,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS index_size
  FROM pg_stat_user_indexes s
  JOIN pg_index x ON x.indexrelid = s.indexrelid
 WHERE s.idx_scan = 0 AND NOT x.indisunique AND NOT x.indisprimary;

GRANT USAGE ON SCHEMA monitoring TO edgepos_reporting;
GRANT SELECT ON monitoring.slow_queries, monitoring.table_stats, monitoring.unused_indexes
    TO edgepos_reporting;
GRANT EXECUTE ON FUNCTION monitoring.pg_stat_statements_status(),
                          monitoring.statement_stats(double precision)
    TO edgepos_reporting;
