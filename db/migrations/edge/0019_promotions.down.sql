ALTER TABLE retail.sales_transactions DROP COLUMN coupons;
ALTER TABLE retail.sales_transaction_items DROP COLUMN promotions;
DROP TABLE retail.promotions;
