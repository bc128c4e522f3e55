-- Who may do what, and the row-level security that keeps stores apart.
--
-- Roles (created by db/central/bootstrap.ts, never by the services):
--   owner              runs migrations and owns every object; not superuser, no BYPASSRLS.
--   edgepos_app        the services (sync, admin API). LOGIN, not superuser, no BYPASSRLS,
--                      owns nothing, member of nothing; grants on parent tables only.
--   edgepos_reporting  read-only dashboards and monitoring; same tenant guard.
--
-- Every tenant table (every table with store_id except the registry `stores`) has RLS ENABLED
-- and FORCED (so the owner is subject to it too) and two policies:
--   tenant_guard      RESTRICTIVE, FOR ALL, TO PUBLIC: a row is visible or writable only when
--                     its store_id equals the transaction's tenant key. Restrictive policies
--                     are ANDed with everything else, so a permissive policy added later by
--                     mistake (USING (true)) cannot widen access.
--   tenant_isolation  PERMISSIVE, the same condition: at least one permissive policy must
--                     pass for any row to be visible at all.
-- The key is set per transaction only (set_config(..., true), db/central/tenant.ts). Outside a
-- transaction that set it, current_setting() returns '' (or NULL): NULLIF makes both NULL, and
-- `store_id = NULL` is never true, so no key, an empty key or a malformed key sees nothing and
-- can write nothing. The sub-select makes the planner evaluate the setting once per query.

-- Reusable by later migrations (the sync service's tables): owner-only.
CREATE FUNCTION retail.apply_tenant_isolation(p_table regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
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

SELECT retail.apply_tenant_isolation(t::regclass) FROM unnest(ARRAY[
    'retail.category_tax_rates', 'retail.registers', 'retail.staff', 'retail.products',
    'retail.customers', 'retail.product_embeddings', 'retail.stock_levels',
    'retail.stock_movements', 'retail.stock_alerts', 'retail.shifts', 'retail.cash_movements',
    'retail.z_reports', 'retail.sales_transaction_ids', 'retail.sales_transactions',
    'retail.sales_transaction_items', 'retail.payments', 'retail.daily_sales'
]) AS t;

-- ---------------------------------------------------------------------------------------
-- Grants: parents only. Partitions get none (they are created without grants, and RLS on
-- them denies direct access), so every read and write goes through the parent's policies.
-- ---------------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA retail TO edgepos_app, edgepos_reporting;

-- Registry and reference data: readable by every store.
GRANT SELECT ON retail.stores, retail.product_categories, retail.sales_retention TO edgepos_app;

-- Catalog, customers and store configuration: HQ edits them through the services.
GRANT SELECT, INSERT, UPDATE, DELETE ON
    retail.category_tax_rates, retail.registers, retail.staff, retail.products,
    retail.customers, retail.product_embeddings
TO edgepos_app;

-- Append-only facts from the tills.
GRANT SELECT, INSERT ON
    retail.stock_movements, retail.cash_movements, retail.z_reports,
    retail.sales_transaction_ids, retail.sales_transactions, retail.sales_transaction_items,
    retail.payments
TO edgepos_app;
-- A void is the only change to a sale; closing is the only change to a shift.
GRANT UPDATE (status, void_reason, voided_by, voided_at) ON retail.sales_transactions TO edgepos_app;
GRANT SELECT, INSERT, UPDATE ON retail.shifts TO edgepos_app;

-- Derived data: read-only for the app (maintained by the triggers of 0003).
GRANT SELECT ON retail.stock_levels, retail.daily_sales, retail.stock_alerts TO edgepos_app;
GRANT UPDATE (acknowledged_by, acknowledged_at, updated_at) ON retail.stock_alerts TO edgepos_app;

GRANT EXECUTE ON FUNCTION retail.ensure_sales_partitions_for(timestamptz[]) TO edgepos_app;
GRANT EXECUTE ON FUNCTION retail.sales_partition_months() TO edgepos_app, edgepos_reporting;

-- Reporting: SELECT on every parent table in retail, nothing else.
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'retail' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    LOOP
        EXECUTE format('GRANT SELECT ON %s TO edgepos_reporting', t);
    END LOOP;
END;
$$;

-- ---------------------------------------------------------------------------------------
-- Similarity search (from the seed), made safe
-- ---------------------------------------------------------------------------------------

-- SECURITY INVOKER: it runs with the caller's rights, so the tables' policies filter it like
-- any other query (the seed's SECURITY DEFINER version, owned by the table owner, returned
-- every store's products). Exact cosine over real[]: HQ uses it for "similar products" in
-- administration; the tills have pgvector HNSW for the hot path.
CREATE FUNCTION retail.search_products_by_similarity(
    p_query real[],
    p_model text,
    p_min_similarity double precision DEFAULT 0.7,
    p_limit integer DEFAULT 20
)
RETURNS TABLE (product_id uuid, product_name text, brand text, price numeric, similarity double precision)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog AS $$
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
GRANT EXECUTE ON FUNCTION retail.search_products_by_similarity(real[], text, double precision, integer)
    TO edgepos_app, edgepos_reporting;
