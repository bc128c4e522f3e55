-- No-sale drawer opens (issue 13, item 5), as the till's edge migration 0023: the store's
-- setting no_sale_needs_manager (sent to the tills with the store row), and a no-sale recorded
-- as a row of retail.cash_movements of kind 'no_sale', amount 0, with the approving manager.
-- Columns and constraints apart, each constraint in a statement of its own (a Citus cluster
-- refuses inline ones and ADD CONSTRAINT beside another subcommand); the old checks are found
-- by their definitions.
ALTER TABLE retail.stores ADD COLUMN no_sale_needs_manager boolean NOT NULL DEFAULT false;

ALTER TABLE retail.cash_movements ADD COLUMN approved_by uuid;

DO $$
DECLARE c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
              WHERE conrelid = 'retail.cash_movements'::regclass AND contype = 'c'
                AND (pg_get_constraintdef(oid) LIKE '%kind%'
                     OR pg_get_constraintdef(oid) LIKE '%amount%')
    LOOP
        EXECUTE format('ALTER TABLE retail.cash_movements DROP CONSTRAINT %I', c);
    END LOOP;
END $$;
ALTER TABLE retail.cash_movements ADD CONSTRAINT cash_movements_kind_check
    CHECK (kind IN ('in', 'out', 'no_sale'));
ALTER TABLE retail.cash_movements ADD CONSTRAINT cash_movements_amount_check
    CHECK (CASE WHEN kind = 'no_sale' THEN amount = 0 ELSE amount > 0 END);
