-- Derived data (daily_sales, stock_levels, stock_alerts) is maintained by HQ's ingest code in
-- the writing transaction (db/central/derived.ts), no longer by statement-level triggers with
-- transition tables. A distributed HQ (Citus, docs/scaling.md) cannot run those triggers: they
-- write other distributed tables from inside a shard. Written by the ingest code, every write
-- a push makes is also visible in one place. The rebuild of a store's rollup moves to the same
-- module (it switched the tenant key with set_config, which Citus does not forward).
--
-- The application role now writes derived rows itself (inside withTenant: the tenant guard
-- still confines it to the store of the request); the reporting role still only reads them.

DROP TRIGGER sales_items_daily_sales ON retail.sales_transaction_items;
DROP TRIGGER sales_transactions_daily_sales ON retail.sales_transactions;
DROP TRIGGER stock_movements_levels ON retail.stock_movements;
DROP FUNCTION retail.daily_sales_on_items();
DROP FUNCTION retail.daily_sales_on_void();
DROP FUNCTION retail.stock_on_movements();
DROP FUNCTION retail.rebuild_daily_sales(text, date, date);
DROP FUNCTION retail.assert_tenant_rows(text[], text);

-- DELETE: a void that takes a day's last line of a product removes that row.
GRANT INSERT, UPDATE, DELETE ON retail.daily_sales TO edgepos_app;
GRANT INSERT, UPDATE ON retail.stock_levels TO edgepos_app;
-- Until now the app could only acknowledge alerts (UPDATE of three columns).
GRANT INSERT, UPDATE ON retail.stock_alerts TO edgepos_app;
