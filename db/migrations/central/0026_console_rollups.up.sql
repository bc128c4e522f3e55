-- The rollups of the console's remaining reports (issue 14): sales by hour, tender mix, and
-- returns and voids by cashier, so those reports read a year of a chain from small tables
-- instead of scanning raw sales.
--
--   hourly_store_sales   per store, store-local day and hour (0-23): net, units, lines;
--   daily_tender_sales   per store, store-local day and tender type: amount and payments;
--   daily_cashier_sales  per store, store-local day and cashier: completed sales and returns
--                        they rang (a voided one no longer counts, as in daily_sales), the
--                        refunds they gave, and the voids they made (on the day of the void).
--
-- Maintained like every rollup since migration 0011 (and 0021): by the ingest code in the
-- writing transaction (db/central/derived-console.ts, called where daily_sales changes: a sale
-- adds, a void subtracts, the rebuild recomputes), as the application role under the
-- request's tenant key. No triggers, no functions. Distributed by store_id on a Citus cluster,
-- colocated with retail.products, as 0021; the foreign key to the stores (a reference table)
-- after distribution.

CREATE TABLE retail.hourly_store_sales (
    store_id    text NOT NULL,
    day         date NOT NULL,
    hour        smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    quantity    integer NOT NULL,
    net         numeric(12,2) NOT NULL,
    line_count  integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, day, hour)
);

CREATE TABLE retail.daily_tender_sales (
    store_id       text NOT NULL,
    day            date NOT NULL,
    tender_type    text NOT NULL,
    amount         numeric(12,2) NOT NULL,
    payment_count  integer NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, day, tender_type)
);

CREATE TABLE retail.daily_cashier_sales (
    store_id        text NOT NULL,
    day             date NOT NULL,
    cashier_id      uuid NOT NULL,
    sales_count     integer NOT NULL,
    returns_count   integer NOT NULL,
    -- Refunds given, as a positive amount.
    returns_amount  numeric(12,2) NOT NULL,
    voids_count     integer NOT NULL,
    -- Totals of the sales voided.
    voids_amount    numeric(12,2) NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, day, cashier_id)
);

SELECT retail.apply_tenant_isolation('retail.hourly_store_sales'::regclass);
SELECT retail.apply_tenant_isolation('retail.daily_tender_sales'::regclass);
SELECT retail.apply_tenant_isolation('retail.daily_cashier_sales'::regclass);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_distributed_table('retail.hourly_store_sales'::regclass, 'store_id',
                                     colocate_with => 'retail.products');
    PERFORM create_distributed_table('retail.daily_tender_sales'::regclass, 'store_id',
                                     colocate_with => 'retail.products');
    PERFORM create_distributed_table('retail.daily_cashier_sales'::regclass, 'store_id',
                                     colocate_with => 'retail.products');
END;
$$;

ALTER TABLE retail.hourly_store_sales
    ADD CONSTRAINT hourly_store_sales_store_id_fkey FOREIGN KEY (store_id)
        REFERENCES retail.stores (store_id);
ALTER TABLE retail.daily_tender_sales
    ADD CONSTRAINT daily_tender_sales_store_id_fkey FOREIGN KEY (store_id)
        REFERENCES retail.stores (store_id);
ALTER TABLE retail.daily_cashier_sales
    ADD CONSTRAINT daily_cashier_sales_store_id_fkey FOREIGN KEY (store_id)
        REFERENCES retail.stores (store_id);

-- DELETE: a void that takes a row's last line or payment removes the row.
GRANT SELECT, INSERT, UPDATE, DELETE
    ON retail.hourly_store_sales, retail.daily_tender_sales, retail.daily_cashier_sales
    TO edgepos_app;
GRANT SELECT
    ON retail.hourly_store_sales, retail.daily_tender_sales, retail.daily_cashier_sales
    TO edgepos_reporting;

-- Backfill from the raw sales, store by store under each store's tenant key (the forced guard
-- hides every row from a transaction without one), as 0021 does.
DO $$
DECLARE
    s text;
    tz text;
BEGIN
    SET LOCAL citus.propagate_set_commands = 'local';
    FOR s, tz IN SELECT store_id, timezone FROM retail.stores ORDER BY store_id LOOP
        EXECUTE format('SET LOCAL app.current_store_id = %L', s);
        INSERT INTO retail.hourly_store_sales (store_id, day, hour, quantity, net, line_count)
        SELECT i.store_id, (i.occurred_at AT TIME ZONE tz)::date,
               extract(hour FROM i.occurred_at AT TIME ZONE tz)::smallint,
               sum(i.quantity)::integer, sum(i.total_price), count(*)::integer
          FROM retail.sales_transaction_items i
          JOIN retail.sales_transactions t
            ON t.store_id = i.store_id AND t.transaction_id = i.transaction_id
           AND t.occurred_at = i.occurred_at
         WHERE i.store_id = s AND t.store_id = s AND t.status = 'completed'
         GROUP BY 1, 2, 3;
        INSERT INTO retail.daily_tender_sales (store_id, day, tender_type, amount, payment_count)
        SELECT p.store_id, (p.occurred_at AT TIME ZONE tz)::date, p.tender_type, sum(p.amount),
               count(*)::integer
          FROM retail.payments p
          JOIN retail.sales_transactions t
            ON t.store_id = p.store_id AND t.transaction_id = p.transaction_id
           AND t.occurred_at = p.occurred_at
         WHERE p.store_id = s AND t.store_id = s AND t.status = 'completed'
         GROUP BY 1, 2, 3;
        INSERT INTO retail.daily_cashier_sales (store_id, day, cashier_id, sales_count,
                                                returns_count, returns_amount, voids_count,
                                                voids_amount)
        SELECT store_id, day, cashier_id, sum(sales)::integer, sum(returns)::integer,
               sum(refunds), sum(voids)::integer, sum(voided)
          FROM (SELECT store_id, (occurred_at AT TIME ZONE tz)::date AS day, cashier_id,
                       (transaction_type <> 'return')::int AS sales,
                       (transaction_type = 'return')::int AS returns,
                       CASE WHEN transaction_type = 'return' THEN -total_amount ELSE 0 END
                           AS refunds,
                       0 AS voids, 0 AS voided
                  FROM retail.sales_transactions
                 WHERE store_id = s AND status = 'completed'
                UNION ALL
                SELECT store_id, (voided_at AT TIME ZONE tz)::date, voided_by, 0, 0, 0, 1,
                       total_amount
                  FROM retail.sales_transactions
                 WHERE store_id = s AND status = 'voided' AND voided_by IS NOT NULL) x
         GROUP BY 1, 2, 3;
    END LOOP;
    SET LOCAL app.current_store_id = '';
END;
$$;
