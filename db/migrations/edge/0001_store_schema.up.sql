-- The till's database: one store's tenant slice of the retail schema, plus what a till needs.
--
-- Two schemas keep synced data apart from local-only state (a resync may replace `retail`
-- tables wholesale; it must never touch `pos`):
--   retail  business tables shared with HQ, same column names and types as central
--   pos     local-only: outbox, counters, sync state, held carts, PIN lockout
--
-- Conventions: every tenant row carries store_id and store_id leads its keys; money is
-- numeric(12,2) (integer cents in TypeScript); rates are integer parts per million; IDs born
-- on the till are UUIDv7 generated in TypeScript; rows pulled from HQ carry `version`.

CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE SCHEMA retail;
CREATE SCHEMA pos;

-- ---------------------------------------------------------------------------------------
-- Reference and tenant registry
-- ---------------------------------------------------------------------------------------

CREATE TABLE retail.stores (
    store_id        text PRIMARY KEY CHECK (store_id ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
    store_name      text NOT NULL CHECK (length(store_name) BETWEEN 1 AND 100),
    store_location  text,
    store_type      text NOT NULL DEFAULT 'standard'
                    CHECK (store_type IN ('flagship', 'standard', 'ecommerce', 'outlet')),
    region          text,
    currency        text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    timezone        text NOT NULL DEFAULT 'UTC',
    tax_rate_ppm    integer NOT NULL DEFAULT 0 CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    -- A line or order discount above this share of the price needs a manager's PIN.
    manager_discount_threshold_ppm integer NOT NULL DEFAULT 200000
                    CHECK (manager_discount_threshold_ppm BETWEEN 0 AND 1000000),
    -- Card payments taken while offline (store-and-forward) are capped per sale.
    offline_card_limit numeric(12,2) NOT NULL DEFAULT 500.00 CHECK (offline_card_limit >= 0),
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         bigint NOT NULL DEFAULT 1
);

CREATE TABLE retail.product_categories (
    category_id         integer PRIMARY KEY,
    category_name       text NOT NULL UNIQUE CHECK (length(category_name) BETWEEN 1 AND 100),
    parent_category_id  integer REFERENCES retail.product_categories (category_id),
    description         text,
    is_active           boolean NOT NULL DEFAULT true,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             bigint NOT NULL DEFAULT 1
);

-- Per-category tax overrides for one store (e.g. groceries taxed lower than electronics).
CREATE TABLE retail.category_tax_rates (
    store_id      text NOT NULL REFERENCES retail.stores (store_id),
    category_id   integer NOT NULL REFERENCES retail.product_categories (category_id),
    tax_rate_ppm  integer NOT NULL CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, category_id)
);

CREATE TABLE retail.registers (
    store_id       text NOT NULL REFERENCES retail.stores (store_id),
    register_id    text NOT NULL CHECK (register_id ~ '^[A-Z0-9]{1,8}$'),
    register_name  text NOT NULL,
    is_active      boolean NOT NULL DEFAULT true,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, register_id)
);

-- PINs are stored as bcrypt hashes (pgcrypto crypt/gen_salt), never in clear.
CREATE TABLE retail.staff (
    store_id      text NOT NULL REFERENCES retail.stores (store_id),
    staff_id      uuid NOT NULL,
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role          text NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash      text NOT NULL CHECK (pin_hash LIKE '$2%'),
    is_active     boolean NOT NULL DEFAULT true,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, staff_id)
);

-- ---------------------------------------------------------------------------------------
-- Catalog and customers (pulled from HQ; customers may also be created at the till)
-- ---------------------------------------------------------------------------------------

CREATE TABLE retail.products (
    store_id             text NOT NULL REFERENCES retail.stores (store_id),
    product_id           uuid NOT NULL,
    sku                  text NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$'),
    barcode              text CHECK (barcode ~ '^[0-9A-Za-z-]{1,64}$'),
    product_name         text NOT NULL CHECK (length(product_name) BETWEEN 1 AND 200),
    product_description  text,
    category_id          integer REFERENCES retail.product_categories (category_id),
    brand                text,
    model                text,
    color                text,
    size                 text,
    weight_kg            numeric(8,3) CHECK (weight_kg >= 0),
    price                numeric(12,2) NOT NULL CHECK (price >= 0),
    cost                 numeric(12,2) CHECK (cost >= 0),
    minimum_stock        integer NOT NULL DEFAULT 0 CHECK (minimum_stock >= 0),
    reorder_point        integer NOT NULL DEFAULT 10 CHECK (reorder_point >= 0),
    supplier_name        text,
    is_active            boolean NOT NULL DEFAULT true,
    is_featured          boolean NOT NULL DEFAULT false,
    rating_average       numeric(3,2) NOT NULL DEFAULT 0 CHECK (rating_average BETWEEN 0 AND 5),
    rating_count         integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    tags                 text[] NOT NULL DEFAULT '{}',
    metadata             jsonb NOT NULL DEFAULT '{}',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              bigint NOT NULL DEFAULT 1,
    -- Weighted document for full-text search: what the cashier names first ranks first.
    search_document      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(product_name, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(brand, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig,
            coalesce(model, '') || ' ' || coalesce(color, '') || ' ' || coalesce(size, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(product_description, '')), 'C')
    ) STORED,
    PRIMARY KEY (store_id, product_id),
    CONSTRAINT unique_sku_per_store UNIQUE (store_id, sku)
);

CREATE UNIQUE INDEX products_barcode_per_store ON retail.products (store_id, barcode)
    WHERE barcode IS NOT NULL;
CREATE INDEX products_category ON retail.products (store_id, category_id, product_name)
    WHERE is_active;
CREATE INDEX products_tags ON retail.products USING gin (tags);
CREATE INDEX products_metadata ON retail.products USING gin (metadata jsonb_path_ops);
CREATE INDEX products_search_document ON retail.products USING gin (search_document);

CREATE TABLE retail.customers (
    store_id              text NOT NULL REFERENCES retail.stores (store_id),
    customer_id           uuid NOT NULL,
    first_name            text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 50),
    last_name             text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 50),
    email                 text CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone                 text CHECK (length(phone) <= 30),
    date_of_birth         date,
    gender                text,
    customer_since        date NOT NULL DEFAULT CURRENT_DATE,
    loyalty_tier          text NOT NULL DEFAULT 'bronze'
                          CHECK (loyalty_tier IN ('bronze', 'silver', 'gold', 'platinum')),
    total_lifetime_value  numeric(12,2) NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    version               bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, customer_id)
);

-- Email is unique per store, case-insensitively; never globally (tenants are independent).
CREATE UNIQUE INDEX customers_email_per_store ON retail.customers (store_id, lower(email))
    WHERE email IS NOT NULL;
CREATE INDEX customers_name ON retail.customers (store_id, lower(last_name), lower(first_name));
CREATE INDEX customers_phone ON retail.customers (store_id, phone) WHERE phone IS NOT NULL;

-- Several embedding models can live side by side: one row per product and model, each model
-- with its own partial HNSW index at its own dimension (created by the search migrations).
CREATE TABLE retail.product_embeddings (
    store_id         text NOT NULL,
    product_id       uuid NOT NULL,
    embedding_model  text NOT NULL CHECK (length(embedding_model) BETWEEN 1 AND 100),
    embedding_text   text NOT NULL,
    embedding        vector NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, product_id, embedding_model),
    FOREIGN KEY (store_id, product_id) REFERENCES retail.products (store_id, product_id)
        ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------
-- Stock: HQ's level (pulled) plus a ledger of movements
-- ---------------------------------------------------------------------------------------

-- On-hand quantity as HQ computed it from the whole store's ledger. The till adds its own
-- movements that HQ has not yet reflected (see pos.stock_on_hand).
CREATE TABLE retail.stock_levels (
    store_id    text NOT NULL,
    product_id  uuid NOT NULL,
    on_hand     integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, product_id)
);

-- Immutable ledger. A sale never blocks on stock: quantities may go negative and are reported.
CREATE TABLE retail.stock_movements (
    store_id        text NOT NULL,
    movement_id     uuid NOT NULL,
    product_id      uuid NOT NULL,
    quantity_delta  integer NOT NULL CHECK (quantity_delta <> 0),
    reason          text NOT NULL
                    CHECK (reason IN ('sale', 'return', 'void', 'adjustment', 'receiving', 'count')),
    transaction_id  uuid,
    note            text,
    occurred_at     timestamptz NOT NULL,
    device_id       text,
    -- The outbox mutation that carries this movement to HQ (NULL for rows pulled from HQ).
    mutation_id     bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, movement_id)
);
CREATE INDEX stock_movements_product ON retail.stock_movements (store_id, product_id, mutation_id);

-- ---------------------------------------------------------------------------------------
-- Shifts, sales, tenders, Z reports
-- ---------------------------------------------------------------------------------------

CREATE TABLE retail.shifts (
    store_id       text NOT NULL,
    shift_id       uuid NOT NULL,
    register_id    text NOT NULL,
    opened_by      uuid NOT NULL,
    opened_at      timestamptz NOT NULL,
    opening_float  numeric(12,2) NOT NULL CHECK (opening_float >= 0),
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_by      uuid,
    closed_at      timestamptz,
    expected_cash  numeric(12,2),
    counted_cash   numeric(12,2) CHECK (counted_cash >= 0),
    over_short     numeric(12,2),
    PRIMARY KEY (store_id, shift_id),
    FOREIGN KEY (store_id, register_id) REFERENCES retail.registers (store_id, register_id),
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK (status = 'open' OR (counted_cash IS NOT NULL AND expected_cash IS NOT NULL))
);
CREATE UNIQUE INDEX shifts_one_open_per_register ON retail.shifts (store_id, register_id)
    WHERE status = 'open';

CREATE TABLE retail.cash_movements (
    store_id     text NOT NULL,
    movement_id  uuid NOT NULL,
    shift_id     uuid NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('in', 'out')),
    amount       numeric(12,2) NOT NULL CHECK (amount > 0),
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    staff_id     uuid NOT NULL,
    occurred_at  timestamptz NOT NULL,
    PRIMARY KEY (store_id, movement_id),
    FOREIGN KEY (store_id, shift_id) REFERENCES retail.shifts (store_id, shift_id)
);

-- A sale, a return or an exchange. Line quantities and amounts are signed: returned lines are
-- negative, so every total is a plain SUM and an exchange is one transaction.
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
    PRIMARY KEY (store_id, transaction_id),
    CONSTRAINT receipt_number_per_store UNIQUE (store_id, receipt_number),
    CONSTRAINT receipt_seq_per_register UNIQUE (store_id, register_id, receipt_seq),
    CHECK (total_amount = subtotal - discount_amount + tax_amount),
    CHECK ((status = 'voided') = (voided_at IS NOT NULL AND void_reason IS NOT NULL)),
    CHECK (transaction_type = 'sale' OR original_transaction_id IS NOT NULL)
);
CREATE INDEX sales_transactions_time ON retail.sales_transactions (store_id, occurred_at);
CREATE INDEX sales_transactions_shift ON retail.sales_transactions (store_id, shift_id);
CREATE INDEX sales_transactions_original ON retail.sales_transactions (store_id, original_transaction_id)
    WHERE original_transaction_id IS NOT NULL;
CREATE INDEX sales_transactions_customer ON retail.sales_transactions (store_id, customer_id)
    WHERE customer_id IS NOT NULL;

-- Lines snapshot sku/name/price at sale time and do not reference products: a product HQ
-- deletes later must never make a sale (or its late upload) invalid.
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
    -- Net of discount, before tax: quantity * unit_price - discount_amount.
    total_price       numeric(12,2) NOT NULL,
    original_item_id  uuid,
    return_reason     text,
    restock           boolean,
    occurred_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, item_id),
    UNIQUE (store_id, transaction_id, line_number),
    FOREIGN KEY (store_id, transaction_id)
        REFERENCES retail.sales_transactions (store_id, transaction_id),
    CHECK (total_price = quantity * unit_price - discount_amount),
    CHECK (quantity > 0 OR original_item_id IS NOT NULL)
);
CREATE INDEX sales_items_original ON retail.sales_transaction_items (store_id, original_item_id)
    WHERE original_item_id IS NOT NULL;
CREATE INDEX sales_items_product ON retail.sales_transaction_items (store_id, product_id, occurred_at);

-- Tenders. `amount` is what the tender contributes to the transaction total (negative for a
-- refund); for cash, `tendered` is what the customer handed over and `change_given` the change.
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
    PRIMARY KEY (store_id, payment_id),
    FOREIGN KEY (store_id, transaction_id)
        REFERENCES retail.sales_transactions (store_id, transaction_id),
    CHECK ((tender_type = 'card') = (card_status IS NOT NULL)),
    CHECK (tender_type = 'card' OR tendered IS NOT NULL)
);
CREATE INDEX payments_transaction ON retail.payments (store_id, transaction_id);

-- Z reports are sequential per register and immutable once written.
CREATE TABLE retail.z_reports (
    store_id        text NOT NULL,
    z_report_id     uuid NOT NULL,
    register_id     text NOT NULL,
    z_number        integer NOT NULL CHECK (z_number > 0),
    shift_id        uuid NOT NULL,
    opened_at       timestamptz NOT NULL,
    closed_at       timestamptz NOT NULL,
    sales_count     integer NOT NULL,
    returns_count   integer NOT NULL,
    voids_count     integer NOT NULL,
    gross_sales     numeric(12,2) NOT NULL,
    discounts       numeric(12,2) NOT NULL,
    returns_total   numeric(12,2) NOT NULL,
    tax_total       numeric(12,2) NOT NULL,
    net_total       numeric(12,2) NOT NULL,
    cash_total      numeric(12,2) NOT NULL,
    card_total      numeric(12,2) NOT NULL,
    opening_float   numeric(12,2) NOT NULL,
    cash_in         numeric(12,2) NOT NULL,
    cash_out        numeric(12,2) NOT NULL,
    expected_cash   numeric(12,2) NOT NULL,
    counted_cash    numeric(12,2) NOT NULL,
    over_short      numeric(12,2) NOT NULL,
    report          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, z_report_id),
    UNIQUE (store_id, register_id, z_number),
    UNIQUE (store_id, shift_id)
);

CREATE FUNCTION retail.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$;
CREATE TRIGGER z_reports_immutable BEFORE UPDATE OR DELETE ON retail.z_reports
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();
CREATE TRIGGER stock_movements_immutable BEFORE UPDATE OR DELETE ON retail.stock_movements
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();

-- ---------------------------------------------------------------------------------------
-- Local-only state
-- ---------------------------------------------------------------------------------------

-- Who this till is. Exactly one row once the till is set up (enrolled or seeded).
CREATE TABLE pos.identity (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    store_id     text NOT NULL REFERENCES retail.stores (store_id),
    register_id  text NOT NULL,
    device_id    text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Monotonic local counters: 'mutation' (outbox IDs 1, 2, 3...), 'receipt' (receipt sequence),
-- 'z_report' (Z numbers). Bumped inside the transaction that uses the value.
CREATE TABLE pos.counters (
    name   text PRIMARY KEY CHECK (name IN ('mutation', 'receipt', 'z_report')),
    value  bigint NOT NULL CHECK (value >= 0)
);
INSERT INTO pos.counters (name, value) VALUES ('mutation', 0), ('receipt', 0), ('z_report', 0);

-- Everything born at the till that HQ must receive, in the order it happened. Written in the
-- same local transaction as the change it describes. Pending = mutation_id > last acked.
CREATE TABLE pos.outbox (
    mutation_id    bigint PRIMARY KEY CHECK (mutation_id > 0),
    mutation_type  text NOT NULL,
    entity_id      uuid NOT NULL,
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- What HQ said about mutations it did not apply (rejected by a business rule).
CREATE TABLE pos.mutation_results (
    mutation_id  bigint PRIMARY KEY,
    status       text NOT NULL CHECK (status IN ('rejected')),
    code         text NOT NULL,
    message      text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pos.sync_state (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    hq_url                  text,
    last_acked_mutation_id  bigint NOT NULL DEFAULT 0,
    -- Highest of this device's mutations that the pulled stock levels already include.
    stock_ack_mutation_id   bigint NOT NULL DEFAULT 0,
    pull_cursor             text,
    last_push_at            timestamptz,
    last_pull_at            timestamptz,
    last_error              text,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
INSERT INTO pos.sync_state DEFAULT VALUES;

-- Carts put aside to serve another customer; recalled by the same register.
CREATE TABLE pos.held_carts (
    hold_id   uuid PRIMARY KEY,
    label     text NOT NULL,
    cart      jsonb NOT NULL,
    held_by   uuid NOT NULL,
    held_at   timestamptz NOT NULL
);

-- Wrong-PIN lockout per staff member.
CREATE TABLE pos.pin_attempts (
    staff_id      uuid PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    locked_until  timestamptz
);

-- On-hand stock as the till sees it: HQ's level plus this till's movements HQ has not yet
-- folded into that level (those with a mutation ID above the acknowledged one).
CREATE FUNCTION pos.on_hand(p_store_id text, p_product_id uuid) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT l.on_hand FROM retail.stock_levels l
                      WHERE l.store_id = p_store_id AND l.product_id = p_product_id), 0)
         + coalesce((SELECT sum(m.quantity_delta)::integer FROM retail.stock_movements m
                      WHERE m.store_id = p_store_id AND m.product_id = p_product_id
                        AND m.mutation_id > (SELECT stock_ack_mutation_id FROM pos.sync_state)), 0)
$$;

CREATE VIEW pos.stock_on_hand AS
SELECT p.store_id, p.product_id, pos.on_hand(p.store_id, p.product_id) AS on_hand
FROM retail.products p;
