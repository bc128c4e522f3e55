-- Reverses 0013.
CREATE OR REPLACE FUNCTION retail.search_products_by_similarity(
    p_query real[],
    p_model text,
    p_min_similarity double precision DEFAULT 0.7,
    p_limit integer DEFAULT 20
)
RETURNS TABLE (product_id uuid, product_name text, brand text, price numeric, similarity double precision)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    WITH q AS (
        SELECT sqrt(sum(x::double precision * x)) AS norm FROM unnest(p_query) AS x
    )
    SELECT p.product_id, p.product_name, p.brand, p.price, s.similarity
      FROM retail.product_embeddings e
      JOIN retail.products p ON p.store_id = e.store_id AND p.product_id = e.product_id
     CROSS JOIN q
     CROSS JOIN LATERAL (
        SELECT sum(a::double precision * b) / nullif(sqrt(sum(a::double precision * a)) * q.norm, 0) AS similarity
          FROM unnest(e.embedding, p_query) AS u(a, b)
     ) s
     WHERE e.store_id = (SELECT NULLIF(current_setting('app.current_store_id', true), ''))
       AND e.embedding_model = p_model
       AND cardinality(e.embedding) = cardinality(p_query)
       AND p.is_active
       AND s.similarity >= p_min_similarity
     ORDER BY s.similarity DESC, p.product_id
     LIMIT greatest(1, least(p_limit, 200))
$$;

CREATE OR REPLACE FUNCTION retail.drop_sales_partitions_before(p_cutoff timestamptz)
RETURNS TABLE (dropped text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cutoff_month date := date_trunc('month', p_cutoff AT TIME ZONE 'UTC')::date;
    cutoff timestamptz := make_timestamptz(extract(year FROM cutoff_month)::int,
                                          extract(month FROM cutoff_month)::int, 1, 0, 0, 0, 'UTC');
    r record;
    s text;
    previous_key text := current_setting('app.current_store_id', true);
BEGIN
    IF cutoff > now() THEN
        RAISE EXCEPTION 'drop_sales_partitions_before: refusing to drop the current or future months'
            USING ERRCODE = '22023';
    END IF;
    LOCK TABLE retail.sales_transactions, retail.sales_transaction_items, retail.payments
        IN ACCESS EXCLUSIVE MODE;
    -- Children before parents: items and payments reference their transactions. A partition
    -- that a foreign key references must be detached (which checks nothing references it any
    -- more) before it can be dropped.
    FOR r IN
        SELECT c.relname, p.relname AS parent
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
         WHERE i.inhparent IN ('retail.sales_transactions'::regclass,
                               'retail.sales_transaction_items'::regclass,
                               'retail.payments'::regclass)
           AND to_date(substring(c.relname FROM '_p([0-9]{6})$'), 'YYYYMM') < cutoff_month
         ORDER BY (p.relname = 'sales_transactions'), c.relname
    LOOP
        IF r.parent = 'sales_transactions' THEN
            EXECUTE format('ALTER TABLE retail.sales_transactions DETACH PARTITION retail.%I', r.relname);
        END IF;
        EXECUTE format('DROP TABLE retail.%I', r.relname);
        dropped := r.relname;
        RETURN NEXT;
    END LOOP;
    FOR s IN SELECT store_id FROM retail.stores LOOP
        PERFORM set_config('app.current_store_id', s, true);
        DELETE FROM retail.sales_transaction_ids WHERE store_id = s AND occurred_at < cutoff;
    END LOOP;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    UPDATE retail.sales_retention SET retained_from = greatest(retained_from, cutoff), updated_at = now();
END;
$$;

DROP TRIGGER product_categories_version ON retail.product_categories;
CREATE TRIGGER product_categories_version BEFORE UPDATE ON retail.product_categories
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
DROP TRIGGER stores_version ON retail.stores;
CREATE TRIGGER stores_version BEFORE UPDATE ON retail.stores
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
DROP FUNCTION retail.bump_shared_version();

REVOKE UPDATE (customer_id) ON retail.sales_transactions FROM edgepos_app;
ALTER TABLE retail.sales_transactions DROP CONSTRAINT sales_transactions_customer_fkey;
ALTER TABLE retail.sales_transactions
    ADD FOREIGN KEY (store_id, customer_id) REFERENCES retail.customers (store_id, customer_id)
        ON DELETE SET NULL (customer_id);

DO $$
DECLARE
    guard constant text :=
        $g$store_id = (SELECT NULLIF(current_setting('app.current_store_id', true), ''))$g$;
    r record;
BEGIN
    FOR r IN SELECT p.polrelid::regclass AS tbl, p.polname
               FROM pg_policy p
              WHERE p.polname IN ('tenant_guard', 'tenant_isolation')
              ORDER BY 1, 2
    LOOP
        EXECUTE format('ALTER POLICY %I ON %s USING (%s) WITH CHECK (%s)', r.polname, r.tbl, guard, guard);
    END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION retail.apply_tenant_isolation(p_table regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    guard constant text :=
        $g$store_id = (SELECT NULLIF(current_setting('app.current_store_id', true), ''))$g$;
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    EXECUTE format('CREATE POLICY tenant_guard ON %s AS RESTRICTIVE FOR ALL TO PUBLIC USING (%s) WITH CHECK (%s)',
                   p_table, guard, guard);
    EXECUTE format('CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO PUBLIC USING (%s) WITH CHECK (%s)',
                   p_table, guard, guard);
END;
$$;
