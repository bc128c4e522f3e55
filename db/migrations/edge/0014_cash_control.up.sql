-- Cash control (issue 13, item 5): the store's cash-out limit (a cashier alone may take out up
-- to cash_out_limit; more, or more than the drawer is expected to hold, needs a manager) and
-- blind close (the drawer is counted before the expected amount is shown). Same at HQ.
ALTER TABLE retail.stores
    ADD COLUMN cash_out_limit numeric(12,2) NOT NULL DEFAULT 200.00 CHECK (cash_out_limit >= 0),
    ADD COLUMN blind_close boolean NOT NULL DEFAULT false;
