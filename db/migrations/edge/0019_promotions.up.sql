-- Promotions (issue 18, item 4): HQ's promotions of this store, synced down like the catalog
-- (db/synced/registry.ts), and on each sale what they took off each line and the coupon codes
-- the cashier entered, so HQ can recompute the sale's promotions (core/promotions.ts).
-- `rule` and `target` are core/promotions.ts PromotionRule and PromotionTarget (JSON).
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
    PRIMARY KEY (store_id, promotion_id)
);

-- [{promotionId, name, cents}] per line; the codes entered on the sale.
ALTER TABLE retail.sales_transaction_items ADD COLUMN promotions jsonb NOT NULL DEFAULT '[]';
ALTER TABLE retail.sales_transactions ADD COLUMN coupons jsonb NOT NULL DEFAULT '[]';
