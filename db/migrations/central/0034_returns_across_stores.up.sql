-- Returns at another store of the chain (issue 13, item 1; docs/checkout.md "Returns at another
-- store", docs/security.md "Receipts of another store"). A customer bought at store A and
-- returns at store B:
--
--   chain_policy            one row, the chain's setting: whether a store may take back another
--                           store's receipt (off by default: it shows one store's receipt to
--                           another) and up to how many days after the sale.
--   receipt_disclosures     B's rows: every receipt of another store that HQ showed to a till
--                           of B (which device, which store's receipt, when). The audit trail
--                           of the only path that reads across stores, and how HQ's ingest
--                           finds the store of the original when B's return arrives.
--   returns_elsewhere       A's rows: a return taken at another store against one of A's sales
--                           (which store, its lines and what it put back on card), written by
--                           HQ's ingest in the same transaction as B's return, so every store
--                           counts what the whole chain took back.
--
-- No store's row security is widened: HQ's service reads A's receipt under A's tenant key in a
-- separate read-only transaction, after checking the policy (db/central/chain-returns.ts).
--
-- One DO block, as in 0030: on a Citus cluster the policy is a reference table and the two
-- tenant tables are distributed by store_id, colocated with retail.products; the store guards
-- are then made RESTRICTIVE again as in 0031. On PostgreSQL without Citus the block is just the
-- statements.
DO $migration$
DECLARE
    t text;
    fk record;
    r record;
    fk_tables text[] := '{}';
    fk_names text[] := '{}';
    fk_defs text[] := '{}';
    citus boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus');
BEGIN
    IF citus THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;

    CREATE TABLE retail.chain_policy (
        singleton                boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        cross_store_returns      boolean NOT NULL DEFAULT false,
        cross_store_return_days  integer NOT NULL DEFAULT 30
                                 CHECK (cross_store_return_days BETWEEN 1 AND 3650),
        updated_at               timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO retail.chain_policy DEFAULT VALUES;

    CREATE TABLE sync.receipt_disclosures (
        store_id         text NOT NULL REFERENCES retail.stores (store_id),
        disclosure_id    uuid NOT NULL,
        device_id        text NOT NULL,
        -- The store that sold (checked by the service against retail.stores; a key here would
        -- not lead with store_id).
        origin_store_id  text NOT NULL,
        transaction_id   uuid NOT NULL,
        receipt_number   text NOT NULL,
        disclosed_at     timestamptz NOT NULL,
        PRIMARY KEY (store_id, disclosure_id),
        CHECK (origin_store_id <> store_id)
    );
    CREATE INDEX receipt_disclosures_transaction
        ON sync.receipt_disclosures (store_id, transaction_id);

    CREATE TABLE retail.returns_elsewhere (
        store_id                 text NOT NULL REFERENCES retail.stores (store_id),
        return_store_id          text NOT NULL,
        return_transaction_id    uuid NOT NULL,
        original_transaction_id  uuid NOT NULL,
        return_receipt_number    text NOT NULL,
        status                   text NOT NULL DEFAULT 'completed'
                                 CHECK (status IN ('completed', 'voided')),
        -- What the return put back on card (negative or zero) and in all (negative or zero).
        card_amount              numeric(12,2) NOT NULL CHECK (card_amount <= 0),
        refund_amount            numeric(12,2) NOT NULL,
        -- [{"originalItemId": uuid, "quantity": positive units taken back}]
        lines                    jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
        occurred_at              timestamptz NOT NULL,
        recorded_at              timestamptz NOT NULL,
        PRIMARY KEY (store_id, return_store_id, return_transaction_id),
        CHECK (return_store_id <> store_id)
    );
    CREATE INDEX returns_elsewhere_original
        ON retail.returns_elsewhere (store_id, original_transaction_id);

    PERFORM retail.apply_tenant_isolation('sync.receipt_disclosures'::regclass);
    PERFORM retail.apply_tenant_isolation('retail.returns_elsewhere'::regclass);
    GRANT SELECT ON retail.chain_policy TO edgepos_app, edgepos_reporting;
    GRANT SELECT, INSERT ON sync.receipt_disclosures TO edgepos_app;
    GRANT SELECT, INSERT ON retail.returns_elsewhere TO edgepos_app;
    GRANT UPDATE (status) ON retail.returns_elsewhere TO edgepos_app;
    GRANT SELECT ON sync.receipt_disclosures, retail.returns_elsewhere TO edgepos_reporting;

    IF NOT citus THEN
        RETURN;
    END IF;
    PERFORM create_reference_table('retail.chain_policy'::regclass);
    FOR fk IN SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c
               WHERE c.contype = 'f'
                 AND c.conrelid IN ('sync.receipt_disclosures'::regclass,
                                    'retail.returns_elsewhere'::regclass)
               ORDER BY 1, 2
    LOOP
        fk_tables := fk_tables || fk.tbl;
        fk_names := fk_names || fk.conname::text;
        fk_defs := fk_defs || fk.def;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['sync.receipt_disclosures', 'retail.returns_elsewhere'] LOOP
        PERFORM create_distributed_table(t::regclass, 'store_id', colocate_with => 'retail.products');
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(fk_tables, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk_tables[i], fk_names[i], fk_defs[i]);
    END LOOP;
    FOR r IN SELECT p.polrelid::regclass AS tbl
               FROM pg_policy p
              WHERE p.polname = 'tenant_guard' AND p.polpermissive
              ORDER BY 1
    LOOP
        EXECUTE format('DROP POLICY tenant_guard ON %s', r.tbl);
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', r.tbl);
        PERFORM retail.apply_tenant_isolation(r.tbl);
    END LOOP;
END;
$migration$;
