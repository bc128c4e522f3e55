-- Reverses 0008: the feed triggers on retail tables, then the sync schema.
DROP TRIGGER product_categories_feed_insert ON retail.product_categories;
DROP TRIGGER product_categories_feed_update ON retail.product_categories;
DROP TRIGGER product_categories_feed_delete ON retail.product_categories;

DO $$
DECLARE
    tbl text;
BEGIN
    FOREACH tbl IN ARRAY ARRAY['stores', 'category_tax_rates', 'registers', 'staff', 'products',
                               'customers', 'stock_levels', 'product_embeddings']
    LOOP
        EXECUTE format('DROP TRIGGER %I ON retail.%I', tbl || '_feed_insert', tbl);
        EXECUTE format('DROP TRIGGER %I ON retail.%I', tbl || '_feed_update', tbl);
        EXECUTE format('DROP TRIGGER %I ON retail.%I', tbl || '_feed_delete', tbl);
    END LOOP;
END;
$$;

DROP SCHEMA sync CASCADE;
