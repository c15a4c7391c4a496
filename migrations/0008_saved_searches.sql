-- Saved searches and new-offer alerts. Each offer gets an arrival number the first time it is
-- stored locally (a trigger on `offers`, so every way a pulled offer is written counts); the
-- numbers outlive the offers' rows, so a pull from no cursor (a reset) that writes every offer
-- again does not make them new. A saved search remembers up to which arrival the user has looked
-- (`seen_seq`) and up to which arrival a notification was raised (`notified_seq`): an offer is
-- new for a search when it matches and arrived after `seen_seq`, and is announced once.
CREATE TABLE offer_arrivals (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id  TEXT UNIQUE NOT NULL
);

-- The offers stored before this version arrived before any saved search: none of them is new.
INSERT INTO offer_arrivals (offer_id) SELECT id FROM offers ORDER BY rowid;

CREATE TRIGGER offers_arrival AFTER INSERT ON offers BEGIN
    INSERT OR IGNORE INTO offer_arrivals (offer_id) VALUES (new.id);
END;

CREATE TABLE saved_searches (
    name            TEXT PRIMARY KEY,
    text            TEXT NOT NULL,          -- the search box as typed (its words may be filters)
    commune         TEXT,                   -- a commune (prefix) or a department code
    typology        TEXT,                   -- "studio", "T1".."T6"
    max_rent_cents  INTEGER,                -- rent with charges, at most
    created_at      TEXT NOT NULL,
    seen_seq        INTEGER NOT NULL,
    notified_seq    INTEGER NOT NULL
);
