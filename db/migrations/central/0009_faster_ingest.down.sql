-- Reverses 0009: foreign keys back onto sales_transactions, trigger functions as in 0003.
CREATE INDEX stock_movements_transaction ON retail.stock_movements (store_id, transaction_id)
    WHERE transaction_id IS NOT NULL;
ALTER TABLE retail.sales_transaction_items DROP CONSTRAINT sales_items_transaction_fkey;
ALTER TABLE retail.payments DROP CONSTRAINT payments_transaction_fkey;
ALTER TABLE retail.sales_transaction_items
    ADD FOREIGN KEY (store_id, transaction_id, occurred_at)
        REFERENCES retail.sales_transactions (store_id, transaction_id, occurred_at);
ALTER TABLE retail.payments
    ADD FOREIGN KEY (store_id, transaction_id, occurred_at)
        REFERENCES retail.sales_transactions (store_id, transaction_id, occurred_at);

CREATE OR REPLACE FUNCTION retail.daily_sales_on_items() RETURNS trigger
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

CREATE OR REPLACE FUNCTION retail.stock_on_movements() RETURNS trigger
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
