"""`alin-tui offers save | new | saved | unsave`: saved searches and the offers new to them.

A saved search is a text and filters under a name; after each sync the offers that arrived and
match are "new" until the user looks (`offers new --mark-read`, or opening the search in the
app). Everything reads and writes the local store only: no network, no Textual.

`--json` output is described by the pydantic models below (`NewOfferOut`, `SavedSearchOut`):
an offer as `offers search --json` gives it (`{id, …offer fields, eligible}`), with
`closing_soon` and `search` (the saved search it is new to).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from alin_tui.exits import EXIT_OK, UsageError


class NewOfferOut(BaseModel):
    """One offer new to a saved search (`offers new --json`)."""

    model_config = ConfigDict(extra="allow")  # the server may send more fields (PROTOCOL.md §4)

    id: str
    reference: str
    residence_title: str
    address: str
    commune: str
    postal_code: str
    department: str
    zone: str
    typology: str
    surface_m2: float
    floor: int
    lift: bool = False
    rent_cents: int
    charges_cents: int
    financing: str
    available_on: str
    published_on: str | None = None
    closes_on: str
    status: str
    eligible: bool | None
    closing_soon: bool
    search: str


class SavedSearchOut(BaseModel):
    """One saved search (`offers saved --json`), with how many offers are new to it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    text: str
    commune: str | None
    typology: str | None
    max_rent_cents: int | None
    created_at: str
    new: int


def run_save(args: argparse.Namespace, settings: Any, t: Any) -> int:
    """`offers save NAME [TEXT] [--commune] [--typology] [--max-rent]`: create or replace."""
    from alin_tui.store import saved

    rent = getattr(args, "max_rent", None)
    conn = _store(settings, t)
    try:
        search, replaced = saved.save(
            conn,
            args.name,
            getattr(args, "text", "") or "",
            commune=getattr(args, "commune", None),
            typology=getattr(args, "typology", None),
            max_rent_cents=None if rent is None else int(round(float(rent) * 100)),
        )
    except saved.InvalidSearch as exc:
        raise UsageError(invalid_text(t, exc)) from exc
    finally:
        conn.close()
    key = "saved.replaced" if replaced else "saved.saved"
    what = describe(t, search)
    print(t(key, name=_shown(search.name), what=what))
    if what == t("saved.everything"):  # no text, no filter: said, not refused
        print(t("saved.everything_warning"), file=sys.stderr)
    return EXIT_OK


def run_new(args: argparse.Namespace, settings: Any, t: Any) -> int:
    """`offers new [--search NAME] [--json] [--mark-read]`: the offers new to the saved
    searches. Listing changes nothing; `--mark-read` makes the listed offers no longer new."""
    from alin_tui.store import offers as offer_store
    from alin_tui.store import saved
    from alin_tui.store.search import eligibility_of
    from alin_tui.store.sync_state import server_today

    name = getattr(args, "search", None)
    conn = _store(settings, t)
    try:
        today = server_today(conn)
        upto = offer_store.latest_arrival(conn)  # what is marked read is what was listed
        try:
            found = saved.new_offers(conn, name, today, upto=upto)
        except saved.UnknownSearch as exc:
            raise UsageError(unknown_text(t, exc)) from exc
        known = saved.names(conn)
        if getattr(args, "mark_read", False):
            saved.mark_seen(conn, name, upto=upto)
        eligible = eligibility_of(conn, today)
        entries = [
            {
                **f.offer,
                "eligible": eligible(f.offer),
                "closing_soon": f.closing_soon,
                "search": f.search,
            }
            for f in found
        ]
    finally:
        conn.close()
    if getattr(args, "json", False):
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    for line in new_lines(t, entries, known if name is None else [name]):
        print(line)
    return EXIT_OK


def run_saved(args: argparse.Namespace, settings: Any, t: Any) -> int:
    """`offers saved [--json]`: the saved searches and how many offers are new to each."""
    from alin_tui.store import saved
    from alin_tui.store.sync_state import server_today

    conn = _store(settings, t)
    try:
        searches = saved.searches(conn)
        counts = saved.new_counts(conn, server_today(conn))
    finally:
        conn.close()
    out = [
        SavedSearchOut(
            name=s.name,
            text=s.text,
            commune=s.commune,
            typology=s.typology,
            max_rent_cents=s.max_rent_cents,
            created_at=s.created_at,
            new=counts.get(s.name, 0),
        )
        for s in searches
    ]
    if getattr(args, "json", False):
        print(json.dumps([s.model_dump() for s in out], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not searches:
        print(t("saved.none_saved"))
    for s, o in zip(searches, out, strict=True):
        print(
            t("saved.saved_line", name=_shown(s.name), what=describe(t, s), new=new_count(t, o.new))
        )
    return EXIT_OK


def run_unsave(args: argparse.Namespace, settings: Any, t: Any) -> int:
    """`offers unsave NAME`: forget a saved search (an unknown name exits 1)."""
    from alin_tui.store import saved

    conn = _store(settings, t)
    try:
        if not saved.remove(conn, args.name):
            raise UsageError(unknown_text(t, saved.UnknownSearch(args.name, saved.names(conn))))
    finally:
        conn.close()
    print(t("saved.removed", name=_shown(args.name.strip())))
    return EXIT_OK


# --- words (what the app says too is in `ui/views.py`) --------------------------------------


def describe(t: Any, search: Any) -> str:
    from alin_tui.ui.views import saved_search_text

    return saved_search_text(t, search)


def new_count(t: Any, count: int) -> str:
    from alin_tui.ui.views import new_offers_text

    return new_offers_text(t, count)


def invalid_text(t: Any, exc: Any) -> str:
    from alin_tui.ui.views import invalid_search_text

    return invalid_search_text(t, exc)


def new_lines(t: Any, entries: list[dict[str, Any]], searches: list[str]) -> list[str]:
    """Per search, a line naming it, then one line per new offer: reference, commune, type,
    surface, rent with charges, closing date, and « ferme bientôt » when it is near."""
    from alin_tui.ui.text import clean

    if not searches:
        return [t("saved.none_saved")]
    lines: list[str] = []
    for name in searches:
        mine = [e for e in entries if e["search"] == name]
        if not mine:
            lines.append(t("saved.no_new", name=_shown(name)))
            continue
        lines.append(t("saved.new_for", name=_shown(name), new=new_count(t, len(mine))))
        for e in mine:
            line = t(
                "saved.offer_line",
                id=clean(e.get("id")),
                residence=clean(e.get("residence_title")),
                reference=clean(e.get("reference")),
                commune=clean(e.get("commune")),
                postal_code=clean(e.get("postal_code")),
                typology=clean(e.get("typology")),
                surface=t.number(round(float(e.get("surface_m2") or 0))) + " m²",
                rent=t.money(int(e.get("rent_cents") or 0) + int(e.get("charges_cents") or 0)),
                closes=t.date(e.get("closes_on")),
            )
            if e["closing_soon"]:
                line += " · " + t("saved.closing_soon")
            lines.append("  " + line)
    return lines


def unknown_text(t: Any, exc: Any) -> str:
    """An unknown name, and the saved ones (or that there is none)."""
    if not exc.known:
        return t("saved.unknown_none", name=_shown(exc.name))
    return t("saved.unknown", name=_shown(exc.name), known=", ".join(_shown(k) for k in exc.known))


def _shown(name: str) -> str:
    from alin_tui.ui.text import clean

    return clean(name, limit=60)


def _store(settings: Any, t: Any) -> sqlite3.Connection:
    """The profile's store; one that cannot be opened is a sentence, exit 1."""
    from alin_tui.profiles import open_store  # private, migrated, damage in words

    return open_store(settings, t)
