-- Reverses 0006: the guard as 0002 created it.
CREATE OR REPLACE FUNCTION retail.sales_transaction_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'sales transactions are never deleted (void them; retention drops whole months)'
            USING ERRCODE = 'P0001';
    END IF;
    IF OLD.status <> 'completed' OR NEW.status <> 'voided' THEN
        RAISE EXCEPTION 'a sales transaction may only change from completed to voided'
            USING ERRCODE = 'P0001';
    END IF;
    IF (NEW.store_id, NEW.transaction_id, NEW.register_id, NEW.receipt_seq, NEW.receipt_number,
        NEW.transaction_type, NEW.customer_id, NEW.cashier_id, NEW.approved_by, NEW.shift_id,
        NEW.device_id, NEW.occurred_at, NEW.subtotal, NEW.discount_amount, NEW.tax_amount,
        NEW.total_amount, NEW.original_transaction_id, NEW.notes, NEW.metadata, NEW.created_at)
       IS DISTINCT FROM
       (OLD.store_id, OLD.transaction_id, OLD.register_id, OLD.receipt_seq, OLD.receipt_number,
        OLD.transaction_type, OLD.customer_id, OLD.cashier_id, OLD.approved_by, OLD.shift_id,
        OLD.device_id, OLD.occurred_at, OLD.subtotal, OLD.discount_amount, OLD.tax_amount,
        OLD.total_amount, OLD.original_transaction_id, OLD.notes, OLD.metadata, OLD.created_at) THEN
        RAISE EXCEPTION 'voiding changes only the void columns of a sales transaction'
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END;
$$;
