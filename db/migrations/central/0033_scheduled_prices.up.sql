-- Scheduled price changes (issue 14, item 2; docs/hq-console.md, "Scheduled prices"): a price
-- a product takes in one store from an instant on, set ahead of time in the HQ console and
-- synced down to the store's tills (db/synced/registry.ts, entity 'scheduled_price'), which
-- apply it at that instant offline (core/scheduled-prices.ts). A row applies from
-- `effective_at` until `superseded_at` (a price set directly at HQ after it took effect);
-- cancelling a change before it takes effect deletes its row. Kept after it took effect, so
-- HQ recomputes a late offline sale's price with the rows the till had.
--
-- Distributed by store_id on a Citus cluster (colocated with retail.products, whose rows they
-- reference), then the tenant policies (after distributing: see 0031).
DO $migration$
DECLARE
    citus boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus');
BEGIN
    -- Before any statement: a cluster cannot distribute a table in a transaction that already
    -- ran a parallel multi-shard command (the change log's constraint below is one).
    IF citus THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;
    CREATE TABLE retail.scheduled_prices (
        store_id      text NOT NULL,
        schedule_id   uuid NOT NULL,
        product_id    uuid NOT NULL,
        price         numeric(12,2) NOT NULL CHECK (price >= 0),
        effective_at  timestamptz NOT NULL,
        superseded_at timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        version       bigint NOT NULL DEFAULT 1,
        PRIMARY KEY (store_id, schedule_id),
        CHECK (superseded_at IS NULL OR superseded_at >= effective_at)
    );
    CREATE INDEX scheduled_prices_product
        ON retail.scheduled_prices (store_id, product_id, effective_at);
    CREATE TRIGGER scheduled_prices_version BEFORE UPDATE ON retail.scheduled_prices
        FOR EACH ROW EXECUTE FUNCTION retail.bump_version();

    ALTER TABLE sync.change_log DROP CONSTRAINT change_log_entity_check;
    ALTER TABLE sync.change_log ADD CONSTRAINT change_log_entity_check
        CHECK (entity IN ('store', 'category', 'category_tax_rate', 'register', 'staff', 'product',
                          'customer', 'stock_level', 'stored_value_allowance', 'embedding', 'promotion',
                          'scheduled_price', 'device_ack'));

    -- The keys are added after distributing: a Citus cluster refuses a foreign key from a
    -- local table to a distributed one, so the table is created without them.
    IF citus THEN
        PERFORM create_distributed_table('retail.scheduled_prices'::regclass, 'store_id',
                                         colocate_with => 'retail.products');
    END IF;
    ALTER TABLE retail.scheduled_prices ADD CONSTRAINT scheduled_prices_store_id_fkey
        FOREIGN KEY (store_id) REFERENCES retail.stores (store_id);
    ALTER TABLE retail.scheduled_prices ADD CONSTRAINT scheduled_prices_store_id_product_id_fkey
        FOREIGN KEY (store_id, product_id) REFERENCES retail.products (store_id, product_id);

    PERFORM retail.apply_tenant_isolation('retail.scheduled_prices'::regclass);
    GRANT SELECT, INSERT, UPDATE, DELETE ON retail.scheduled_prices TO edgepos_app;
    GRANT SELECT ON retail.scheduled_prices TO edgepos_reporting;
END;
$migration$;
