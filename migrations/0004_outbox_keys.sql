-- Outbox rows get a local key; the wire id (mutation_id) is given when a row is first sent and
-- kept for every replay, never renumbered. A row never sent has no wire id. `sent_args` holds the
-- arguments as first sent (local references resolved), replayed as they were.
-- Optimistic effects become rows (`local_rows`), tagged with the queued change that wrote them,
-- merged over the pulled records when read, gone with their change (ON DELETE CASCADE) or when a
-- pull acknowledges it.
CREATE TABLE outbox_keyed (
    key           INTEGER PRIMARY KEY AUTOINCREMENT,
    service       TEXT NOT NULL CHECK (service IN ('sne', 'alin')),
    mutation_id   INTEGER,
    name          TEXT NOT NULL,
    args          TEXT NOT NULL CHECK (json_valid(args)),
    sent_args     TEXT CHECK (sent_args IS NULL OR json_valid(sent_args)),
    base_version  INTEGER,
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    state         TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'done', 'failed', 'conflict')),
    result        TEXT CHECK (result IS NULL OR json_valid(result)),
    UNIQUE (service, mutation_id)
);

-- Rows never sent give their ids back: the next id of a service is its lowest unsent id.
UPDATE next_ids SET next_id = coalesce(
    (SELECT min(mutation_id) FROM outbox
      WHERE outbox.service = next_ids.service AND sent_at IS NULL AND state = 'pending'
        AND mutation_id > 0),
    next_id);

-- Old local references: {"upload": local} for an attachment, {"offer_id"} for a withdrawal of an
-- application not created yet; both become typed references resolved when sent.
INSERT INTO outbox_keyed (service, mutation_id, name, args, sent_args, base_version, created_at,
                          sent_at, state, result)
SELECT service,
       CASE WHEN mutation_id <= 0 OR (sent_at IS NULL AND state = 'pending') THEN NULL
            ELSE mutation_id END,
       name,
       CASE
         WHEN name = 'document.attach' AND json_extract(args, '$.upload') IS NOT NULL THEN
           json_object('slot_id', json_extract(args, '$.slot_id'),
                       'upload_id', json_object('$ref', 'upload', 'id', json_extract(args, '$.upload')))
         WHEN name = 'application.withdraw' AND json_extract(args, '$.application_id') IS NULL THEN
           json_object('application_id',
                       json_object('$ref', 'application_of_offer', 'id', json_extract(args, '$.offer_id')))
         ELSE args END,
       NULL, base_version, created_at,
       CASE WHEN mutation_id <= 0 OR (sent_at IS NULL AND state = 'pending') THEN NULL
            ELSE sent_at END,
       state, result
  FROM outbox ORDER BY service, mutation_id;

DROP TABLE outbox;
ALTER TABLE outbox_keyed RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (service, state, key);

CREATE TABLE local_rows (
    outbox_key  INTEGER NOT NULL REFERENCES outbox (key) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    id          TEXT NOT NULL,
    value       TEXT NOT NULL CHECK (json_valid(value)),
    -- 1: a whole entity the server has not sent yet; 0: a patch over the pulled value.
    creates     INTEGER NOT NULL DEFAULT 0 CHECK (creates IN (0, 1)),
    PRIMARY KEY (outbox_key, type, id)
);
CREATE INDEX local_rows_entity ON local_rows (type, id);

-- Rows carried over from an older version have their optimistic effects written on next open.
INSERT INTO client_meta (key, value)
SELECT 'rebuild_local_rows', '1' WHERE EXISTS (SELECT 1 FROM outbox WHERE state IN ('pending', 'done'));
