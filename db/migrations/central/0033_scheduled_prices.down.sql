DELETE FROM sync.change_log WHERE entity = 'scheduled_price';
ALTER TABLE sync.change_log DROP CONSTRAINT change_log_entity_check;
ALTER TABLE sync.change_log ADD CONSTRAINT change_log_entity_check
    CHECK (entity IN ('store', 'category', 'category_tax_rate', 'register', 'staff', 'product',
                      'customer', 'stock_level', 'stored_value_allowance', 'embedding', 'promotion',
                      'device_ack'));
DROP TABLE retail.scheduled_prices;
