-- The HQ console's own tables (issue 14): the people who run the chain, their sessions, and an
-- append-only audit log of every change they make.
--
-- These are chain-level tables, not tenant tables: a console user is not a store's row (a
-- manager may run several stores, an analyst reads all of them), so they carry no store_id and
-- no row-level security. What a user may touch is decided by the console service from the
-- user's role and stores (hq/services/console/access.ts); the store-scoped work itself still
-- runs inside withTenant under the stores' row-level security.
--
-- Secrets are never stored: passwords as scrypt hashes (hq/services/console/passwords.ts),
-- session tokens as SHA-256 of 256-bit random values (the CSRF token is derived from the session
-- token, so it needs no row).

CREATE SCHEMA console;
REVOKE ALL ON SCHEMA console FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA console REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE console.users (
    user_id          uuid PRIMARY KEY,
    -- Sign-in name: stored lower-case so "Ana@Chain" and "ana@chain" are one user.
    email            text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 200),
    display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role             text NOT NULL CHECK (role IN ('admin', 'manager', 'analyst')),
    -- The stores a manager runs (empty for admins and analysts, who see every store).
    store_ids        text[] NOT NULL DEFAULT '{}',
    password_hash    text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
    failed_attempts  integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until     timestamptz,
    disabled_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'manager' OR store_ids = '{}')
);

CREATE TABLE console.sessions (
    token_hash    text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id       uuid NOT NULL REFERENCES console.users (user_id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user ON console.sessions (user_id);

-- Every change made through the console (and every sign-in, failed or not): who, when, what,
-- and the row before and after. Append-only for the service: it may insert and read, never
-- update or delete.
CREATE TABLE console.audit_log (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     uuid,
    user_email  text NOT NULL,
    action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    store_id    text,
    target      text,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_at ON console.audit_log (at DESC);

GRANT USAGE ON SCHEMA console TO edgepos_app;
GRANT SELECT, INSERT, UPDATE ON console.users TO edgepos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON console.sessions TO edgepos_app;
GRANT SELECT, INSERT ON console.audit_log TO edgepos_app;
