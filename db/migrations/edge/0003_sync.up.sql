-- The till's side of sync with HQ (issue 4, sync/client): its device credential, a full
-- catalog download in progress, and the staging area of a resync. Local-only state in `pos`;
-- the synced business rows stay in `retail`, so a resync can replace them without touching
-- the outbox, the journal or anything else the till owns.

-- Who this till is at HQ. One row once enrolled. The token is the till's own secret
-- (`<store>.<device>.<secret>`); HQ keeps only its hash.
CREATE TABLE pos.sync_device (
    singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    hq_url            text NOT NULL,
    store_id          text NOT NULL,
    register_id       text NOT NULL,
    device_id         uuid NOT NULL,
    token             text NOT NULL,
    enrolled_at       timestamptz NOT NULL DEFAULT now(),
    -- A move to a new device in progress (this till's mutation counter went backwards, e.g.
    -- a database restored without its journal). Made up here and stored BEFORE HQ is asked,
    -- so a lost answer is retried with the same values.
    rebase_device_id  uuid,
    rebase_secret     text,
    rebase_from       bigint,
    CHECK ((rebase_device_id IS NULL) = (rebase_secret IS NULL)
       AND (rebase_device_id IS NULL) = (rebase_from IS NULL))
);

-- A full download in progress: the first sync of a new till ('direct': rows go straight
-- into the empty catalog, page by page) or a resync ('staged': rows are staged and swapped
-- in at the end in one transaction). `token` is HQ's resume position, stored in the same
-- transaction as each page, so a download killed midway continues where it stopped.
CREATE TABLE pos.sync_snapshot (
    singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    mode              text NOT NULL CHECK (mode IN ('direct', 'staged')),
    reason            text NOT NULL,
    token             text,
    stage             text,
    done_rows         bigint NOT NULL DEFAULT 0,
    total_rows        bigint NOT NULL DEFAULT 0,
    -- Vector indexes dropped for the bulk load (CREATE statements), rebuilt at the end.
    deferred_indexes  text[] NOT NULL DEFAULT '{}',
    started_at        timestamptz NOT NULL DEFAULT now()
);

-- Rows of a staged snapshot, keyed like the change feed (entity, key).
CREATE TABLE pos.sync_stage (
    entity  text NOT NULL,
    key     text NOT NULL,
    row     jsonb NOT NULL,
    PRIMARY KEY (entity, key)
);
