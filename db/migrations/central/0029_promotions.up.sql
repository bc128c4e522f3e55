-- Promotions (issue 18, item 4): promotions defined at HQ per store (one row per store a
-- promotion runs in, the same promotion ID), sent to the tills through the change feed
-- (db/synced/registry.ts); on each sale line what promotions took off it, and the coupon codes
-- of the sale, so HQ recomputes a sale's promotions with the till's function
-- (db/central/promotion-check.ts). `rule`/`target`: core/promotions.ts (JSON).
-- Constraints apart from the columns (a Citus cluster refuses inline ones on ALTER).
CREATE TABLE retail.promotions (
    store_id        text NOT NULL REFERENCES retail.stores (store_id),
    promotion_id    uuid NOT NULL,
    promotion_name  text NOT NULL,
    rule            jsonb NOT NULL,
    target          jsonb NOT NULL,
    coupon_code     text,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz,
    priority        integer NOT NULL DEFAULT 0,
    is_active       boolean NOT NULL DEFAULT true,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, promotion_id),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE TRIGGER promotions_version BEFORE UPDATE ON retail.promotions
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
SELECT retail.apply_tenant_isolation('retail.promotions'::regclass);
GRANT SELECT, INSERT, UPDATE, DELETE ON retail.promotions TO edgepos_app;
GRANT SELECT ON retail.promotions TO edgepos_reporting;

ALTER TABLE retail.sales_transaction_items ADD COLUMN promotions jsonb NOT NULL DEFAULT '[]';
ALTER TABLE retail.sales_transactions ADD COLUMN coupons jsonb NOT NULL DEFAULT '[]';

ALTER TABLE sync.change_log DROP CONSTRAINT change_log_entity_check;
ALTER TABLE sync.change_log ADD CONSTRAINT change_log_entity_check
    CHECK (entity IN ('store', 'category', 'category_tax_rate', 'register', 'staff', 'product',
                      'customer', 'stock_level', 'embedding', 'promotion', 'device_ack'));

-- On a Citus cluster: distributed by store like the rest of the catalog (as in 0014 / 0019).
DO $$
DECLARE
    fk record;
    fk_names text[] := '{}';
    fk_defs text[] := '{}';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    FOR fk IN SELECT c.conname, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c
               WHERE c.contype = 'f' AND c.conrelid = 'retail.promotions'::regclass
               ORDER BY 1
    LOOP
        fk_names := fk_names || fk.conname::text;
        fk_defs := fk_defs || fk.def;
        EXECUTE format('ALTER TABLE retail.promotions DROP CONSTRAINT %I', fk.conname);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'retail.promotions'::regclass) THEN
        PERFORM undistribute_table('retail.promotions'::regclass);
    END IF;
    PERFORM create_distributed_table('retail.promotions'::regclass, 'store_id',
                                     colocate_with => 'retail.products');
    FOR i IN 1 .. coalesce(array_length(fk_names, 1), 0) LOOP
        EXECUTE format('ALTER TABLE retail.promotions ADD CONSTRAINT %I %s', fk_names[i], fk_defs[i]);
    END LOOP;
END;
$$;
