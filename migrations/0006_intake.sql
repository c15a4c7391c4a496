-- Documents reach a slot from the drop folder or from the app. Each queued upload remembers where
-- it came from, the original's size and digest (a file already sent for the same slot is not sent
-- again) and the rate measured while sending (the time left shown beside its progress bar).
ALTER TABLE uploads ADD COLUMN origin TEXT NOT NULL DEFAULT 'drop';  -- 'drop' or 'app'
ALTER TABLE uploads ADD COLUMN source_sha256 TEXT;      -- the original's digest (sha256 is the copy's)
ALTER TABLE uploads ADD COLUMN source_length INTEGER;   -- the original's size (a photo made lighter)
ALTER TABLE uploads ADD COLUMN rate REAL;               -- bytes per second, last measured
ALTER TABLE uploads ADD COLUMN updated_at TEXT;
ALTER TABLE uploads ADD COLUMN shown_name TEXT;         -- the name as the user saw it (valid text)

UPDATE uploads SET source_sha256 = sha256, source_length = length, shown_name = filename;

CREATE INDEX uploads_by_digest ON uploads (slot_id, source_sha256);

-- What happened to each file that was dropped or attached: taken in (to which slot), refused
-- (why), left to be sorted by hand. The app shows the recent ones and announces the new ones; the
-- reason is a key with its parameters, put into words by the reader in its language.
CREATE TABLE intake_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    file     TEXT NOT NULL,
    outcome  TEXT NOT NULL CHECK (outcome IN ('taken', 'refused', 'unsorted', 'removed')),
    slot_id  TEXT,
    method   TEXT,                 -- how the slot was found (slot id, kind and person, by hand…)
    reason   TEXT,
    params   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
    local_id TEXT                  -- the upload taken in, if any
);
