ALTER TABLE retail.sales_transaction_items
    DROP CONSTRAINT items_override_has_reason,
    DROP COLUMN override_reason,
    DROP COLUMN override_catalog_price;
ALTER TABLE retail.stores
    DROP COLUMN open_price_limit,
    DROP COLUMN price_override_limit_ppm;
