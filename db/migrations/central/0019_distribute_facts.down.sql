-- Reverses 0019 on a Citus database: the exceptions and the quarantine back to local tables on
-- the coordinator (their keys to retail.stores are set aside and added back, as in 0019).
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
        IF EXISTS (SELECT 1 FROM public.citus_tables WHERE table_name = t::regclass) THEN
            PERFORM undistribute_table(t::regclass);
        END IF;
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(fk_tables, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk_tables[i], fk_names[i], fk_defs[i]);
    END LOOP;
END;
$$;
