-- Scheduled price changes (issue 14, item 2): HQ's scheduled prices of this store, synced down
-- like the catalog (db/synced/registry.ts). The till prices a sale with the row in force at
-- the sale's time (core/scheduled-prices.ts), offline. The rows go with their product.
CREATE TABLE retail.scheduled_prices (
    store_id      text NOT NULL REFERENCES retail.stores (store_id),
    schedule_id   uuid NOT NULL,
    product_id    uuid NOT NULL,
    price         numeric(12,2) NOT NULL CHECK (price >= 0),
    effective_at  timestamptz NOT NULL,
    superseded_at timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, schedule_id),
    FOREIGN KEY (store_id, product_id) REFERENCES retail.products (store_id, product_id)
        ON DELETE CASCADE
);
CREATE INDEX scheduled_prices_product ON retail.scheduled_prices (store_id, product_id, effective_at);
