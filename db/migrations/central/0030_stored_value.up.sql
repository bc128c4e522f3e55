-- Store credit and gift cards offline (issue 18, item 1). docs/checkout.md, "Store credit and
-- gift cards", says why a balance can never be overspent:
--
--   stored_value_cards       one row per card of the chain (number, kind, expiry) with its
--                            chain-wide totals: credited (issue, top-ups, refunds), granted
--                            (the sum of its allowances), redeemed, and overspent (redeemed
--                            beyond an allowance: only a tampered till; an exception each).
--                            Balance = credited - redeemed. HQ grants only while
--                            granted + overspent + the new grant <= credited.
--   stored_value_ledger      every movement of a card's money, where it happened: issue,
--                            top-up and refund credit it, a redemption debits it. Exactly once
--                            by (store, entry): a redemption's entry is the till's payment ID.
--   stored_value_allowances  what a register may redeem from a card without HQ: `granted`
--                            (reserved from the balance, only grows), `settled` (what HQ took
--                            from that register's redemptions). Synced down to the store's
--                            tills (db/synced/registry.ts).
--
-- One DO block, as in 0018: on a Citus cluster the cards are a reference table and the ledger
-- and allowances are distributed by store_id, colocated with retail.products (keys set aside
-- and added back as in 0019); on PostgreSQL without Citus the block is just the statements.
DO $migration$
DECLARE
    t text;
    fk record;
    fk_tables text[] := '{}';
    fk_names text[] := '{}';
    fk_defs text[] := '{}';
    citus boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus');
BEGIN
    IF citus THEN
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;

    CREATE TABLE retail.stored_value_cards (
        card_id      uuid PRIMARY KEY,
        card_number  text NOT NULL UNIQUE CHECK (card_number ~ '^[0-9A-Z]{6,32}$'),
        card_kind    text NOT NULL CHECK (card_kind IN ('gift_card', 'store_credit')),
        -- Store credit belongs to a customer (customers are kept per store: no key).
        customer_id  uuid,
        issued_store_id text NOT NULL,
        expires_on   date,
        is_active    boolean NOT NULL DEFAULT true,
        credited     numeric(12,2) NOT NULL DEFAULT 0 CHECK (credited >= 0),
        granted      numeric(12,2) NOT NULL DEFAULT 0 CHECK (granted >= 0),
        redeemed     numeric(12,2) NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
        overspent    numeric(12,2) NOT NULL DEFAULT 0 CHECK (overspent >= 0),
        created_at   timestamptz NOT NULL DEFAULT now(),
        -- Reservations never exceed the money on the card (overspending is not prevented by
        -- this check: it is recorded, a fact, and raised as an exception).
        CHECK (granted <= credited)
    );

    CREATE TABLE retail.stored_value_ledger (
        store_id        text NOT NULL REFERENCES retail.stores (store_id),
        entry_id        uuid NOT NULL,
        card_id         uuid NOT NULL,
        entry_kind      text NOT NULL CHECK (entry_kind IN ('issue', 'top_up', 'refund', 'redeem')),
        -- Signed: credits positive, redemptions negative.
        amount          numeric(12,2) NOT NULL CHECK (amount <> 0),
        register_id     text,
        transaction_id  uuid,
        device_id       text,
        mutation_id     bigint,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, entry_id),
        CHECK ((entry_kind = 'redeem') = (amount < 0))
    );
    CREATE INDEX stored_value_ledger_card ON retail.stored_value_ledger (card_id);

    CREATE TABLE retail.stored_value_allowances (
        store_id      text NOT NULL REFERENCES retail.stores (store_id),
        allowance_id  uuid NOT NULL,
        register_id   text NOT NULL,
        card_id       uuid NOT NULL,
        card_number   text NOT NULL,
        card_kind     text NOT NULL CHECK (card_kind IN ('gift_card', 'store_credit')),
        expires_on    date,
        is_active     boolean NOT NULL DEFAULT true,
        granted       numeric(12,2) NOT NULL DEFAULT 0 CHECK (granted >= 0),
        settled       numeric(12,2) NOT NULL DEFAULT 0 CHECK (settled >= 0),
        version       bigint NOT NULL DEFAULT 1,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, allowance_id),
        UNIQUE (store_id, register_id, card_id)
    );
    CREATE INDEX stored_value_allowances_card ON retail.stored_value_allowances (card_id);
    CREATE TRIGGER stored_value_allowances_version BEFORE UPDATE ON retail.stored_value_allowances
        FOR EACH ROW EXECUTE FUNCTION retail.bump_version();

    -- A redemption or a refund to a card is a payment of its sale.
    ALTER TABLE retail.payments DROP CONSTRAINT payments_tender_type_check;
    ALTER TABLE retail.payments
        ADD CONSTRAINT payments_tender_type_check
            CHECK (tender_type IN ('cash', 'card', 'stored_value'));
    -- The card, and the till mutation that carried the payment (as on the till, where it tells
    -- the redemptions HQ has not settled yet).
    ALTER TABLE retail.payments ADD COLUMN stored_value_card_id uuid, ADD COLUMN mutation_id bigint;

    -- The allowances travel down the store's change feed.
    ALTER TABLE sync.change_log DROP CONSTRAINT change_log_entity_check;
    ALTER TABLE sync.change_log ADD CONSTRAINT change_log_entity_check
        CHECK (entity IN ('store', 'category', 'category_tax_rate', 'register', 'staff', 'product',
                          'customer', 'stock_level', 'stored_value_allowance', 'embedding', 'promotion',
                          'device_ack'));

    PERFORM retail.apply_tenant_isolation('retail.stored_value_ledger'::regclass);
    PERFORM retail.apply_tenant_isolation('retail.stored_value_allowances'::regclass);
    -- The app role serves the tills (settling redemptions) and HQ staff (issuing cards,
    -- reserving allowances), always inside withTenant; the cards have no store.
    GRANT SELECT, INSERT ON retail.stored_value_cards TO edgepos_app;
    GRANT UPDATE (credited, granted, redeemed, overspent, expires_on, is_active)
        ON retail.stored_value_cards TO edgepos_app;
    GRANT SELECT, INSERT ON retail.stored_value_ledger TO edgepos_app;
    GRANT SELECT, INSERT, UPDATE ON retail.stored_value_allowances TO edgepos_app;
    GRANT SELECT ON retail.stored_value_cards, retail.stored_value_ledger,
        retail.stored_value_allowances TO edgepos_reporting;

    IF NOT citus THEN
        RETURN;
    END IF;
    PERFORM create_reference_table('retail.stored_value_cards'::regclass);
    FOR fk IN SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c
               WHERE c.contype = 'f'
                 AND c.conrelid IN ('retail.stored_value_ledger'::regclass,
                                    'retail.stored_value_allowances'::regclass)
               ORDER BY 1, 2
    LOOP
        fk_tables := fk_tables || fk.tbl;
        fk_names := fk_names || fk.conname::text;
        fk_defs := fk_defs || fk.def;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['retail.stored_value_ledger', 'retail.stored_value_allowances'] LOOP
        IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
            PERFORM undistribute_table(t::regclass);
        END IF;
        PERFORM create_distributed_table(t::regclass, 'store_id', colocate_with => 'retail.products');
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(fk_tables, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk_tables[i], fk_names[i], fk_defs[i]);
    END LOOP;
END;
$migration$;
