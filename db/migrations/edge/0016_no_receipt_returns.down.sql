-- The checks of 0001 again, under the names PostgreSQL gave them there.
ALTER TABLE retail.sales_transaction_items DROP CONSTRAINT sales_item_return_names_original;
ALTER TABLE retail.sales_transaction_items
    ADD CONSTRAINT sales_transaction_items_check1 CHECK (quantity > 0 OR original_item_id IS NOT NULL);
ALTER TABLE retail.sales_transactions DROP CONSTRAINT sales_return_names_original;
ALTER TABLE retail.sales_transactions
    ADD CONSTRAINT sales_transactions_check2
        CHECK (transaction_type = 'sale' OR original_transaction_id IS NOT NULL);
ALTER TABLE retail.sales_transactions DROP COLUMN no_receipt_reason;
ALTER TABLE retail.stores DROP COLUMN no_receipt_refund;
