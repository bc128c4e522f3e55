-- Reverses 0011: the triggers and functions of 0003 (as 0009 left them), and the grants.
REVOKE INSERT, UPDATE, DELETE ON retail.daily_sales FROM edgepos_app;
REVOKE INSERT, UPDATE ON retail.stock_levels FROM edgepos_app;
REVOKE INSERT, UPDATE ON retail.stock_alerts FROM edgepos_app;
GRANT UPDATE (acknowledged_by, acknowledged_at, updated_at) ON retail.stock_alerts TO edgepos_app;

CREATE FUNCTION retail.assert_tenant_rows(p_store_ids text[], p_what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
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

CREATE FUNCTION retail.daily_sales_on_items() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM retail.assert_tenant_rows(ARRAY(SELECT DISTINCT store_id FROM new_items), 'sales items');
    WITH keys AS (
        SELECT DISTINCT store_id, transaction_id, occurred_at FROM new_items
    ), excluded AS MATERIALIZED (
        SELECT k.store_id, k.transaction_id, k.occurred_at
          FROM keys k
          LEFT JOIN LATERAL (
                SELECT x.status FROM retail.sales_transactions x
                 WHERE x.store_id = k.store_id AND x.transaction_id = k.transaction_id
                   AND x.occurred_at = k.occurred_at
                 LIMIT 1) t ON true
         WHERE t.status IS DISTINCT FROM 'completed'
    )
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
      CROSS JOIN LATERAL (SELECT timezone FROM retail.stores WHERE store_id = i.store_id) s
     WHERE NOT EXISTS (SELECT 1 FROM excluded e
                        WHERE e.store_id = i.store_id AND e.transaction_id = i.transaction_id
                          AND e.occurred_at = i.occurred_at)
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

CREATE FUNCTION retail.daily_sales_on_void() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
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

CREATE FUNCTION retail.rebuild_daily_sales(p_store_id text, p_from date, p_to date)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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

CREATE FUNCTION retail.stock_on_movements() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s_ids  text[];
    p_ids  uuid[];
    hands  integer[];
    points integer[];
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
    )
    SELECT array_agg(v.store_id), array_agg(v.product_id), array_agg(v.on_hand), array_agg(p.reorder_point)
      INTO s_ids, p_ids, hands, points
      FROM levels v
      JOIN LATERAL (SELECT x.reorder_point FROM retail.products x
                     WHERE x.store_id = v.store_id AND x.product_id = v.product_id) p ON true;
    IF s_ids IS NULL THEN
        RETURN NULL;   -- movements of products the catalog no longer has: no alert to judge
    END IF;
    -- At or below the reorder point: open an alert, or refresh the one already open.
    INSERT INTO retail.stock_alerts AS a (store_id, product_id, alert_type, on_hand, reorder_point, message)
    SELECT j.s, j.p, 'low_stock', j.h, j.r,
           format('On hand %s is at or below the reorder point %s', j.h, j.r)
      FROM unnest(s_ids, p_ids, hands, points) AS j(s, p, h, r)
     WHERE j.h <= j.r
     ORDER BY 1, 2
    ON CONFLICT (store_id, product_id, alert_type) WHERE status = 'open' DO UPDATE SET
        on_hand = EXCLUDED.on_hand,
        reorder_point = EXCLUDED.reorder_point,
        message = EXCLUDED.message,
        updated_at = now();
    -- Back above it: resolve the open alert (found per product through the partial unique
    -- index, then updated by primary key).
    UPDATE retail.stock_alerts a
       SET status = 'resolved', resolved_at = now(), updated_at = now(), on_hand = o.h
      FROM (SELECT x.store_id, x.alert_id, j.h
              FROM unnest(s_ids, p_ids, hands, points) AS j(s, p, h, r)
             CROSS JOIN LATERAL (
                   SELECT y.store_id, y.alert_id FROM retail.stock_alerts y
                    WHERE y.store_id = j.s AND y.product_id = j.p
                      AND y.alert_type = 'low_stock' AND y.status = 'open'
                    LIMIT 1) x
             WHERE j.h > j.r) o
     WHERE a.store_id = o.store_id AND a.alert_id = o.alert_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER stock_movements_levels AFTER INSERT ON retail.stock_movements
    REFERENCING NEW TABLE AS new_movements
    FOR EACH STATEMENT EXECUTE FUNCTION retail.stock_on_movements();
