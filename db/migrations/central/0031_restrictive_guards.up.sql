-- Every tenant table's store guard is RESTRICTIVE again on a Citus cluster. Migrations 0029 and
-- 0030 applied the tenant policies and then undistributed and distributed the new tables
-- (undistribute_table recreates a table), which left their tenant_guard PERMISSIVE on a cluster:
-- isolation.pg's schema check failed there under `npm run test:citus`. The guard is recreated as
-- retail.apply_tenant_isolation creates it. On PostgreSQL without Citus no guard is permissive
-- and this changes nothing.
DO $migration$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT p.polrelid::regclass AS tbl
               FROM pg_policy p
              WHERE p.polname = 'tenant_guard' AND p.polpermissive
              ORDER BY 1
    LOOP
        EXECUTE format('DROP POLICY tenant_guard ON %s', r.tbl);
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', r.tbl);
        PERFORM retail.apply_tenant_isolation(r.tbl);
    END LOOP;
END;
$migration$;
