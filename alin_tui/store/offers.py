"""Offers: typed columns for filtering and paging, a folded text for full-text search.

The Offres list reads through `query_count`, `query_window` and `query_position`: one
`OfferQuery` (domain.offer_query) becomes one parameterised statement over the open offers, in
a total order (every sort ends with the closing date and the id), so that a window of any
offset, the count and the position of an offer all agree.

The relevance sort ranks the matches of a text by bm25 only when they are few (`RANK_AT_MOST`,
`ranks`): the matches of a common prefix (« s » matches most offers) are listed by closing date
instead, read in that order from the closing index, and none of them is scored or sorted.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from alin_tui.domain.offer_query import (
    MAX_TERMS,
    OfferQuery,
    department_code,
    fts_match,
    fts_terms,
    matching_communes,
    typology_code,
)
from alin_tui.domain.search import fold

_COLUMNS = (
    "reference",
    "residence_title",
    "address",
    "commune",
    "postal_code",
    "department",
    "zone",
    "typology",
    "surface_m2",
    "floor",
    "lift",
    "rent_cents",
    "charges_cents",
    "financing",
    "available_on",
    "closes_on",
    "status",
)


def search_text(value: dict[str, Any]) -> str:
    parts = (
        value.get(k) or ""
        for k in ("reference", "residence_title", "address", "commune", "postal_code")
    )
    return fold(" ".join(str(p) for p in parts))


def put(conn: sqlite3.Connection, id_: str, version: int, value: dict[str, Any]) -> None:
    row = [value.get(c) for c in _COLUMNS]
    row[_COLUMNS.index("lift")] = int(bool(value.get("lift")))
    cols = ", ".join(("id", "version", *_COLUMNS, "search_text", "value"))
    marks = ", ".join("?" * (len(_COLUMNS) + 4))
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in ("version", *_COLUMNS, "search_text", "value")
    )
    conn.execute(
        f"INSERT INTO offers ({cols}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {updates}",
        (id_, version, *row, search_text(value), json.dumps(value, ensure_ascii=False)),
    )


def delete(conn: sqlite3.Connection, id_: str) -> None:
    conn.execute("DELETE FROM offers WHERE id = ?", (id_,))


def count(conn: sqlite3.Connection, *, include_closed: bool = False, query: str = "") -> int:
    where, params = _where(include_closed, query)
    return int(conn.execute(f"SELECT count(*) FROM offers o {where}", params).fetchone()[0])


def page(
    conn: sqlite3.Connection,
    *,
    offset: int = 0,
    limit: int = 100,
    include_closed: bool = False,
    query: str = "",
) -> list[dict[str, Any]]:
    """A window of offers, soonest deadline first: the UI never loads the whole list."""
    where, params = _where(include_closed, query)
    rows = conn.execute(
        f"SELECT o.id, o.value FROM offers o {where} ORDER BY o.closes_on, o.id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [{"id": id_, **json.loads(value)} for id_, value in rows]


def _where(include_closed: bool, query: str) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    params: list[Any] = []
    if not include_closed:
        clauses.append("o.status = 'open'")
    folded = fold(query)
    if folded:
        terms = " ".join(f'"{w}"*' for w in folded.split())
        clauses.append("o.rowid IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH ?)")
        params.append(terms)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(params)


def get(conn: sqlite3.Connection, id_: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM offers WHERE id = ?", (id_,)).fetchone()
    return {"id": id_, **json.loads(row[0])} if row else None


def id_of(conn: sqlite3.Connection, typed: str) -> str | None:
    """The offer's id for an id or a reference as shown on screen (« AL69-2611-004898 », any
    case); None when neither names exactly one offer."""
    typed = typed.strip()
    if conn.execute("SELECT 1 FROM offers WHERE id = ?", (typed,)).fetchone():
        return typed
    import re

    for form in dict.fromkeys([typed, re.sub(r"[\s./]+", "-", typed)]):  # « AL69 2611 003477 »
        rows = conn.execute(
            "SELECT id FROM offers WHERE reference = ? COLLATE NOCASE LIMIT 2", (form,)
        ).fetchall()
        if len(rows) == 1:
            return rows[0][0]
    return None


# ---------------------------------------------------------------------------------------------
# The Offres list: an OfferQuery over the open offers, counted, windowed, and located.
#
# Everything is read from `offers_list` (migration 0005): the filtered and sorted columns of each
# offer, keyed by its rowid (the rowid of `offers_fts` too), with one covering index per order.
# Without text, a count, a window or a position walks one of those indexes and reads no offer
# row but the window's. With text, the full-text matches drive and each is looked up in
# `offers_list` by rowid, for a count, a position, and the window of a text that matches few
# offers (`ranks`): cheaper there than walking a sort index and probing the set of matches
# (measured on 100,000 offers, even for a one-letter prefix: a count visits every match anyway).
# The window of a text that matches many walks its sort's index instead, probing the set of
# matches (gathered once per statement, one b-tree insert each): at offset 0 the walk stops after
# about `limit / density` entries and nothing is sorted (measured on 100,000 offers, the first 50
# rows: « s », 83,093 matches, 11.5 ms walking against 15.5 ms driving and keeping the top 50 and
# 60 ms ranking them all; « t », 16,420 matches, 1.9 against 5.5 and 14 ms).

# The most matches the relevance sort ranks by bm25. Ranking costs about a microsecond per match
# on top of finding it (measured on 100,000 offers, 2 cores: the 83,093 matches of « s » found in
# 6 ms and ranked in 60 to 110 ms; the 1,914 of « paris » in 3 ms, the 16,420 of « t » in 14 ms),
# and a keystroke in the Offres list counts the matches too: 5,000 keeps a ranked keystroke near
# 10 ms. Above it the text's matches are listed by closing date (the order of ties in a ranking).
# Little is lost: a term found in more than half the offers gets bm25's floor weight (1e-6), so the
# ranking of a one-letter prefix's matches is noise. bm25 also reads every match of each of the
# text's terms (« evry c »: 209 matches, but every offer with a word in « c » read to weigh it), a
# cost bounded by the most common one-letter term's (about 10 ms, « evry c » ranked in 11 ms).
RANK_AT_MOST = 5_000


def ranks(conn: sqlite3.Connection, match: str) -> bool:
    """Whether the offers matching `match` (an `fts_match` expression, any status) are few enough
    to rank by relevance (at most `RANK_AT_MOST`). Counts no further than `RANK_AT_MOST + 1`."""
    row = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM offers_fts WHERE offers_fts MATCH ? LIMIT ?)",
        (match, RANK_AT_MOST + 1),
    ).fetchone()
    return int(row[0]) <= RANK_AT_MOST


# What `ranks` answered, for the Offres list: a keystroke counts the matches (`query_count`
# learns the answer on the way, at no cost), then reads a window, and scrolling reads more
# windows and positions, which must all agree on the order. Asking again costs the search for
# the text's matches (measured on 100,000 offers: 4.5 ms for « s », 6 ms for « saint-d »).
# Keyed by the store's file, the full-text index's totals and structure records (FTS5 rewrites
# its structure record, with a write counter that only grows, at every commit that changes the
# index; both are read in the same statement as the answer, so a commit anywhere gives new keys)
# and `RANK_AT_MOST`. Not used in a transaction (its changes reach those records only once
# committed), nor for a store in memory (no name to tell it from another).
_RANKS: dict[tuple[Any, ...], bool] = {}
_RANKS_KEPT = 256
_STAMP = (
    "(SELECT block FROM offers_fts_data WHERE id = 1), "
    "(SELECT block FROM offers_fts_data WHERE id = 10)"
)


def _store_name(conn: sqlite3.Connection) -> str | None:
    if conn.in_transaction:
        return None
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None  # pragma: no cover - every connection has a main database


def _remember(key: tuple[Any, ...], ranked: bool) -> None:
    if len(_RANKS) >= _RANKS_KEPT:
        _RANKS.clear()
    _RANKS[key] = ranked


def _ranks_remembered(conn: sqlite3.Connection, match: str) -> bool:
    """`ranks`, answered from what an earlier call or count on the same state of the store
    learned when it can be."""
    store = _store_name(conn)
    if store is None:
        return ranks(conn, match)
    stamp = conn.execute(f"SELECT {_STAMP}").fetchone()
    known = _RANKS.get((store, *stamp, match, RANK_AT_MOST))
    if known is not None:
        return known
    row = conn.execute(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM offers_fts WHERE offers_fts MATCH ? "
        f"LIMIT ?)), {_STAMP}",
        (match, RANK_AT_MOST + 1),
    ).fetchone()
    ranked = int(row[0]) <= RANK_AT_MOST
    _remember((store, *row[1:], match, RANK_AT_MOST), ranked)
    return ranked


@dataclass(frozen=True)
class _Plan:
    """One query as SQL pieces: FROM, WHERE (with its parameters) and the sort keys."""

    source: str
    where: str
    params: tuple[Any, ...]
    keys: tuple[tuple[str, bool], ...]  # (expression, descending), the last one unique (id)
    # The full-text part apart: the match expression (None without text), the clause that
    # tests it, and every other clause (with its parameters); `never`: a clause is always false.
    match: str | None = None
    text: str = ""
    filters: str = ""
    filter_params: tuple[Any, ...] = ()
    never: bool = False

    def order_by(self, alias: str = "") -> str:
        return ", ".join(
            f"{alias + str(i) if alias else expr}{' DESC' if desc else ''}"
            for i, (expr, desc) in enumerate(self.keys)
        )

    def select_keys(self) -> str:
        return ", ".join(f"{expr} AS k{i}" for i, (expr, _) in enumerate(self.keys))

    def before(self, values: tuple[str, ...]) -> str:
        """A predicate true of the rows sorting before a row whose keys are `values`."""
        keys = [expr for expr, _ in self.keys]
        descending = [i for i, (_, desc) in enumerate(self.keys) if desc]
        # The ascending tail as one row value, then each key before it, outwards.
        tail = descending[-1] + 1 if descending else 0
        clause = f"({', '.join(keys[tail:])}) < ({', '.join(values[tail:])})"
        for i in range(tail - 1, -1, -1):
            op = ">" if self.keys[i][1] else "<"
            clause = f"({keys[i]} {op} {values[i]} OR ({keys[i]} = {values[i]} AND {clause}))"
        # Implied, but on the first key alone: a range on the sort index, or (bm25) a test made
        # before the offer's row is read.
        bound = f"{keys[0]} {'>=' if self.keys[0][1] else '<='} {values[0]}"
        return f"{bound} AND {clause}"


def _places(conn: sqlite3.Connection, q: OfferQuery) -> list[str]:
    """The communes `q.place` names (none if it is empty or a department code)."""
    if q.place is None or not fold(q.place) or department_code(q.place) is not None:
        return []
    return matching_communes(q.place, communes(conn))


def _ranked(conn: sqlite3.Connection, q: OfferQuery) -> bool:
    """Whether `q`'s text matches few enough offers to rank them (`ranks`); True without text,
    where there is nothing to rank and nothing to walk past."""
    terms = fts_terms(q.text)
    if not terms or len(terms) > MAX_TERMS:  # no text, or a paste that matches nothing
        return True
    return _ranks_remembered(conn, fts_match(terms))


def _plan(
    q: OfferQuery,
    today: dt.date,
    places: list[str],
    *,
    lookup: bool = False,
    o: str = "o",
    ranked: bool = True,
    walk: bool = False,
) -> _Plan:
    """`places`: from `_places`. `lookup`: for one offer (the caller adds `{o}.id = ?`): the
    offer first, then its full-text match by rowid, rather than the matches first. `ranked`
    (`_ranked`): False for a text that matches many offers, which the relevance sort then lists
    by closing date (no bm25 key). `walk` (a window of such a text): the offers are walked in
    the sort's order, on its index, each looked up in the set of the text's matches."""
    f = f"{o}_fts"
    terms = fts_terms(q.text)
    match = fts_match(terms) if 0 < len(terms) <= MAX_TERMS else None
    clauses = [f"{o}.status = 'open'", f"{o}.closes_on >= ?"]
    params: list[Any] = [today.isoformat()]
    source = f"offers_list {o}"
    text = ""
    if len(terms) > MAX_TERMS:
        clauses.append("0")  # a pasted text, not a search: no offer has that many words
    if match is not None and walk:
        # The ORDER BY picks the index; the matches are gathered once, as a set of rowids.
        text = f"{o}.rid IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH ?)"
    elif match is not None:
        source = (
            f"offers_list {o} CROSS JOIN offers_fts {f} ON {f}.rowid = {o}.rid"
            if lookup
            else f"offers_fts {f} CROSS JOIN offers_list {o} ON {o}.rid = {f}.rowid"
        )
        text = f"{f}.offers_fts MATCH ?"
    if q.typology:
        clauses.append(f"{o}.typology = ?")
        params.append(typology_code(q.typology) or q.typology)
    if q.max_rent_cents is not None:
        clauses.append(f"{o}.rent_total <= ?")
        params.append(int(q.max_rent_cents))
    if q.min_surface_m2 is not None:
        clauses.append(f"{o}.surface_m2 >= ?")
        params.append(float(q.min_surface_m2))
    if q.closing_within_days is not None:
        clauses.append(f"{o}.closes_on <= ?")
        params.append(_plus_days(today, q.closing_within_days))
    if q.place is not None and fold(q.place):
        if (dept := department_code(q.place)) is not None:
            clauses.append(f"{o}.department = ?")
            params.append(dept)
        else:
            marks = ", ".join("?" * len(places))
            clauses.append(f"{o}.commune IN ({marks})" if places else "0")
            params.extend(places)
    if q.departments is not None:
        codes = sorted(q.departments)
        marks = ", ".join("?" * len(codes))
        clauses.append(f"{o}.department IN ({marks})" if codes else "0")
        params.extend(codes)
    if q.eligible_pairs is not None:
        pairs = sorted(q.eligible_pairs)
        marks = ", ".join("(?, ?)" for _ in pairs)
        clauses.append(f"({o}.financing, {o}.zone) IN (VALUES {marks})" if pairs else "0")
        params.extend(x for pair in pairs for x in pair)

    keys: tuple[tuple[str, bool], ...] = ()
    if q.sort == "rent":
        keys = ((f"{o}.rent_total", False),)
    elif q.sort == "surface":
        keys = ((f"{o}.surface_m2", True),)
    elif q.sort == "relevance" and match is not None and ranked:
        keys = ((f"bm25({f}.offers_fts)", False),)
    keys = (*keys, (f"{o}.closes_on", False), (f"{o}.id", False))
    filters = " AND ".join(clauses)
    return _Plan(
        source,
        f"{text} AND {filters}" if text else filters,
        (match, *params) if text else tuple(params),
        keys,
        match=match,
        text=text,
        filters=filters,
        filter_params=tuple(params),
        never="0" in clauses,
    )


def _plus_days(today: dt.date, days: int) -> str:
    try:
        return (today + dt.timedelta(days=days)).isoformat()
    except OverflowError:
        return dt.date.max.isoformat() if days > 0 else ""


def query_count(conn: sqlite3.Connection, q: OfferQuery, today: dt.date) -> int:
    """How many open offers (not past their closing date on `today`) match `q`.

    With text, the same pass counts every match of the text (any status, whatever the filters)
    too, and remembers whether they are few enough to rank (`ranks`), for the windows to come.
    """
    plan = _plan(q, today, _places(conn, q))
    store = _store_name(conn) if plan.match is not None and not plan.never else None
    if store is None:
        row = conn.execute(f"SELECT count(*) FROM {plan.source} WHERE {plan.where}", plan.params)
        return int(row.fetchone()[0])
    row = conn.execute(
        f"SELECT count(*) FILTER (WHERE {plan.filters}), count(*), {_STAMP} "
        f"FROM {plan.source} WHERE {plan.text}",
        (*plan.filter_params, plan.match),
    ).fetchone()
    _remember((store, *row[2:], plan.match, RANK_AT_MOST), int(row[1]) <= RANK_AT_MOST)
    return int(row[0])


def query_window(
    conn: sqlite3.Connection, q: OfferQuery, today: dt.date, offset: int, limit: int
) -> list[dict[str, Any]]:
    """The offers at [offset, offset + limit) in `q`'s order, each `{"id": …, **value}`.

    The order and the window are found on the sort keys alone; the JSON values are read for the
    window's rows only. A text that matches more than `RANK_AT_MOST` offers: its matches in the
    sort's order, walked on the sort's index (relevance: the closing order), none sorted.
    """
    if limit <= 0:
        return []
    ranked = _ranked(conn, q)
    plan = _plan(q, today, _places(conn, q), ranked=ranked, walk=not ranked)
    sql = (
        f"SELECT v.id, v.value FROM (SELECT o.rid AS rid, {plan.select_keys()} "
        f"FROM {plan.source} WHERE {plan.where} ORDER BY {plan.order_by()} LIMIT ? OFFSET ?) w "
        f"CROSS JOIN offers v ON v.rowid = w.rid ORDER BY {plan.order_by('w.k')}"
    )
    rows = conn.execute(sql, (*plan.params, int(limit), max(0, int(offset)))).fetchall()
    return [{"id": id_, **json.loads(value)} for id_, value in rows]


def query_position(
    conn: sqlite3.Connection, q: OfferQuery, today: dt.date, offer_id: str
) -> int | None:
    """The index `query_window` gives `offer_id` under `q`, or None if it does not match.

    One statement (one snapshot): the offer's sort keys, then how many matching offers sort
    before them.
    """
    places = _places(conn, q)
    ranked = _ranked(conn, q)  # the window's order (the matches drive this count either way)
    target = _plan(q, today, places, lookup=True, o="t", ranked=ranked)
    plan = _plan(q, today, places, ranked=ranked)
    values = tuple(f"t.k{i}" for i in range(len(plan.keys)))
    sql = (
        f"SELECT (SELECT count(*) FROM {plan.source} WHERE {plan.where} "
        f"AND {plan.before(values)}) "
        f"FROM (SELECT {target.select_keys()} FROM {target.source} "
        f"WHERE t.id = ? AND {target.where}) t"
    )
    row = conn.execute(sql, (*plan.params, offer_id, *target.params)).fetchone()
    return None if row is None else int(row[0])


def query_arrived(
    conn: sqlite3.Connection,
    q: OfferQuery,
    today: dt.date,
    *,
    after_seq: int,
    upto_seq: int | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """The open offers matching `q` that arrived in the store after `after_seq` (and at most
    `upto_seq`), each `(seq, {"id": …, **value})`, soonest closing first.

    Arrivals (migration 0008) drive: few offers arrive between two looks, and each is matched by
    its id, then by rowid against the full-text index, as `query_position` finds one offer.
    """
    plan = _plan(q, today, _places(conn, q), lookup=True)
    bound, params = "", [int(after_seq)]
    if upto_seq is not None:
        bound = "AND a.seq <= ? "
        params.append(int(upto_seq))
    sql = (
        f"SELECT a.seq, v.id, v.value FROM offer_arrivals a CROSS JOIN {plan.source} "
        f"CROSS JOIN offers v ON v.rowid = o.rid "
        f"WHERE a.seq > ? {bound}AND o.id = a.offer_id AND {plan.where} "
        "ORDER BY o.closes_on, o.id"
    )
    rows = conn.execute(sql, (*params, *plan.params)).fetchall()
    return [(seq, {"id": id_, **json.loads(value)}) for seq, id_, value in rows]


def latest_arrival(conn: sqlite3.Connection) -> int:
    """The arrival number of the last offer stored (0 before any)."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM offer_arrivals").fetchone()[0])


def communes(conn: sqlite3.Connection) -> list[str]:
    """The distinct communes of the stored offers, in alphabetical order (accents folded).

    A skip-scan of the `offers_commune` index: one seek per commune, not one step per offer.
    """
    rows = conn.execute(
        "WITH RECURSIVE c (name) AS ("
        " SELECT min(commune) FROM offers"
        " UNION ALL"
        " SELECT (SELECT min(commune) FROM offers WHERE commune > c.name) FROM c"
        " WHERE c.name IS NOT NULL"
        ") SELECT name FROM c WHERE name IS NOT NULL"
    ).fetchall()
    return sorted((name for (name,) in rows), key=lambda n: (fold(n), n))
