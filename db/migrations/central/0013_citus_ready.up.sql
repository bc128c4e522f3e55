-- The schema as a Citus cluster accepts it (issue 17, docs/scaling.md), with the same behaviour
-- on one PostgreSQL server:
--
-- 1. Row-level security policies without sub-selects. Citus refuses sub-queries in policy
--    expressions; the guard compares store_id with the setting directly (the setting is STABLE,
--    so an index scan on store_id still evaluates it once).
-- 2. The foreign key from sales to customers loses ON DELETE SET NULL (customer_id): Citus
--    refuses SET NULL / SET DEFAULT actions on keys that include the distribution column.
--    Deleting a customer now unlinks their sales in the service first (db/central/customers.ts),
--    which the sales guard of 0006 allows; the application role may update that one column.
-- 3. Shared tables (stores, product_categories; replicated to every node as reference tables)
--    bump their version without reading the clock: each node runs the trigger on its own copy,
--    and now() would differ between copies. Their writers set updated_at themselves.
-- 4. The similarity search has no sub-query either, and is PL/pgSQL: Citus cannot plan a
--    distributed query with the parameters of an SQL-language function. The query vector's
--    norm is computed with each row's, the tenant key compared directly.
-- 5. Retention drops whole months only; deleting the registry rows of those sales moves to the
--    service (db/central/partitions.ts), store by store under each store's tenant key. The
--    function switched the key with set_config, which Citus does not forward to the workers.

CREATE OR REPLACE FUNCTION retail.apply_tenant_isolation(p_table regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    guard constant text := $g$store_id = NULLIF(current_setting('app.current_store_id', true), '')$g$;
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    EXECUTE format('CREATE POLICY tenant_guard ON %s AS RESTRICTIVE FOR ALL TO PUBLIC USING (%s) WITH CHECK (%s)',
                   p_table, guard, guard);
    EXECUTE format('CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO PUBLIC USING (%s) WITH CHECK (%s)',
                   p_table, guard, guard);
END;
$$;

DO $$
DECLARE
    guard constant text := $g$store_id = NULLIF(current_setting('app.current_store_id', true), '')$g$;
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

DO $$
DECLARE
    fk name;
BEGIN
    SELECT conname INTO fk FROM pg_constraint
     WHERE conrelid = 'retail.sales_transactions'::regclass AND contype = 'f'
       AND confrelid = 'retail.customers'::regclass AND conparentid = 0;
    EXECUTE format('ALTER TABLE retail.sales_transactions DROP CONSTRAINT %I', fk);
END;
$$;
ALTER TABLE retail.sales_transactions
    ADD CONSTRAINT sales_transactions_customer_fkey FOREIGN KEY (store_id, customer_id)
        REFERENCES retail.customers (store_id, customer_id);
GRANT UPDATE (customer_id) ON retail.sales_transactions TO edgepos_app;

-- Runs under the row lock the UPDATE holds, like retail.bump_version, and the same on every copy.
CREATE FUNCTION retail.bump_shared_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$;
DROP TRIGGER stores_version ON retail.stores;
CREATE TRIGGER stores_version BEFORE UPDATE ON retail.stores
    FOR EACH ROW EXECUTE FUNCTION retail.bump_shared_version();
DROP TRIGGER product_categories_version ON retail.product_categories;
CREATE TRIGGER product_categories_version BEFORE UPDATE ON retail.product_categories
    FOR EACH ROW EXECUTE FUNCTION retail.bump_shared_version();

-- Retention: drop every month partition that ends on or before p_cutoff's month start and move
-- the retention horizon. Owner-only. The registry rows of the dropped sales are deleted by the
-- caller afterwards, store by store (pruneSalesPartitions).
CREATE OR REPLACE FUNCTION retail.drop_sales_partitions_before(p_cutoff timestamptz)
RETURNS TABLE (dropped text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cutoff_month date := date_trunc('month', p_cutoff AT TIME ZONE 'UTC')::date;
    cutoff timestamptz := make_timestamptz(extract(year FROM cutoff_month)::int,
                                          extract(month FROM cutoff_month)::int, 1, 0, 0, 0, 'UTC');
    r record;
BEGIN
    IF cutoff > now() THEN
        RAISE EXCEPTION 'drop_sales_partitions_before: refusing to drop the current or future months'
            USING ERRCODE = '22023';
    END IF;
    LOCK TABLE retail.sales_transactions, retail.sales_transaction_items, retail.payments
        IN ACCESS EXCLUSIVE MODE;
    -- Children before parents: items and payments reference their transactions' registry rows,
    -- and a partition that a foreign key references must be detached before it is dropped.
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
    UPDATE retail.sales_retention SET retained_from = greatest(retained_from, cutoff), updated_at = now();
END;
$$;

CREATE OR REPLACE FUNCTION retail.search_products_by_similarity(
    p_query real[],
    p_model text,
    p_min_similarity double precision DEFAULT 0.7,
    p_limit integer DEFAULT 20
)
RETURNS TABLE (product_id uuid, product_name text, brand text, price numeric, similarity double precision)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT p.product_id, p.product_name, p.brand, p.price, s.similarity
      FROM retail.product_embeddings e
      JOIN retail.products p ON p.store_id = e.store_id AND p.product_id = e.product_id
     CROSS JOIN LATERAL (
        SELECT sum(u.a::double precision * u.b)
               / nullif(sqrt(sum(u.a::double precision * u.a)) * sqrt(sum(u.b::double precision * u.b)), 0)
               AS similarity
          FROM unnest(e.embedding, p_query) AS u(a, b)
     ) s
     WHERE e.store_id = NULLIF(current_setting('app.current_store_id', true), '')
       AND e.embedding_model = p_model
       AND cardinality(e.embedding) = cardinality(p_query)
       AND p.is_active
       AND s.similarity >= p_min_similarity
     ORDER BY s.similarity DESC, p.product_id
     LIMIT greatest(1, least(p_limit, 200));
END;
$$;
