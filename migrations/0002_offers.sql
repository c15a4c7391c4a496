-- Offers get typed columns (filters, sorting, paging a window of a large list) and a full-text
-- index over a folded copy of their searchable text (case, accents and punctuation folded).
CREATE TABLE offers (
    id               TEXT PRIMARY KEY,
    version          INTEGER NOT NULL,
    reference        TEXT NOT NULL,
    residence_title  TEXT NOT NULL,
    address          TEXT NOT NULL,
    commune          TEXT NOT NULL,
    postal_code      TEXT NOT NULL,
    department       TEXT NOT NULL,
    zone             TEXT NOT NULL,
    typology         TEXT NOT NULL,
    surface_m2       REAL NOT NULL,
    floor            INTEGER NOT NULL,
    lift             INTEGER NOT NULL DEFAULT 0,
    rent_cents       INTEGER NOT NULL,
    charges_cents    INTEGER NOT NULL,
    financing        TEXT NOT NULL,
    available_on     TEXT NOT NULL,
    closes_on        TEXT NOT NULL,
    status           TEXT NOT NULL,
    search_text      TEXT NOT NULL,
    value            TEXT NOT NULL CHECK (json_valid(value))
);
CREATE INDEX offers_status_closes ON offers (status, closes_on, id);
CREATE INDEX offers_commune ON offers (commune);

CREATE VIRTUAL TABLE offers_fts USING fts5 (
    search_text, content='offers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER offers_ai AFTER INSERT ON offers BEGIN
    INSERT INTO offers_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER offers_ad AFTER DELETE ON offers BEGIN
    INSERT INTO offers_fts (offers_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER offers_au AFTER UPDATE ON offers BEGIN
    INSERT INTO offers_fts (offers_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO offers_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
