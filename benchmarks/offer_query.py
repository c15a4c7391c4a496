"""Benchmark of the Offres list's queries (store.offers.query_*) over a large synthetic store.

    python benchmarks/offer_query.py [--offers 100000] [--repeat 15] [--store PATH]

Builds (once; kept at --store) a store of N synthetic offers through `offers.put`, several
hundred communes, streets and residences with words such as « gare », then times
`query_count`, `query_window` (100 rows, at offset 0 and at the end of the list) and
`query_position` (of the last offer) for a few searches and every sort. Prints the median and
the worst of --repeat runs, in milliseconds. No assertion: a report to compare before/after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from alin_tui.domain.communes import all_communes
from alin_tui.domain.offer_query import SORTS, OfferQuery, parse_search
from alin_tui.sandbox import seed
from alin_tui.sqlite import transaction
from alin_tui.store import offers
from alin_tui.store.db import connect

TODAY = dt.date(2026, 11, 27)
SEARCHES = ["", "t", "gare", "paris", "saint-denis t3", "93 t2 700€"]
# What the filter panel adds (a commune by prefix, the pairs a household is eligible to).
PANEL = OfferQuery(
    place="saint-d",
    eligible_pairs=frozenset({("PLAI", "paris"), ("PLUS", "paris"), ("PLAI", "other")}),
)
# The sandbox's own vocabulary, plus streets named after the station so that « gare » is a
# common prefix, as it is in real listings.
STREETS = ["rue de la Gare", "avenue de la Gare", "place de la Gare", *seed._STREETS]
RESIDENCES = seed._RESIDENCES
TYPOLOGIES = seed._TYPOLOGIES
FINANCING = seed._FINANCING


def _communes(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """The reference communes plus synthetic ones: a few hundred distinct names in all."""
    out = [(c.name, c.postal_code, c.department, c.zone) for c in all_communes()]
    stems = ["Saint-", "Sainte-", "Le ", "La ", "Les ", "Villeneuve-", "Bourg-", "Mont-", ""]
    words = ["Martin", "Denis", "Pierre", "Jean", "Marie", "Lac", "Bois", "Val", "Roche"]
    departments = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B", "971", "974"]
    while len(out) < 400:
        dept = rng.choice(departments)
        name = f"{rng.choice(stems)}{rng.choice(words)}-sur-{rng.choice(words)}"
        out.append(
            (
                name,
                f"{dept[:2].replace('A', '0').replace('B', '0')}{rng.randrange(100, 999)}",
                dept,
                "other",
            )
        )
    return out


def build(path: Path, count: int) -> None:
    rng = random.Random(7)
    communes = _communes(rng)
    conn = connect(path)
    with transaction(conn):
        for i in range(1, count + 1):
            name, postal, dept, zone = rng.choice(communes)
            typology, _, smin, smax = rng.choices(TYPOLOGIES, [t[1] for t in TYPOLOGIES])[0]
            financing, _, rmin, rmax = rng.choices(FINANCING, [f[1] for f in FINANCING])[0]
            surface = round(rng.uniform(smin, smax), 1)
            published = TODAY - dt.timedelta(days=rng.randrange(0, 40))
            closes = published + dt.timedelta(days=rng.randrange(10, 90))
            offers.put(
                conn,
                f"of-{i:07d}",
                1,
                {
                    "reference": f"AL{dept}-{published:%y%m}-{i:07d}",
                    "residence_title": rng.choice(RESIDENCES),
                    "address": f"{rng.randrange(1, 150)} {rng.choice(STREETS)}",
                    "commune": name,
                    "postal_code": postal,
                    "department": dept,
                    "zone": zone,
                    "typology": typology,
                    "surface_m2": surface,
                    "floor": rng.randrange(0, 12),
                    "lift": rng.random() < 0.5,
                    "rent_cents": int(surface * rng.uniform(rmin, rmax) * 100),
                    "charges_cents": int(surface * rng.uniform(1.2, 2.8) * 100),
                    "financing": financing,
                    "available_on": (TODAY + dt.timedelta(days=30)).isoformat(),
                    "published_on": published.isoformat(),
                    "closes_on": closes.isoformat(),
                    "status": "open" if rng.random() < 0.95 else "closed",
                },
            )
    conn.execute("PRAGMA optimize")
    conn.close()


ALL: list[float] = []


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm the page cache and the statement cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    ALL.extend(samples)
    return statistics.median(samples), max(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args(argv)
    path = args.store or Path(tempfile.gettempdir()) / f"alin-offer-bench-{args.offers}.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.offers)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    conn = connect(path)
    print(
        f"{args.offers} offers, {len(offers.communes(conn))} communes; SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs; ms median / worst of {args.repeat}"
    )
    heads = ("count", "window@0", "window@end", "position(last)")
    print(f"{'search':<18} {'sort':<9} {'n':>6} " + " ".join(f"{h:>15}" for h in heads))
    worst_all = 0.0
    queries = [(repr(text), parse_search(text)) for text in SEARCHES]
    queries += [("gare + panel", PANEL.overlay(parse_search("gare"))), ("panel", PANEL)]
    for label, base in queries:
        for sort in SORTS:
            q = base.overlay(OfferQuery(sort=sort))
            n = offers.query_count(conn, q, TODAY)
            end = max(0, n - 100)
            last = offers.query_window(conn, q, TODAY, max(0, n - 1), 1)
            cells = [
                _time(lambda q=q: offers.query_count(conn, q, TODAY), args.repeat),
                _time(lambda q=q: offers.query_window(conn, q, TODAY, 0, 100), args.repeat),
                _time(lambda q=q, e=end: offers.query_window(conn, q, TODAY, e, 100), args.repeat),
            ]
            if last:
                oid = last[0]["id"]
                assert offers.query_position(conn, q, TODAY, oid) == n - 1
                cells.append(
                    _time(lambda q=q, o=oid: offers.query_position(conn, q, TODAY, o), args.repeat)
                )
            worst_all = max([worst_all, *(w for _, w in cells)])
            shown = " ".join(f"{m:7.1f} /{w:6.1f}" for m, w in cells)
            print(f"{label:<18} {sort:<9} {n:>6} {shown}", flush=True)
    p95 = statistics.quantiles(ALL, n=20)[-1]
    print(f"all calls: p95 {p95:.1f} ms, worst {worst_all:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
