-- Sealed device secrets (issue 12, finding 7): on the desktop the till's secrets are sealed
-- by the OS keychain (Electron safeStorage, through the main process) and only the sealed
-- blob is stored here. Each secret is kept in exactly ONE of two columns: as is (the web
-- till, the CLIs, a desktop without a keychain: the owner-only database protects it) or
-- sealed (`*_sealed`, opened only by the same OS user's keychain on the same machine).
ALTER TABLE pos.sync_device
    ALTER COLUMN token DROP NOT NULL,
    ADD COLUMN token_sealed bytea,
    ADD COLUMN rebase_secret_sealed bytea,
    DROP CONSTRAINT sync_device_check,
    ADD CONSTRAINT sync_device_token_kept_once CHECK ((token IS NULL) <> (token_sealed IS NULL)),
    ADD CONSTRAINT sync_device_rebase_complete CHECK (
        (rebase_device_id IS NULL) = (rebase_from IS NULL)
        AND (rebase_device_id IS NULL) = (rebase_secret IS NULL AND rebase_secret_sealed IS NULL)
        AND (rebase_secret IS NULL OR rebase_secret_sealed IS NULL));

ALTER TABLE pos.pending_enrollment
    ALTER COLUMN secret DROP NOT NULL,
    ADD COLUMN secret_sealed bytea,
    ADD CONSTRAINT pending_enrollment_secret_kept_once
        CHECK ((secret IS NULL) <> (secret_sealed IS NULL));
