-- Store credit and gift cards offline (issue 18, item 1). docs/checkout.md, "Store credit and
-- gift cards", says why a balance can never be overspent.
--
-- The offline allowances HQ reserved for this till's register, synced down like the catalog
-- (db/synced/registry.ts, entity 'stored_value_allowance'): what this register may redeem from
-- a card without asking HQ. `granted` only grows (HQ reserves more), `settled` is what HQ has
-- already taken from this register's redemptions. Rows of the store's other registers come
-- down too (one feed per store); a till reads its own register's rows only.
CREATE TABLE retail.stored_value_allowances (
    store_id      text NOT NULL,
    allowance_id  uuid NOT NULL,
    register_id   text NOT NULL,
    card_id       uuid NOT NULL,
    card_number   text NOT NULL,
    card_kind     text NOT NULL CHECK (card_kind IN ('gift_card', 'store_credit')),
    expires_on    date,
    is_active     boolean NOT NULL DEFAULT true,
    granted       numeric(12,2) NOT NULL DEFAULT 0,
    settled       numeric(12,2) NOT NULL DEFAULT 0,
    version       bigint NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, allowance_id)
);
CREATE INDEX stored_value_allowances_card
    ON retail.stored_value_allowances (store_id, register_id, card_number);

-- A redemption (or a refund to a card) is a payment of its sale: tender 'stored_value', the
-- card it was taken from. The till's own redemptions not yet in `settled` are the payments
-- whose mutation HQ has not acknowledged (pos.sync_state.stock_ack_mutation_id), as for stock.
ALTER TABLE retail.payments DROP CONSTRAINT payments_tender_type_check;
ALTER TABLE retail.payments
    ADD CONSTRAINT payments_tender_type_check
        CHECK (tender_type IN ('cash', 'card', 'stored_value')),
    ADD COLUMN stored_value_card_id uuid,
    ADD COLUMN mutation_id bigint,
    ADD CONSTRAINT payments_stored_value_card
        CHECK ((tender_type = 'stored_value') = (stored_value_card_id IS NOT NULL));
CREATE INDEX payments_stored_value ON retail.payments (store_id, stored_value_card_id)
    WHERE stored_value_card_id IS NOT NULL;
