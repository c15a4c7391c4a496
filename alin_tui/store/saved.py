"""Saved searches and the offers new to them.

A saved search is the Offres search box (its words may be filters, « saint-denis t3 700€ ») and
the filters of the command line or of the filters dialog (place, type, rent with charges at
most), under a name. It matches exactly as the Offres list does: `OfferQuery` (the filters given,
overlaid by those read from the text, as the list overlays the typed words on the dialog's
choices), open offers not past their closing date only.

Every offer gets an arrival number when first stored (migration 0008). An offer is new for a
search when it matches and arrived after the search's `seen_seq`; `mark_seen` moves that on (the
user opened the search, or listed with `--mark-read`). `to_notify` counts what arrived since the
last notification and moves `notified_seq` on, so each arrival is announced once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from alin_tui.domain.offer_query import OfferQuery, parse_search, typology_code
from alin_tui.domain.search import fold
from alin_tui.sqlite import transaction
from alin_tui.store import offers as offer_store

NAME_MAX = 40
TEXT_MAX = 500  # as the search box (a longer text is a paste, not a search)
CLOSING_SOON_DAYS = 7


class InvalidSearch(ValueError):
    """A name or filter that cannot be saved. `code`: `name_empty`, `name_long`,
    `name_unprintable`, `typology`, `rent`; `value`: what was given."""

    def __init__(self, code: str, value: Any = None) -> None:
        super().__init__(code)
        self.code, self.value = code, value


class UnknownSearch(LookupError):
    """No saved search of that name; `known` lists the saved ones."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name, self.known = name, known


@dataclass(frozen=True)
class SavedSearch:
    name: str
    text: str
    commune: str | None
    typology: str | None
    max_rent_cents: int | None
    created_at: str
    seen_seq: int
    notified_seq: int

    def query(self) -> OfferQuery:
        """What the Offres list would search with this text and these filters."""
        chosen = OfferQuery(
            place=self.commune, typology=self.typology, max_rent_cents=self.max_rent_cents
        )
        return chosen.overlay(parse_search(self.text))


@dataclass(frozen=True)
class NewOffer:
    search: str
    seq: int
    offer: dict[str, Any]  # {"id", **value}
    closing_soon: bool


_FIELDS = "name, text, commune, typology, max_rent_cents, created_at, seen_seq, notified_seq"


def closing_soon(closes_on: Any, today: dt.date, status: str | None = "open") -> bool:
    """An open offer whose closing date is today or within the next 7 days."""
    if status not in (None, "open"):
        return False
    try:
        day = dt.date.fromisoformat(str(closes_on)[:10])
    except ValueError:
        return False
    return 0 <= (day - today).days <= CLOSING_SOON_DAYS


def clean_name(name: str) -> str:
    """The name trimmed; 1 to 40 printable characters, else `InvalidSearch`."""
    name = (name or "").strip()
    if not name:
        raise InvalidSearch("name_empty")
    if len(name) > NAME_MAX:
        raise InvalidSearch("name_long", name)
    if not name.isprintable():
        raise InvalidSearch("name_unprintable", name)
    return name


def save(
    conn: sqlite3.Connection,
    name: str,
    text: str = "",
    *,
    commune: str | None = None,
    typology: str | None = None,
    max_rent_cents: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[SavedSearch, bool]:
    """Create, or replace by name, a saved search; `(search, replaced)`. A search saved (or
    replaced) now counts as new only the offers that arrive from now on."""
    name = clean_name(name)
    text = " ".join((text or "").split())[:TEXT_MAX]
    commune = (commune or "").strip() or None
    code = None
    if typology is not None and typology.strip():
        code = typology_code(typology)
        if code is None:
            raise InvalidSearch("typology", typology)
    if max_rent_cents is not None and not 0 < int(max_rent_cents) <= 100_000 * 100:
        raise InvalidSearch("rent", max_rent_cents)
    at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    with transaction(conn):
        replaced = _row(conn, name) is not None
        latest = offer_store.latest_arrival(conn)
        conn.execute(
            f"INSERT OR REPLACE INTO saved_searches ({_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, text, commune, code, max_rent_cents, at, latest, latest),
        )
        found = _row(conn, name)
    assert found is not None
    return found, replaced


def remove(conn: sqlite3.Connection, name: str) -> bool:
    """Forget a saved search; False if there was none of that name."""
    with transaction(conn):
        return (
            conn.execute("DELETE FROM saved_searches WHERE name = ?", (name.strip(),)).rowcount > 0
        )


def get(conn: sqlite3.Connection, name: str) -> SavedSearch | None:
    return _row(conn, name.strip())


def searches(conn: sqlite3.Connection) -> list[SavedSearch]:
    """Every saved search, by name (case and accents folded)."""
    rows = conn.execute(f"SELECT {_FIELDS} FROM saved_searches").fetchall()
    return sorted((SavedSearch(*r) for r in rows), key=lambda s: (fold(s.name), s.name))


def names(conn: sqlite3.Connection) -> list[str]:
    return [s.name for s in searches(conn)]


def chosen(conn: sqlite3.Connection, name: str | None) -> list[SavedSearch]:
    """The search of that name (UnknownSearch if none), or every one for None."""
    if name is None:
        return searches(conn)
    found = get(conn, name)
    if found is None:
        raise UnknownSearch(name, names(conn))
    return [found]


def new_offers(
    conn: sqlite3.Connection, name: str | None, today: dt.date, *, upto: int | None = None
) -> list[NewOffer]:
    """The open offers new to a search (or to each search, for None): matching, arrived after
    its `seen_seq` (and at most `upto`). An offer new to two searches is listed under each."""
    out = []
    for s in chosen(conn, name):
        for seq, offer in offer_store.query_arrived(
            conn, s.query(), today, after_seq=s.seen_seq, upto_seq=upto
        ):
            soon = closing_soon(offer.get("closes_on"), today, offer.get("status"))
            out.append(NewOffer(s.name, seq, offer, soon))
    return out


def new_counts(conn: sqlite3.Connection, today: dt.date) -> dict[str, int]:
    """How many offers are new to each saved search."""
    counts = {s: 0 for s in names(conn)}
    for found in new_offers(conn, None, today):
        counts[found.search] += 1
    return counts


def new_total(conn: sqlite3.Connection, today: dt.date) -> int:
    """How many distinct offers are new to at least one saved search (the Offres tab's count)."""
    return len({found.offer["id"] for found in new_offers(conn, None, today)})


def mark_seen(conn: sqlite3.Connection, name: str | None, *, upto: int | None = None) -> None:
    """The offers arrived so far (or up to `upto`) are no longer new to that search (or to any,
    for None); they will not be announced either."""
    wanted = [s.name for s in chosen(conn, name)]
    with transaction(conn):
        latest = offer_store.latest_arrival(conn) if upto is None else int(upto)
        for each in wanted:
            conn.execute(
                "UPDATE saved_searches SET seen_seq = max(seen_seq, ?), "
                "notified_seq = max(notified_seq, ?) WHERE name = ?",
                (latest, latest, each),
            )


def to_notify(conn: sqlite3.Connection, today: dt.date | None = None) -> list[tuple[str, int]]:
    """`(name, count)` for each saved search with matching offers arrived since the last
    notification (and not yet seen); every search's `notified_seq` then moves to the latest
    arrival, so that each arrival is announced once. One transaction."""
    if today is None:
        from alin_tui.store.sync_state import server_today

        today = server_today(conn)
    behind = conn.execute(
        "SELECT 1 FROM saved_searches WHERE notified_seq < (SELECT coalesce(max(seq), 0) "
        "FROM offer_arrivals) LIMIT 1"
    ).fetchone()
    if behind is None:  # nothing arrived since the last announcement: no write lock taken
        return []
    out = []
    with transaction(conn):
        latest = offer_store.latest_arrival(conn)
        for s in searches(conn):
            if s.notified_seq >= latest:
                continue
            after = max(s.notified_seq, s.seen_seq)
            found = offer_store.query_arrived(
                conn, s.query(), today, after_seq=after, upto_seq=latest
            )
            if found:
                out.append((s.name, len(found)))
        conn.execute(
            "UPDATE saved_searches SET notified_seq = ? WHERE notified_seq < ?", (latest, latest)
        )
    return out


def _row(conn: sqlite3.Connection, name: str) -> SavedSearch | None:
    row = conn.execute(f"SELECT {_FIELDS} FROM saved_searches WHERE name = ?", (name,)).fetchone()
    return SavedSearch(*row) if row else None
