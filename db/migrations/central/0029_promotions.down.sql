DELETE FROM sync.change_log WHERE entity = 'promotion';
ALTER TABLE sync.change_log DROP CONSTRAINT change_log_entity_check;
ALTER TABLE sync.change_log ADD CONSTRAINT change_log_entity_check
    CHECK (entity IN ('store', 'category', 'category_tax_rate', 'register', 'staff', 'product',
                      'customer', 'stock_level', 'embedding', 'device_ack'));
ALTER TABLE retail.sales_transactions DROP COLUMN coupons;
ALTER TABLE retail.sales_transaction_items DROP COLUMN promotions;
DROP TABLE retail.promotions;
