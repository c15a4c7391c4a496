-- The sandbox service's own storage (not the client's store).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE users (
    username     TEXT PRIMARY KEY,
    password     TEXT NOT NULL,
    situation    TEXT NOT NULL
);

-- Tokens live on the wall clock and survive a reset.
CREATE TABLE tokens (
    token       TEXT PRIMARY KEY,
    username    TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- Every entity of both services. `seq` is a global change sequence (the pull cursor walks it);
-- `owner` is NULL for offers, which every caller sees. Deleted offers stay as tombstones.
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
