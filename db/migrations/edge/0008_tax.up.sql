-- Tax as stores need it (issue 18): inclusive (VAT) or exclusive prices per store, several
-- tax components per line (state + city), rounding per line or per order, tax-exempt sales
-- with the customer's reference, and each line's tax by component for the breakdown by rate.
-- The same columns are added at HQ (central 0015_tax); core/tax.ts holds the rules.
--
-- The components travel inside the store row rather than as their own synced table: a till
-- then never prices with half of a changed tax table (the row is applied whole), and the
-- handful of components a store has is validated by TaxComponents (contract/) at each boundary.
-- An empty list means the single store/category rate of before (retail.category_tax_rates).
ALTER TABLE retail.stores
    ADD COLUMN tax_included   boolean NOT NULL DEFAULT false,
    ADD COLUMN tax_rounding   text NOT NULL DEFAULT 'line' CHECK (tax_rounding IN ('line', 'order')),
    ADD COLUMN tax_components jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tax_components) = 'array');

ALTER TABLE retail.sales_transactions
    ADD COLUMN tax_included         boolean NOT NULL DEFAULT false,
    ADD COLUMN tax_rounding         text NOT NULL DEFAULT 'line' CHECK (tax_rounding IN ('line', 'order')),
    ADD COLUMN tax_exempt_reference text;

-- Inclusive prices already contain the tax: the total is subtotal - discount. The old check is
-- found by its definition (it was created unnamed).
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

-- [{code, name, ratePpm, taxCents}], summing to tax_amount; '[]' for lines recorded before.
ALTER TABLE retail.sales_transaction_items
    ADD COLUMN taxes jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(taxes) = 'array');
