"""Offline offer search over the local store: folded full text, filters, eligibility, a score.

Matching folds case and accents, reads `-`, `'` and runs of spaces as one space, and `St`/`Ste`
as `Saint`/`Sainte`, over reference, residence, address, commune and postal code (prefix match on
every word). The score is the full-text relevance (bm25, higher is better; 0 without text, and
0 for every match of a text that matches too many offers to rank: see `search`).
`closing_soon`: an open offer closing within 7 days of the server's today. `in_territory`: the
offer's department lies in what the demand's number covers (null when either is unknown).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from alin_tui.domain import eligibility, territory
from alin_tui.domain.offer_query import MAX_TERMS, fts_match, fts_terms
from alin_tui.domain.search import fold
from alin_tui.store import applicant, offers, sync_state
from alin_tui.store.saved import closing_soon

TYPOLOGIES = {"studio": "studio", **{f"t{i}": f"T{i}" for i in range(1, 7)}}


def search(
    conn: sqlite3.Connection,
    text: str = "",
    *,
    commune: str | None = None,
    typology: str | None = None,
    max_rent_euros: float | None = None,
    limit: int = 50,
    include_closed: bool = False,
) -> list[dict[str, Any]]:
    """The `limit` best offers for `text` and the filters, best score first, ties soonest
    closing first, then by id. One statement finds them, filters and limit included (once
    `offers.ranks` has said whether to rank), and reads the JSON of those `limit` offers only.

    A text that matches more than `offers.RANK_AT_MOST` offers (a common prefix such as « s »)
    is not ranked: its matches come soonest closing first, then by id, walked in that order on
    the closing index, and each has the score 0.0, as without text. Equal scores keep the order
    honest (best score first: there is no best), and their order is that of ties in a ranking.
    """
    if limit <= 0:
        return []
    clauses: list[str] = []
    params: list[Any] = []
    # Letters and digits only, as the app's search box reads them: nothing typed (a quote, `*`,
    # NEAR, a character that folds into a quote) can be taken for FTS5 syntax.
    terms = fts_terms(text)[:MAX_TERMS]
    match = fts_match(terms) if terms else None  # bounded like the app's: 32 words at most
    source, score, order = "offers_list o", "0.0", "o.closes_on, o.id"
    if match is not None and offers.ranks(conn, match):
        # Few matches: they drive, each looked up by rowid, and are ranked (bm25, negated).
        source = "offers_fts f CROSS JOIN offers_list o ON o.rid = f.rowid"
        score, order = "-bm25(f.offers_fts)", f"score DESC, {order}"
        clauses.append("f.offers_fts MATCH ?")
        params.append(match)
    elif match is not None:
        # Many: the closing index drives (when only open offers are wanted: with `--all`, the
        # closing order across statuses is a top-N sort), probing the set of matches.
        clauses.append("o.rid IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH ?)")
        params.append(match)
    today = sync_state.server_today(conn)
    if not include_closed:  # open, and not past its closing day (the rule of `offer_is_open`)
        clauses.append("o.status = 'open' AND o.closes_on >= ?")
        params.append(today.isoformat())
    if typology:
        clauses.append("o.typology = ?")
        params.append(TYPOLOGIES.get(typology.strip().lower(), typology.strip()))
    if max_rent_euros is not None:
        clauses.append("o.rent_total <= ?")
        params.append(int(round(max_rent_euros * 100)))
    if commune:  # the stored communes equal to it once folded (case, accents, `-`, `St`)
        wanted = fold(commune)
        names = [c for c in offers.communes(conn) if fold(c) == wanted]
        clauses.append(f"o.commune IN ({', '.join('?' * len(names))})" if names else "0")
        params.extend(names)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        f"SELECT v.id, v.value, w.score FROM (SELECT o.rid AS rid, {score} AS score, "
        f"o.closes_on AS c, o.id AS i FROM {source} {where} ORDER BY {order} LIMIT ?) w "
        "CROSS JOIN offers v ON v.rowid = w.rid ORDER BY w.score DESC, w.c, w.i",
        (*params, int(limit)),
    ).fetchall()
    eligible = eligibility_of(conn, today)
    covered = territory_of_demand(conn)
    out = []
    for id_, value, score in rows:
        offer = json.loads(value)
        out.append(
            {
                "id": id_,
                **offer,
                "eligible": eligible(offer),
                "score": round(score, 4),
                "closing_soon": closing_soon(offer.get("closes_on"), today, offer.get("status")),
                "in_territory": (
                    None if covered is None else covered.covers(offer.get("department"))
                ),
            }
        )
    return out


def territory_of_demand(conn: sqlite3.Connection) -> territory.Territory | None:
    """What the pulled demand's number (or the linked number) covers; None when unknown."""
    data = applicant.load(conn, overlay=False)
    number = (data.demand or {}).get("nur") or (data.link or {}).get("nur")
    return territory.territory_of_number(number)


def eligibility_of(conn: sqlite3.Connection, today: dt.date) -> Callable[[dict], bool | None]:
    """Whether the household's reference income is under an offer's ceiling (None where no
    ceiling is known, or no household was pulled)."""
    data = applicant.load(conn, overlay=False)
    persons = data.person_rules()
    category = eligibility.household_category(persons, today) if persons else None
    demand = data.demand_rule()
    income = eligibility.counted_income(demand, today).cents

    def eligible(offer: dict[str, Any]) -> bool | None:
        if category is None:
            return None
        return eligibility.assess_offer(
            financing=offer["financing"],
            zone=offer.get("zone"),
            commune=offer.get("commune"),
            household_category_=category,
            income_cents=income,
            today=today,
        ).eligible

    return eligible
