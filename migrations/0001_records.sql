-- The applicant's synced entities (demand, persons, documents, AL-in link, applications),
-- stored as validated JSON values, and the pull state of each service.
CREATE TABLE records (
    type     TEXT NOT NULL,
    id       TEXT NOT NULL,
    service  TEXT NOT NULL CHECK (service IN ('sne', 'alin')),
    version  INTEGER NOT NULL,
    value    TEXT NOT NULL CHECK (json_valid(value)),
    PRIMARY KEY (type, id)
);

CREATE TABLE sync_state (
    service            TEXT PRIMARY KEY CHECK (service IN ('sne', 'alin')),
    cursor             TEXT,
    server_today       TEXT,
    server_time        TEXT,
    last_pull_at       TEXT,
    last_mutation_ids  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(last_mutation_ids)),
    last_error         TEXT,
    last_error_kind    TEXT CHECK (last_error_kind IN ('offline', 'error'))
);
