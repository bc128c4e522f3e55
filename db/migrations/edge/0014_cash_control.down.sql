ALTER TABLE retail.stores
    DROP COLUMN blind_close,
    DROP COLUMN cash_out_limit;
