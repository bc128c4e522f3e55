-- HQ's database: every store's rows in one shared `retail` schema, isolated by row-level
-- security on store_id (0004). Column names and types match the till's `retail` tables
-- (db/migrations/edge/0001_store_schema.up.sql) wherever a table is shared, so one set of
-- mutation and entity schemas (db/mutations, db/catalog) fits both ends. Central differs only
-- where it must:
--   * every key, unique key and foreign key leads with store_id (composite keys), so one
--     store's UUID can never collide with or point at another store's row, and the schema can
--     be distributed by store_id (docs/scaling.md);
--   * sales tables are partitioned by month (0002); rollups, stock levels and alerts are
--     maintained in the writing transaction (0003);
--   * product_embeddings.embedding is real[] (pgvector is optional at HQ);
--   * rows that flow down to tills carry `version`, bumped under the row lock on every update
--     (the pull feed applies a row only when its version is newer).
--
-- Roles (created by db/central/bootstrap.ts as the superuser, before any migration):
--   the owner (runs migrations, owns everything), edgepos_app (the services), edgepos_reporting
--   (read-only). Grants and policies are in 0004.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edgepos_app')
       OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'edgepos_reporting') THEN
        RAISE EXCEPTION 'Roles edgepos_app and edgepos_reporting do not exist. Run the HQ bootstrap as a superuser first (startCentral() does it; or: npm run hq:cli -- db bootstrap).';
    END IF;
END;
$$;

-- pgcrypto: bcrypt PIN hashes for staff (crypt/gen_salt), exactly as on the till. Trusted
-- extension: the database owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE SCHEMA retail;
REVOKE ALL ON SCHEMA retail FROM PUBLIC;

-- Functions are not executable by PUBLIC unless granted (0004 grants what each role needs).
ALTER DEFAULT PRIVILEGES IN SCHEMA retail REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- Tenant registry and shared reference data (no RLS: every store may read them)
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
    manager_discount_threshold_ppm integer NOT NULL DEFAULT 200000
                    CHECK (manager_discount_threshold_ppm BETWEEN 0 AND 1000000),
    offline_card_limit numeric(12,2) NOT NULL DEFAULT 500.00 CHECK (offline_card_limit >= 0),
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         bigint NOT NULL DEFAULT 1
);
CREATE INDEX stores_region ON retail.stores (region);

CREATE TABLE retail.product_categories (
    category_id         integer PRIMARY KEY,
    category_name       text NOT NULL UNIQUE CHECK (length(category_name) BETWEEN 1 AND 100),
    parent_category_id  integer REFERENCES retail.product_categories (category_id),
    description         text,
    is_active           boolean NOT NULL DEFAULT true,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             bigint NOT NULL DEFAULT 1
);

-- ---------------------------------------------------------------------------------------
-- Per-store configuration
-- ---------------------------------------------------------------------------------------

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
-- Catalog and customers
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
-- Unique per store, never globally: two stores may each know the same person.
CREATE UNIQUE INDEX customers_email_per_store ON retail.customers (store_id, lower(email))
    WHERE email IS NOT NULL;
CREATE INDEX customers_name ON retail.customers (store_id, lower(last_name), lower(first_name));

-- Vectors as real[] so the schema runs on any PostgreSQL >= 15; the till keeps them as pgvector
-- `vector` and the pull feed converts. One row per product and embedding model.
CREATE TABLE retail.product_embeddings (
    store_id         text NOT NULL,
    product_id       uuid NOT NULL,
    embedding_model  text NOT NULL CHECK (length(embedding_model) BETWEEN 1 AND 100),
    embedding_text   text NOT NULL,
    embedding        real[] NOT NULL
                     CHECK (cardinality(embedding) BETWEEN 1 AND 4096 AND array_ndims(embedding) = 1),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, product_id, embedding_model),
    FOREIGN KEY (store_id, product_id) REFERENCES retail.products (store_id, product_id)
        ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------
-- Stock: the ledger is the truth; stock_levels is derived from it in the same transaction (0003)
-- ---------------------------------------------------------------------------------------

CREATE TABLE retail.stock_levels (
    store_id    text NOT NULL REFERENCES retail.stores (store_id),
    product_id  uuid NOT NULL,
    on_hand     integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (store_id, product_id)
);

-- Movements do not reference products (like sale lines): a product HQ deletes later must
-- never make a till's late upload invalid. device_id + mutation_id say which till mutation
-- carried the movement (NULL for movements made at HQ).
CREATE TABLE retail.stock_movements (
    store_id        text NOT NULL REFERENCES retail.stores (store_id),
    movement_id     uuid NOT NULL,
    product_id      uuid NOT NULL,
    quantity_delta  integer NOT NULL CHECK (quantity_delta <> 0),
    reason          text NOT NULL
                    CHECK (reason IN ('sale', 'return', 'void', 'adjustment', 'receiving', 'count')),
    transaction_id  uuid,
    note            text,
    occurred_at     timestamptz NOT NULL,
    device_id       text,
    mutation_id     bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, movement_id)
);
CREATE INDEX stock_movements_product_time ON retail.stock_movements (store_id, product_id, occurred_at);
CREATE INDEX stock_movements_transaction ON retail.stock_movements (store_id, transaction_id)
    WHERE transaction_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------
-- Shifts, cash movements, Z reports
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
    UNIQUE (store_id, shift_id),
    FOREIGN KEY (store_id, shift_id) REFERENCES retail.shifts (store_id, shift_id),
    FOREIGN KEY (store_id, register_id) REFERENCES retail.registers (store_id, register_id)
);

-- ---------------------------------------------------------------------------------------
-- Row versions and immutability
-- ---------------------------------------------------------------------------------------

-- Runs under the row lock the UPDATE already holds, so two concurrent updates of one row get
-- consecutive versions in commit order: a till that applies "only if newer" never goes back.
CREATE FUNCTION retail.bump_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER stores_version BEFORE UPDATE ON retail.stores
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER product_categories_version BEFORE UPDATE ON retail.product_categories
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER category_tax_rates_version BEFORE UPDATE ON retail.category_tax_rates
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER registers_version BEFORE UPDATE ON retail.registers
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER staff_version BEFORE UPDATE ON retail.staff
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER products_version BEFORE UPDATE ON retail.products
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER customers_version BEFORE UPDATE ON retail.customers
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER product_embeddings_version BEFORE UPDATE ON retail.product_embeddings
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();
CREATE TRIGGER stock_levels_version BEFORE UPDATE ON retail.stock_levels
    FOR EACH ROW EXECUTE FUNCTION retail.bump_version();

CREATE FUNCTION retail.forbid_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$;
CREATE TRIGGER z_reports_immutable BEFORE UPDATE OR DELETE ON retail.z_reports
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();
CREATE TRIGGER stock_movements_immutable BEFORE UPDATE OR DELETE ON retail.stock_movements
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();
CREATE TRIGGER cash_movements_immutable BEFORE UPDATE OR DELETE ON retail.cash_movements
    FOR EACH ROW EXECUTE FUNCTION retail.forbid_change();
