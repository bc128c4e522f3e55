ALTER TABLE sync.enrollment_codes DROP CONSTRAINT issued_counters_pair;
ALTER TABLE sync.enrollment_codes
    DROP COLUMN issued_z_number,
    DROP COLUMN issued_receipt_seq,
    DROP COLUMN replaces;
