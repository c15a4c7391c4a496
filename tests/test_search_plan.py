"""Searching a large store: a common prefix is listed in closing order off the closing index,
neither ranked nor sorted whole, and every path finds the offers the naive full-text query finds.

A store of 20,000 synthetic offers (`benchmarks/offer_query.py`, built in about 2 s), where the
one-letter prefix « s » matches 16,650 offers, over `offers.RANK_AT_MOST`. Plans are read with
`EXPLAIN QUERY PLAN` from the very statements the store ran (a trace callback). Nothing here is
timed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from alin_tui.domain.offer_query import SORTS, OfferQuery, fts_match, fts_terms, parse_search
from alin_tui.domain.search import fold
from alin_tui.store import offers, search
from alin_tui.store.db import connect

BUILDER = Path(__file__).resolve().parent.parent / "benchmarks" / "offer_query.py"
TODAY = dt.date(2026, 11, 27)  # the day `benchmarks/offer_query.py` makes its offers for
COMMON = ("s", "p")  # one letter each, matching most offers
PREFIXES = ("s", "sa", "p", "t", "gare", "paris", "saint-d", "evry c", "saint-denis t3")
EVERYTHING = 100_000


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("bench_offer_query", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _store(path: Path, count: int) -> sqlite3.Connection:
    _builder().build(path, count)
    conn = connect(path)
    conn.execute(  # `store.search` reads the day from the sync state
        "INSERT INTO sync_state (service, server_today) VALUES ('alin', ?) "
        "ON CONFLICT (service) DO UPDATE SET server_today = excluded.server_today",
        (TODAY.isoformat(),),
    )
    return conn


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    db = _store(tmp_path_factory.mktemp("search-plan") / "store.db", 20_000)
    yield db
    db.close()


def _match(text: str) -> str:
    return fts_match(fts_terms(text))


def _naive(
    conn: sqlite3.Connection,
    text: str,
    *,
    order: str = "o.closes_on, o.id",
    every: bool = False,
    typology: str | None = None,
) -> list[str]:
    """Every offer matching `text`, open and not past its closing day unless `every`, in
    `order`: the plain full-text query, nothing skipped, nothing cut."""
    where, params = ["offers_fts MATCH ?"], [_match(text)]
    if not every:
        where.append("o.status = 'open' AND o.closes_on >= ?")
        params.append(TODAY.isoformat())
    if typology:
        where.append("o.typology = ?")
        params.append(typology)
    # CROSS JOIN: the matches drive (walking the closing index of `offers` instead would look
    # each offer up in the full-text index, redoing the prefix search every time).
    rows = conn.execute(
        "SELECT o.id FROM offers_fts CROSS JOIN offers o ON o.rowid = offers_fts.rowid "
        f"WHERE {' AND '.join(where)} ORDER BY {order}",
        params,
    )
    return [id_ for (id_,) in rows]


def _plans(conn: sqlite3.Connection, call: Callable[[], object]) -> list[tuple[str, list]]:
    """The full-text statements `call` runs, each with its query plan."""
    caught: list[str] = []
    conn.set_trace_callback(caught.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    return [
        (sql, conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        for sql in caught
        if "MATCH" in sql and sql.lstrip().upper().startswith("SELECT")
    ]


def _sorted_reads(plan: list) -> list[str]:
    """The steps of `plan` that read the matches in a SELECT that then sorts them (a temporary
    B-tree for ORDER BY beside them): a full-text scan, or a read of `offers_list` (aliased `o`
    in both modules). The lookup of a window's few rows (`v`) and their re-ordering are not."""
    sorted_parents = {p for _, p, _, d in plan if "TEMP B-TREE FOR ORDER BY" in d}
    return [
        d
        for _, p, _, d in plan
        if p in sorted_parents and ("VIRTUAL TABLE" in d or re.match(r"(SCAN|SEARCH) o\b", d))
    ]


@pytest.mark.parametrize("text", COMMON)
def test_a_common_prefix_is_walked_on_the_closing_index_and_never_sorted(
    conn: sqlite3.Connection, text: str
) -> None:
    assert not offers.ranks(conn, _match(text))  # common indeed: too many matches to rank
    q = parse_search(text)
    for call in (
        lambda: offers.query_count(conn, q, TODAY),
        lambda: offers.query_window(conn, q, TODAY, 0, 50),
        lambda: offers.query_position(conn, q, TODAY, "of-0000007"),
        lambda: search.search(conn, text, limit=50),
    ):
        plans = _plans(conn, call)
        assert plans
        for sql, plan in plans:
            assert not _sorted_reads(plan), (sql, plan)
    for call in (
        lambda: offers.query_window(conn, q, TODAY, 0, 50),
        lambda: search.search(conn, text, limit=50),
    ):
        (walk,) = [(s, p) for s, p in _plans(conn, call) if "IN (SELECT rowid FROM" in s]
        sql, plan = walk
        details = [d for _, _, _, d in plan]
        assert "bm25" not in sql
        assert any("COVERING INDEX offers_list_closing" in d for d in details), details
        # The matches are gathered as a set, which the walk probes: not read in any order.
        assert any(d.startswith("LIST SUBQUERY") for d in details), details


def test_a_rare_text_is_ranked_and_only_its_few_matches_are_sorted(
    conn: sqlite3.Connection,
) -> None:
    assert offers.ranks(conn, _match("paris"))
    assert len(_naive(conn, "paris", every=True)) <= offers.RANK_AT_MOST
    for call in (
        lambda: offers.query_window(conn, parse_search("paris"), TODAY, 0, 50),
        lambda: search.search(conn, "paris", limit=50),
    ):
        windows = [(s, p) for s, p in _plans(conn, call) if "bm25" in s]
        assert windows
        for _, plan in windows:
            assert any("VIRTUAL TABLE" in d for d in _sorted_reads(plan))


@pytest.mark.parametrize("text", PREFIXES)
def test_every_path_finds_the_naive_querys_offers_in_its_order(
    conn: sqlite3.Connection, text: str
) -> None:
    q = parse_search(text)
    ranked = offers.ranks(conn, _match(q.text))
    order = "bm25(offers_fts), o.closes_on, o.id" if ranked else "o.closes_on, o.id"
    expected = _naive(conn, q.text, order=order, typology=q.typology)
    assert expected
    window = [o["id"] for o in offers.query_window(conn, q, TODAY, 0, EVERYTHING)]
    assert window == expected
    assert offers.query_count(conn, q, TODAY) == len(expected)

    found = search.search(conn, q.text, typology=q.typology, limit=EVERYTHING)
    assert [o["id"] for o in found] == expected
    scores = [o["score"] for o in found]
    assert scores == sorted(scores, reverse=True)  # best score first
    if ranked:
        assert len(set(scores)) > 1 and min(scores) > 0
    else:  # not ranked: one score for all, and the order of ties in a ranking
        assert set(scores) == {0.0}
    assert [o["id"] for o in search.search(conn, q.text, typology=q.typology, limit=7)] == (
        expected[:7]
    )


@pytest.mark.parametrize("text", ("s", "paris"))
def test_closed_offers_only_with_all(conn: sqlite3.Connection, text: str) -> None:
    every = {o["id"]: o for o in search.search(conn, text, limit=EVERYTHING, include_closed=True)}
    assert set(every) == set(_naive(conn, text, every=True))
    shown = search.search(conn, text, limit=EVERYTHING)
    assert {o["id"] for o in shown} == set(_naive(conn, text))
    assert any(o["status"] == "closed" for o in every.values())
    assert all(o["status"] == "open" and o["closes_on"] >= TODAY.isoformat() for o in shown)
    if not offers.ranks(conn, _match(text)):
        keys = [(o["closes_on"], o["id"]) for o in every.values()]
        assert keys == sorted(keys)


def test_the_filters_in_the_statement_keep_the_same_offers(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT id, commune, typology, rent_cents + charges_cents FROM offers"
    ).fetchall()
    by_id = {r[0]: r[1:] for r in rows}
    commune = "Saint-Denis"
    assert any(c == commune for c, _, _ in by_id.values())
    for text in ("s", "gare", ""):
        naive = (
            _naive(conn, text)
            if text
            else [
                i
                for (i,) in conn.execute(
                    "SELECT id FROM offers WHERE status = 'open' AND closes_on >= ? "
                    "ORDER BY closes_on, id",
                    (TODAY.isoformat(),),
                )
            ]
        )
        expected = [
            i
            for i in naive
            if fold(by_id[i][0]) == fold(commune) and by_id[i][1] == "T3" and by_id[i][2] <= 70000
        ]
        found = search.search(
            conn,
            text,
            commune="SAINT DENIS",
            typology="t3",
            max_rent_euros=700,
            limit=EVERYTHING,
        )
        got = [o["id"] for o in found]
        assert sorted(got) == sorted(expected)
        if not text or not offers.ranks(conn, _match(text)):
            assert got == expected
    assert search.search(conn, "s", commune="Nowhere") == []


@pytest.mark.parametrize("sort", SORTS)
def test_windows_and_positions_of_a_common_prefix_agree(
    conn: sqlite3.Connection, sort: str
) -> None:
    q = parse_search("s").overlay(OfferQuery(sort=sort))
    tail = "o.closes_on, o.id"
    order = {
        "rent": f"o.rent_cents + o.charges_cents, {tail}",
        "surface": f"o.surface_m2 DESC, {tail}",
    }.get(sort, tail)  # relevance: not ranked, so the closing order
    whole = [o["id"] for o in offers.query_window(conn, q, TODAY, 0, EVERYTHING)]
    assert whole == _naive(conn, "s", order=order)
    size = 997
    pages = [
        o["id"]
        for offset in range(0, len(whole) + size, size)
        for o in offers.query_window(conn, q, TODAY, offset, size)
    ]
    assert pages == whole
    for index in (0, 1, 49, 50, len(whole) // 2, len(whole) - 1):
        assert offers.query_position(conn, q, TODAY, whole[index]) == index
    closed = conn.execute("SELECT id FROM offers WHERE status <> 'open'").fetchone()[0]
    assert offers.query_position(conn, q, TODAY, closed) is None


def test_the_choice_to_rank_follows_the_store_as_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer `query_count` remembers for the windows does not outlive a change."""
    db = _store(tmp_path / "small.db", 400)
    monkeypatch.setattr(offers, "_RANKS", {})
    matches = len(_naive(db, "gare", every=True))
    monkeypatch.setattr(offers, "RANK_AT_MOST", matches)
    q = parse_search("gare")
    ranked_order = _naive(db, "gare", order="bm25(offers_fts), o.closes_on, o.id")
    assert ranked_order != _naive(db, "gare")  # the two orders can be told apart

    offers.query_count(db, q, TODAY)
    assert [o["id"] for o in offers.query_window(db, q, TODAY, 0, 1000)] == ranked_order

    value = {**offers.get(db, "of-0000001"), "address": "1 rue de la Gare", "status": "open"}
    value["closes_on"] = TODAY.isoformat()
    del value["id"]
    offers.put(db, "of-9999999", 1, value)  # one more match: now too many to rank
    n = offers.query_count(db, q, TODAY)
    closing = [o["id"] for o in offers.query_window(db, q, TODAY, 0, 1000)]
    assert closing == _naive(db, "gare") and len(closing) == n
    assert "of-9999999" in closing
    assert offers.query_position(db, q, TODAY, closing[-1]) == n - 1

    offers.delete(db, "of-9999999")  # and ranked again, without a count first
    assert [o["id"] for o in offers.query_window(db, q, TODAY, 0, 1000)] == ranked_order
    db.close()
