-- The store's street address and phone, printed on the tills' receipts (issue 18, item 5); sent
-- to the tills with the store row (edge 0017). Columns and constraints apart (a Citus cluster
-- refuses inline ones), and each constraint in a statement of its own: a Citus cluster also
-- refuses ADD CONSTRAINT beside another subcommand. Same constraints, same names.
-- amends checksum 1e8780f1b4cce0ddb69a03fe2acf85dc172a1913d3997f4ad70f171604cc7a67
ALTER TABLE retail.stores
    ADD COLUMN store_address text,
    ADD COLUMN store_phone text;
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_store_address_check CHECK (length(store_address) <= 200);
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_store_phone_check CHECK (length(store_phone) <= 30);
