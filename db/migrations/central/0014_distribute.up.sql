-- Distribution over a Citus cluster (issue 17, docs/scaling.md), as a migration step: on a
-- database with the citus extension (db/central/citus.ts bootstraps it on every node), the
-- shared tables become reference tables, replicated to every node, and every tenant table is
-- distributed by store_id, all colocated with retail.products, so everything one store writes
-- in one transaction (registry, sale, lines, tenders, movements, rollup, stock level, feed)
-- lives on one node and the transaction stays on that node. On PostgreSQL without Citus this
-- migration changes nothing.
--
-- Run by the owner (it owns the tables). The foreign keys between HQ's tables are set aside
-- while the tables are distributed and added back afterwards (then checked shard by shard):
-- Citus turns a local table that references a new reference table into a "Citus local table",
-- which fails for the partitioned sales tables, and refuses keys between local and distributed
-- tables in the middle of the conversion. The row-level triggers that remain (version bumps,
-- immutability and void guards) look at their own row only; Citus accepts them on distributed
-- tables with citus.enable_unsafe_triggers. Citus then creates every shard's policies from the
-- coordinator's, and re-creates the RESTRICTIVE tenant guard as PERMISSIVE (a Citus 13.2 bug):
-- HQ restores and checks them after migrating (db/central/citus.ts), it cannot be done here
-- (the shards are not committed yet, and the check runs over connections of its own).
--
-- Also monitoring views over Citus's catalogs, for the owner and the reporting role:
--   monitoring.citus_tables      each table's kind, distribution column, shards and size;
--   monitoring.citus_shards      where each shard is (node) and its size: a store's shards move
--                                together, see docs/scaling.md;
--   monitoring.citus_statements  statements per store (partition_key) and executor, from
--                                citus_stat_statements (needs pg_stat_statements and
--                                citus.stat_statements_track = 'all').

DO $$
DECLARE
    t text;
    fk record;
    fk_tables text[] := '{}';
    fk_names text[] := '{}';
    fk_defs text[] := '{}';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    -- Many colocated tables with foreign keys in one transaction: one connection per node.
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);

    FOR fk IN SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c
                JOIN pg_namespace n ON n.oid = c.connamespace
               WHERE c.contype = 'f' AND c.conparentid = 0 AND n.nspname IN ('retail', 'sync')
               ORDER BY 1, 2
    LOOP
        fk_tables := fk_tables || fk.tbl;
        fk_names := fk_names || fk.conname::text;
        fk_defs := fk_defs || fk.def;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;

    FOREACH t IN ARRAY ARRAY['retail.stores', 'retail.product_categories', 'retail.sales_retention'] LOOP
        PERFORM create_reference_table(t::regclass);
    END LOOP;

    PERFORM create_distributed_table('retail.products'::regclass, 'store_id');
    FOREACH t IN ARRAY ARRAY[
        'retail.registers', 'retail.category_tax_rates', 'retail.staff', 'retail.customers',
        'retail.product_embeddings', 'retail.stock_levels', 'retail.stock_movements',
        'retail.stock_alerts', 'retail.shifts', 'retail.cash_movements', 'retail.z_reports',
        'retail.sales_transaction_ids', 'retail.sales_transactions',
        'retail.sales_transaction_items', 'retail.payments', 'retail.daily_sales',
        'sync.feed_state', 'sync.change_log', 'sync.enrollment_codes', 'sync.devices',
        'sync.mutation_log'
    ] LOOP
        PERFORM create_distributed_table(t::regclass, 'store_id', colocate_with => 'retail.products');
    END LOOP;

    FOR i IN 1 .. coalesce(array_length(fk_tables, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk_tables[i], fk_names[i], fk_defs[i]);
    END LOOP;

    EXECUTE $v$
        CREATE VIEW monitoring.citus_tables WITH (security_invoker = true) AS
        SELECT table_name::text AS table_name, citus_table_type, distribution_column,
               colocation_id, shard_count, table_size, table_owner::text AS table_owner
          FROM public.citus_tables$v$;
    EXECUTE $v$
        CREATE VIEW monitoring.citus_shards WITH (security_invoker = true) AS
        SELECT table_name::text AS table_name, shardid, shard_name, citus_table_type,
               colocation_id, nodename, nodeport, shard_size
          FROM pg_catalog.citus_shards$v$;
    EXECUTE $v$
        CREATE VIEW monitoring.citus_statements WITH (security_invoker = true) AS
        SELECT partition_key AS store_id, executor, calls, query
          FROM pg_catalog.citus_stat_statements$v$;
    GRANT SELECT ON monitoring.citus_tables, monitoring.citus_shards, monitoring.citus_statements
        TO edgepos_reporting;
END;
$$;
