-- Going back cannot open a sealed secret (only the desktop's main process can): refuse
-- rather than lose the till's credential.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pos.sync_device
                WHERE token_sealed IS NOT NULL OR rebase_secret_sealed IS NOT NULL)
       OR EXISTS (SELECT 1 FROM pos.pending_enrollment WHERE secret_sealed IS NOT NULL) THEN
        RAISE EXCEPTION 'the till''s secrets are sealed by the OS keychain; re-enroll the till instead of going back';
    END IF;
END $$;

ALTER TABLE pos.pending_enrollment
    DROP CONSTRAINT pending_enrollment_secret_kept_once,
    DROP COLUMN secret_sealed,
    ALTER COLUMN secret SET NOT NULL;

ALTER TABLE pos.sync_device
    DROP CONSTRAINT sync_device_rebase_complete,
    DROP CONSTRAINT sync_device_token_kept_once,
    DROP COLUMN rebase_secret_sealed,
    DROP COLUMN token_sealed,
    ALTER COLUMN token SET NOT NULL,
    ADD CHECK ((rebase_device_id IS NULL) = (rebase_secret IS NULL)
       AND (rebase_device_id IS NULL) = (rebase_from IS NULL));
