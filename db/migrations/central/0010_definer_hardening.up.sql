-- Issue 12 (findings 1 and 2): the service roles cannot run code as the schema owner.
--
-- 1. A SECURITY DEFINER function whose search_path does not name pg_temp searches the caller's
--    temporary schema FIRST for type and table names, so a caller-defined pg_temp.date domain
--    ran its CHECK as edgepos_owner. Every function of ours now pins
--    search_path = pg_catalog, pg_temp: temp LAST (functions and operators are never looked up
--    in pg_temp at all). Bodies already schema-qualify our own objects.
-- 2. Functions are executable by PUBLIC by default. `ALTER DEFAULT PRIVILEGES IN SCHEMA ...
--    REVOKE EXECUTE` in earlier migrations had no effect: per-schema defaults can only add to
--    the global default, never take from it. Revoke on every existing function, and change the
--    owner's GLOBAL default so functions created later start with no PUBLIC grant. The service
--    roles keep exactly the grants migrations give them by name.
-- 3. No role but the owner may create temporary objects in this database (the attack needs
--    them): revoked here for existing databases and by the bootstrap for new ones.
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure AS sig
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('retail', 'sync', 'monitoring')
           AND p.proconfig @> ARRAY['search_path=pg_catalog']
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                            WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f.sig);
    END LOOP;
END
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA retail, sync, monitoring FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

DO $$
BEGIN
    EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
    EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM edgepos_app, edgepos_reporting',
                              pg_catalog.current_database());
END
$$;
