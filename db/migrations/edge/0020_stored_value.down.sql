DROP INDEX retail.payments_stored_value;
ALTER TABLE retail.payments
    DROP CONSTRAINT payments_stored_value_card,
    DROP COLUMN mutation_id,
    DROP COLUMN stored_value_card_id,
    DROP CONSTRAINT payments_tender_type_check;
ALTER TABLE retail.payments
    ADD CONSTRAINT payments_tender_type_check CHECK (tender_type IN ('cash', 'card'));
DROP TABLE retail.stored_value_allowances;
