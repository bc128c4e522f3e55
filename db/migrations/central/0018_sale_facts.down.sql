-- One DO block, sequential on Citus: see the up file.
DO $migration$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;

    REVOKE UPDATE (status, code, message) ON sync.mutation_log FROM edgepos_app;
    DROP TABLE sync.quarantine;
    DROP TABLE sync.exceptions;

    DROP INDEX retail.z_reports_number;
    ALTER TABLE retail.z_reports ADD UNIQUE (store_id, register_id, z_number);

    DROP INDEX retail.shifts_open_per_register;
    CREATE UNIQUE INDEX shifts_one_open_per_register ON retail.shifts (store_id, register_id)
        WHERE status = 'open';

    DROP INDEX retail.sales_transaction_ids_seq;
    DROP INDEX retail.sales_transaction_ids_receipt;
    -- One constraint per ALTER TABLE: Citus refuses ADD CONSTRAINT with other subcommands.
    ALTER TABLE retail.sales_transaction_ids
        ADD CONSTRAINT receipt_number_per_store UNIQUE (store_id, receipt_number);
    ALTER TABLE retail.sales_transaction_ids
        ADD CONSTRAINT receipt_seq_per_register UNIQUE (store_id, register_id, receipt_seq);

    DROP INDEX retail.customers_email_linked;
    DROP INDEX retail.customers_email_per_store;
    ALTER TABLE retail.customers DROP COLUMN linked_customer_id;
    CREATE UNIQUE INDEX customers_email_per_store ON retail.customers (store_id, lower(email))
        WHERE email IS NOT NULL;
END;
$migration$;
