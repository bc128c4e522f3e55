DROP INDEX IF EXISTS sync.devices_superseded_by;
ALTER TABLE sync.devices
    DROP CONSTRAINT IF EXISTS counter_conflict_pair,
    DROP CONSTRAINT IF EXISTS counter_conflict_id_positive,
    DROP COLUMN IF EXISTS counter_conflict_id,
    DROP COLUMN IF EXISTS counter_conflict_at;
