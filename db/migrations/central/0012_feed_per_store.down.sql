-- Reverses 0012: transaction-ID ordering and the feed triggers of 0008 (the log restarts
-- empty; tills resync once).
ALTER TABLE sync.devices DROP COLUMN pull_seq;
ALTER TABLE sync.devices ADD COLUMN pull_txid xid8, ADD COLUMN pull_seq bigint;

ALTER TABLE sync.feed_state DROP CONSTRAINT feed_state_pruned_below_last;
ALTER TABLE sync.feed_state DROP COLUMN last_seq;
ALTER TABLE sync.feed_state DROP COLUMN epoch;
ALTER TABLE sync.feed_state ADD COLUMN epoch uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE sync.feed_state ADD COLUMN pruned_txid xid8 NOT NULL DEFAULT '0';

TRUNCATE sync.change_log;
ALTER TABLE sync.change_log DROP CONSTRAINT change_log_seq_positive;
ALTER TABLE sync.change_log DROP COLUMN txn, DROP COLUMN op;
ALTER TABLE sync.change_log ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE sync.change_log ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX change_log_feed ON sync.change_log (store_id, txid, seq);

-- Statement-level: a 1,000-row upsert costs one INSERT into the log, not 1,000. Rows are
-- grouped by store and the tenant key is set to each row's store while its entries are
-- written, so the log's row-level security accepts them whoever writes the source table
-- (edgepos_app inside withTenant, the owner's stock trigger, or HQ staff editing shared
-- tables without a key); the previous key is restored afterwards.
--   TG_ARGV[0]  entity name
--   TG_ARGV[1]  SQL expression of the entity key over the table's columns
CREATE FUNCTION sync.log_changes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    entity constant text := TG_ARGV[0];
    key_expr constant text := TG_ARGV[1];
    source text;
    previous_key text := current_setting('app.current_store_id', true);
    s text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        source := format('SELECT store_id, %s AS key, version FROM new_rows', key_expr);
    ELSIF TG_OP = 'DELETE' THEN
        source := format('SELECT store_id, %s AS key, NULL::bigint AS version FROM old_rows', key_expr);
    ELSE
        -- Old keys too: an update that changes a key deletes the old one at the till.
        source := format('SELECT store_id, %s AS key, version FROM new_rows
                          UNION ALL SELECT store_id, %s AS key, NULL::bigint FROM old_rows',
                         key_expr, key_expr);
    END IF;
    FOR s IN EXECUTE format('SELECT DISTINCT store_id FROM (%s) r ORDER BY 1', source) LOOP
        PERFORM set_config('app.current_store_id', s, true);
        EXECUTE format(
            'INSERT INTO sync.change_log (store_id, entity, key, version)
             SELECT store_id, %L, key, max(version) FROM (%s) r
              WHERE store_id = $1 GROUP BY store_id, key ORDER BY key', entity, source)
        USING s;
        PERFORM pg_notify('edgepos_changes', s);
    END LOOP;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    RETURN NULL;
END;
$$;

-- Categories are shared by every store: a change is logged once per store.
CREATE FUNCTION sync.log_category_changes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    keys text[];
    previous_key text := current_setting('app.current_store_id', true);
    s text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT category_id::text) INTO keys FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT category_id::text) INTO keys FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT k) INTO keys FROM (
            SELECT category_id::text AS k FROM new_rows
            UNION SELECT category_id::text FROM old_rows) u;
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    FOR s IN SELECT store_id FROM retail.stores ORDER BY store_id LOOP
        PERFORM set_config('app.current_store_id', s, true);
        INSERT INTO sync.change_log (store_id, entity, key)
        SELECT s, 'category', k FROM unnest(keys) AS k ORDER BY k;
    END LOOP;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    PERFORM pg_notify('edgepos_changes', '*');
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN SELECT * FROM (VALUES
        ('stores', 'store', 'store_id'),
        ('category_tax_rates', 'category_tax_rate', 'category_id::text'),
        ('registers', 'register', 'register_id'),
        ('staff', 'staff', 'staff_id::text'),
        ('products', 'product', 'product_id::text'),
        ('customers', 'customer', 'customer_id::text'),
        ('stock_levels', 'stock_level', 'product_id::text'),
        ('product_embeddings', 'embedding', $k$product_id::text || '/' || embedding_model$k$)
    ) AS t(tbl, entity, key_expr)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON retail.%I
                          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                          EXECUTE FUNCTION sync.log_changes(%L, %L)',
                       spec.tbl || '_feed_insert', spec.tbl, spec.entity, spec.key_expr);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON retail.%I
                          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                          EXECUTE FUNCTION sync.log_changes(%L, %L)',
                       spec.tbl || '_feed_update', spec.tbl, spec.entity, spec.key_expr);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON retail.%I
                          REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                          EXECUTE FUNCTION sync.log_changes(%L, %L)',
                       spec.tbl || '_feed_delete', spec.tbl, spec.entity, spec.key_expr);
    END LOOP;
END;
$$;

CREATE TRIGGER product_categories_feed_insert AFTER INSERT ON retail.product_categories
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync.log_category_changes();
CREATE TRIGGER product_categories_feed_update AFTER UPDATE ON retail.product_categories
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync.log_category_changes();
CREATE TRIGGER product_categories_feed_delete AFTER DELETE ON retail.product_categories
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync.log_category_changes();

