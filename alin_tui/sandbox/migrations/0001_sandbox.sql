-- The sandbox service's own storage (not the client's store).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Demo accounts; `hidden` holds seed facts the user cannot see yet (a number to claim).
CREATE TABLE users (
    username     TEXT PRIMARY KEY,
    password     TEXT NOT NULL,
    situation    TEXT NOT NULL,
    hidden       TEXT NOT NULL DEFAULT '{}'
);

-- Tokens live on the wall clock and survive a reset.
CREATE TABLE tokens (
    token       TEXT PRIMARY KEY,
    username    TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- Every entity of both services, current state. `seq` is a global change sequence (the pull
-- cursor walks it); `owner` is NULL for offers, which every caller sees.
CREATE TABLE entities (
    type     TEXT NOT NULL,
    id       TEXT NOT NULL,
    service  TEXT NOT NULL,
    owner    TEXT,
    seq      INTEGER NOT NULL,
    version  INTEGER NOT NULL,
    deleted  INTEGER NOT NULL DEFAULT 0,
    value    TEXT NOT NULL,
    PRIMARY KEY (type, id)
);
CREATE UNIQUE INDEX entities_seq ON entities (seq);
CREATE INDEX entities_service_owner_seq ON entities (service, owner, seq);
CREATE INDEX entities_owner_type ON entities (owner, type);

-- Versions replaced since the data was built, so that a paging chain reads one snapshot: the
-- version live at the chain's upper bound is either current or here (seq <= bound < superseded_by).
CREATE TABLE history (
    seq            INTEGER PRIMARY KEY,
    superseded_by  INTEGER NOT NULL,
    type           TEXT NOT NULL,
    id             TEXT NOT NULL,
    service        TEXT NOT NULL,
    owner          TEXT,
    version        INTEGER NOT NULL,
    deleted        INTEGER NOT NULL,
    value          TEXT NOT NULL
);
CREATE INDEX history_service_seq ON history (service, seq);

-- Last applied mutation id per (service, user, client), and each mutation's stored result.
CREATE TABLE counters (
    service    TEXT NOT NULL,
    username   TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    last_id    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (service, username, client_id)
);

CREATE TABLE results (
    service      TEXT NOT NULL,
    username     TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    mutation_id  INTEGER NOT NULL,
    result       TEXT NOT NULL,
    PRIMARY KEY (service, username, client_id, mutation_id)
);

-- Counts for GET /sandbox/v1/stats (emptied by a reset).
CREATE TABLE stats_mutations (
    name   TEXT PRIMARY KEY,
    count  INTEGER NOT NULL
);
CREATE TABLE stats_applications (
    username  TEXT NOT NULL,
    offer_id  TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (username, offer_id)
);

-- Resumable uploads (tus): metadata, then the bytes in order.
CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    slot_id     TEXT,
    filename    TEXT,
    sha256      TEXT,
    length      INTEGER NOT NULL,
    offset      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE TABLE upload_chunks (
    upload_id  TEXT NOT NULL,
    offset     INTEGER NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (upload_id, offset)
);
