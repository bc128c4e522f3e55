-- Which software each till runs (issue 14, item 4: devices and sync health): the app version
-- the till reports with every request (header x-edgepos-app) and the sync protocol it speaks
-- (x-edgepos-protocol), kept on its device row like reported_pending, shown to HQ staff.
-- NULL until the till's first request after this migration (tills older than the header keep
-- NULL for the app version). Plain ADD COLUMNs, constraints apart (Citus, see 0017).
ALTER TABLE sync.devices
    ADD COLUMN app_version text,
    ADD COLUMN protocol_version integer;
ALTER TABLE sync.devices
    ADD CONSTRAINT devices_app_version_length CHECK (char_length(app_version) <= 40);
