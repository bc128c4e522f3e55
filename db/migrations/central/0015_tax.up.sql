-- Tax as stores need it (issue 18): the same columns as the till's edge migration 0008_tax
-- (inclusive or exclusive prices, components per store, rounding per line or order, exempt
-- sales with a reference, each line's tax by component). core/tax.ts holds the rules; HQ
-- recomputes every sold line's tax from its recorded rates when a sale arrives.
-- A Citus cluster refuses ADD COLUMN with an inline constraint (0014 distributed these tables),
-- so columns and constraints are added apart, the constraints named as PostgreSQL named the
-- inline ones of the first text: the result on one server is the same.
-- amends checksum 286a3efba83b1bdce08272f541bb45d3585fdd9823d9b850ef77fb104de349bf
ALTER TABLE retail.stores
    ADD COLUMN tax_included   boolean NOT NULL DEFAULT false,
    ADD COLUMN tax_rounding   text NOT NULL DEFAULT 'line',
    ADD COLUMN tax_components jsonb NOT NULL DEFAULT '[]';
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_tax_rounding_check CHECK (tax_rounding IN ('line', 'order'));
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_tax_components_check CHECK (jsonb_typeof(tax_components) = 'array');

ALTER TABLE retail.sales_transactions
    ADD COLUMN tax_included         boolean NOT NULL DEFAULT false,
    ADD COLUMN tax_rounding         text NOT NULL DEFAULT 'line',
    ADD COLUMN tax_exempt_reference text;
ALTER TABLE retail.sales_transactions
    ADD CONSTRAINT sales_transactions_tax_rounding_check CHECK (tax_rounding IN ('line', 'order'));

DO $$
DECLARE c text;
BEGIN
    SELECT conname INTO STRICT c FROM pg_constraint
     WHERE conrelid = 'retail.sales_transactions'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%total_amount = ((subtotal - discount_amount) + tax_amount)%';
    EXECUTE format('ALTER TABLE retail.sales_transactions DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE retail.sales_transactions ADD CONSTRAINT sales_total_adds_up
    CHECK (total_amount = subtotal - discount_amount + CASE WHEN tax_included THEN 0 ELSE tax_amount END);
ALTER TABLE retail.sales_transactions ADD CONSTRAINT sales_exempt_untaxed
    CHECK (tax_exempt_reference IS NULL OR tax_amount = 0);

ALTER TABLE retail.sales_transaction_items
    ADD COLUMN taxes jsonb NOT NULL DEFAULT '[]';
ALTER TABLE retail.sales_transaction_items
    ADD CONSTRAINT sales_transaction_items_taxes_check CHECK (jsonb_typeof(taxes) = 'array');

-- The guard of 0002/0006 with the new tax columns among those a void may not change.
CREATE OR REPLACE FUNCTION retail.sales_transaction_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    fixed_same boolean;
    void_same boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'sales transactions are never deleted (void them; retention drops whole months)'
            USING ERRCODE = 'P0001';
    END IF;
    fixed_same :=
       (NEW.store_id, NEW.transaction_id, NEW.register_id, NEW.receipt_seq, NEW.receipt_number,
        NEW.transaction_type, NEW.cashier_id, NEW.approved_by, NEW.shift_id,
        NEW.device_id, NEW.occurred_at, NEW.subtotal, NEW.discount_amount, NEW.tax_amount,
        NEW.total_amount, NEW.original_transaction_id, NEW.notes, NEW.metadata, NEW.created_at,
        NEW.tax_included, NEW.tax_rounding, NEW.tax_exempt_reference)
       IS NOT DISTINCT FROM
       (OLD.store_id, OLD.transaction_id, OLD.register_id, OLD.receipt_seq, OLD.receipt_number,
        OLD.transaction_type, OLD.cashier_id, OLD.approved_by, OLD.shift_id,
        OLD.device_id, OLD.occurred_at, OLD.subtotal, OLD.discount_amount, OLD.tax_amount,
        OLD.total_amount, OLD.original_transaction_id, OLD.notes, OLD.metadata, OLD.created_at,
        OLD.tax_included, OLD.tax_rounding, OLD.tax_exempt_reference);
    void_same := (NEW.status, NEW.void_reason, NEW.voided_by, NEW.voided_at)
                 IS NOT DISTINCT FROM (OLD.status, OLD.void_reason, OLD.voided_by, OLD.voided_at);
    IF fixed_same AND void_same AND OLD.customer_id IS NOT NULL AND NEW.customer_id IS NULL THEN
        RETURN NEW;   -- the customer was deleted
    END IF;
    IF OLD.status <> 'completed' OR NEW.status <> 'voided' THEN
        RAISE EXCEPTION 'a sales transaction may only change from completed to voided'
            USING ERRCODE = 'P0001';
    END IF;
    IF NOT fixed_same OR NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
        RAISE EXCEPTION 'voiding changes only the void columns of a sales transaction'
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END;
$$;
