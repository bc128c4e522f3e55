-- Reverses 0002. Dropping the partitioned parents drops every month partition with them.
DROP FUNCTION retail.drop_sales_partitions_before(timestamptz);
DROP FUNCTION retail.ensure_sales_partitions_for(timestamptz[]);
DROP FUNCTION retail.ensure_sales_partitions(timestamptz, timestamptz);
DROP FUNCTION retail.sales_partition_months();
DROP TABLE retail.payments;
DROP TABLE retail.sales_transaction_items;
DROP TABLE retail.sales_transactions;
DROP FUNCTION retail.sales_transaction_guard();
DROP TABLE retail.sales_retention;
DROP TABLE retail.sales_transaction_ids;
