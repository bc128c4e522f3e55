-- Returns at any register (issue 13): receipts of this store that HQ answered for, kept as HQ
-- sent them (the sale.recorded payload, its status and the returns HQ held against it from any
-- register), so a return can be planned against a receipt sold at another register, and what
-- other registers already took back is counted. Local to the till, never synced; refreshed on
-- every lookup while HQ answers.
CREATE TABLE pos.receipt_lookups (
    store_id        text NOT NULL,
    transaction_id  uuid NOT NULL,
    receipt_number  text NOT NULL,
    status          text NOT NULL CHECK (status IN ('completed', 'voided')),
    sale            jsonb NOT NULL,
    hq_returns      jsonb NOT NULL DEFAULT '[]',
    fetched_at      timestamptz NOT NULL,
    PRIMARY KEY (store_id, transaction_id),
    UNIQUE (store_id, receipt_number)
);
