DELETE FROM sync.change_log WHERE entity = 'stored_value_allowance';
ALTER TABLE sync.change_log DROP CONSTRAINT change_log_entity_check;
ALTER TABLE sync.change_log ADD CONSTRAINT change_log_entity_check
    CHECK (entity IN ('store', 'category', 'category_tax_rate', 'register', 'staff', 'product',
                      'customer', 'stock_level', 'embedding', 'promotion', 'device_ack'));
ALTER TABLE retail.payments DROP COLUMN stored_value_card_id, DROP COLUMN mutation_id;
ALTER TABLE retail.payments DROP CONSTRAINT payments_tender_type_check;
ALTER TABLE retail.payments
    ADD CONSTRAINT payments_tender_type_check CHECK (tender_type IN ('cash', 'card'));
DROP TABLE retail.stored_value_allowances;
DROP TABLE retail.stored_value_ledger;
DROP TABLE retail.stored_value_cards;
