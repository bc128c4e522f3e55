-- No-sale drawer opens (issue 13, item 5). A no-sale is a drawer event of the shift with no
-- money: a row of retail.cash_movements of kind 'no_sale', amount 0, with its reason and, when
-- the store asks for one, the approving manager. The store's setting no_sale_needs_manager
-- travels down with the store row, as cash_out_limit and blind_close (0014). Same at HQ
-- (central 0035). The old checks are found by their definitions.
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
