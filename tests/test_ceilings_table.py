"""The shipped ceilings table (`alin_tui/domain/data/ceilings.csv`): completeness, sources, shape."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from alin_tui.domain import eligibility as el

FINANCINGS = ("PLAI", "PLUS")
CATEGORIES = ("1", "2", "3", "4", "5", "6", "extra")

# Rows the CSV header says are not shipped because no reachable source gives them. Keep this set
# in step with the "Not shipped" lines of the CSV comments: shipping a row makes this test fail
# until the row is removed from here.
KNOWN_MISSING = {
    *((2025, "PLAI", "idf", c) for c in ("2", "3", "4", "5", "6", "extra")),
    *((2026, "PLAI", z, c) for z in el.ZONES for c in CATEGORIES),
}


def _csv_text() -> str:
    return resources.files("alin_tui.domain").joinpath("data/ceilings.csv").read_text("utf-8")


def _rows() -> list[dict[str, str]]:
    text = _csv_text()
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _complete(year: int, financing: str, zone: str) -> bool:
    table = el._table()
    return all((year, financing, zone, c) in table for c in CATEGORIES)


def test_the_years_shipped() -> None:
    assert el.known_years() == [2024, 2025, 2026]


def test_every_row_is_there_but_the_documented_gaps() -> None:
    table = el._table()
    expected = {
        (year, financing, zone, c)
        for year in el.known_years()
        for financing in FINANCINGS
        for zone in el.ZONES
        for c in CATEGORIES
    }
    assert set(table) <= expected, "unexpected keys in the table"
    assert expected - set(table) == KNOWN_MISSING


@pytest.mark.parametrize("key", sorted(KNOWN_MISSING))
def test_a_documented_gap_says_unknown(key: tuple[int, str, str, str]) -> None:
    year, financing, zone, c = key
    category = 7 if c == "extra" else int(c)
    with pytest.raises(el.UnknownCeiling):
        el.ceiling(financing, category, zone, year)


def test_no_duplicate_rows_and_only_integer_euros() -> None:
    rows = _rows()
    keys = [(r["year"], r["financing"], r["zone"], r["category"]) for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert r["euros"].isdigit() and int(r["euros"]) > 0, r


def test_every_source_code_is_defined_in_the_comments() -> None:
    comments = "\n".join(line for line in _csv_text().splitlines() if line.startswith("#"))
    defined = set(re.findall(r"^#\s+(A\d{4}):", comments, flags=re.MULTILINE))
    assert defined == {"A2024", "A2025", "A2026"}
    for r in _rows():
        assert r["source"] in defined, r
        assert r["source"] == f"A{r['year']}", r


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize("financing", FINANCINGS)
@pytest.mark.parametrize("zone", el.ZONES)
def test_ceilings_increase_with_the_category(year: int, financing: str, zone: str) -> None:
    table = el._table()
    values = [table[k] for c in range(1, 7) if (k := (year, financing, zone, str(c))) in table]
    assert values == sorted(values)
    assert len(set(values)) == len(values)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize("financing", FINANCINGS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_paris_then_idf_then_other(year: int, financing: str, category: str) -> None:
    table = el._table()
    values = [table.get((year, financing, zone, category)) for zone in ("paris", "idf", "other")]
    shipped = [v for v in values if v is not None]
    assert shipped == sorted(shipped, reverse=True)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize("zone", el.ZONES)
@pytest.mark.parametrize("category", range(1, 9))
def test_pls_is_plus_times_1_3(year: int, zone: str, category: int) -> None:
    plus = el.ceiling("PLUS", category, zone, year)
    assert el.ceiling("PLS", category, zone, year) == round(plus * 1.3)


@pytest.mark.parametrize(
    ("financing", "category", "zone", "year", "euros"),
    [
        # PLUS: OpenFisca-France parameter files (logement_social/plu/).
        ("PLUS", 3, "paris", 2024, 51025),
        ("PLUS", 5, "other", 2024, 51641),
        ("PLUS", 4, "idf", 2025, 57429),
        ("PLUS", 6, "paris", 2025, 83575),
        ("PLUS", 3, "idf", 2026, 48362),
        ("PLUS", 6, "paris", 2026, 84304),
        ("PLUS", 1, "other", 2026, 23403),
        # PLAI 2024: annexe II in force on 1 January 2024.
        ("PLAI", 3, "idf", 2024, 28074),
        ("PLAI", 6, "paris", 2024, 44861),
        ("PLAI", 1, "other", 2024, 12452),
        # PLAI 2025: domain spec (other regions, category 1) and the 2025 table (Paris).
        ("PLAI", 1, "idf", 2025, 14683),
        ("PLAI", 6, "other", 2025, 32800),
        ("PLAI", 4, "paris", 2025, 34338),
    ],
)
def test_spot_values(financing: str, category: int, zone: str, year: int, euros: int) -> None:
    assert el.ceiling(financing, category, zone, year) == euros


@pytest.mark.parametrize(
    ("financing", "zone", "year", "extra"),
    [
        ("PLUS", "other", 2024, 6492),
        ("PLUS", "idf", 2025, 8524),
        ("PLUS", "paris", 2026, 9394),
        ("PLAI", "idf", 2024, 4573),
        ("PLAI", "paris", 2025, 5121),
        ("PLAI", "other", 2025, 3657),
    ],
)
def test_spot_amounts_per_extra_person(financing: str, zone: str, year: int, extra: int) -> None:
    assert el._table()[(year, financing, zone, "extra")] == extra


def test_category_8_is_category_6_plus_two_extra_persons() -> None:
    table = el._table()
    checked = 0
    for year in el.known_years():
        for financing in FINANCINGS:
            for zone in el.ZONES:
                if not _complete(year, financing, zone):
                    continue
                six = table[(year, financing, zone, "6")]
                extra = table[(year, financing, zone, "extra")]
                assert el.ceiling(financing, 8, zone, year) == six + 2 * extra
                checked += 1
    # PLUS: 3 years x 3 zones; PLAI: 2024 x 3 zones, 2025 paris and other.
    assert checked == 9 + 3 + 2
