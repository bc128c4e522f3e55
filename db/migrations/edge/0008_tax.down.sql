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
