-- Sales are facts (issue 11): an authentic sale, return, void or shift event born at a till is
-- recorded at HQ even when something around it is wrong; what is wrong becomes an EXCEPTION a
-- person works (sync.exceptions). A mutation HQ still cannot record (its arithmetic does not
-- add up, its time is outside the sales HQ keeps, it names a transaction HQ does not hold) is
-- kept whole in sync.quarantine, where staff inspect it and re-apply it after a fix.
--
-- Rules that used to refuse facts become exceptions, so the uniqueness that enforced them at
-- write time goes (the lookups keep their indexes):
--   * two registers that both issued receipt SEATTLE-R02-001048 (a register enrolled twice):
--     both sales happened; the collision is an exception naming both;
--   * two shifts open on one register, two Z reports with one number: the same;
--   * two customers created offline with one email: both records are kept, the later one
--     linked to the first (linked_customer_id), and a person merges or corrects them.

-- One DO block: on a Citus cluster (migration 0014) Citus sends some of these commands on to
-- the workers with the text of the whole query, which a worker refuses when a migration file
-- holds several statements ("cannot insert multiple commands into a prepared statement"). And
-- the index changes reach every shard in parallel, after which Citus refuses the new tables'
-- keys to retail.stores (a reference table) in the same transaction: one connection per node
-- keeps it to one. On PostgreSQL without Citus the block is just the statements.
DO $migration$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;

    ALTER TABLE retail.customers ADD COLUMN linked_customer_id uuid;
    DROP INDEX retail.customers_email_per_store;
    -- Still one primary record per email and store: HQ's own edits keep the rule.
    CREATE UNIQUE INDEX customers_email_per_store ON retail.customers (store_id, lower(email))
        WHERE email IS NOT NULL AND linked_customer_id IS NULL;
    CREATE INDEX customers_email_linked ON retail.customers (store_id, lower(email))
        WHERE email IS NOT NULL AND linked_customer_id IS NOT NULL;

    ALTER TABLE retail.sales_transaction_ids
        DROP CONSTRAINT receipt_number_per_store,
        DROP CONSTRAINT receipt_seq_per_register;
    CREATE INDEX sales_transaction_ids_receipt ON retail.sales_transaction_ids (store_id, receipt_number);
    CREATE INDEX sales_transaction_ids_seq ON retail.sales_transaction_ids (store_id, register_id, receipt_seq);

    DROP INDEX retail.shifts_one_open_per_register;
    CREATE INDEX shifts_open_per_register ON retail.shifts (store_id, register_id) WHERE status = 'open';

    ALTER TABLE retail.z_reports DROP CONSTRAINT z_reports_store_id_register_id_z_number_key;
    CREATE INDEX z_reports_number ON retail.z_reports (store_id, register_id, z_number);

    -- One row per thing a person must look at. `dedupe_key` makes raising the same exception
    -- twice (a re-applied mutation, a reconciliation run again) a no-op.
    CREATE TABLE sync.exceptions (
        store_id      text NOT NULL REFERENCES retail.stores (store_id),
        exception_id  uuid NOT NULL,
        dedupe_key    text NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 300),
        kind          text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{0,59}$'),
        entity        text NOT NULL CHECK (entity IN ('sale', 'void', 'customer', 'shift', 'cash_movement',
                          'z_report', 'stock', 'register', 'store_day')),
        entity_id     text NOT NULL CHECK (length(entity_id) BETWEEN 1 AND 200),
        -- The till mutation that carried the fact (NULL for reconciliation findings).
        device_id     text,
        mutation_id   bigint,
        -- Plain language for staff: what happened and what HQ did with it.
        reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        detail        jsonb NOT NULL DEFAULT '{}',
        status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        resolution    text CHECK (length(resolution) BETWEEN 1 AND 2000),
        resolved_by   text CHECK (length(resolved_by) BETWEEN 1 AND 100),
        resolved_at   timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, exception_id),
        UNIQUE (store_id, dedupe_key),
        CHECK ((status = 'resolved') = (resolution IS NOT NULL AND resolved_by IS NOT NULL AND resolved_at IS NOT NULL))
    );
    CREATE INDEX exceptions_open ON sync.exceptions (store_id, created_at) WHERE status = 'open';
    CREATE INDEX exceptions_entity ON sync.exceptions (store_id, entity_id);

    -- Every mutation HQ could not record, exactly as the till sent it (after the wire schema),
    -- with why. Nothing here is ever deleted by the service: re-applying marks it applied,
    -- dismissing (a person decided) keeps it with the decision.
    CREATE TABLE sync.quarantine (
        store_id         text NOT NULL REFERENCES retail.stores (store_id),
        device_id        text NOT NULL,
        mutation_id      bigint NOT NULL CHECK (mutation_id > 0),
        mutation_type    text NOT NULL,
        mutation         jsonb NOT NULL,
        code             text NOT NULL,
        message          text NOT NULL,
        status           text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'applied', 'dismissed')),
        attempts         integer NOT NULL DEFAULT 1 CHECK (attempts > 0),
        received_at      timestamptz NOT NULL DEFAULT now(),
        last_attempt_at  timestamptz NOT NULL DEFAULT now(),
        resolved_by      text CHECK (length(resolved_by) BETWEEN 1 AND 100),
        resolved_at      timestamptz,
        resolution       text CHECK (length(resolution) BETWEEN 1 AND 2000),
        PRIMARY KEY (store_id, device_id, mutation_id),
        CHECK ((status = 'held') = (resolved_at IS NULL))
    );
    CREATE INDEX quarantine_held ON sync.quarantine (store_id, received_at) WHERE status = 'held';

    PERFORM retail.apply_tenant_isolation(t::regclass)
       FROM unnest(ARRAY['sync.exceptions', 'sync.quarantine']) AS t;

    GRANT SELECT, INSERT, UPDATE ON sync.exceptions, sync.quarantine TO edgepos_app;
    -- A re-applied mutation's logged result changes, so a till's replay gets the new answer.
    GRANT UPDATE (status, code, message) ON sync.mutation_log TO edgepos_app;
    GRANT SELECT ON sync.exceptions, sync.quarantine TO edgepos_reporting;
END;
$migration$;
