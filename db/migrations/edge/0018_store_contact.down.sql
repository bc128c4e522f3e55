ALTER TABLE retail.stores
    DROP COLUMN store_phone,
    DROP COLUMN store_address;
