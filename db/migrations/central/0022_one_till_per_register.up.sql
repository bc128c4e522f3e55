-- One device per register (issue 11, item 4). HQ refuses to enroll a register that already has
-- an active till, unless HQ staff made the code to replace it: redeeming such a code revokes the
-- old till (and its rebase lineage) in the same transaction that creates the new one.
-- The counters HQ answered are kept with the code, so a till that lost the answer and retries
-- with the same code and secret gets the same numbering back (enrollment is idempotent).
-- Plain ADD COLUMNs without inline CHECKs: Citus propagates them to every shard (0017).
ALTER TABLE sync.enrollment_codes
    ADD COLUMN replaces boolean NOT NULL DEFAULT false,
    ADD COLUMN issued_receipt_seq integer,
    ADD COLUMN issued_z_number integer;
ALTER TABLE sync.enrollment_codes
    ADD CONSTRAINT issued_counters_pair
        CHECK ((issued_receipt_seq IS NULL) = (issued_z_number IS NULL));
