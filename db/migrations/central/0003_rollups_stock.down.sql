-- Reverses 0003.
DROP TRIGGER stock_movements_levels ON retail.stock_movements;
DROP FUNCTION retail.stock_on_movements();
DROP FUNCTION retail.rebuild_daily_sales(text, date, date);
DROP TRIGGER sales_transactions_daily_sales ON retail.sales_transactions;
DROP FUNCTION retail.daily_sales_on_void();
DROP TRIGGER sales_items_daily_sales ON retail.sales_transaction_items;
DROP FUNCTION retail.daily_sales_on_items();
DROP FUNCTION retail.assert_tenant_rows(text[], text);
DROP TABLE retail.stock_alerts;
DROP TABLE retail.daily_sales;
