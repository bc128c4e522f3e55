-- Back to the guard of 0006 (without the tax columns).
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
        NEW.total_amount, NEW.original_transaction_id, NEW.notes, NEW.metadata, NEW.created_at)
       IS NOT DISTINCT FROM
       (OLD.store_id, OLD.transaction_id, OLD.register_id, OLD.receipt_seq, OLD.receipt_number,
        OLD.transaction_type, OLD.cashier_id, OLD.approved_by, OLD.shift_id,
        OLD.device_id, OLD.occurred_at, OLD.subtotal, OLD.discount_amount, OLD.tax_amount,
        OLD.total_amount, OLD.original_transaction_id, OLD.notes, OLD.metadata, OLD.created_at);
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
ALTER TABLE retail.sales_transaction_items DROP COLUMN taxes;
ALTER TABLE retail.sales_transactions DROP CONSTRAINT sales_exempt_untaxed;
ALTER TABLE retail.sales_transactions DROP CONSTRAINT sales_total_adds_up;
ALTER TABLE retail.sales_transactions
    DROP COLUMN tax_exempt_reference,
    DROP COLUMN tax_rounding,
    DROP COLUMN tax_included;
ALTER TABLE retail.sales_transactions
    ADD CONSTRAINT sales_transactions_check CHECK (total_amount = subtotal - discount_amount + tax_amount);
ALTER TABLE retail.stores
    DROP COLUMN tax_components,
    DROP COLUMN tax_rounding,
    DROP COLUMN tax_included;
