-- Derived data maintained in the writing transaction, never on a timer:
--   daily_sales   per store, store-local day and product; exact for late offline sales (they
--                 add to the day they happened), voids (subtract) and returns (signed lines);
--   stock_levels  on-hand per store and product = sum of the movement ledger;
--   stock_alerts  low-stock alerts, at most one open per store, product and type (partial
--                 unique index), opened and resolved as stock crosses the reorder point.
--
-- The triggers are statement-level with transition tables: a 5,000-line batch costs one
-- aggregate upsert, not 5,000. Their functions are SECURITY DEFINER (owned by the owner,
-- fixed search_path) so that edgepos_app needs no write grant on derived tables and cannot
-- forge a rollup or a stock level. They are no bypass: FORCE ROW LEVEL SECURITY subjects the
-- owner to the same store guard, so they read and write only the current tenant's rows, and
-- they refuse to run when written rows do not belong to the tenant key in force.

CREATE TABLE retail.daily_sales (
    store_id           text NOT NULL REFERENCES retail.stores (store_id),
    day                date NOT NULL,
    product_id         uuid NOT NULL,
    quantity           integer NOT NULL,     -- signed: sold minus returned
    quantity_sold      integer NOT NULL,
    quantity_returned  integer NOT NULL,
    gross              numeric(12,2) NOT NULL,   -- sum of quantity x unit price
    discount           numeric(12,2) NOT NULL,
    tax                numeric(12,2) NOT NULL,
    net                numeric(12,2) NOT NULL,   -- gross - discount (before tax)
    returns            numeric(12,2) NOT NULL,   -- net refunded on returned lines (positive)
    line_count         integer NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, day, product_id),
    CHECK (net = gross - discount)
);
CREATE INDEX daily_sales_product ON retail.daily_sales (store_id, product_id, day);

CREATE TABLE retail.stock_alerts (
    store_id         text NOT NULL REFERENCES retail.stores (store_id),
    alert_id         uuid NOT NULL DEFAULT gen_random_uuid(),
    product_id       uuid NOT NULL,
    alert_type       text NOT NULL CHECK (alert_type IN ('low_stock')),
    -- Acknowledging keeps an alert open (it only records who saw it), so the de-duplication
    -- index below still holds while the product stays low.
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    on_hand          integer NOT NULL,
    reorder_point    integer NOT NULL,
    message          text NOT NULL,
    opened_at        timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_by  uuid,
    acknowledged_at  timestamptz,
    resolved_at      timestamptz,
    PRIMARY KEY (store_id, alert_id),
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
-- De-duplication: one open alert per store, product and type; repeated low readings update it.
CREATE UNIQUE INDEX stock_alerts_one_open ON retail.stock_alerts (store_id, product_id, alert_type)
    WHERE status = 'open';
CREATE INDEX stock_alerts_recent ON retail.stock_alerts (store_id, opened_at DESC);

-- Rows written must belong to the tenant key of the transaction: derived data is computed
-- under the guard, so a writer without the key (or writing for another store) would make it
-- silently wrong. Fail loudly instead.
CREATE FUNCTION retail.assert_tenant_rows(p_store_ids text[], p_what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $$
DECLARE
    tenant text := NULLIF(current_setting('app.current_store_id', true), '');
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION '% written without a tenant key: write inside withTenant()', p_what
            USING ERRCODE = '42501';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_store_ids) s WHERE s IS DISTINCT FROM tenant) THEN
        RAISE EXCEPTION '% written for another store than the tenant key %', p_what, tenant
            USING ERRCODE = '42501';
    END IF;
END;
$$;

-- ---------------------------------------------------------------------------------------
-- daily_sales
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION retail.daily_sales_on_items() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM retail.assert_tenant_rows(ARRAY(SELECT DISTINCT store_id FROM new_items), 'sales items');
    INSERT INTO retail.daily_sales AS d
        (store_id, day, product_id, quantity, quantity_sold, quantity_returned, gross, discount,
         tax, net, returns, line_count, updated_at)
    SELECT i.store_id, (i.occurred_at AT TIME ZONE s.timezone)::date, i.product_id,
           sum(i.quantity)::integer,
           sum(greatest(i.quantity, 0))::integer,
           sum(greatest(-i.quantity, 0))::integer,
           sum(i.quantity * i.unit_price), sum(i.discount_amount), sum(i.tax_amount),
           sum(i.total_price),
           sum(CASE WHEN i.quantity < 0 THEN -i.total_price ELSE 0 END),
           count(*)::integer, now()
      FROM new_items i
      JOIN retail.sales_transactions t
        ON t.store_id = i.store_id AND t.transaction_id = i.transaction_id
       AND t.occurred_at = i.occurred_at
      JOIN retail.stores s ON s.store_id = i.store_id
     WHERE t.status = 'completed'
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3   -- a fixed lock order keeps concurrent batches from deadlocking
    ON CONFLICT (store_id, day, product_id) DO UPDATE SET
        quantity = d.quantity + EXCLUDED.quantity,
        quantity_sold = d.quantity_sold + EXCLUDED.quantity_sold,
        quantity_returned = d.quantity_returned + EXCLUDED.quantity_returned,
        gross = d.gross + EXCLUDED.gross,
        discount = d.discount + EXCLUDED.discount,
        tax = d.tax + EXCLUDED.tax,
        net = d.net + EXCLUDED.net,
        returns = d.returns + EXCLUDED.returns,
        line_count = d.line_count + EXCLUDED.line_count,
        updated_at = now();
    RETURN NULL;
END;
$$;
CREATE TRIGGER sales_items_daily_sales AFTER INSERT ON retail.sales_transaction_items
    REFERENCING NEW TABLE AS new_items
    FOR EACH STATEMENT EXECUTE FUNCTION retail.daily_sales_on_items();

-- A void takes the transaction's lines out of the day they were sold (not the day of the void).
CREATE FUNCTION retail.daily_sales_on_void() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    empty_stores   text[];
    empty_days     date[];
    empty_products uuid[];
BEGIN
    PERFORM retail.assert_tenant_rows(ARRAY(SELECT DISTINCT store_id FROM new_rows), 'voids');
    WITH voided AS (
        SELECT n.store_id, n.transaction_id, n.occurred_at
          FROM new_rows n
          JOIN old_rows o
            ON o.store_id = n.store_id AND o.transaction_id = n.transaction_id
           AND o.occurred_at = n.occurred_at
         WHERE o.status = 'completed' AND n.status = 'voided'
    ), lines AS (
        SELECT i.store_id, (i.occurred_at AT TIME ZONE s.timezone)::date AS day, i.product_id,
               -sum(i.quantity)::integer AS quantity,
               -sum(greatest(i.quantity, 0))::integer AS quantity_sold,
               -sum(greatest(-i.quantity, 0))::integer AS quantity_returned,
               -sum(i.quantity * i.unit_price) AS gross,
               -sum(i.discount_amount) AS discount,
               -sum(i.tax_amount) AS tax,
               -sum(i.total_price) AS net,
               -sum(CASE WHEN i.quantity < 0 THEN -i.total_price ELSE 0 END) AS returns,
               -count(*)::integer AS line_count
          FROM voided v
          JOIN retail.sales_transaction_items i
            ON i.store_id = v.store_id AND i.transaction_id = v.transaction_id
           AND i.occurred_at = v.occurred_at
          JOIN retail.stores s ON s.store_id = i.store_id
         GROUP BY 1, 2, 3
    ), updated AS (
        UPDATE retail.daily_sales d SET
            quantity = d.quantity + l.quantity,
            quantity_sold = d.quantity_sold + l.quantity_sold,
            quantity_returned = d.quantity_returned + l.quantity_returned,
            gross = d.gross + l.gross,
            discount = d.discount + l.discount,
            tax = d.tax + l.tax,
            net = d.net + l.net,
            returns = d.returns + l.returns,
            line_count = d.line_count + l.line_count,
            updated_at = now()
          FROM lines l
         WHERE d.store_id = l.store_id AND d.day = l.day AND d.product_id = l.product_id
        RETURNING d.store_id, d.day, d.product_id, d.line_count
    )
    SELECT array_agg(u.store_id), array_agg(u.day), array_agg(u.product_id)
      INTO empty_stores, empty_days, empty_products
      FROM updated u
     WHERE u.line_count = 0;
    -- A day and product left with no lines disappears (as if never sold). This must be its own
    -- statement: a row updated by a statement cannot also be deleted by that statement.
    IF empty_stores IS NOT NULL THEN
        DELETE FROM retail.daily_sales d
         USING unnest(empty_stores, empty_days, empty_products) AS e(store_id, day, product_id)
         WHERE d.store_id = e.store_id AND d.day = e.day AND d.product_id = e.product_id
           AND d.line_count = 0;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER sales_transactions_daily_sales AFTER UPDATE ON retail.sales_transactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION retail.daily_sales_on_void();

-- Recompute one store's rollup for a range of store-local days from the raw lines (owner
-- maintenance: after a store's timezone changes, after bulk loads with triggers disabled, or
-- to prove the incremental rollup exact). Runs under the store's tenant key.
CREATE FUNCTION retail.rebuild_daily_sales(p_store_id text, p_from date, p_to date)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    previous_key text := current_setting('app.current_store_id', true);
    tz text;
    n integer;
BEGIN
    SELECT timezone INTO tz FROM retail.stores WHERE store_id = p_store_id;
    IF tz IS NULL THEN
        RAISE EXCEPTION 'rebuild_daily_sales: unknown store %', p_store_id USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('app.current_store_id', p_store_id, true);
    DELETE FROM retail.daily_sales WHERE store_id = p_store_id AND day BETWEEN p_from AND p_to;
    INSERT INTO retail.daily_sales
        (store_id, day, product_id, quantity, quantity_sold, quantity_returned, gross, discount,
         tax, net, returns, line_count, updated_at)
    SELECT i.store_id, (i.occurred_at AT TIME ZONE tz)::date, i.product_id,
           sum(i.quantity)::integer, sum(greatest(i.quantity, 0))::integer,
           sum(greatest(-i.quantity, 0))::integer, sum(i.quantity * i.unit_price),
           sum(i.discount_amount), sum(i.tax_amount), sum(i.total_price),
           sum(CASE WHEN i.quantity < 0 THEN -i.total_price ELSE 0 END), count(*)::integer, now()
      FROM retail.sales_transaction_items i
      JOIN retail.sales_transactions t
        ON t.store_id = i.store_id AND t.transaction_id = i.transaction_id
       AND t.occurred_at = i.occurred_at
     WHERE i.store_id = p_store_id AND t.status = 'completed'
       -- a day is at most 26 hours wide in any timezone: widen the UTC window, then filter
       AND i.occurred_at >= (p_from::timestamp AT TIME ZONE 'UTC') - interval '1 day'
       AND i.occurred_at < ((p_to + 1)::timestamp AT TIME ZONE 'UTC') + interval '1 day'
       AND (i.occurred_at AT TIME ZONE tz)::date BETWEEN p_from AND p_to
     GROUP BY 1, 2, 3;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    RETURN n;
END;
$$;

-- ---------------------------------------------------------------------------------------
-- stock_levels and stock_alerts
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION retail.stock_on_movements() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM retail.assert_tenant_rows(ARRAY(SELECT DISTINCT store_id FROM new_movements), 'stock movements');
    WITH delta AS (
        SELECT store_id, product_id, sum(quantity_delta)::integer AS d
          FROM new_movements
         GROUP BY 1, 2
         ORDER BY 1, 2
    ), levels AS (
        INSERT INTO retail.stock_levels AS l (store_id, product_id, on_hand)
        SELECT store_id, product_id, d FROM delta
        ON CONFLICT (store_id, product_id) DO UPDATE SET on_hand = l.on_hand + EXCLUDED.on_hand
        RETURNING l.store_id, l.product_id, l.on_hand
    ), judged AS (
        SELECT v.store_id, v.product_id, v.on_hand, p.reorder_point,
               v.on_hand <= p.reorder_point AS low
          FROM levels v
          JOIN retail.products p ON p.store_id = v.store_id AND p.product_id = v.product_id
    ), opened AS (
        INSERT INTO retail.stock_alerts AS a
            (store_id, product_id, alert_type, on_hand, reorder_point, message)
        SELECT store_id, product_id, 'low_stock', on_hand, reorder_point,
               format('On hand %s is at or below the reorder point %s', on_hand, reorder_point)
          FROM judged WHERE low
         ORDER BY 1, 2
        ON CONFLICT (store_id, product_id, alert_type) WHERE status = 'open' DO UPDATE SET
            on_hand = EXCLUDED.on_hand,
            reorder_point = EXCLUDED.reorder_point,
            message = EXCLUDED.message,
            updated_at = now()
        RETURNING 1
    )
    UPDATE retail.stock_alerts a
       SET status = 'resolved', resolved_at = now(), updated_at = now(), on_hand = j.on_hand
      FROM judged j
     WHERE NOT j.low
       AND a.store_id = j.store_id AND a.product_id = j.product_id
       AND a.alert_type = 'low_stock' AND a.status = 'open';
    RETURN NULL;
END;
$$;
CREATE TRIGGER stock_movements_levels AFTER INSERT ON retail.stock_movements
    REFERENCING NEW TABLE AS new_movements
    FOR EACH STATEMENT EXECUTE FUNCTION retail.stock_on_movements();
