DO $migration$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;
    DROP INDEX retail.sales_transaction_ids_receipt;
    DROP INDEX retail.sales_transaction_ids_seq;
    CREATE INDEX sales_transaction_ids_receipt
        ON retail.sales_transaction_ids (store_id, receipt_number);
    CREATE INDEX sales_transaction_ids_seq
        ON retail.sales_transaction_ids (store_id, register_id, receipt_seq);
END
$migration$;
