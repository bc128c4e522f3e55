-- The exceptions and the quarantine (migration 0018) join the Citus distribution of 0014: on a
-- database with the citus extension both are distributed by store_id, colocated with
-- retail.products, so a push that records a sale with its exception, or quarantines a
-- mutation, stays on the node that holds the store. On PostgreSQL without Citus this migration
-- changes nothing.
--
-- Created after distribution, their foreign keys to retail.stores (a reference table by then)
-- made them Citus local tables on the coordinator; as in 0014 the keys are set aside, the
-- tables are made plain local tables again if Citus still tracks them, distributed, and the keys
-- added back (checked shard by shard). Citus re-creates their RESTRICTIVE tenant guard as
-- PERMISSIVE on the new shards: HQ restores and checks it after migrating (db/central/citus.ts).

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
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);

    FOR fk IN SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c
               WHERE c.contype = 'f'
                 AND c.conrelid IN ('sync.exceptions'::regclass, 'sync.quarantine'::regclass)
               ORDER BY 1, 2
    LOOP
        fk_tables := fk_tables || fk.tbl;
        fk_names := fk_names || fk.conname::text;
        fk_defs := fk_defs || fk.def;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;

    FOREACH t IN ARRAY ARRAY['sync.exceptions', 'sync.quarantine'] LOOP
        IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
            PERFORM undistribute_table(t::regclass);
        END IF;
        PERFORM create_distributed_table(t::regclass, 'store_id', colocate_with => 'retail.products');
    END LOOP;

    FOR i IN 1 .. coalesce(array_length(fk_tables, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk_tables[i], fk_names[i], fk_defs[i]);
    END LOOP;
END;
$$;
