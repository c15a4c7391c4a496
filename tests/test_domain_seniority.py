"""Seniority in months, the shipped « délais anormalement longs » and when they are passed."""

from __future__ import annotations

import csv
import datetime as dt
import re
from importlib import resources

import pytest

from alin_tui.domain import seniority as sn
from alin_tui.domain.dates import add_months

D = dt.date
REQUIRED = ("75", "92", "93", "94", "91", "95", "69", "13", "31", "33", "59", "61", "77", "78")


def _csv_text(name: str) -> str:
    return resources.files("alin_tui.domain").joinpath(f"data/{name}").read_text("utf-8")


def _rows() -> list[dict[str, str]]:
    text = _csv_text("delais.csv")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _defined_sources() -> dict[str, str]:
    """Source code -> first line of its definition, read from the header."""
    out: dict[str, str] = {}
    in_sources = False
    for line in _csv_text("delais.csv").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# Source codes"):
            in_sources = True
        elif in_sources and (m := re.match(r"^#   ([A-Za-z0-9_-]+): (.*)$", line)):
            out[m.group(1)] = m.group(2)
    return out


# months_since ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "today", "months"),
    [
        (D(2025, 10, 15), D(2026, 11, 14), 12),
        (D(2025, 10, 15), D(2026, 11, 15), 13),
        (D(2025, 10, 15), D(2025, 10, 15), 0),  # same day
        (D(2025, 10, 15), D(2025, 11, 14), 0),
        (D(2025, 10, 15), D(2025, 11, 15), 1),
        (D(2025, 10, 15), D(2024, 1, 1), 0),  # a first filing in the future
        (D(2025, 10, 15), D(2025, 10, 1), 0),
        # end of month: 31 January + 1 month is the last day of February
        (D(2025, 1, 31), D(2025, 2, 27), 0),
        (D(2025, 1, 31), D(2025, 2, 28), 1),
        (D(2024, 1, 31), D(2024, 2, 29), 1),
        (D(2025, 1, 31), D(2025, 3, 30), 1),
        (D(2025, 1, 31), D(2025, 3, 31), 2),
        (D(2025, 3, 31), D(2025, 4, 30), 1),
        # 29 February: its anniversary in a common year is 28 February
        (D(2024, 2, 29), D(2025, 2, 27), 11),
        (D(2024, 2, 29), D(2025, 2, 28), 12),
        (D(2024, 2, 29), D(2028, 2, 29), 48),
        (D(2024, 2, 29), D(2024, 3, 28), 0),
        (D(2024, 2, 29), D(2024, 3, 29), 1),
        (D(2023, 12, 31), D(2024, 12, 31), 12),
    ],
)
def test_months_since(filed: dt.date, today: dt.date, months: int) -> None:
    assert sn.months_since(filed, today) == months


def test_months_since_agrees_with_add_months_every_day_of_a_leap_year() -> None:
    filed = D(2024, 1, 31)
    for offset in range(0, 800):
        today = filed + dt.timedelta(days=offset)
        n = sn.months_since(filed, today)
        assert add_months(filed, n) <= today < add_months(filed, n + 1)


# the shipped table -----------------------------------------------------------------------------


@pytest.mark.parametrize("dep", REQUIRED)
def test_every_listed_departement_has_a_delay(dep: str) -> None:
    delay = sn.abnormal_delay(dep)
    assert delay is not None and delay.departement == dep and delay.months > 0
    assert dep in sn.shipped_departements()


def test_shipped_departements_are_real_insee_codes() -> None:
    text = _csv_text("departements.csv")
    codes = {
        r["code"] for r in csv.DictReader(x for x in text.splitlines() if not x.startswith("#"))
    }
    assert set(sn.shipped_departements()) <= codes
    assert sn.shipped_departements() == sorted(set(sn.shipped_departements()))


def test_rows_are_well_formed() -> None:
    rows = _rows()
    assert rows
    seen: set[tuple[str, str]] = set()
    for r in rows:
        assert int(r["months"]) > 0, r
        assert r["typology"] in ("", *sn.TYPOLOGIES), r
        key = (r["departement"], r["typology"])
        assert key not in seen, f"duplicate row {key}"
        seen.add(key)
    by_dep: dict[str, set[str]] = {}
    for dep, typ in seen:
        by_dep.setdefault(dep, set()).add(typ)
    for dep, typs in by_dep.items():
        # either one row for every size, or one row per typology covering all seven
        assert typs == {""} or typs == set(sn.TYPOLOGIES), (dep, typs)


def test_every_source_code_is_defined_in_the_header() -> None:
    defined = _defined_sources()
    used = {r["source"] for r in _rows()}
    assert used <= set(defined), used - set(defined)
    assert set(defined) <= used, "a source is defined but never used"


def test_confirmed_follows_the_unconfirmed_mark_of_the_source() -> None:
    defined = _defined_sources()
    for dep in sn.shipped_departements():
        delay = sn.abnormal_delay(dep)
        assert delay is not None
        assert delay.confirmed is not defined[delay.source].startswith("(unconfirmed)")
    orne = sn.abnormal_delay("61")
    assert orne is not None and orne.confirmed and orne.source == "AP61"
    bdr = sn.abnormal_delay("13")
    assert bdr is not None and not bdr.confirmed


# lookups ---------------------------------------------------------------------------------------


def test_orne_is_thirteen_months_for_every_size() -> None:
    assert sn.abnormal_delay("61") == sn.AbnormalDelay("61", 13, None, "AP61", True)
    # a typology does not matter where the department fixes one delay for all sizes
    assert sn.abnormal_delay("61", "T4") == sn.abnormal_delay("61")


@pytest.mark.parametrize(
    ("typology", "months"),
    [("studio", 72), ("T1", 72), ("t2", 108), ("T3", 108), ("T4", 120), ("T6", 120)],
)
def test_paris_varies_by_size(typology: str, months: int) -> None:
    delay = sn.abnormal_delay("75", typology)
    assert delay is not None
    assert delay.months == months
    assert delay.typology == ("studio" if typology == "studio" else typology.upper())


def test_without_typology_the_smallest_dwelling_row_is_returned() -> None:
    paris = sn.abnormal_delay("75")
    assert paris is not None and (paris.typology, paris.months) == ("studio", 72)
    # in Ille-et-Vilaine the smallest dwelling is not the shortest delay: still the smallest
    rennes = sn.abnormal_delay("35")
    assert rennes is not None and (rennes.typology, rennes.months) == ("studio", 30)
    big = sn.abnormal_delay("35", "T5")
    assert big is not None and big.months == 24


@pytest.mark.parametrize("code", ["01", "1", "2A", "971", "99", "", "75000"])
def test_unknown_departement_gives_none(code: str) -> None:
    assert sn.abnormal_delay(code) is None
    assert sn.abnormal_delay(code, "T2") is None


def test_one_digit_codes_are_padded() -> None:
    assert sn._norm_departement("6") == "06"
    assert sn._norm_departement(" 2a ") == "2A"
    assert sn._norm_departement("971") == "971"


def test_unknown_typology_is_an_error() -> None:
    with pytest.raises(ValueError):
        sn.abnormal_delay("75", "T9")


def test_overrides_from_configuration_win() -> None:
    delay = sn.abnormal_delay("13", overrides={"13": 30})
    assert delay == sn.AbnormalDelay("13", 30, None, sn.CONFIG_SOURCE, True)
    assert sn.abnormal_delay("75", "T3", overrides={"13": 30}) == sn.abnormal_delay("75", "T3")
    assert sn.abnormal_delay("01", overrides={"1": 18}) == sn.AbnormalDelay(
        "01", 18, None, sn.CONFIG_SOURCE, True
    )
    with pytest.raises(ValueError):
        sn.abnormal_delay("13", overrides={"13": 0})


# seniority -------------------------------------------------------------------------------------


def test_orne_the_day_before_the_delay() -> None:
    s = sn.seniority(D(2024, 1, 15), D(2025, 2, 14), "61")
    assert s.since == D(2024, 1, 15)
    assert s.months == 12
    assert s.delay is not None and s.delay.months == 13
    assert not s.passed
    assert s.passed_on == D(2025, 2, 15)


def test_orne_on_the_day_and_after() -> None:
    on = sn.seniority(D(2024, 1, 15), D(2025, 2, 15), "61")
    assert on.months == 13 and on.passed and on.passed_on == D(2025, 2, 15)
    later = sn.seniority(D(2024, 1, 15), D(2026, 6, 1), "61")
    assert later.months == 28 and later.passed and later.passed_on == D(2025, 2, 15)


def test_orne_end_of_month_filing() -> None:
    # 31 January 2024 + 13 months = 28 February 2025 (clamped)
    before = sn.seniority(D(2024, 1, 31), D(2025, 2, 27), "61")
    assert not before.passed and before.months == 12 and before.passed_on == D(2025, 2, 28)
    on = sn.seniority(D(2024, 1, 31), D(2025, 2, 28), "61")
    assert on.passed and on.months == 13


def test_passed_agrees_with_months_every_day() -> None:
    filed = D(2024, 2, 29)
    for offset in range(0, 600):
        today = filed + dt.timedelta(days=offset)
        s = sn.seniority(filed, today, "61")
        assert s.passed == (s.months >= 13) == (s.passed_on is not None and today >= s.passed_on)


def test_seniority_uses_the_typology() -> None:
    filed = D(2018, 3, 1)
    studio = sn.seniority(filed, D(2024, 3, 1), "75", "studio")
    assert studio.passed and studio.passed_on == D(2024, 3, 1)
    t3 = sn.seniority(filed, D(2024, 3, 1), "75", "T3")
    assert not t3.passed and t3.passed_on == D(2027, 3, 1)


def test_seniority_without_a_known_delay() -> None:
    s = sn.seniority(D(2020, 5, 10), D(2025, 5, 10), "01")
    assert s == sn.Seniority(D(2020, 5, 10), 60, None, False, None)


def test_future_filing_has_zero_months_and_is_not_passed() -> None:
    s = sn.seniority(D(2026, 1, 1), D(2025, 1, 1), "61")
    assert s.months == 0 and not s.passed and s.passed_on == D(2027, 2, 1)
