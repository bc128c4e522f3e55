-- Returns without a receipt (issue 13, item 1): the store's policy for refunding them
-- (no_receipt_refund: 'cash', 'card', 'cash_or_card', or 'none' = not taken; store credit is
-- added by issue 18 as another value), and on the transaction the reason such a return was
-- taken (a manager approved it: approved_by). Such a return names no original sale, and its
-- lines no original line. Same at HQ (central migration 0027).
ALTER TABLE retail.stores
    ADD COLUMN no_receipt_refund text NOT NULL DEFAULT 'cash_or_card'
        CHECK (no_receipt_refund IN ('none', 'cash', 'card', 'cash_or_card'));

ALTER TABLE retail.sales_transactions ADD COLUMN no_receipt_reason text;

-- The old checks are found by their definitions (they were created unnamed).
DO $$
DECLARE c text;
BEGIN
    SELECT conname INTO STRICT c FROM pg_constraint
     WHERE conrelid = 'retail.sales_transactions'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%original_transaction_id IS NOT NULL%';
    EXECUTE format('ALTER TABLE retail.sales_transactions DROP CONSTRAINT %I', c);
    SELECT conname INTO STRICT c FROM pg_constraint
     WHERE conrelid = 'retail.sales_transaction_items'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%original_item_id IS NOT NULL%';
    EXECUTE format('ALTER TABLE retail.sales_transaction_items DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE retail.sales_transactions ADD CONSTRAINT sales_return_names_original
    CHECK (transaction_type = 'sale' OR original_transaction_id IS NOT NULL
           OR (transaction_type = 'return' AND no_receipt_reason IS NOT NULL));
-- A line of a return without a receipt carries its reason instead of an original line.
ALTER TABLE retail.sales_transaction_items ADD CONSTRAINT sales_item_return_names_original
    CHECK (quantity > 0 OR original_item_id IS NOT NULL OR return_reason IS NOT NULL);
