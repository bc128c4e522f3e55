-- The store's street address and phone, printed on the tills' receipts (issue 18, item 5); sent
-- to the tills with the store row (edge 0017). Columns and constraints apart (a Citus cluster
-- refuses inline ones).
ALTER TABLE retail.stores
    ADD COLUMN store_address text,
    ADD COLUMN store_phone text;
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_store_address_check CHECK (length(store_address) <= 200),
    ADD CONSTRAINT stores_store_phone_check CHECK (length(store_phone) <= 30);
