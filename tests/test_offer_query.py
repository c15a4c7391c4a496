"""The Offres list's query layer: the search box read as filters (domain.offer_query), and
count / window / position over the open offers (store.offers), checked against Python."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alin_tui.devtools.demo import DEMO_DAY, synced_store
from alin_tui.domain.offer_query import (
    MAX_TERMS,
    SORTS,
    OfferQuery,
    fts_match,
    fts_terms,
    matching_communes,
    parse_search,
    typology_code,
)
from alin_tui.domain.search import fold
from alin_tui.sqlite import migrate
from alin_tui.sqlite.migrate import discover
from alin_tui.store import offers
from alin_tui.store.db import client_migrations_dir, connect

TODAY = dt.date(2026, 11, 27)

# ---------------------------------------------------------------------------------------------
# The search box


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "saint-denis t3 700€",
            OfferQuery(text="saint-denis", typology="T3", max_rent_cents=70000),
        ),
        ("T3", OfferQuery(typology="T3")),
        ("f3", OfferQuery(typology="T3")),
        ("F1 studio", OfferQuery(typology="studio")),
        ("Studio Montreuil", OfferQuery(text="Montreuil", typology="studio")),
        ("t7", OfferQuery(text="t7")),
        ("700€", OfferQuery(max_rent_cents=70000)),
        ("700 €", OfferQuery(max_rent_cents=70000)),
        ("€700", OfferQuery(max_rent_cents=70000)),
        ("700,50€", OfferQuery(max_rent_cents=70050)),
        ("700.5 €", OfferQuery(max_rent_cents=70050)),
        ("1 200 €", OfferQuery(max_rent_cents=120000)),
        ("1\u202f200\u00a0€", OfferQuery(max_rent_cents=120000)),
        ("1 200,50 €", OfferQuery(max_rent_cents=120050)),
        ("1.200€", OfferQuery(max_rent_cents=120000)),
        ("650 euros", OfferQuery(max_rent_cents=65000)),
        ("650 EUR", OfferQuery(max_rent_cents=65000)),
        ("650e", OfferQuery(max_rent_cents=65000)),
        ("100 000 €", OfferQuery(max_rent_cents=10_000_000)),
        ("40m²", OfferQuery(min_surface_m2=40.0)),
        ("40 m2", OfferQuery(min_surface_m2=40.0)),
        ("40,5 M²", OfferQuery(min_surface_m2=40.5)),
        ("93", OfferQuery(place="93")),
        ("2a", OfferQuery(place="2A")),
        ("2B t2", OfferQuery(place="2B", typology="T2")),
        ("971", OfferQuery(place="971")),
        ("01", OfferQuery(place="01")),
        ("93 700€", OfferQuery(place="93", max_rent_cents=70000)),
        (
            "Évry-Courcouronnes T2 40 m²",
            OfferQuery(text="Évry-Courcouronnes", typology="T2", min_surface_m2=40.0),
        ),  # fmt: skip
        ("rue de l'Église", OfferQuery(text="rue de l'Église")),
        (
            "saint-denis, t3, 700€; 93",
            OfferQuery(text="saint-denis,", place="93", typology="T3", max_rent_cents=70000),
        ),  # fmt: skip
        ("t2 t4", OfferQuery(typology="T4")),
        ("500€ 800€", OfferQuery(max_rent_cents=80000)),
        ("", OfferQuery()),
        ("   ", OfferQuery()),
    ],
)
def test_search_words_become_filters_and_the_rest_stays_text(
    typed: str, expected: OfferQuery
) -> None:
    assert parse_search(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "nan€",
        "inf €",
        "1e308",
        "1e308€",
        "150000€",
        "100 000,01 €",
        "99999999999 €",
        "0€",
        "0 m²",
        "20000 m2",
        "paris 15e",  # an arrondissement, not 15 €
        "00",
        "96",
        "977",
        "9",
        "75001",
        "€",
        "m²",
    ],
)
def test_absurd_numbers_and_lookalikes_are_not_filters(typed: str) -> None:
    q = parse_search(typed)
    assert (q.max_rent_cents, q.min_surface_m2, q.place, q.typology) == (None,) * 4
    assert q.text == typed


def test_a_five_thousand_word_paste_is_read_in_one_pass() -> None:
    rng = random.Random(5)
    words = ["rue", "de", "la", "Gare", "t3", "700€", "1 200 €", "40m²", "93", "nan", "1e308", "«"]
    typed = " ".join(rng.choice(words) for _ in range(5000))
    q = parse_search(typed)
    assert q.typology == "T3" and q.place == "93" and q.min_surface_m2 == 40.0
    assert q.max_rent_cents in (70000, 120000)
    assert set(q.text.split()) == {"rue", "de", "la", "Gare", "nan", "1e308", "«"}


def test_overlay_takes_what_the_other_query_sets_and_keeps_the_rest() -> None:
    panel = OfferQuery(
        place="Montreuil", typology="T2", eligible_pairs=frozenset({("PLUS", "paris")}), sort="rent"
    )
    typed = parse_search("gare t3")
    merged = panel.overlay(typed)
    assert merged == OfferQuery(
        text="gare",
        place="Montreuil",
        typology="T3",
        eligible_pairs=frozenset({("PLUS", "paris")}),
        sort="rent",
    )
    assert panel.overlay(OfferQuery()) == panel
    assert panel.overlay(OfferQuery(eligible_pairs=frozenset())).eligible_pairs == frozenset()
    assert OfferQuery().overlay(OfferQuery(sort="surface")).sort == "surface"


@pytest.mark.parametrize(
    "typed", ['"', "'", "*", "-", "NEAR", 'NEAR("a" "b")', "a OR b", "^gare", "col:gare", "(", "«»"]
)
def test_search_terms_hold_only_letters_and_digits(typed: str) -> None:
    terms = fts_terms(typed)
    assert all(re.fullmatch(r"[^\W_]+", term) for term in terms)
    assert fts_match(terms) == " ".join(f'"{term}"*' for term in terms)


def test_search_terms_are_folded_without_repeats_or_words_another_one_extends() -> None:
    assert fts_terms("St-Denis saint GARE gar Gares l'Orée") == [
        "denis",
        "gares",
        "l",
        "oree",
        "saint",
    ]


def test_a_place_names_the_communes_it_folds_to_or_starts() -> None:
    names = ["Saint-Denis", "Saint-Didier", "Sainte-Anne", "Paris", "Évry-Courcouronnes"]
    assert matching_communes("st denis", names) == ["Saint-Denis"]
    assert matching_communes("saint-d", names) == ["Saint-Denis", "Saint-Didier"]
    assert matching_communes("EVRY", names) == ["Évry-Courcouronnes"]
    assert matching_communes("-", names) == []


# ---------------------------------------------------------------------------------------------
# A store built for the checks: few distinct rents, surfaces and dates, so that ties are the rule

COMMUNES = [
    ("Saint-Denis", "93200", "93", "paris"),
    ("Saint-Denis", "97400", "974", "other"),
    ("Saint-Didier", "42100", "42", "other"),
    ("Sainte-Anne", "97180", "971", "other"),
    ("Montreuil", "93100", "93", "paris"),
    ("Paris", "75011", "75", "paris"),
    ("Évry-Courcouronnes", "91000", "91", "idf"),
    ("Ajaccio", "20000", "2A", "other"),
    ("Lyon", "69003", "69", "other"),
]
STREETS = [
    "rue de la Gare",
    "avenue de la Gare",
    "rue Victor-Hugo",
    "place de l'Église",
    "rue du Parc",
]
RESIDENCES = ["Les Tilleuls", "Le Parc", "Résidence de la Gare", "L'Orée du Bois"]


def _value(i: int, rng: random.Random) -> dict[str, Any]:
    commune, postal, dept, zone = rng.choice(COMMUNES)
    closes = TODAY + dt.timedelta(days=rng.choice([-3, -1, 0, 0, 1, 5, 5, 12, 30]))
    return {
        "reference": f"AL{dept}-{i:05d}",
        "residence_title": rng.choice(RESIDENCES),
        "address": f"{rng.choice([1, 2, 12])} {rng.choice(STREETS)}",
        "commune": commune,
        "postal_code": postal,
        "department": dept,
        "zone": zone,
        "typology": rng.choice(["studio", "T1", "T2", "T3", "T4"]),
        "surface_m2": rng.choice([25.0, 40.0, 40.0, 55.5, 70.0]),
        "floor": 1,
        "lift": False,
        "rent_cents": rng.choice([40000, 50000, 60000]),
        "charges_cents": rng.choice([5000, 10000, 20000]),
        "financing": rng.choice(["PLAI", "PLUS", "PLS"]),
        "available_on": "2027-01-01",
        "closes_on": closes.isoformat(),
        "status": rng.choice(["open"] * 9 + ["closed"]),
    }


def _put_offers(conn: sqlite3.Connection, count: int = 240) -> None:
    rng = random.Random(11)
    # ids not in insertion order, so that the id tie-break is not the rowid's
    ids = [f"of-{n:05d}" for n in rng.sample(range(10_000, 99_999), count)]
    for i, id_ in enumerate(ids):
        offers.put(conn, id_, 1, _value(i, rng))


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    db = connect(tmp_path_factory.mktemp("offers") / "store.db")
    _put_offers(db)
    yield db
    db.close()


def _all(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT id, value FROM offers").fetchall()
    return [{"id": id_, **json.loads(value)} for id_, value in rows]


def _scores(conn: sqlite3.Connection, text: str) -> dict[str, float]:
    """bm25 of each offer matching `text`, straight from the full-text index."""
    terms = fts_terms(text)
    rows = conn.execute(
        "SELECT o.id, bm25(offers_fts) FROM offers_fts JOIN offers o ON o.rowid = offers_fts.rowid "
        "WHERE offers_fts MATCH ?",
        (fts_match(terms),),
    )
    return dict(rows.fetchall())


def _expected(conn: sqlite3.Connection, q: OfferQuery, today: dt.date = TODAY) -> list[str]:
    """The query answered in Python over every stored offer."""
    terms = fts_terms(q.text)
    scores = _scores(conn, q.text) if terms else {}
    out = []
    for o in _all(conn):
        words = re.findall(r"[^\W_]+", fold(offers.search_text(o)))
        if o["status"] != "open" or o["closes_on"] < today.isoformat():
            continue
        if not all(any(w.startswith(t) for w in words) for t in terms):
            continue
        if q.typology and o["typology"] != (typology_code(q.typology) or q.typology):
            continue
        if q.max_rent_cents is not None and o["rent_cents"] + o["charges_cents"] > q.max_rent_cents:
            continue
        if q.min_surface_m2 is not None and o["surface_m2"] < q.min_surface_m2:
            continue
        if (
            q.closing_within_days is not None
            and o["closes_on"] > (today + dt.timedelta(days=q.closing_within_days)).isoformat()
        ):
            continue
        if q.place is not None:
            if re.fullmatch(r"\d\d\d?|2[AB]", q.place.upper()):
                if o["department"] != q.place.upper():
                    continue
            elif not fold(o["commune"]).startswith(fold(q.place)):
                continue
        if q.eligible_pairs is not None and (o["financing"], o["zone"]) not in q.eligible_pairs:
            continue
        out.append(o)

    def tail(o: dict[str, Any]) -> tuple[str, str]:
        return o["closes_on"], o["id"]

    if q.sort == "rent":
        out.sort(key=lambda o: (o["rent_cents"] + o["charges_cents"], *tail(o)))
    elif q.sort == "surface":
        out.sort(key=lambda o: (-o["surface_m2"], *tail(o)))
    elif q.sort == "relevance" and terms:
        out.sort(key=lambda o: (scores[o["id"]], *tail(o)))
    else:
        out.sort(key=tail)
    return [o["id"] for o in out]


def _ids(
    conn: sqlite3.Connection, q: OfferQuery, offset: int = 0, limit: int = 10_000
) -> list[str]:
    return [o["id"] for o in offers.query_window(conn, q, TODAY, offset, limit)]


QUERIES = [
    OfferQuery(),
    OfferQuery(text="gare"),
    OfferQuery(text="saint-denis"),
    OfferQuery(text="st denis gare"),
    OfferQuery(text="l'orée"),
    OfferQuery(text="r"),
    OfferQuery(typology="T2"),
    OfferQuery(typology="t3"),
    OfferQuery(max_rent_cents=60000),
    OfferQuery(min_surface_m2=40),
    OfferQuery(place="93"),
    OfferQuery(place="2a"),
    OfferQuery(place="971"),
    OfferQuery(place="st denis"),
    OfferQuery(place="saint-d"),
    OfferQuery(place="EVRY"),
    OfferQuery(place="Nowhere"),
    OfferQuery(eligible_pairs=frozenset({("PLUS", "paris"), ("PLAI", "other")})),
    OfferQuery(closing_within_days=5),
    OfferQuery(closing_within_days=0),
    parse_search("saint-denis t3 700€"),
    parse_search("gare 93 t2 70000 €"),
]


def _label(q: OfferQuery) -> str:
    return ",".join(f"{k}={v}" for k, v in vars(q).items() if v not in (None, "", "relevance"))


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("q", QUERIES, ids=_label)
def test_each_filter_and_sort_gives_the_offers_python_finds_in_the_same_order(
    conn: sqlite3.Connection, q: OfferQuery, sort: str
) -> None:
    q = q.overlay(OfferQuery(sort=sort))
    expected = _expected(conn, q)
    assert _ids(conn, q) == expected
    assert offers.query_count(conn, q, TODAY) == len(expected)


def test_the_check_store_has_ties_and_hidden_offers_to_get_wrong(conn: sqlite3.Connection) -> None:
    """The fixture is worth its name: the orders above are decided by their tie-breaks."""
    everything = _all(conn)
    shown = _expected(conn, OfferQuery())
    assert 100 < len(shown) < len(everything)
    assert any(o["status"] == "closed" for o in everything)
    assert any(o["status"] == "open" and o["closes_on"] < TODAY.isoformat() for o in everything)
    rents = [o["rent_cents"] + o["charges_cents"] for o in everything]
    assert len(set(rents)) < len(rents) / 10
    assert len(set(_scores(conn, "gare").values())) < len(_scores(conn, "gare")) / 2


def test_closed_offers_and_offers_past_their_closing_date_are_never_listed(
    conn: sqlite3.Connection,
) -> None:
    listed = set(_ids(conn, OfferQuery()))
    for o in _all(conn):
        assert (o["id"] in listed) == (o["status"] == "open" and o["closes_on"] >= "2026-11-27")
    tomorrow = TODAY + dt.timedelta(days=1)
    later = {o["id"] for o in offers.query_window(conn, OfferQuery(), tomorrow, 0, 10_000)}
    assert later < listed


def test_rent_sort_orders_by_rent_with_charges_then_closing_date_then_id(
    conn: sqlite3.Connection,
) -> None:
    rows = offers.query_window(conn, OfferQuery(sort="rent"), TODAY, 0, 10_000)
    keys = [(o["rent_cents"] + o["charges_cents"], o["closes_on"], o["id"]) for o in rows]
    assert keys == sorted(keys)
    assert len({k[0] for k in keys}) < len(keys)  # ties were there to break


def test_surface_sort_puts_the_largest_first_then_the_soonest_closing(
    conn: sqlite3.Connection,
) -> None:
    rows = offers.query_window(conn, OfferQuery(sort="surface"), TODAY, 0, 10_000)
    keys = [(-o["surface_m2"], o["closes_on"], o["id"]) for o in rows]
    assert keys == sorted(keys)
    assert rows[0]["surface_m2"] == 70.0


def test_relevance_without_text_is_the_closing_order(conn: sqlite3.Connection) -> None:
    assert _ids(conn, OfferQuery()) == _ids(conn, OfferQuery(sort="closing"))


def test_relevance_puts_the_best_full_text_match_first(conn: sqlite3.Connection) -> None:
    rows = _ids(conn, OfferQuery(text="gare"))
    scores = _scores(conn, "gare")
    assert [scores[i] for i in rows] == sorted(scores[i] for i in rows)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize(
    "q", [OfferQuery(), OfferQuery(text="gare"), parse_search("93 rue 80000€")], ids=_label
)
@pytest.mark.parametrize("size", [1, 7, 50])
def test_windows_put_end_to_end_are_the_whole_list(
    conn: sqlite3.Connection, q: OfferQuery, sort: str, size: int
) -> None:
    q = q.overlay(OfferQuery(sort=sort))
    whole = _ids(conn, q)
    pages = [i for offset in range(0, len(whole) + size, size) for i in _ids(conn, q, offset, size)]
    assert pages == whole
    assert _ids(conn, q, len(whole), 10) == []
    assert _ids(conn, q, 3, 0) == []


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize(
    "q",
    [
        OfferQuery(),
        OfferQuery(text="gare"),
        OfferQuery(text="saint denis r"),
        OfferQuery(place="saint-d", min_surface_m2=40),
        OfferQuery(eligible_pairs=frozenset({("PLUS", "paris"), ("PLS", "other")})),
    ],
    ids=_label,
)
def test_the_position_of_an_offer_is_its_index_in_the_window_order(
    conn: sqlite3.Connection, q: OfferQuery, sort: str
) -> None:
    q = q.overlay(OfferQuery(sort=sort))
    whole = _ids(conn, q)
    assert whole
    for index, id_ in enumerate(whole):
        assert offers.query_position(conn, q, TODAY, id_) == index
    shown = set(whole)
    for o in _all(conn):
        if o["id"] not in shown:
            assert offers.query_position(conn, q, TODAY, o["id"]) is None


def test_an_offer_that_does_not_match_has_no_position(conn: sqlite3.Connection) -> None:
    closed = next(o["id"] for o in _all(conn) if o["status"] == "closed")
    t2 = next(o for o in _all(conn) if o["typology"] == "T2" and o["status"] == "open")
    assert offers.query_position(conn, OfferQuery(), TODAY, closed) is None
    assert offers.query_position(conn, OfferQuery(typology="T4"), TODAY, t2["id"]) is None
    assert offers.query_position(conn, OfferQuery(), TODAY, "of-unknown") is None
    assert offers.query_position(conn, OfferQuery(text="zzz"), TODAY, t2["id"]) is None


def test_no_allowed_financing_and_zone_matches_nothing(conn: sqlite3.Connection) -> None:
    q = OfferQuery(eligible_pairs=frozenset())
    assert offers.query_count(conn, q, TODAY) == 0
    assert offers.query_window(conn, q, TODAY, 0, 10) == []
    some = _ids(conn, OfferQuery())[0]
    assert offers.query_position(conn, q, TODAY, some) is None


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "*",
        "-",
        "NEAR",
        'NEAR("gare" "rue", 2)',
        "gare AND rue",
        "gare OR",
        "NOT gare",
        "^gare",
        "search_text: gare",
        "gare*",
        '"gare',
        "(",
        ")",
        "{gare}",
        "+",
        "\x00",
        "🏠 gare",
        "٣",
        "l'",
        "- - -",
    ],
)
def test_hostile_search_text_never_raises(conn: sqlite3.Connection, text: str) -> None:
    some = _ids(conn, OfferQuery())[0]
    for sort in SORTS:
        q = parse_search(text).overlay(OfferQuery(sort=sort))
        n = offers.query_count(conn, q, TODAY)
        assert len(offers.query_window(conn, q, TODAY, 0, 500)) == n
        offers.query_position(conn, q, TODAY, some)


def test_a_pasted_text_of_more_words_than_any_offer_has_matches_nothing(
    conn: sqlite3.Connection,
) -> None:
    words = [f"w{n}" for n in range(MAX_TERMS + 1)]
    assert offers.query_count(conn, OfferQuery(text=" ".join(words)), TODAY) == 0
    repeated = OfferQuery(text=" ".join(["gare"] * 500))  # one word, many times: a search
    assert offers.query_count(conn, repeated, TODAY) == len(
        _expected(conn, OfferQuery(text="gare"))
    )


def test_closing_within_days_far_away_or_before_today_does_not_raise(
    conn: sqlite3.Connection,
) -> None:
    everything = offers.query_count(conn, OfferQuery(), TODAY)
    assert offers.query_count(conn, OfferQuery(closing_within_days=10**9), TODAY) == everything
    assert offers.query_count(conn, OfferQuery(closing_within_days=-1), TODAY) == 0
    assert offers.query_count(conn, OfferQuery(closing_within_days=-(10**9)), TODAY) == 0


def test_communes_are_the_distinct_stored_ones_in_alphabetical_order(
    conn: sqlite3.Connection,
) -> None:
    assert offers.communes(conn) == [
        "Ajaccio",
        "Évry-Courcouronnes",
        "Lyon",
        "Montreuil",
        "Paris",
        "Saint-Denis",
        "Saint-Didier",
        "Sainte-Anne",
    ]


def test_the_list_follows_offers_as_they_change_and_go(tmp_path: Path) -> None:
    db = connect(tmp_path / "store.db")
    rng = random.Random(3)
    value = {**_value(1, rng), "status": "open", "closes_on": "2026-12-31", "typology": "T2"}
    offers.put(db, "of-a", 1, value)
    offers.put(db, "of-b", 1, {**value, "rent_cents": 10})
    assert _ids(db, OfferQuery(sort="rent")) == ["of-b", "of-a"]
    offers.put(db, "of-b", 2, {**value, "rent_cents": 999_999, "typology": "T4"})
    assert _ids(db, OfferQuery(sort="rent")) == ["of-a", "of-b"]
    assert _ids(db, OfferQuery(typology="T2")) == ["of-a"]
    offers.put(db, "of-a", 2, {**value, "status": "closed"})
    assert _ids(db, OfferQuery()) == ["of-b"]
    offers.delete(db, "of-b")
    assert _ids(db, OfferQuery()) == []
    offers.put(db, "of-c", 1, value)
    db.execute("INSERT OR REPLACE INTO offers SELECT * FROM offers WHERE id = 'of-c'")
    assert _ids(db, OfferQuery()) == ["of-c"]
    db.execute("DELETE FROM offers")
    assert db.execute("SELECT count(*) FROM offers_list").fetchone() == (0,)


def test_a_store_from_before_the_list_index_gets_its_offers_listed(tmp_path: Path) -> None:
    older = tmp_path / "mig4"
    older.mkdir()
    for m in discover(client_migrations_dir())[:4]:
        shutil.copy(m.path, older / m.path.name)
    path = tmp_path / "store.db"
    raw = sqlite3.connect(path, isolation_level=None)
    migrate(raw, older)
    _put_offers(raw, 60)
    raw.close()
    db = connect(path)
    assert _ids(db, OfferQuery(sort="rent")) == _expected(db, OfferQuery(sort="rent"))
    assert db.execute("SELECT count(*) FROM offers_list").fetchone() == (60,)


# ---------------------------------------------------------------------------------------------
# The demo store (400 offers synced from the deterministic sandbox)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    db = connect(synced_store(tmp_path_factory.mktemp("demo")))
    yield db
    db.close()


def test_the_demo_store_answers_a_typed_search(demo: sqlite3.Connection) -> None:
    q = parse_search("saint-denis t3 700€")
    rows = offers.query_window(demo, q, DEMO_DAY, 0, 100)
    assert len(rows) == offers.query_count(demo, q, DEMO_DAY)
    for o in rows:
        assert o["typology"] == "T3" and o["rent_cents"] + o["charges_cents"] <= 70000
        assert "saint" in fold(offers.search_text(o)) and "denis" in fold(offers.search_text(o))


@pytest.mark.parametrize("sort", SORTS)
def test_the_demo_store_windows_and_positions_agree(demo: sqlite3.Connection, sort: str) -> None:
    for q in (OfferQuery(sort=sort), parse_search("rue").overlay(OfferQuery(sort=sort))):
        whole = [o["id"] for o in offers.query_window(demo, q, DEMO_DAY, 0, 1000)]
        assert len(whole) == offers.query_count(demo, q, DEMO_DAY) > 50
        pages = [
            o["id"]
            for k in range(0, len(whole), 40)
            for o in offers.query_window(demo, q, DEMO_DAY, k, 40)
        ]
        assert pages == whole
        for index in range(0, len(whole), 7):
            assert offers.query_position(demo, q, DEMO_DAY, whole[index]) == index
