-- The HQ sync service's own tables (issue 4): device enrollment and credentials, the per-device
-- exactly-once counter with a log of every mutation HQ received, and the change feed that
-- carries catalog changes down to the tills in commit order.
--
-- Every table here is a tenant table: store_id leads every key and row-level security keeps
-- stores apart exactly as in `retail` (0004). A device never names its store: the sync service
-- takes it from the device's verified credential (sync/server/auth.ts) and sets the tenant key
-- for the transaction (withTenant).

CREATE SCHEMA sync;
REVOKE ALL ON SCHEMA sync FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA sync REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- Enrollment and devices
-- ---------------------------------------------------------------------------------------

-- One-time enrollment codes. The code shown to HQ staff is `<store_id>.<secret>`; only the
-- SHA-256 of the secret is stored. Looking a code up needs its store (the tenant key), so a
-- code altered to name another store is simply not found there.
CREATE TABLE sync.enrollment_codes (
    store_id     text NOT NULL REFERENCES retail.stores (store_id),
    code_hash    text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    register_id  text NOT NULL,
    label        text CHECK (length(label) <= 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    device_id    uuid,
    PRIMARY KEY (store_id, code_hash),
    FOREIGN KEY (store_id, register_id) REFERENCES retail.registers (store_id, register_id),
    CHECK (expires_at > created_at),
    CHECK ((used_at IS NULL) = (device_id IS NULL))
);

-- Enrolled tills. The credential a till holds is `<store_id>.<device_id>.<secret>`; only the
-- SHA-256 of the 256-bit secret is stored (a high-entropy secret needs no slow hash).
-- last_mutation_id is the exactly-once counter: it moves only in the transaction that applies
-- the mutations it counts (sync/server/push.ts).
CREATE TABLE sync.devices (
    store_id          text NOT NULL REFERENCES retail.stores (store_id),
    device_id         uuid NOT NULL,
    register_id       text NOT NULL,
    secret_hash       text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    label             text CHECK (length(label) <= 100),
    enrolled_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at        timestamptz,
    revoked_reason    text,
    -- Set when the till continued as a new device after its mutation counter regressed
    -- (a database restored without its journal): the old numbering stays HQ's history.
    superseded_by     uuid,
    last_mutation_id  bigint NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
    last_seen_at      timestamptz,
    last_push_at      timestamptz,
    last_pull_at      timestamptz,
    -- Feed position the till reported with its last pull (for "cursor lag" in administration).
    pull_txid         xid8,
    pull_seq          bigint,
    -- Unacknowledged local changes the till reported with its last request.
    reported_pending  integer CHECK (reported_pending >= 0),
    -- An administrator asked this till to download its catalog afresh.
    resync_requested_at timestamptz,
    PRIMARY KEY (store_id, device_id),
    FOREIGN KEY (store_id, register_id) REFERENCES retail.registers (store_id, register_id),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);

-- Every mutation HQ received from a device, with the hash of its content: a replayed ID is
-- acknowledged only if its content is the same, so a till whose counter went backwards never
-- has a new sale mistaken for an old one. Rejections keep their code and message and are
-- sent back to the till, also on a replay (the answer to a lost acknowledgement).
CREATE TABLE sync.mutation_log (
    store_id       text NOT NULL,
    device_id      uuid NOT NULL,
    mutation_id    bigint NOT NULL CHECK (mutation_id > 0),
    mutation_type  text NOT NULL,
    payload_hash   text NOT NULL CHECK (payload_hash ~ '^[0-9a-f]{64}$'),
    status         text NOT NULL CHECK (status IN ('applied', 'duplicate', 'rejected')),
    code           text,
    message        text,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, device_id, mutation_id),
    FOREIGN KEY (store_id, device_id) REFERENCES sync.devices (store_id, device_id),
    CHECK ((status = 'rejected') = (code IS NOT NULL AND message IS NOT NULL))
);
CREATE INDEX mutation_log_rejected ON sync.mutation_log (store_id, device_id, mutation_id)
    WHERE status = 'rejected';

-- ---------------------------------------------------------------------------------------
-- The change feed
-- ---------------------------------------------------------------------------------------

-- One row per changed row of a synced table, written by the triggers below in the writing
-- transaction, plus `device_ack` rows written with each applied push. txid is the writing
-- transaction's ID: the feed (sync/server/feed.ts) returns only rows whose txid is below
-- pg_snapshot_xmin(pg_current_snapshot()) -- every transaction below it has finished, so no
-- row can appear there later -- in (txid, seq) order after the till's cursor. A plain
-- sequence or timestamp cursor would skip rows of transactions that commit out of order.
-- Rows carry no data: the feed joins them to the current row at read time (missing = deleted).
CREATE TABLE sync.change_log (
    store_id    text NOT NULL,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    entity      text NOT NULL CHECK (entity IN ('store', 'category', 'category_tax_rate',
                    'register', 'staff', 'product', 'customer', 'stock_level', 'embedding',
                    'device_ack')),
    key         text NOT NULL,
    -- The row's version when written (device_ack: the device's last applied mutation ID).
    version     bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, seq)
);
CREATE INDEX change_log_feed ON sync.change_log (store_id, txid, seq);
CREATE INDEX change_log_age ON sync.change_log (store_id, created_at);

-- Per store: the feed's identity and how far retention has pruned it. A cursor from another
-- epoch (the feed was reset) or below the pruned position cannot be continued: the till
-- downloads a fresh snapshot instead.
CREATE TABLE sync.feed_state (
    store_id     text PRIMARY KEY REFERENCES retail.stores (store_id),
    epoch        uuid NOT NULL DEFAULT gen_random_uuid(),
    pruned_txid  xid8 NOT NULL DEFAULT '0',
    pruned_seq   bigint NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Statement-level: a 1,000-row upsert costs one INSERT into the log, not 1,000. Rows are
-- grouped by store and the tenant key is set to each row's store while its entries are
-- written, so the log's row-level security accepts them whoever writes the source table
-- (edgepos_app inside withTenant, the owner's stock trigger, or HQ staff editing shared
-- tables without a key); the previous key is restored afterwards.
--   TG_ARGV[0]  entity name
--   TG_ARGV[1]  SQL expression of the entity key over the table's columns
CREATE FUNCTION sync.log_changes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    entity constant text := TG_ARGV[0];
    key_expr constant text := TG_ARGV[1];
    source text;
    previous_key text := current_setting('app.current_store_id', true);
    s text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        source := format('SELECT store_id, %s AS key, version FROM new_rows', key_expr);
    ELSIF TG_OP = 'DELETE' THEN
        source := format('SELECT store_id, %s AS key, NULL::bigint AS version FROM old_rows', key_expr);
    ELSE
        -- Old keys too: an update that changes a key deletes the old one at the till.
        source := format('SELECT store_id, %s AS key, version FROM new_rows
                          UNION ALL SELECT store_id, %s AS key, NULL::bigint FROM old_rows',
                         key_expr, key_expr);
    END IF;
    FOR s IN EXECUTE format('SELECT DISTINCT store_id FROM (%s) r ORDER BY 1', source) LOOP
        PERFORM set_config('app.current_store_id', s, true);
        EXECUTE format(
            'INSERT INTO sync.change_log (store_id, entity, key, version)
             SELECT store_id, %L, key, max(version) FROM (%s) r
              WHERE store_id = $1 GROUP BY store_id, key ORDER BY key', entity, source)
        USING s;
        PERFORM pg_notify('edgepos_changes', s);
    END LOOP;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    RETURN NULL;
END;
$$;

-- Categories are shared by every store: a change is logged once per store.
CREATE FUNCTION sync.log_category_changes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    keys text[];
    previous_key text := current_setting('app.current_store_id', true);
    s text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT category_id::text) INTO keys FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT category_id::text) INTO keys FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT k) INTO keys FROM (
            SELECT category_id::text AS k FROM new_rows
            UNION SELECT category_id::text FROM old_rows) u;
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    FOR s IN SELECT store_id FROM retail.stores ORDER BY store_id LOOP
        PERFORM set_config('app.current_store_id', s, true);
        INSERT INTO sync.change_log (store_id, entity, key)
        SELECT s, 'category', k FROM unnest(keys) AS k ORDER BY k;
    END LOOP;
    PERFORM set_config('app.current_store_id', coalesce(previous_key, ''), true);
    PERFORM pg_notify('edgepos_changes', '*');
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN SELECT * FROM (VALUES
        ('stores', 'store', 'store_id'),
        ('category_tax_rates', 'category_tax_rate', 'category_id::text'),
        ('registers', 'register', 'register_id'),
        ('staff', 'staff', 'staff_id::text'),
        ('products', 'product', 'product_id::text'),
        ('customers', 'customer', 'customer_id::text'),
        ('stock_levels', 'stock_level', 'product_id::text'),
        ('product_embeddings', 'embedding', $k$product_id::text || '/' || embedding_model$k$)
    ) AS t(tbl, entity, key_expr)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON retail.%I
                          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                          EXECUTE FUNCTION sync.log_changes(%L, %L)',
                       spec.tbl || '_feed_insert', spec.tbl, spec.entity, spec.key_expr);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON retail.%I
                          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                          EXECUTE FUNCTION sync.log_changes(%L, %L)',
                       spec.tbl || '_feed_update', spec.tbl, spec.entity, spec.key_expr);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON retail.%I
                          REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                          EXECUTE FUNCTION sync.log_changes(%L, %L)',
                       spec.tbl || '_feed_delete', spec.tbl, spec.entity, spec.key_expr);
    END LOOP;
END;
$$;

CREATE TRIGGER product_categories_feed_insert AFTER INSERT ON retail.product_categories
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync.log_category_changes();
CREATE TRIGGER product_categories_feed_update AFTER UPDATE ON retail.product_categories
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync.log_category_changes();
CREATE TRIGGER product_categories_feed_delete AFTER DELETE ON retail.product_categories
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync.log_category_changes();

-- ---------------------------------------------------------------------------------------
-- Isolation and grants
-- ---------------------------------------------------------------------------------------

SELECT retail.apply_tenant_isolation(t::regclass) FROM unnest(ARRAY[
    'sync.enrollment_codes', 'sync.devices', 'sync.mutation_log', 'sync.change_log',
    'sync.feed_state'
]) AS t;

GRANT USAGE ON SCHEMA sync TO edgepos_app, edgepos_reporting;
GRANT SELECT, INSERT, UPDATE ON sync.enrollment_codes, sync.devices, sync.feed_state TO edgepos_app;
GRANT SELECT, INSERT ON sync.mutation_log TO edgepos_app;
-- DELETE: retention prunes old feed rows (sync/server/retention.ts).
GRANT SELECT, INSERT, DELETE ON sync.change_log TO edgepos_app;
GRANT SELECT ON ALL TABLES IN SCHEMA sync TO edgepos_reporting;
