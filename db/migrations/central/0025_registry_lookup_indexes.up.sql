-- Foreign-key checks against the sales registry keep its key (issue 19, plan stability).
--
-- Every sale line, payment and transaction HQ writes is checked against
-- retail.sales_transaction_ids by PostgreSQL's own statement (store_id, transaction_id,
-- occurred_at), cached per pooled connection and turned generic after five runs. With the
-- registry analysed while a store had no rows (a new store, a young table; autovacuum does it),
-- that generic plan saw "store_id = $1: one row" and took the smallest index led by store_id,
-- the receipt-sequence index of migration 0018, filtering transaction_id: each check read the
-- store's whole registry (1.27 million rows for a 60-sale batch after 1,440 sales in
-- test/central/plan-stability.pg.test.ts). The two receipt indexes now lead with the receipt
-- columns, so the only indexes a lookup by store can use are the registry's keys. They still
-- serve the ingest's receipt checks (receipt number, or register and sequence, within the
-- store); store_id still leads every key of the table.
DO $migration$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;
    DROP INDEX retail.sales_transaction_ids_receipt;
    DROP INDEX retail.sales_transaction_ids_seq;
    CREATE INDEX sales_transaction_ids_receipt
        ON retail.sales_transaction_ids (receipt_number, store_id);
    CREATE INDEX sales_transaction_ids_seq
        ON retail.sales_transaction_ids (register_id, receipt_seq, store_id);
END
$migration$;
