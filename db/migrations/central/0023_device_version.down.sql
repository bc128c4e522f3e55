ALTER TABLE sync.devices DROP CONSTRAINT devices_app_version_length;
ALTER TABLE sync.devices
    DROP COLUMN protocol_version,
    DROP COLUMN app_version;
