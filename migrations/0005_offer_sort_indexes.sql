-- The Offres list (up to 100,000 offers) filters and sorts without reading the offers' rows,
-- which are wide (the JSON value, the search text): `offers_list` holds, for each offer, only
-- what the list filters and sorts on, keyed by the offer's rowid (the rowid of `offers_fts` too),
-- kept up to date by triggers as `offers_fts` is. A full-text match looks its offer up there,
-- about three times faster than in `offers`; and one covering index per order (closing date,
-- rent with charges, surface largest first) holds every filtered column, so a window, a count or
-- a position without text reads indexes alone.
CREATE TABLE offers_list (
    rid          INTEGER PRIMARY KEY,   -- offers.rowid
    id           TEXT NOT NULL UNIQUE,
    status       TEXT NOT NULL,
    closes_on    TEXT NOT NULL,
    typology     TEXT NOT NULL,
    rent_total   INTEGER NOT NULL,      -- rent_cents + charges_cents
    surface_m2   REAL NOT NULL,
    department   TEXT NOT NULL,
    commune      TEXT NOT NULL,
    financing    TEXT NOT NULL,
    zone         TEXT NOT NULL
);

INSERT INTO offers_list (rid, id, status, closes_on, typology, rent_total, surface_m2, department,
                         commune, financing, zone)
SELECT rowid, id, status, closes_on, typology, rent_cents + charges_cents, surface_m2, department,
       commune, financing, zone
  FROM offers;

-- OR REPLACE on `id` too: a row replaced in `offers` (INSERT OR REPLACE) leaves no stale entry.
CREATE TRIGGER offers_list_ai AFTER INSERT ON offers BEGIN
    INSERT OR REPLACE INTO offers_list (rid, id, status, closes_on, typology, rent_total,
                                        surface_m2, department, commune, financing, zone)
    VALUES (new.rowid, new.id, new.status, new.closes_on, new.typology,
            new.rent_cents + new.charges_cents, new.surface_m2, new.department, new.commune,
            new.financing, new.zone);
END;
CREATE TRIGGER offers_list_au AFTER UPDATE ON offers BEGIN
    DELETE FROM offers_list WHERE rid = old.rowid;
    INSERT OR REPLACE INTO offers_list (rid, id, status, closes_on, typology, rent_total,
                                        surface_m2, department, commune, financing, zone)
    VALUES (new.rowid, new.id, new.status, new.closes_on, new.typology,
            new.rent_cents + new.charges_cents, new.surface_m2, new.department, new.commune,
            new.financing, new.zone);
END;
CREATE TRIGGER offers_list_ad AFTER DELETE ON offers BEGIN
    DELETE FROM offers_list WHERE rid = old.rowid;
END;

CREATE INDEX offers_list_closing ON offers_list (
    status, closes_on, id,
    typology, rent_total, surface_m2, department, commune, financing, zone
);
CREATE INDEX offers_list_rent ON offers_list (
    status, rent_total, closes_on, id,
    typology, surface_m2, department, commune, financing, zone
);
CREATE INDEX offers_list_surface ON offers_list (
    status, surface_m2 DESC, closes_on, id,
    typology, rent_total, department, commune, financing, zone
);
