-- Loyalty points (issue 18, item 6). docs/checkout.md, "Loyalty points".
--
--   loyalty_ledger  every movement of a customer's points, where it happened: what a sale
--                   earns (a return takes back: negative), what a void takes back. Exactly
--                   once by (store, entry): a sale's entry is its transaction ID, a void's
--                   md5('void:' || transaction ID). The balance is the sum of the entries; the
--                   tier (retail.customers.loyalty_tier, synced down with the customer) is
--                   computed from the points earned in the last twelve months (core/loyalty.ts).
--
-- Customers are kept per store, so a customer's points are that store's rows: distributed by
-- store_id on a Citus cluster (colocated with retail.products, as in 0030), isolated by row
-- security like every tenant table. No foreign key to the customer: a customer HQ does not
-- hold earns nothing (the sale is recorded without the link), and a deleted customer's history
-- stays.
DO $migration$
DECLARE
    citus boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus');
BEGIN
    IF citus THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;

    CREATE TABLE retail.loyalty_ledger (
        store_id        text NOT NULL REFERENCES retail.stores (store_id),
        entry_id        uuid NOT NULL,
        customer_id     uuid NOT NULL,
        entry_kind      text NOT NULL CHECK (entry_kind IN ('earn', 'void')),
        -- Signed: earned positive, taken back negative.
        points          integer NOT NULL CHECK (points <> 0),
        transaction_id  uuid NOT NULL,
        register_id     text NOT NULL,
        mutation_id     bigint,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, entry_id)
    );
    CREATE INDEX loyalty_ledger_customer
        ON retail.loyalty_ledger (store_id, customer_id, occurred_at);

    PERFORM retail.apply_tenant_isolation('retail.loyalty_ledger'::regclass);
    GRANT SELECT, INSERT ON retail.loyalty_ledger TO edgepos_app;
    GRANT SELECT ON retail.loyalty_ledger TO edgepos_reporting;

    IF NOT citus THEN
        RETURN;
    END IF;
    -- As 0030: the key to the store registry set aside while the table is (re)distributed,
    -- then the tenant policies made again (undistribute_table recreates the table, which left
    -- the guard permissive in 0030: see 0031).
    ALTER TABLE retail.loyalty_ledger DROP CONSTRAINT loyalty_ledger_store_id_fkey;
    IF EXISTS (SELECT 1 FROM pg_dist_partition
                WHERE logicalrelid = 'retail.loyalty_ledger'::regclass) THEN
        PERFORM undistribute_table('retail.loyalty_ledger'::regclass);
    END IF;
    PERFORM create_distributed_table('retail.loyalty_ledger'::regclass, 'store_id',
                                     colocate_with => 'retail.products');
    ALTER TABLE retail.loyalty_ledger ADD CONSTRAINT loyalty_ledger_store_id_fkey
        FOREIGN KEY (store_id) REFERENCES retail.stores (store_id);
    DROP POLICY IF EXISTS tenant_guard ON retail.loyalty_ledger;
    DROP POLICY IF EXISTS tenant_isolation ON retail.loyalty_ledger;
    PERFORM retail.apply_tenant_isolation('retail.loyalty_ledger'::regclass);
END;
$migration$;
