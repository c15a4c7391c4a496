"""Offline offer search over the local store: folded full text, filters, eligibility, a score.

Matching folds case and accents, reads `-`, `'` and runs of spaces as one space, and `St`/`Ste`
as `Saint`/`Sainte`, over reference, residence, address, commune and postal code (prefix match on
every word). The score is the full-text relevance (bm25, higher is better; 0 without text).
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
from alin_tui.store import applicant, sync_state
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
    clauses: list[str] = []
    params: list[Any] = []
    # Letters and digits only, as the app's search box reads them: nothing typed (a quote, `*`,
    # NEAR, a character that folds into a quote) can be taken for FTS5 syntax.
    terms = fts_terms(text)[:MAX_TERMS]
    select = "SELECT o.id, o.value, 0.0 AS score FROM offers o"
    if terms:
        select = (
            "SELECT o.id, o.value, -bm25(offers_fts) AS score FROM offers_fts "
            "JOIN offers o ON o.rowid = offers_fts.rowid"
        )
        clauses.append("offers_fts MATCH ?")
        params.append(fts_match(terms))  # bounded like the app's: 32 words at most
    today = sync_state.server_today(conn)
    if not include_closed:  # open, and not past its closing day (the rule of `offer_is_open`)
        clauses.append("o.status = 'open' AND o.closes_on >= ?")
        params.append(today.isoformat())
    if typology:
        clauses.append("o.typology = ?")
        params.append(TYPOLOGIES.get(typology.strip().lower(), typology.strip()))
    if max_rent_euros is not None:
        clauses.append("o.rent_cents + o.charges_cents <= ?")
        params.append(int(round(max_rent_euros * 100)))
    rows = conn.execute(
        f"{select} {'WHERE ' + ' AND '.join(clauses) if clauses else ''} "
        "ORDER BY score DESC, o.closes_on, o.id",
        params,
    ).fetchall()
    wanted = fold(commune) if commune else None
    eligible = eligibility_of(conn, today)
    covered = territory_of_demand(conn)
    out = []
    for id_, value, score in rows:
        offer = json.loads(value)
        if wanted is not None and fold(offer.get("commune", "")) != wanted:
            continue
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
        if len(out) >= limit:
            break
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
