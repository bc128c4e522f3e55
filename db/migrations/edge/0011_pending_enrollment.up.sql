-- An enrollment in progress (issue 11, item 4): the device secret this till made up for one
-- enrollment code, stored BEFORE HQ is asked. HQ keeps only the secret's hash and answers a
-- request repeated with the same code and secret with the same credential, so an answer lost
-- on the way (or a till closed while waiting) does not burn the code: the retry reads the
-- secret from here. Keyed by the SHA-256 of the normalised code; emptied when the enrollment
-- is saved.
CREATE TABLE pos.pending_enrollment (
    code_hash   text PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    secret      text NOT NULL CHECK (secret ~ '^[A-Za-z0-9_-]{43}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
