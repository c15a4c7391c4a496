"""Fuzzing with Hypothesis on what takes input from outside: the pull-apply path (a server's
pages), the search box and `offers search` (what people type or paste), the command line. Each
must answer with a result or its own clear refusal, never another exception.

Bounded in the default run; `ALIN_FUZZ=long pytest tests/test_fuzz.py` runs many more examples
(the profile is chosen in `tests/conftest.py`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alin_tui import protocol as p
from alin_tui.domain.offer_query import parse_search
from alin_tui.store import offers, sync_state
from alin_tui.store.db import connect
from alin_tui.store.search import search
from alin_tui.sync.client import BadResponse
from alin_tui.sync.engine import _validated

TODAY = dt.date(2026, 11, 27)
SHARED = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

typed = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.sampled_from(["lyon", "t3", "700€", "93", "saint-denis", "studio", "*", '"', "NEAR", "-"]),
    max_size=60,
).map(" ".join)


@pytest.fixture(scope="module")
def store(tmp_path_factory, demo_stores) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "store.db"
    shutil.copy(demo_stores["complet"], target)
    return target


@SHARED
@given(text=typed)
def test_the_search_box_and_offers_search_take_anything(store: Path, text: str) -> None:
    query = parse_search(text)
    conn = connect(store)
    try:
        offers.query_count(conn, query, TODAY)
        offers.query_window(conn, query, TODAY, 0, 20)
        search(conn, text, limit=5)
    finally:
        conn.close()


json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
OFFER = {
    "reference": "AL69-2611-000001",
    "residence_title": "Les Tilleuls",
    "address": "3 rue Pasteur",
    "commune": "Lyon",
    "postal_code": "69003",
    "department": "69",
    "zone": "other",
    "typology": "T3",
    "surface_m2": 64.0,
    "floor": 2,
    "rent_cents": 45_000,
    "charges_cents": 9_000,
    "financing": "PLUS",
    "available_on": "2027-01-15",
    "closes_on": "2026-12-20",
    "status": "open",
}


@st.composite
def changes(draw) -> dict:
    """A change as a hostile or broken server might send it: a good offer with some fields
    replaced by anything, or any entity type with any value."""
    kind = draw(st.sampled_from(["offer", "document", "person", "demand", "link", "application"]))
    value = dict(OFFER) if kind == "offer" else {}
    for key in draw(st.lists(st.sampled_from([*OFFER, "state", "nur", "kind"]), max_size=4)):
        value[key] = draw(json_value)
    return {
        "op": draw(st.sampled_from(["put", "put", "del"])),
        "type": kind,
        "id": draw(st.from_regex(r"[a-z]{2}-[0-9]{1,6}", fullmatch=True)),
        "version": draw(st.integers(min_value=0, max_value=10**6)),
        "value": value if draw(st.booleans()) or kind != "offer" else None,
    }


@SHARED
@given(page=st.lists(changes(), max_size=6))
def test_a_pulled_page_is_applied_whole_or_refused_whole(tmp_path: Path, page: list[dict]) -> None:
    path = tmp_path / "pull.db"
    path.unlink(missing_ok=True)
    conn = connect(path)
    try:
        try:
            service = "alin"
            applied = [_validated(service, p.Change.model_validate(c)) for c in page]
        except (BadResponse, ValueError):
            return  # refused with its reason: nothing applied
        sync_state.apply_page(
            conn,
            service,
            cursor="c1",
            changes=applied,
            server_today=TODAY.isoformat(),
            server_time="2026-11-27T10:00:00+00:00",
            pulled_at="2026-11-27T10:00:00Z",
            last_mutation_ids={},
        )
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


option = st.sampled_from(
    [
        "status",
        "sync",
        "--once",
        "offers",
        "search",
        "--json",
        "--max-rent",
        "--limit",
        "--lang",
        "--profile",
        "--data-dir",
        "--server",
        "apply",
        "withdraw",
        "serve",
        "--port",
        "profiles",
        "add",
        "-h",
    ]
) | st.text(max_size=12)


@settings(max_examples=80)
@given(argv=st.lists(option, max_size=6))
def test_any_command_line_is_parsed_or_refused_in_one_line(argv: list[str]) -> None:
    from alin_tui.parser import build_parser
    from alin_tui.ui.i18n import Translator

    parser = build_parser(Translator("fr"))
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            parser.parse_args(argv)
        except SystemExit as done:
            assert done.code in (0, 1, 2, None), done.code
    assert "Traceback" not in err.getvalue()


def test_the_fuzzed_store_is_a_real_file(store: Path) -> None:
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM offers").fetchone()[0] > 0
