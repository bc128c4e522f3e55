-- Price overrides and open-price items (issue 18): the store's limits (a cashier alone may take
-- up to price_override_limit_ppm off a catalog price and enter an open price up to
-- open_price_limit; beyond, or below cost, a manager approves) and, on each line whose price
-- was set by hand, the catalog price it replaced and the reason. Same on the till and at HQ.
-- Columns and constraints are added apart, named as PostgreSQL named the inline ones of the
-- first text, because a Citus cluster refuses ADD COLUMN with an inline constraint.
-- amends checksum 16f8c278f07a0af5f541f6243cb4214bc72d019c2790720754ced68953a96f22
ALTER TABLE retail.stores
    ADD COLUMN price_override_limit_ppm integer NOT NULL DEFAULT 100000,
    ADD COLUMN open_price_limit numeric(12,2) NOT NULL DEFAULT 100.00;
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_price_override_limit_ppm_check
        CHECK (price_override_limit_ppm BETWEEN 0 AND 1000000);
ALTER TABLE retail.stores
    ADD CONSTRAINT stores_open_price_limit_check CHECK (open_price_limit >= 0);

ALTER TABLE retail.sales_transaction_items
    ADD COLUMN override_catalog_price numeric(12,2),
    ADD COLUMN override_reason        text;
ALTER TABLE retail.sales_transaction_items
    ADD CONSTRAINT sales_transaction_items_override_catalog_price_check
        CHECK (override_catalog_price >= 0);
ALTER TABLE retail.sales_transaction_items
    ADD CONSTRAINT items_override_has_reason
        CHECK ((override_catalog_price IS NULL) = (override_reason IS NULL));
