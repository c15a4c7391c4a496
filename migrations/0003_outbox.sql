-- The outbox: every local change waiting for (or refused by) the server, with gap-free ids per
-- service; the files being uploaded; the retry schedule of each service; this client's id.
CREATE TABLE client_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE outbox (
    service       TEXT NOT NULL CHECK (service IN ('sne', 'alin')),
    mutation_id   INTEGER NOT NULL,
    name          TEXT NOT NULL,
    args          TEXT NOT NULL CHECK (json_valid(args)),
    base_version  INTEGER,
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    -- pending: to send; done: applied by the server, shown until the pulled data includes it
    -- (dropped when a pull acknowledges its id); failed: refused; conflict: the server changed
    -- meanwhile, the user's draft is kept until they choose.
    state         TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'done', 'failed', 'conflict')),
    result        TEXT CHECK (result IS NULL OR json_valid(result)),
    PRIMARY KEY (service, mutation_id)
);

CREATE TABLE next_ids (
    service  TEXT PRIMARY KEY CHECK (service IN ('sne', 'alin')),
    next_id  INTEGER NOT NULL
);

CREATE TABLE uploads (
    local_id    TEXT PRIMARY KEY,
    slot_id     TEXT NOT NULL,
    source      TEXT NOT NULL,      -- the file as dropped (moved once attached or refused)
    staged      TEXT NOT NULL,      -- our copy, read by the upload
    filename    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    length      INTEGER NOT NULL,
    location    TEXT,               -- the server's upload URL once created
    offset      INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'uploading', 'uploaded', 'attached', 'refused')),
    error       TEXT,
    created_at  TEXT NOT NULL
);

ALTER TABLE sync_state ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN next_try_at TEXT;
ALTER TABLE sync_state ADD COLUMN last_push_at TEXT;
