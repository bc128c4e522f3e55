-- Reverses 0004: policies, RLS, grants and the similarity function.
DROP FUNCTION retail.search_products_by_similarity(real[], text, double precision, integer);

DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT unnest(ARRAY[
        'retail.category_tax_rates', 'retail.registers', 'retail.staff', 'retail.products',
        'retail.customers', 'retail.product_embeddings', 'retail.stock_levels',
        'retail.stock_movements', 'retail.stock_alerts', 'retail.shifts', 'retail.cash_movements',
        'retail.z_reports', 'retail.sales_transaction_ids', 'retail.sales_transactions',
        'retail.sales_transaction_items', 'retail.payments', 'retail.daily_sales'])::regclass
    LOOP
        EXECUTE format('DROP POLICY tenant_guard ON %s', t);
        EXECUTE format('DROP POLICY tenant_isolation ON %s', t);
        EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', t);
    END LOOP;
END;
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA retail FROM edgepos_app, edgepos_reporting;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA retail FROM edgepos_app, edgepos_reporting;
REVOKE ALL ON SCHEMA retail FROM edgepos_app, edgepos_reporting;

DROP FUNCTION retail.apply_tenant_isolation(regclass);
