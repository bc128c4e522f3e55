-- Per store and store-local day totals (issue 14: the console's sales-by-day report reads a
-- year of a 50-store chain from 18,250 rows instead of aggregating ~730,000 product-day rows).
--
-- Maintained like every rollup since migration 0011: by the ingest code in the writing
-- transaction (db/central/derived.ts adds each product-day change to its store-day, a void
-- subtracts it, the rebuild recomputes it), as the application role under the request's
-- tenant key. No triggers (a Citus cluster cannot run triggers that write other distributed
-- tables), no functions.
--
-- Distributed like daily_sales when the database has Citus (migration 0014's pattern): by
-- store_id, colocated with retail.products, so a push writes its store-days on the node of its
-- store. The foreign key to the stores (a reference table) is added after distribution, as
-- 0014 does. HQ restores the restrictive tenant guard on the new shards when it starts
-- (db/central/citus.ts). On PostgreSQL without Citus the DO block does nothing.

-- On a Citus cluster the first text failed at the foreign key (a parallel operation had run
-- on a distributed table); without Citus both texts do the same.
-- amends checksum c9074a8669db46159d7baa66d9c57bc31128651c39d5d205191f18d6773c1388
CREATE TABLE retail.daily_store_sales (
    store_id           text NOT NULL,
    day                date NOT NULL,
    quantity           integer NOT NULL,
    quantity_sold      integer NOT NULL,
    quantity_returned  integer NOT NULL,
    gross              numeric(12,2) NOT NULL,
    discount           numeric(12,2) NOT NULL,
    tax                numeric(12,2) NOT NULL,
    net                numeric(12,2) NOT NULL,
    returns            numeric(12,2) NOT NULL,
    line_count         integer NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, day),
    CHECK (net = gross - discount)
);

SELECT retail.apply_tenant_isolation('retail.daily_store_sales'::regclass);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    -- The foreign key to the reference table below needs one connection per node for the
    -- rest of the transaction (as in 0014 and 0019).
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_distributed_table('retail.daily_store_sales'::regclass, 'store_id',
                                     colocate_with => 'retail.products');
END;
$$;

ALTER TABLE retail.daily_store_sales
    ADD CONSTRAINT daily_store_sales_store_id_fkey FOREIGN KEY (store_id)
        REFERENCES retail.stores (store_id);

-- DELETE: a void that takes a day's last line removes that store-day, as for daily_sales.
GRANT SELECT, INSERT, UPDATE, DELETE ON retail.daily_store_sales TO edgepos_app;
GRANT SELECT ON retail.daily_store_sales TO edgepos_reporting;

-- Backfill from the product-day rollup, store by store under each store's tenant key (the
-- forced guard hides every row from a transaction without one, the owner's included). SET
-- LOCAL, as withTenant does: Citus forwards it to the workers, not set_config().
DO $$
DECLARE
    s text;
BEGIN
    SET LOCAL citus.propagate_set_commands = 'local';
    FOR s IN SELECT store_id FROM retail.stores ORDER BY store_id LOOP
        EXECUTE format('SET LOCAL app.current_store_id = %L', s);
        INSERT INTO retail.daily_store_sales
            (store_id, day, quantity, quantity_sold, quantity_returned, gross, discount, tax,
             net, returns, line_count)
        SELECT store_id, day, sum(quantity), sum(quantity_sold), sum(quantity_returned),
               sum(gross), sum(discount), sum(tax), sum(net), sum(returns), sum(line_count)
          FROM retail.daily_sales WHERE store_id = s
         GROUP BY 1, 2;
    END LOOP;
    SET LOCAL app.current_store_id = '';
END;
$$;
