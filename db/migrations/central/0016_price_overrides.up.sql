-- Price overrides and open-price items (issue 18): the store's limits (a cashier alone may take
-- up to price_override_limit_ppm off a catalog price and enter an open price up to
-- open_price_limit; beyond, or below cost, a manager approves) and, on each line whose price
-- was set by hand, the catalog price it replaced and the reason. Same on the till and at HQ.
ALTER TABLE retail.stores
    ADD COLUMN price_override_limit_ppm integer NOT NULL DEFAULT 100000
        CHECK (price_override_limit_ppm BETWEEN 0 AND 1000000),
    ADD COLUMN open_price_limit numeric(12,2) NOT NULL DEFAULT 100.00 CHECK (open_price_limit >= 0);

ALTER TABLE retail.sales_transaction_items
    ADD COLUMN override_catalog_price numeric(12,2) CHECK (override_catalog_price >= 0),
    ADD COLUMN override_reason        text,
    ADD CONSTRAINT items_override_has_reason
        CHECK ((override_catalog_price IS NULL) = (override_reason IS NULL));
