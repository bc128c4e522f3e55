-- Reverses 0003.
DROP TABLE pos.sync_stage;
DROP TABLE pos.sync_snapshot;
DROP TABLE pos.sync_device;
