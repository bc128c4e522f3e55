-- The store's street address and phone, printed on receipts (issue 18, item 5). Synced down with
-- the store row (db/synced/registry.ts); same columns at HQ (central 0026).
ALTER TABLE retail.stores
    ADD COLUMN store_address text CHECK (length(store_address) <= 200),
    ADD COLUMN store_phone text CHECK (length(store_phone) <= 30);
