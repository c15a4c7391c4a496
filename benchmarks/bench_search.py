"""Row 2 of issue 14: ranked search in the store, every prefix of five typed searches.

Each prefix goes through the app's real query paths on a store of 100,000 synthetic offers
(quick: 5,000) built by `offer_query.build`:

- 2a, the Offres list: `parse_search`, then `offers.query_count` and `offers.query_window`
  (the first 50 rows, the default relevance sort), as one keystroke does;
- 2b, `alin-tui offers search TEXT --json`: `store.search.search(conn, TEXT, limit=50)`.

Baseline, on the same store in the same run: a naive FTS5 query, the 50 best by `rank` and
their values. Figures are the p95 over every (prefix, run) sample, in milliseconds.

Whether a query sorts every match of a common prefix (« t ») is read from `EXPLAIN QUERY PLAN`
of the very statements the app ran (caught with a trace callback): a temporary B-tree for ORDER
BY in a statement without LIMIT sorts every match; with LIMIT it is a top-N sorter that still
scores and visits every match.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # run alone, or imported by a test
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, big_store, median, p95  # noqa: E402
from offer_query import TODAY  # noqa: E402

from alin_tui.domain.offer_query import fts_match, fts_terms, parse_search  # noqa: E402
from alin_tui.store import offers, search  # noqa: E402
from alin_tui.store.db import connect  # noqa: E402

PHRASES = ("t", "gare", "paris", "evry courc", "saint-denis t3")
WINDOW = 50  # rows read per keystroke (about two screens), and `offers search`'s default limit
TARGET_MS = 25.0
FTS5_ORDER_BY_RANK = 0x20  # in FTS5's idxNum: ORDER BY rank done by FTS5 (it ranks every match)
NAIVE = (
    "SELECT o.id, o.value FROM (SELECT rowid AS r, rank AS k FROM offers_fts "
    "WHERE offers_fts MATCH ? ORDER BY rank LIMIT ?) JOIN offers o ON o.rowid = r ORDER BY k"
)


def tiny() -> bool:
    """Smoke-test sizes (env ALIN_BENCH_TINY=1): a few hundred offers."""
    return os.environ.get("ALIN_BENCH_TINY", "") not in ("", "0")


def sizes(quick: bool) -> tuple[int, int]:
    """(offers, runs per prefix)."""
    if tiny():
        return 300, 3
    return (5_000, 3) if quick else (100_000, 7)


def prefixes() -> list[str]:
    """Every prefix of every phrase, as typed one key at a time."""
    out: list[str] = []
    for phrase in PHRASES:
        out += [phrase[:i] for i in range(1, len(phrase) + 1) if phrase[:i] not in out]
    return out


def prepared_store(work: Path, count: int) -> Path:
    """A copy of the shared big store whose server day is the day the offers were made for
    (`store.search` reads the day from the sync state; the shared store stays untouched)."""
    path = work / f"search-{count}.db"
    if path.exists():
        return path
    source = sqlite3.connect(big_store(work, count))
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    conn = connect(path)
    conn.execute(
        "INSERT INTO sync_state (service, server_today) VALUES ('alin', ?) "
        "ON CONFLICT (service) DO UPDATE SET server_today = excluded.server_today",
        (TODAY.isoformat(),),
    )
    conn.close()
    return path


def app_path(conn: sqlite3.Connection, typed: str) -> None:
    q = parse_search(typed)
    offers.query_count(conn, q, TODAY)
    offers.query_window(conn, q, TODAY, 0, WINDOW)


def cli_path(conn: sqlite3.Connection, typed: str) -> None:
    search.search(conn, typed, limit=WINDOW)


def naive(conn: sqlite3.Connection, typed: str) -> None:
    terms = fts_terms(typed)
    if terms:
        conn.execute(NAIVE, (fts_match(terms), WINDOW)).fetchall()


def sorts(conn: sqlite3.Connection, call) -> list[str]:
    """How each full-text statement `call` runs orders its matches: "full sort" (a temporary
    B-tree for ORDER BY, no LIMIT), "top-N sort" (the same with LIMIT: every match is still
    scored and visited), "fts5 rank" (ORDER BY rank consumed by FTS5, which ranks every match)
    or "no sort"."""
    caught: list[str] = []
    conn.set_trace_callback(caught.append)
    try:
        call()
    finally:
        conn.set_trace_callback(None)
    out = []
    for sql in caught:
        if "MATCH" not in sql or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        plan = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        for _, parent, _, detail in plan:
            found = re.search(r"VIRTUAL TABLE INDEX (\d+):", detail)
            if not found:
                continue
            # A sorter beside the full-text scan, in the same SELECT, orders its matches.
            what = "count" if re.search(r"SELECT count\(\*\)", sql, re.I) else "rows"
            if any(p == parent and "TEMP B-TREE FOR ORDER BY" in d for _, p, _, d in plan):
                limited = re.search(r"\bLIMIT\b", sql, re.I)
                out.append(f"{what}: {'top-N sort' if limited else 'full sort'}")
            elif int(found.group(1)) & FTS5_ORDER_BY_RANK:
                out.append(f"{what}: fts5 rank")
            else:
                out.append(f"{what}: no sort")
    return out


def run(quick: bool, work: Path) -> list[Row]:
    count, runs = sizes(quick)
    path = prepared_store(work, count)
    conn = connect(path)
    try:
        return _measure(conn, count, runs)
    finally:
        conn.close()


def _measure(conn: sqlite3.Connection, count: int, runs: int) -> list[Row]:
    typed = prefixes()
    paths = {"naive": naive, "app": app_path, "cli": cli_path}
    samples: dict[str, dict[str, list[float]]] = {k: {t: [] for t in typed} for k in paths}
    for fn in paths.values():  # warm the page cache and the statement caches
        for text in typed:
            fn(conn, text)
    for _ in range(runs):  # interleaved, so that drift in the machine hits all three alike
        for text in typed:
            for name, fn in paths.items():
                start = time.perf_counter()
                fn(conn, text)
                samples[name][text].append((time.perf_counter() - start) * 1000)

    matches_t = conn.execute(
        "SELECT count(*) FROM offers_fts WHERE offers_fts MATCH ?", (fts_match(fts_terms("t")),)
    ).fetchone()[0]
    plans = {
        "app": sorts(conn, lambda: app_path(conn, "t")),
        "cli": sorts(conn, lambda: cli_path(conn, "t")),
        "naive": sorts(conn, lambda: naive(conn, "t")),
    }

    def all_of(name: str) -> list[float]:
        return [x for t in typed for x in samples[name][t]]

    def worst(name: str) -> str:
        text = max(typed, key=lambda t: median(samples[name][t]))
        return f"slowest prefix « {text} » median {median(samples[name][text]):.1f} ms"

    base = p95(all_of("naive"))
    common_note = (
        f"{len(typed)} prefixes × {runs} runs, {count:,} offers; « t » matches {matches_t:,}; "
        f"baseline naive FTS5 ORDER BY rank LIMIT {WINDOW}: {', '.join(plans['naive'])}"
    )
    rows = []
    for name, number, figure in (
        ("app", "2a", "ranked search, Offres list (parse_search, query_count + query_window)"),
        ("cli", "2b", "ranked search, `offers search` (store.search.search, limit 50)"),
    ):
        value = p95(all_of(name))
        full = any(p.endswith("full sort") for p in plans[name])
        plan = ", ".join(plans[name]) or "no full-text statement"
        rows.append(
            Row(
                number=number,
                figure=f"{figure}, p95",
                value=value,
                baseline=base,
                unit="ms",
                target=f"p95 ≤ {TARGET_MS:g} ms; no sort of every match of « t »",
                met=value <= TARGET_MS and not full,
                note=(
                    f"« t » plan: {plan}"
                    + (" (sorts every match)" if full else "")
                    + f"; {worst(name)}; {common_note}"
                ),
            )
        )
    return rows
