-- Security (issue 12, finding 5): a device may continue as a new device (rebase) only after
-- HQ itself found its counter going backwards. HQ records here the conflict it answered
-- (push: mutation_id_conflict), outside the push transaction that the conflict rolls back.
-- Rebase requires it, and only once per device (superseded_by).
-- sync.devices is distributed by store_id on a Citus cluster (0014); Citus propagates these
-- statements to every shard, but refuses ADD COLUMN with an inline CHECK, so the column and
-- the constraints are added separately (the same on one server).
ALTER TABLE sync.devices
    ADD COLUMN counter_conflict_at timestamptz,
    ADD COLUMN counter_conflict_id bigint;
ALTER TABLE sync.devices
    ADD CONSTRAINT counter_conflict_id_positive CHECK (counter_conflict_id > 0);
ALTER TABLE sync.devices
    ADD CONSTRAINT counter_conflict_pair
        CHECK ((counter_conflict_at IS NULL) = (counter_conflict_id IS NULL));

-- Lineage lookups (who a device continues, every device of a chain on revocation).
CREATE INDEX devices_superseded_by ON sync.devices (store_id, superseded_by)
    WHERE superseded_by IS NOT NULL;
