-- Sales at HQ: partitioned by month of sale time, so a time-range query reads only the months
-- it asks for (partition pruning) and retention drops whole months instead of deleting rows.
--
-- A primary key on a partitioned table must include the partition key, so
-- (store_id, transaction_id, occurred_at) alone would let one transaction ID exist in two
-- months. The small, unpartitioned registry `sales_transaction_ids` holds one row per
-- (store_id, transaction_id) and is written in the same transaction as the sale; every
-- sales_transactions row must match a registry row exactly (foreign key on all three
-- columns), so a transaction ID is unique per store across all partitions. The registry also
-- carries the receipt numbering constraints and tells a void which partition its sale is in.
--
-- Items and payments carry their transaction's occurred_at (as on the till), so they live in
-- the same month partition as their transaction and reference it by a composite key.
--
-- Partitions are created ahead by retail.ensure_sales_partitions (here, at service start,
-- and by ingest for late or future-dated sales). There is deliberately no DEFAULT partition:
-- a sale whose month is missing fails loudly instead of landing in a catch-all that would
-- later block creating that month. Retention: retail.drop_sales_partitions_before.

CREATE TABLE retail.sales_transaction_ids (
    store_id        text NOT NULL REFERENCES retail.stores (store_id),
    transaction_id  uuid NOT NULL,
    occurred_at     timestamptz NOT NULL,
    register_id     text NOT NULL,
    receipt_seq     integer NOT NULL CHECK (receipt_seq > 0),
    receipt_number  text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, transaction_id),
    -- Target of the sales_transactions foreign key: pins each transaction to one partition.
    UNIQUE (store_id, transaction_id, occurred_at),
    CONSTRAINT receipt_number_per_store UNIQUE (store_id, receipt_number),
    CONSTRAINT receipt_seq_per_register UNIQUE (store_id, register_id, receipt_seq)
);
CREATE INDEX sales_transaction_ids_time ON retail.sales_transaction_ids (occurred_at);

-- How far back sales are kept. Set by retention; ingest rejects sales older than this (their
-- month was dropped, and re-creating it would resurrect a pruned period).
CREATE TABLE retail.sales_retention (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    retained_from  timestamptz NOT NULL DEFAULT '-infinity',
    updated_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO retail.sales_retention DEFAULT VALUES;

CREATE TABLE retail.sales_transactions (
    store_id                 text NOT NULL,
    transaction_id           uuid NOT NULL,
    register_id              text NOT NULL,
    receipt_seq              integer NOT NULL CHECK (receipt_seq > 0),
    receipt_number           text NOT NULL,
    transaction_type         text NOT NULL CHECK (transaction_type IN ('sale', 'return', 'exchange')),
    status                   text NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'voided')),
    customer_id              uuid,
    cashier_id               uuid NOT NULL,
    approved_by              uuid,
    shift_id                 uuid,
    device_id                text,
    occurred_at              timestamptz NOT NULL,
    subtotal                 numeric(12,2) NOT NULL,
    discount_amount          numeric(12,2) NOT NULL DEFAULT 0,
    tax_amount               numeric(12,2) NOT NULL DEFAULT 0,
    total_amount             numeric(12,2) NOT NULL,
    original_transaction_id  uuid,
    void_reason              text,
    voided_by                uuid,
    voided_at                timestamptz,
    notes                    text,
    metadata                 jsonb NOT NULL DEFAULT '{}',
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, transaction_id, occurred_at),
    FOREIGN KEY (store_id, transaction_id, occurred_at)
        REFERENCES retail.sales_transaction_ids (store_id, transaction_id, occurred_at),
    FOREIGN KEY (store_id, register_id) REFERENCES retail.registers (store_id, register_id),
    FOREIGN KEY (store_id, shift_id) REFERENCES retail.shifts (store_id, shift_id),
    -- A customer HQ deletes later keeps the sale and loses only the link.
    FOREIGN KEY (store_id, customer_id) REFERENCES retail.customers (store_id, customer_id)
        ON DELETE SET NULL (customer_id),
    CHECK (total_amount = subtotal - discount_amount + tax_amount),
    CHECK ((status = 'voided') = (voided_at IS NOT NULL AND void_reason IS NOT NULL)),
    CHECK (transaction_type = 'sale' OR original_transaction_id IS NOT NULL)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX sales_transactions_time ON retail.sales_transactions (store_id, occurred_at);
CREATE INDEX sales_transactions_shift ON retail.sales_transactions (store_id, shift_id)
    WHERE shift_id IS NOT NULL;
CREATE INDEX sales_transactions_original ON retail.sales_transactions (store_id, original_transaction_id)
    WHERE original_transaction_id IS NOT NULL;
CREATE INDEX sales_transactions_customer ON retail.sales_transactions (store_id, customer_id)
    WHERE customer_id IS NOT NULL;

CREATE TABLE retail.sales_transaction_items (
    store_id          text NOT NULL,
    item_id           uuid NOT NULL,
    transaction_id    uuid NOT NULL,
    line_number       integer NOT NULL CHECK (line_number > 0),
    product_id        uuid NOT NULL,
    sku               text NOT NULL,
    product_name      text NOT NULL,
    category_id       integer,
    quantity          integer NOT NULL CHECK (quantity <> 0),
    unit_price        numeric(12,2) NOT NULL CHECK (unit_price >= 0),
    discount_amount   numeric(12,2) NOT NULL DEFAULT 0,
    tax_rate_ppm      integer NOT NULL CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    tax_amount        numeric(12,2) NOT NULL DEFAULT 0,
    total_price       numeric(12,2) NOT NULL,
    original_item_id  uuid,
    return_reason     text,
    restock           boolean,
    occurred_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- An item is identified within its transaction; the transaction is unique per store
    -- (registry), so (store_id, transaction_id, item_id) is unique across partitions.
    PRIMARY KEY (store_id, transaction_id, item_id, occurred_at),
    UNIQUE (store_id, transaction_id, line_number, occurred_at),
    FOREIGN KEY (store_id, transaction_id, occurred_at)
        REFERENCES retail.sales_transactions (store_id, transaction_id, occurred_at),
    CHECK (total_price = quantity * unit_price - discount_amount),
    CHECK (quantity > 0 OR original_item_id IS NOT NULL)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX sales_items_product_time ON retail.sales_transaction_items (store_id, product_id, occurred_at);
CREATE INDEX sales_items_original ON retail.sales_transaction_items (store_id, original_item_id)
    WHERE original_item_id IS NOT NULL;

CREATE TABLE retail.payments (
    store_id        text NOT NULL,
    payment_id      uuid NOT NULL,
    transaction_id  uuid NOT NULL,
    tender_type     text NOT NULL CHECK (tender_type IN ('cash', 'card')),
    amount          numeric(12,2) NOT NULL CHECK (amount <> 0),
    tendered        numeric(12,2),
    change_given    numeric(12,2) CHECK (change_given >= 0),
    card_status     text CHECK (card_status IN ('approved', 'store_and_forward')),
    card_last4      text CHECK (card_last4 ~ '^[0-9]{4}$'),
    auth_code       text,
    occurred_at     timestamptz NOT NULL,
    PRIMARY KEY (store_id, transaction_id, payment_id, occurred_at),
    FOREIGN KEY (store_id, transaction_id, occurred_at)
        REFERENCES retail.sales_transactions (store_id, transaction_id, occurred_at),
    CHECK ((tender_type = 'card') = (card_status IS NOT NULL)),
    CHECK (tender_type = 'card' OR tendered IS NOT NULL)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX payments_store_time ON retail.payments (store_id, occurred_at);

-- Items and payments never change after the sale; a transaction changes only by being voided
-- (the rollup trigger in 0003 relies on both).
CREATE TRIGGER sales_items_immutable BEFORE UPDATE OR DELETE ON retail.sales_transaction_items
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();
CREATE TRIGGER payments_immutable BEFORE UPDATE OR DELETE ON retail.payments
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();

CREATE FUNCTION retail.sales_transaction_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'sales transactions are never deleted (void them; retention drops whole months)'
            USING ERRCODE = 'P0001';
    END IF;
    IF OLD.status <> 'completed' OR NEW.status <> 'voided' THEN
        RAISE EXCEPTION 'a sales transaction may only change from completed to voided'
            USING ERRCODE = 'P0001';
    END IF;
    IF (NEW.store_id, NEW.transaction_id, NEW.register_id, NEW.receipt_seq, NEW.receipt_number,
        NEW.transaction_type, NEW.customer_id, NEW.cashier_id, NEW.approved_by, NEW.shift_id,
        NEW.device_id, NEW.occurred_at, NEW.subtotal, NEW.discount_amount, NEW.tax_amount,
        NEW.total_amount, NEW.original_transaction_id, NEW.notes, NEW.metadata, NEW.created_at)
       IS DISTINCT FROM
       (OLD.store_id, OLD.transaction_id, OLD.register_id, OLD.receipt_seq, OLD.receipt_number,
        OLD.transaction_type, OLD.customer_id, OLD.cashier_id, OLD.approved_by, OLD.shift_id,
        OLD.device_id, OLD.occurred_at, OLD.subtotal, OLD.discount_amount, OLD.tax_amount,
        OLD.total_amount, OLD.original_transaction_id, OLD.notes, OLD.metadata, OLD.created_at) THEN
        RAISE EXCEPTION 'voiding changes only the void columns of a sales transaction'
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER sales_transactions_guard BEFORE UPDATE OR DELETE ON retail.sales_transactions
    FOR EACH ROW EXECUTE FUNCTION retail.sales_transaction_guard();

-- ---------------------------------------------------------------------------------------
-- Partition management
-- ---------------------------------------------------------------------------------------

-- The month partitions of the three sales tables. Names: <table>_pYYYYMM; bounds are UTC
-- month starts.
CREATE FUNCTION retail.sales_partition_months()
RETURNS TABLE (month date, partitions integer)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT to_date(substring(c.relname FROM '_p([0-9]{6})$'), 'YYYYMM') AS month,
           count(*)::integer AS partitions
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent IN ('retail.sales_transactions'::regclass,
                           'retail.sales_transaction_items'::regclass,
                           'retail.payments'::regclass)
     GROUP BY 1
     ORDER BY 1
$$;

-- Create the month partitions covering [p_from, p_to] that do not exist yet; returns how many
-- partitions it created. SECURITY DEFINER so that ingest, running as edgepos_app, can create
-- the month of a late or future-dated sale: it reads no tenant rows, takes only validated
-- dates, has a fixed search_path, skips months before the retention horizon and refuses more
-- than 13 months ahead (a till with a wild clock must not create thousands of tables).
CREATE FUNCTION retail.ensure_sales_partitions(p_from timestamptz, p_to timestamptz)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    first_month date := date_trunc('month', p_from AT TIME ZONE 'UTC')::date;
    last_month  date := date_trunc('month', p_to AT TIME ZONE 'UTC')::date;
    horizon     timestamptz;
    m           date;
    created     integer := 0;
    locked      boolean := false;
    parent      text;
    part        text;
BEGIN
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RAISE EXCEPTION 'ensure_sales_partitions: invalid range % .. %', p_from, p_to
            USING ERRCODE = '22023';
    END IF;
    -- Never re-create months that retention dropped.
    SELECT retained_from INTO horizon FROM retail.sales_retention;
    IF isfinite(horizon) THEN
        first_month := greatest(first_month, date_trunc('month', horizon AT TIME ZONE 'UTC')::date);
    END IF;
    IF last_month > (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '13 months')::date THEN
        RAISE EXCEPTION 'ensure_sales_partitions: % is too far in the future', p_to
            USING ERRCODE = '22023';
    END IF;
    IF (last_month - first_month) > 3660 THEN
        RAISE EXCEPTION 'ensure_sales_partitions: at most ten years at a time'
            USING ERRCODE = '22023';
    END IF;
    m := first_month;
    WHILE m <= last_month LOOP
        FOREACH parent IN ARRAY ARRAY['sales_transactions', 'sales_transaction_items', 'payments'] LOOP
            part := format('%s_p%s', parent, to_char(m, 'YYYYMM'));
            IF to_regclass(format('retail.%I', part)) IS NULL THEN
                IF NOT locked THEN
                    -- Serialise creators: CREATE ... PARTITION OF takes this lock on the parent
                    -- anyway. Taking a table lock (unlike an advisory lock) also refreshes our
                    -- view of the catalog, so the re-check sees a partition another
                    -- transaction created while we waited.
                    LOCK TABLE retail.sales_transactions, retail.sales_transaction_items,
                               retail.payments IN ACCESS EXCLUSIVE MODE;
                    locked := true;
                    IF to_regclass(format('retail.%I', part)) IS NOT NULL THEN
                        CONTINUE;
                    END IF;
                END IF;
                EXECUTE format(
                    'CREATE TABLE retail.%I PARTITION OF retail.%I FOR VALUES FROM (%L) TO (%L)',
                    part, parent,
                    make_timestamptz(extract(year FROM m)::int, extract(month FROM m)::int, 1, 0, 0, 0, 'UTC'),
                    make_timestamptz(extract(year FROM (m + interval '1 month'))::int,
                                     extract(month FROM (m + interval '1 month'))::int, 1, 0, 0, 0, 'UTC'));
                -- Defence in depth: nobody reads a partition directly. Queries go through the
                -- parent, whose policies apply; RLS with no policy on the partition denies
                -- any direct access (the app role has no grant on it anyway).
                EXECUTE format('ALTER TABLE retail.%I ENABLE ROW LEVEL SECURITY', part);
                EXECUTE format('ALTER TABLE retail.%I FORCE ROW LEVEL SECURITY', part);
                created := created + 1;
            END IF;
        END LOOP;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END;
$$;

-- Ingest calls this with the sale times of a batch: one round trip, creates what is missing.
CREATE FUNCTION retail.ensure_sales_partitions_for(p_times timestamptz[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    m timestamptz;
    created integer := 0;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
               FROM unnest(p_times) AS t WHERE t IS NOT NULL LOOP
        created := created + retail.ensure_sales_partitions(m, m);
    END LOOP;
    RETURN created;
END;
$$;

-- Retention: drop every month partition that ends on or before p_cutoff's month start, remove
-- the registry rows of those sales, and move the retention horizon. Owner-only (not granted to
-- the app). Registry rows are deleted store by store with the tenant key set, because row
-- security applies to the owner too (FORCE): there is no bypass, even for maintenance.
-- Rollups (daily_sales) are kept: they are small and are the long-term history.
CREATE FUNCTION retail.drop_sales_partitions_before(p_cutoff timestamptz)
RETURNS TABLE (dropped text)
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    cutoff_month date := date_trunc('month', p_cutoff AT TIME ZONE 'UTC')::date;
    cutoff timestamptz := make_timestamptz(extract(year FROM cutoff_month)::int,
                                          extract(month FROM cutoff_month)::int, 1, 0, 0, 0, 'UTC');
    r record;
    s text;
    previous_key text := current_setting('app.current_store_id', true);
BEGIN
    IF cutoff > now() THEN
        RAISE EXCEPTION 'drop_sales_partitions_before: refusing to drop the current or future months'
            USING ERRCODE = '22023';
    END IF;
    LOCK TABLE retail.sales_transactions, retail.sales_transaction_items, retail.payments
        IN ACCESS EXCLUSIVE MODE;
    -- Children before parents: items and payments reference their transactions. A partition
    -- that a foreign key references must be detached (which checks nothing references it any
    -- more) before it can be dropped.
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
    FOR s IN SELECT store_id FROM retail.stores LOOP
        PERFORM set_config('app.current_store_id', s, true);
        DELETE FROM retail.sales_transaction_ids WHERE store_id = s AND occurred_at < cutoff;
    END LOOP;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    UPDATE retail.sales_retention SET retained_from = greatest(retained_from, cutoff), updated_at = now();
END;
$$;

-- Months around now exist from the start; the service and ingest keep them coming.
SELECT retail.ensure_sales_partitions(now() - interval '1 month', now() + interval '3 months');
