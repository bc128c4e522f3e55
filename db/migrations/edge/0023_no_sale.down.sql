DELETE FROM retail.cash_movements WHERE kind = 'no_sale';
ALTER TABLE retail.cash_movements DROP CONSTRAINT cash_movements_amount_check;
ALTER TABLE retail.cash_movements DROP CONSTRAINT cash_movements_kind_check;
ALTER TABLE retail.cash_movements ADD CONSTRAINT cash_movements_kind_check
    CHECK (kind IN ('in', 'out'));
ALTER TABLE retail.cash_movements ADD CONSTRAINT cash_movements_amount_check CHECK (amount > 0);
ALTER TABLE retail.cash_movements DROP COLUMN approved_by;
ALTER TABLE retail.stores DROP COLUMN no_sale_needs_manager;
